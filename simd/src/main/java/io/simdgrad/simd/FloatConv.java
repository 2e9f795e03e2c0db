package io.simdgrad.simd;

/**
 * 2-D convolution on row-major {@code float} blocks (NCHW input, [oc, c/groups, kh, kw] weight)
 * as im2col and the packed GEMM ({@link FloatGemm}): per image and group, the input patches are
 * laid out as a {@code [cg*kh*kw, oh*ow]} matrix (im2col; skipped for a 1 x 1 kernel of stride 1
 * without padding, whose input already is that matrix) and multiplied by the weight. The two
 * gradients are the same GEMMs transposed: the input's is {@code Wᵀ · gy} scattered back by
 * col2im (a transposed convolution), the weight's {@code gy · colᵀ}.
 *
 * <p>Threads: with at least two (image, group) items per thread the items are shared out, each
 * running its GEMM on one thread with its own column buffer; otherwise the items run in turn
 * and each GEMM splits itself. The weight gradient sums the batch in at most {@value #CHUNKS}
 * fixed chunks (by batch size, not thread count) added in order, so no result depends on the
 * thread count. Column buffers are per thread and reused.
 */
public final class FloatConv {
    /** The weight gradient's batch chunks: enough to share over the threads of a small machine. */
    static final int CHUNKS = 8;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private FloatConv() {}

