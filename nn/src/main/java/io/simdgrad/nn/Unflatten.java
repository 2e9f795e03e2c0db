package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.Shapes;

/** Splits dim {@code dim} into {@code sizes}, PyTorch's {@code nn.Unflatten(dim, unflattened_size)} (e.g. [N, 784] to [N, 1, 28, 28]). */
public final class Unflatten extends Module {
    private final int dim;
    private final int[] sizes;

    /** Splits {@code dim} (negative counts from the end) into {@code sizes}, whose product must be its size. */
    public Unflatten(int dim, int... sizes) {
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    @Override
    public Variable forward(Variable x) {
        int[] s = x.shape();
        int d = Shapes.dim("unflatten", dim, s.length);
        if (Shapes.numel(sizes) != s[d]) {
            throw new IllegalArgumentException("unflatten: Provided sizes " + Shapes.str(sizes) + " don't multiply up to the size of dim " + dim + " ("
                    + s[d] + ") in the input tensor");
        }
        int[] out = new int[s.length - 1 + sizes.length];
        System.arraycopy(s, 0, out, 0, d);
        System.arraycopy(sizes, 0, out, d, sizes.length);
        System.arraycopy(s, d + 1, out, d + sizes.length, s.length - d - 1);
        return x.reshape(out);
    }

    @Override
    public String extraRepr() {
        return "dim=" + dim + ", unflattened_size=" + Repr.tuple(sizes);
    }
}
