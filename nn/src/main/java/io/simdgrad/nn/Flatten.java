package io.simdgrad.nn;

import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.Shapes;

/** Flattens dims {@code startDim..endDim} into one, PyTorch's {@code nn.Flatten(start_dim=1, end_dim=-1)}. */
public final class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** {@code Flatten(1, -1)}: keeps the batch dim. */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens {@code startDim..endDim} (negative dims count from the end). */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Variable forward(Variable x) {
        int[] s = x.shape();
        int r = Math.max(s.length, 1);
        int a = Shapes.dim("flatten", startDim, r), b = Shapes.dim("flatten", endDim, r);
        if (a > b) throw new IllegalArgumentException("flatten() has invalid args: start_dim cannot come after end_dim (start_dim=" + startDim + ", end_dim=" + endDim + ")");
        if (s.length == 0) return x.reshape(1);
        int[] out = new int[s.length - (b - a)];
        int k = 0;
        for (int i = 0; i < a; i++) out[k++] = s[i];
        long n = 1;
        for (int i = a; i <= b; i++) n *= s[i];
        out[k++] = (int) n; // fits: a product of this tensor's own sizes
        for (int i = b + 1; i < s.length; i++) out[k++] = s[i];
        return x.reshape(out);
    }

    @Override
    public String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
