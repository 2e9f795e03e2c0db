package io.simdgrad.nn;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;

/**
 * A lookup table of {@code numEmbeddings} rows of {@code embeddingDim}, PyTorch's
 * {@code nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)}: weight
 * {@code N(0, 1)} (the padding row zero, and it gets no gradient). {@link #forward} takes the
 * INT64 indices.
 */
public final class Embedding extends Module {
    /** No padding index. */
    public static final long NO_PADDING = io.simdgrad.core.ops.IndexOps.NO_SKIP;
    private final int numEmbeddings, embeddingDim;
    private final long paddingIdx;

    /** FLOAT32, no padding index, initialised from {@code gen}. */
    public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
        this(numEmbeddings, embeddingDim, NO_PADDING, DType.FLOAT32, gen);
    }

    /** The general form; {@code paddingIdx} may be negative (counting from the end) or {@link #NO_PADDING}. */
    public Embedding(int numEmbeddings, int embeddingDim, long paddingIdx, DType dtype, Generator gen) {
        if (numEmbeddings <= 0 || embeddingDim < 0) {
            throw new IllegalArgumentException("Embedding: num_embeddings must be positive and embedding_dim >= 0, got " + numEmbeddings + ", " + embeddingDim);
        }
        if (paddingIdx != NO_PADDING && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
            throw new IllegalArgumentException("Embedding: Padding_idx must be within num_embeddings (padding_idx " + paddingIdx + ", num_embeddings " + numEmbeddings + ")");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx == NO_PADDING || paddingIdx >= 0 ? paddingIdx : paddingIdx + numEmbeddings;
        registerParameter("weight", new Variable(Tensor.zeros(dtype, numEmbeddings, embeddingDim), true));
        resetParameters(gen);
    }

    /** PyTorch's {@code reset_parameters}: {@code N(0, 1)} from {@code gen}, the padding row zeroed. */
    public void resetParameters(Generator gen) {
        Variable w = param("weight");
        Init.normal(w, 0, 1, gen);
        if (paddingIdx != NO_PADDING) {
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                w.data().select(0, (int) paddingIdx).fillInPlace(0);
            }
        }
    }

    @Override
    public Variable forward(Variable indices) {
        return Functional.embedding(indices.data(), param("weight"), paddingIdx); // NO_PADDING is the op's "no skip"
    }

    @Override
    public String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == NO_PADDING ? "" : ", padding_idx=" + paddingIdx);
    }
}