    /** This thread's scratch buffer {@code slot} of at least n elements (contents undefined). */
    private static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) s[slot] = new float[n];
        return s[slot];
    }

    /**
     * {@code y = conv(x, w)}: {@code y[b, o, i, j] = sum_{ci, p, q} w[o, ci, p, q] x[b, g*cg + ci,
     * i*sh - ph + p*dh, j*sw - pw + q*dw]} over the group g of o (zero outside the input). Writes
     * all of y's {@code n*oc*oh*ow} block.
     */
    public static void forward(ConvGeometry g, float[] x, int xo, float[] w, int wo, float[] y, int yo) {
        check("conv forward", g, x.length, xo, w.length, wo, y.length, yo);
        items(g, 2L * g.ocg * g.kk * g.ohw, (item, parallelGemm) -> {
            int b = item / g.groups, gi = item % g.groups;
            int xoff = xo + (b * g.c + gi * g.cg) * g.hw;
            float[] col = x;
            int coff = xoff;
            if (!identity(g)) {
                col = scratch(0, g.kk * g.ohw);
                coff = 0;
                im2colImage(g, g.cg, x, xoff, col, 0);
            }
            gemm(parallelGemm, false, false, g.ocg, g.ohw, g.kk, w, wo + gi * g.ocg * g.kk, g.kk, col, coff, g.ohw,
                    (float) 0, y, yo + (b * g.oc + gi * g.ocg) * g.ohw, g.ohw);
        });
    }

    /**
     * The gradient of {@link #forward} with respect to x, given the output's gradient gy: the
     * transposed convolution {@code gx = convᵀ(gy, w)}, col2im of {@code Wᵀ gy}. Writes all of gx.
     */
    public static void backwardInput(ConvGeometry g, float[] gy, int gyo, float[] w, int wo, float[] gx, int gxo) {
        check("conv backwardInput", g, gx.length, gxo, w.length, wo, gy.length, gyo);
        items(g, 2L * g.ocg * g.kk * g.ohw, (item, parallelGemm) -> {
            int b = item / g.groups, gi = item % g.groups;
            int xoff = gxo + (b * g.c + gi * g.cg) * g.hw;
            int woff = wo + gi * g.ocg * g.kk, yoff = gyo + (b * g.oc + gi * g.ocg) * g.ohw;
            if (identity(g)) {
                gemm(parallelGemm, true, false, g.kk, g.ohw, g.ocg, w, woff, g.kk, gy, yoff, g.ohw, (float) 0, gx, xoff, g.ohw);
                return;
            }
            float[] col = scratch(0, g.kk * g.ohw);
            gemm(parallelGemm, true, false, g.kk, g.ohw, g.ocg, w, woff, g.kk, gy, yoff, g.ohw, (float) 0, col, 0, g.ohw);
            java.util.Arrays.fill(gx, xoff, xoff + g.cg * g.hw, (float) 0);
            col2imImage(g, g.cg, col, 0, gx, xoff);
        });
    }

    /**
     * The gradient of {@link #forward} with respect to w, given the output's gradient gy:
     * {@code gw[o, ci, p, q] = sum_{b, i, j} gy[b, o, i, j] x[b, g*cg + ci, i*sh - ph + p*dh, ...]}.
     * Writes all of gw's {@code oc*cg*kh*kw} block.
     */
    public static void backwardWeight(ConvGeometry g, float[] x, int xo, float[] gy, int gyo, float[] gw, int gwo) {
        check("conv backwardWeight", g, x.length, xo, gw.length, gwo, gy.length, gyo);
        int chunks = Math.max(1, Math.min(g.n, CHUNKS));
        int wsize = g.weightSize();
        float[] partial = chunks == 1 ? gw : scratch(1, chunks * wsize);
        int pbase = chunks == 1 ? gwo : 0;
        if (g.n == 0) {
            java.util.Arrays.fill(gw, gwo, gwo + wsize, (float) 0);
            return;
        }
        int items = chunks * g.groups;
        long flopsPerItem = 2L * g.ocg * g.kk * g.ohw * ((g.n + chunks - 1) / chunks);
        Pair body = (item, parallelGemm) -> {
            int ch = item / g.groups, gi = item % g.groups;
            int b0 = (int) ((long) g.n * ch / chunks), b1 = (int) ((long) g.n * (ch + 1) / chunks);
            int poff = pbase + ch * wsize + gi * g.ocg * g.kk;
            float[] col = identity(g) ? null : scratch(0, g.kk * g.ohw);
            for (int b = b0; b < b1; b++) {
                int xoff = xo + (b * g.c + gi * g.cg) * g.hw, yoff = gyo + (b * g.oc + gi * g.ocg) * g.ohw;
                float[] a = x;
                int aoff = xoff;
                if (col != null) {
                    im2colImage(g, g.cg, x, xoff, col, 0);
                    a = col;
                    aoff = 0;
                }
                gemm(parallelGemm, false, true, g.ocg, g.kk, g.ohw, gy, yoff, g.ohw, a, aoff, g.ohw,
                        b == b0 ? (float) 0 : (float) 1, partial, poff, g.kk);
            }
        };
        run(items, flopsPerItem, body);
        if (chunks > 1) {
            System.arraycopy(partial, 0, gw, gwo, wsize);
            for (int ch = 1; ch < chunks; ch++) FloatElementwise.axpy((float) 1, partial, ch * wsize, gw, gwo, wsize);
        }
    }

    /**
     * im2col of a batch: {@code col[b, (ci*kh + p)*kw + q, i*ow + j] = x[b, ci, i*sh - ph + p*dh, j*sw - pw + q*dw]}
     * (0 outside the input), for all c channels (groups ignored), PyTorch's {@code unfold}.
     * Writes all of col's {@code n * c*kh*kw * oh*ow} block.
     */
    public static void im2col(ConvGeometry g, float[] x, int xo, float[] col, int co) {
        int rows = g.c * g.kh * g.kw;
        Checks.range("im2col", "x", x.length, xo, g.inputSize());
        Checks.range("im2col", "col", col.length, co, Math.multiplyExact(Math.multiplyExact(g.n, rows), g.ohw));
        for (int b = 0; b < g.n; b++) im2colImage(g, g.c, x, xo + b * g.c * g.hw, col, co + b * rows * g.ohw);
    }

    /**
     * col2im of a batch, the adjoint of {@link #im2col} (PyTorch's {@code fold}): x is zeroed, then
     * every column element is added to the input element it was taken from. Writes all of x.
     */
    public static void col2im(ConvGeometry g, float[] col, int co, float[] x, int xo) {
        int rows = g.c * g.kh * g.kw;
        Checks.range("col2im", "x", x.length, xo, g.inputSize());
        Checks.range("col2im", "col", col.length, co, Math.multiplyExact(Math.multiplyExact(g.n, rows), g.ohw));
        java.util.Arrays.fill(x, xo, xo + g.inputSize(), (float) 0);
        for (int b = 0; b < g.n; b++) col2imImage(g, g.c, col, co + b * rows * g.ohw, x, xo + b * g.c * g.hw);
    }

    // ------------------------------------------------------------------ inside

    /** A 1 x 1 kernel of stride 1 without padding: the image is its own column matrix. */
    private static boolean identity(ConvGeometry g) {
        return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0;
    }

    /** The first output column j whose input column {@code j*s - pad + off} is at least 0. */
    private static int firstInside(int s, int pad, int off) {
        int need = pad - off; // j*s >= need
        return need <= 0 ? 0 : (need + s - 1) / s;
    }

    /** One past the last output column j (of out) whose input column is below size. */
    private static int endInside(int s, int pad, int off, int size, int out) {
        long need = (long) size - 1 + pad - off; // j*s <= need
        if (need < 0) return 0;
        return (int) Math.min(out, need / s + 1);
    }

    private static void im2colImage(ConvGeometry g, int channels, float[] x, int xo, float[] col, int co) {
        walk(g, channels, x, xo, col, co, true);
    }

    /** Adds each column element into the input element im2col took it from. */
    private static void col2imImage(ConvGeometry g, int channels, float[] col, int co, float[] x, int xo) {
        walk(g, channels, x, xo, col, co, false);
    }

    /**
     * The one walk over the windows of im2col and col2im: for each column row (c, p, q) and
     * output row i, the output columns [j0, j1) whose input lies inside the image; toCol copies
     * them (zeros elsewhere), else adds them back into x.
     */
    private static void walk(ConvGeometry g, int channels, float[] x, int xo, float[] col, int co, boolean toCol) {
        int ow = g.ow, sw = g.sw, w = g.w;
        for (int ci = 0; ci < channels; ci++) {
            for (int p = 0; p < g.kh; p++) {
                for (int q = 0; q < g.kw; q++) {
                    int row = co + ((ci * g.kh + p) * g.kw + q) * g.ohw;
                    int qoff = q * g.dw;
                    int j0 = Math.min(ow, firstInside(sw, g.pw, qoff)), j1 = Math.max(j0, endInside(sw, g.pw, qoff, w, ow));
                    for (int i = 0; i < g.oh; i++) {
                        int r = row + i * ow;
                        int iy = i * g.sh - g.ph + p * g.dh;
                        if (iy < 0 || iy >= g.h) {
                            if (toCol) java.util.Arrays.fill(col, r, r + ow, (float) 0);
                            continue;
                        }
                        int src = xo + (ci * g.h + iy) * w - g.pw + qoff;
                        if (toCol) {
                            if (j0 > 0) java.util.Arrays.fill(col, r, r + j0, (float) 0);
                            if (j1 < ow) java.util.Arrays.fill(col, r + j1, r + ow, (float) 0);
                        }
                        if (j1 == j0) continue;
                        if (sw == 1) {
                            if (toCol) System.arraycopy(x, src + j0, col, r + j0, j1 - j0);
                            else FloatElementwise.axpy((float) 1, col, r + j0, x, src + j0, j1 - j0);
                        } else if (toCol) {
                            for (int j = j0; j < j1; j++) col[r + j] = x[src + j * sw];
                        } else {
                            for (int j = j0; j < j1; j++) x[src + j * sw] += col[r + j];
                        }
                    }
                }
            }
        }
    }

    /** An (image, group) item; parallelGemm: whether its GEMM may split itself over threads. */
    @FunctionalInterface
    private interface Pair {
        void run(int item, boolean parallelGemm);
    }

    /** Runs the n*groups (image, group) items. */
    private static void items(ConvGeometry g, long flopsPerItem, Pair body) {
        run(g.n * g.groups, flopsPerItem, body);
    }

    private static void run(int items, long flopsPerItem, Pair body) {
        int parts = Parallel.parts(flopsPerItem * items, FloatGemm.PARALLEL_MIN_FLOPS);
        if (parts > 1 && items >= 2 * parts) {
            Parallel.dynamic(items, parts, i -> body.run(i, false));
        } else {
            for (int i = 0; i < items; i++) body.run(i, true);
        }
    }

    private static void gemm(boolean parallel, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (parallel) FloatGemm.run(transA, transB, m, n, k, (float) 1, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else FloatGemm.IMPL.gemm(transA, transB, m, n, k, (float) 1, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    private static void check(String kernel, ConvGeometry g, int xLength, int xo, int wLength, int wo, int yLength, int yo) {
        Checks.range(kernel, "input", xLength, xo, g.inputSize());
        Checks.range(kernel, "weight", wLength, wo, g.weightSize());
        Checks.range(kernel, "output", yLength, yo, g.outputSize());
    }
}
