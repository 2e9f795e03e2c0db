package io.simdgrad.simd;

/**
 * 2-D convolution on row-major {@code float} blocks (NCHW input, [oc, c/groups, kh, kw] weight)
 * as im2col and the packed GEMM ({@link FloatGemm}): per block of images and group, the input
 * patches are laid out as a {@code [cg*kh*kw, images*oh*ow]} matrix (im2col; skipped for one image
 * of a 1 x 1 kernel of stride 1 without padding, whose input already is that matrix) and
 * multiplied by the weight. The two gradients are the same GEMMs transposed: the input's is
 * {@code Wᵀ · gy} scattered back by col2im (a transposed convolution), the weight's
 * {@code gy · colᵀ}. Small layers put several images side by side in one product (see
 * {@link #imagesPerBlock}); the window rows are moved by whole and masked vectors
 * ({@link FloatLayoutKernels#rows}), not a call per row. For stride 1 the input gradient's col2im
 * is a sum per input element in registers ({@link FloatLayoutKernels#col2imSum}: the walk's terms
 * in the walk's order, so the same bits).
 *
 * <p>Threads: with at least two (block, group) items per thread the items are shared out, each
 * running its GEMM on one thread with its own column buffer; otherwise the items run in turn
 * and each GEMM splits itself. The weight gradient sums the blocks in at most {@value #CHUNKS}
 * fixed chunks (by the block count, not the thread count) added in order, and the blocks depend
 * on the geometry alone, so no result depends on the thread count. Column buffers are per
 * thread and reused.
 */
