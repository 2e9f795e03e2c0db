package io.simdgrad.core.func;

import io.simdgrad.core.Variable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * {@link Func#vmap}: the function applied to each batch element in turn, the results stacked.
 * Every op, every transform inside {@code f} and any Java control flow work unchanged, and the
 * result is by construction a loop of {@code f} (see docs/DESIGN.md, "Function transforms", for
 * why batching is not done per op).
 */
final class Batching {
    private Batching() {}

    static Variable map(Function<List<Variable>, Variable> f, List<Variable> xs, int[] inDims, int outDim) {
        if (xs == null) throw new NullPointerException("vmap: the list of inputs is null");
        if (inDims.length != xs.size()) {
            throw new IllegalArgumentException("vmap: in_dims is not compatible with the structure of `inputs`: " + inDims.length
                    + " in_dims for " + xs.size() + " inputs");
        }
        int size = -1, first = -1;
        int[] dims = new int[inDims.length];
        for (int i = 0; i < xs.size(); i++) {
            Variable x = xs.get(i);
            if (x == null) throw new NullPointerException("vmap: input " + i + " is null");
            if (inDims[i] == Func.NOT_BATCHED) {
                dims[i] = Func.NOT_BATCHED;
                continue;
            }
            int r = x.dim();
            if (inDims[i] < -r || inDims[i] >= r) {
                throw new IllegalArgumentException("vmap: Got in_dim=" + inDims[i] + " for input " + i + ", but input " + i
                        + " is a Tensor of dimensionality " + r + " (shape " + Arrays.toString(x.shape())
                        + ") so expected in_dim to satisfy -" + r + " <= in_dim < " + r + ".");
            }
            dims[i] = inDims[i] < 0 ? inDims[i] + r : inDims[i];
            int s = x.size(dims[i]);
            if (size < 0) {
                size = s;
                first = i;
            } else if (s != size) {
                throw new IllegalArgumentException("vmap: Expected all tensors to have the same size in the mapped dimension, got "
                        + "size " + size + " for input " + first + " and size " + s + " for input " + i);
            }
        }
        if (size < 0) throw new IllegalArgumentException("vmap: at least one input must be batched (every in_dim is NOT_BATCHED)");
        if (size == 0) throw new IllegalArgumentException("vmap: the mapped dimension has size 0; there is nothing to map over");
        List<Variable> outs = new ArrayList<>(size);
        int[] outShape = null;
        for (int b = 0; b < size; b++) {
            List<Variable> args = new ArrayList<>(xs.size());
            for (int i = 0; i < xs.size(); i++) args.add(dims[i] == Func.NOT_BATCHED ? xs.get(i) : xs.get(i).select(dims[i], b));
            Variable y = f.apply(Collections.unmodifiableList(args));
            if (y == null) throw new NullPointerException("vmap: f returned null for batch element " + b);
            if (outShape != null && !Arrays.equals(outShape, y.shape())) {
                throw new IllegalStateException("vmap: f returned shape " + Arrays.toString(y.shape()) + " for batch element " + b
                        + " but " + Arrays.toString(outShape) + " for element 0; every element's result must have one shape");
            }
            outShape = y.shape();
            outs.add(y);
        }
        int r = outShape.length + 1;
        if (outDim < -r || outDim >= r) {
            throw new IllegalArgumentException("vmap: out_dim=" + outDim + " is out of range for a result of " + r
                    + " dims (f's result has shape " + Arrays.toString(outShape) + ")");
        }
        return Variable.stack(outs, outDim);
    }
}
