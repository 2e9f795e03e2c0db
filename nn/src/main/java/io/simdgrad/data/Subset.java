package io.simdgrad.data;

import io.simdgrad.core.Tensor;
import java.util.List;

/** The samples {@code indices} of a dataset, PyTorch's {@code Subset}. */
public final class Subset implements Dataset {
    private final Dataset dataset;
    private final int[] indices;

    /** A view of {@code dataset} at {@code indices} (each in range). */
    public Subset(Dataset dataset, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= dataset.size()) throw new IndexOutOfBoundsException("Subset: index " + i + " is out of bounds for size " + dataset.size());
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    /** The indices into the underlying dataset, a copy. */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public List<Tensor> get(int index) {
        return dataset.get(indices[index]);
    }

    @Override
    public List<Tensor> batch(int[] idx) {
        int[] mapped = new int[idx.length];
        for (int i = 0; i < idx.length; i++) mapped[i] = indices[idx[i]];
        return dataset.batch(mapped);
    }
}