public final class FloatConv {
    /** The weight gradient's chunks of column blocks: enough to share over the threads of a small machine. */
    static final int CHUNKS = 8;
    /** Floats of im2col columns per product (see {@link #imagesPerBlock}). */
    static final long BLOCK_FLOATS = 1 << 17;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

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
        forward(g, imagesPerBlock(g), x, xo, w, wo, y, yo);
    }

    /** {@link #forward} on blocks of (at most) {@code per} images. */
    static void forward(ConvGeometry g, int per, float[] x, int xo, float[] w, int wo, float[] y, int yo) {
        int blocks = blocks(g, per);
        run(blocks * g.groups, 2L * g.ocg * g.kk * g.ohw * Math.min(per, g.n), (item, parallelGemm) -> {
            int b0 = item / g.groups * per, images = Math.min(per, g.n - b0), gi = item % g.groups, width = images * g.ohw;
            int xoff = xo + (b0 * g.c + gi * g.cg) * g.hw, yoff = yo + (b0 * g.oc + gi * g.ocg) * g.ohw;
            int woff = wo + gi * g.ocg * g.kk;
            Operand col = columns(g, x, xoff, images);
            if (images == 1) {
                gemm(parallelGemm, false, false, g.ocg, width, g.kk, w, woff, g.kk, col.a, col.off, col.ld, (float) 0, y, yoff, g.ohw);
                return;
            }
            // several images side by side: one product, then each image's rows to its place in y
            float[] out = scratch(2, g.ocg * width);
            gemm(parallelGemm, false, false, g.ocg, width, g.kk, w, woff, g.kk, col.a, col.off, col.ld, (float) 0, out, 0, width);
            moveRows(g, out, width, y, yoff, images, false);
        });
    }

    /**
     * The gradient of {@link #forward} with respect to x, given the output's gradient gy: the
     * transposed convolution {@code gx = convᵀ(gy, w)}, col2im of {@code Wᵀ gy}. Writes all of gx.
     */
    public static void backwardInput(ConvGeometry g, float[] gy, int gyo, float[] w, int wo, float[] gx, int gxo) {
        check("conv backwardInput", g, gx.length, gxo, w.length, wo, gy.length, gyo);
        backwardInput(g, imagesPerBlock(g), gy, gyo, w, wo, gx, gxo);
    }

    /** {@link #backwardInput} on blocks of (at most) {@code per} images. */
    static void backwardInput(ConvGeometry g, int per, float[] gy, int gyo, float[] w, int wo, float[] gx, int gxo) {
        int blocks = blocks(g, per);
        run(blocks * g.groups, 2L * g.ocg * g.kk * g.ohw * Math.min(per, g.n), (item, parallelGemm) -> {
            int b0 = item / g.groups * per, images = Math.min(per, g.n - b0), gi = item % g.groups, width = images * g.ohw;
            int xoff = gxo + (b0 * g.c + gi * g.cg) * g.hw, yoff = gyo + (b0 * g.oc + gi * g.ocg) * g.ohw;
            int woff = wo + gi * g.ocg * g.kk;
            Operand dy = outputRows(g, gy, yoff, images);
            if (images == 1 && identity(g)) {
                gemm(parallelGemm, true, false, g.kk, width, g.ocg, w, woff, g.kk, dy.a, dy.off, dy.ld, (float) 0, gx, xoff, g.ohw);
                return;
            }
            // stride 1: col2imSum's shifted reads stay inside col with front slack (kw-1)·dw and back slack w + pw
            boolean sum = g.sh == 1 && g.sw == 1;
            int front = sum ? (g.kw - 1) * g.dw : 0, back = sum ? g.w + g.pw : 0;
            float[] col = scratch(0, g.kk * width + front + back);
            gemm(parallelGemm, true, false, g.kk, width, g.ocg, w, woff, g.kk, dy.a, dy.off, dy.ld, (float) 0, col, front, width);
            if (sum) {
                for (int b = 0; b < images; b++) {
                    for (int ci = 0; ci < g.cg; ci++) {
                        FloatLayout.IMPL.col2imSum(col, front + ci * g.kh * g.kw * width + b * g.ohw, width, gx, xoff + (b * g.c + ci) * g.hw,
                                g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.ph, g.pw, g.dh, g.dw);
                    }
                }
                return;
            }
            for (int b = 0; b < images; b++) {
                int off = xoff + b * g.c * g.hw;
                java.util.Arrays.fill(gx, off, off + g.cg * g.hw, (float) 0);
            }
            walkBlock(g, gx, xoff, col, width, images, false);
        });
    }

    /**
     * The gradient of {@link #forward} with respect to w, given the output's gradient gy:
     * {@code gw[o, ci, p, q] = sum_{b, i, j} gy[b, o, i, j] x[b, g*cg + ci, i*sh - ph + p*dh, ...]}.
     * Writes all of gw's {@code oc*cg*kh*kw} block.
     */
    public static void backwardWeight(ConvGeometry g, float[] x, int xo, float[] gy, int gyo, float[] gw, int gwo) {
        check("conv backwardWeight", g, x.length, xo, gw.length, gwo, gy.length, gyo);
        backwardWeight(g, imagesPerBlock(g), x, xo, gy, gyo, gw, gwo);
    }

    /** {@link #backwardWeight} on blocks of (at most) {@code per} images. */
    static void backwardWeight(ConvGeometry g, int per, float[] x, int xo, float[] gy, int gyo, float[] gw, int gwo) {
        int wsize = g.weightSize();
        if (g.n == 0) {
            java.util.Arrays.fill(gw, gwo, gwo + wsize, (float) 0);
            return;
        }
        int blocks = blocks(g, per);
        int chunks = Math.max(1, Math.min(blocks, CHUNKS));
        float[] partial = chunks == 1 ? gw : scratch(1, chunks * wsize);
        int pbase = chunks == 1 ? gwo : 0;
        long flopsPerItem = 2L * g.ocg * g.kk * g.ohw * Math.min(per, g.n) * ((blocks + chunks - 1) / chunks);
        run(chunks * g.groups, flopsPerItem, (item, parallelGemm) -> {
            int ch = item / g.groups, gi = item % g.groups;
            int t0 = (int) ((long) blocks * ch / chunks), t1 = (int) ((long) blocks * (ch + 1) / chunks);
            int poff = pbase + ch * wsize + gi * g.ocg * g.kk;
            for (int t = t0; t < t1; t++) {
                int b0 = t * per, images = Math.min(per, g.n - b0), width = images * g.ohw;
                int xoff = xo + (b0 * g.c + gi * g.cg) * g.hw, yoff = gyo + (b0 * g.oc + gi * g.ocg) * g.ohw;
                Operand dy = outputRows(g, gy, yoff, images), col = columns(g, x, xoff, images);
                gemm(parallelGemm, false, true, g.ocg, g.kk, width, dy.a, dy.off, dy.ld, col.a, col.off, col.ld,
                        t == t0 ? (float) 0 : (float) 1, partial, poff, g.kk);
            }
        });
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
        for (int b = 0; b < g.n; b++) walk(g, g.c, x, xo + b * g.c * g.hw, col, co + b * rows * g.ohw, g.ohw, true);
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
        for (int b = 0; b < g.n; b++) walk(g, g.c, x, xo + b * g.c * g.hw, col, co + b * rows * g.ohw, g.ohw, false);
    }

    // ------------------------------------------------------------------ inside

    /** A 1 x 1 kernel of stride 1 without padding: the image is its own column matrix. */
    private static boolean identity(ConvGeometry g) {
        return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0;
    }

    /**
     * Images per product, by the geometry alone (never by the thread count, so no result depends
     * on it): as many as keep the product's columns within about {@value #BLOCK_FLOATS} floats
     * (so they stay in L2 between im2col and the GEMM's packing), at least one. Small layers then
     * run one product over several images instead of one below the GEMM's packing threshold per
     * image (LeNet's first layer: m = 6, k = 25).
     */
    static int imagesPerBlock(ConvGeometry g) {
        return (int) Math.max(1, Math.min(g.n, BLOCK_FLOATS / ((long) g.kk * g.ohw)));
    }

    /** Blocks of per images over the batch. */
    private static int blocks(ConvGeometry g, int per) {
        if (per < 1) throw new IllegalArgumentException("conv: images per block must be >= 1, got " + per);
        return (g.n + per - 1) / per;
    }

    /**
     * im2col (toCol) or col2im of a block of images side by side, the group's cg channels: image b
     * from {@code xo + b*c*hw}, its columns from {@code b*ohw} of rows ldcol apart.
     */
    private static void walkBlock(ConvGeometry g, float[] x, int xo, float[] col, int ldcol, int images, boolean toCol) {
        for (int b = 0; b < images; b++) walk(g, g.cg, x, xo + b * g.c * g.hw, col, b * g.ohw, ldcol, toCol);
    }

    /** A matrix operand: element (r, j) at {@code a[off + r*ld + j]}. */
    private record Operand(float[] a, int off, int ld) {}

    /**
     * The column matrix {@code [kk, images*ohw]} of a block of images from xo: the image itself
     * for one image of an identity kernel, else im2col into this thread's scratch 0.
     */
    private static Operand columns(ConvGeometry g, float[] x, int xo, int images) {
        if (images == 1 && identity(g)) return new Operand(x, xo, g.ohw);
        int width = images * g.ohw;
        float[] col = scratch(0, g.kk * width);
        walkBlock(g, x, xo, col, width, images, true);
        return new Operand(col, 0, width);
    }

    /**
     * The group's output rows {@code [ocg, images*ohw]} of a block of images of an [n, oc, ohw]
     * tensor at off: the tensor itself for one image, else gathered into this thread's scratch 2.
     */
    private static Operand outputRows(ConvGeometry g, float[] t, int off, int images) {
        if (images == 1) return new Operand(t, off, g.ohw);
        int width = images * g.ohw;
        float[] rows = scratch(2, g.ocg * width);
        moveRows(g, rows, width, t, off, images, true);
        return new Operand(rows, 0, width);
    }

    /**
     * Copies the ocg output-channel rows of images [0, images) between a block's product
     * {@code blk[o, b*ohw + j]} (rows ld apart) and their places in an [n, oc, ohw] tensor at off;
     * toBlock gathers, else scatters.
     */
    private static void moveRows(ConvGeometry g, float[] blk, int ld, float[] t, int off, int images, boolean toBlock) {
        for (int b = 0; b < images; b++) {
            for (int o = 0; o < g.ocg; o++) {
                int ti = off + (b * g.oc + o) * g.ohw, bi = o * ld + b * g.ohw;
                if (toBlock) System.arraycopy(t, ti, blk, bi, g.ohw);
                else System.arraycopy(blk, bi, t, ti, g.ohw);
            }
        }
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

    /**
     * The one walk over the windows of im2col and col2im, for one image: column row (c, p, q) at
     * {@code co + row*ldcol} holds the image's output pixels; the output rows [i0, i1) and
     * columns [j0, j1) whose input lies inside the image form one window of the input, which
     * toCol copies (zeros elsewhere), else adds back into x.
     */
    private static void walk(ConvGeometry g, int channels, float[] x, int xo, float[] col, int co, int ldcol, boolean toCol) {
        int ow = g.ow, sw = g.sw, w = g.w, ohw = g.ohw;
        for (int ci = 0; ci < channels; ci++) {
            for (int p = 0; p < g.kh; p++) {
                int poff = p * g.dh;
                int i0 = Math.min(g.oh, firstInside(g.sh, g.ph, poff)), i1 = Math.max(i0, endInside(g.sh, g.ph, poff, g.h, g.oh));
                for (int q = 0; q < g.kw; q++) {
                    int row = co + ((ci * g.kh + p) * g.kw + q) * ldcol;
                    int qoff = q * g.dw;
                    int j0 = Math.min(ow, firstInside(sw, g.pw, qoff)), j1 = Math.max(j0, endInside(sw, g.pw, qoff, w, ow));
                    if (toCol) {
                        // zeros where the window leaves the image: whole rows, or all of it when columns are cut
                        if (j0 > 0 || j1 < ow) {
                            java.util.Arrays.fill(col, row, row + ohw, (float) 0);
                        } else {
                            java.util.Arrays.fill(col, row, row + i0 * ow, (float) 0);
                            java.util.Arrays.fill(col, row + i1 * ow, row + ohw, (float) 0);
                        }
                    }
                    if (i1 == i0 || j1 == j0) continue;
                    // input (i*sh - ph + p*dh, j*sw - pw + q*dw) of output (i, j)
                    int src = xo + (ci * g.h + i0 * g.sh - g.ph + poff) * w + j0 * sw - g.pw + qoff;
                    int dst = row + i0 * ow + j0;
                    if (sw == 1) {
                        if (toCol) FloatLayout.IMPL.rows(false, x, src, g.sh * w, col, dst, ow, i1 - i0, j1 - j0);
                        else FloatLayout.IMPL.rows(true, col, dst, ow, x, src, g.sh * w, i1 - i0, j1 - j0);
                        continue;
                    }
                    for (int i = i0; i < i1; i++) {
                        int s = src + (i - i0) * g.sh * w, d = dst + (i - i0) * ow;
                        if (toCol) for (int j = 0; j < j1 - j0; j++) col[d + j] = x[s + j * sw];
                        else for (int j = 0; j < j1 - j0; j++) x[s + j * sw] += col[d + j];
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
