package io.simdgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API layer normalisation at {@link SimdSpecies#FLOAT}: one row at a time, every pass over
 * the row while it sits in L1 (a 512-wide f32 row and its gradient are 4 KiB). Forward: the sum,
 * the centred sum of squares, then {@code fma(xhat, w, b)}: one read of x and one write of y
 * from memory. Backward: the statistics again (two passes over the row in L1, cheaper than
 * saving and reloading them), one pass that forms {@code A}, {@code C} and adds into dw and db,
 * one that writes dx.
 *
 * <p>Row sums use four vector accumulators (the add latency of four cycles, one load per
 * cycle), combined in a fixed pairwise lane tree ({@code reduceLanes(ADD)} leaves the order
 * open and C2's differs from the interpreter's), then the last {@code cols mod L} elements in
 * scalar code with the same operations ({@link Math#fma} where the lanes fuse): the same bits in
 * every JIT tier and for every row split across threads.
 */
final class VectorFloatNorm implements FloatNormKernels {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();

    private static FloatVector v(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    /**
     * The L lanes stored in {@code tmp} added in a fixed pairwise tree (lane j gains lane j + h for
     * h = L/2, ..., 1), in scalar code: with {@code slice(h)} on the vector (as the softmax rows do)
     * the kernels ran 2.5x slower (1.5 ms against 0.59 for the forward of 2048 x 512), and the
     * caller stores the vector so that no vector is passed to a call C2 may not inline (it would be boxed).
     */
    private static float lanes(float[] tmp) {
        for (int h = L / 2; h >= 1; h /= 2) {
            for (int j = 0; j < h; j++) tmp[j] += tmp[j + h];
        }
        return tmp[0];
    }

    /** The mean of the row at {@code off}. */
    private static float mean(float[] x, int off, int cols, float[] tmp) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int c = 0, bound = S.loopBound(cols);
        for (int b4 = cols - cols % (4 * L); c < b4; c += 4 * L) {
            s0 = s0.add(v(x, off + c));
            s1 = s1.add(v(x, off + c + L));
            s2 = s2.add(v(x, off + c + 2 * L));
            s3 = s3.add(v(x, off + c + 3 * L));
        }
        for (; c < bound; c += L) s0 = s0.add(v(x, off + c));
        s0.add(s1).add(s2.add(s3)).intoArray(tmp, 0);
        float s = lanes(tmp);
        for (; c < cols; c++) s += x[off + c];
        return s / cols;
    }

    /** {@code 1 / sqrt(var + eps)} of the row at {@code off} with the given mean (the centred second pass). */
    private static float rstd(float[] x, int off, int cols, float mean, float eps, float[] tmp) {
        FloatVector m = FloatVector.broadcast(S, mean);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int c = 0, bound = S.loopBound(cols);
        for (int b4 = cols - cols % (4 * L); c < b4; c += 4 * L) {
            FloatVector d0 = v(x, off + c).sub(m), d1 = v(x, off + c + L).sub(m);
            FloatVector d2 = v(x, off + c + 2 * L).sub(m), d3 = v(x, off + c + 3 * L).sub(m);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (; c < bound; c += L) {
            FloatVector d = v(x, off + c).sub(m);
            s0 = d.fma(d, s0);
        }
        s0.add(s1).add(s2.add(s3)).intoArray(tmp, 0);
        float q = lanes(tmp);
        for (; c < cols; c++) {
            float d = x[off + c] - mean;
            q = Math.fma(d, d, q);
        }
        return (float) (1 / Math.sqrt(q / cols + eps));
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int cols, float[] w, int wOff, float[] b, int bOff, float eps,
                              float[] y, int yOff, float[] stats, int statsOff) {
        assert xOff >= 0 && rows >= 0 && cols >= 0 && yOff >= 0;
        int bound = S.loopBound(cols);
        float[] tmp = new float[L];
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols, yo = yOff + r * cols;
            float mean = mean(x, xo, cols, tmp), rstd = rstd(x, xo, cols, mean, eps, tmp);
            FloatVector vm = FloatVector.broadcast(S, mean), vr = FloatVector.broadcast(S, rstd);
            int c = 0;
            for (; c < bound; c += L) v(x, xo + c).sub(vm).mul(vr).fma(v(w, wOff + c), v(b, bOff + c)).intoArray(y, yo + c);
            for (; c < cols; c++) y[yo + c] = Math.fma((x[xo + c] - mean) * rstd, w[wOff + c], b[bOff + c]);
            if (stats != null) {
                stats[statsOff + 2 * r] = mean;
                stats[statsOff + 2 * r + 1] = rstd;
            }
        }
    }

    @Override
    public void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, int rows, int cols, float[] w, int wOff, float eps,
                                      float[] dx, int dxOff, float[] dw, int dwOff, float[] db, int dbOff) {
        assert gOff >= 0 && xOff >= 0 && rows >= 0 && cols >= 0 && dxOff >= 0 && dwOff >= 0 && dbOff >= 0;
        float[] tmp = new float[L];
        for (int r = 0; r < rows; r++) {
            int go = gOff + r * cols, xo = xOff + r * cols, o = dxOff + r * cols;
            float mean = mean(x, xo, cols, tmp), rstd = rstd(x, xo, cols, mean, eps, tmp);
            gradSums(g, go, x, xo, cols, w, wOff, mean, rstd, dw, dwOff, db, dbOff, tmp);
            dxRow(g, go, x, xo, cols, w, wOff, mean, rstd, tmp[0] / cols, tmp[1] / cols, dx, o);
        }
    }

    /**
     * Adds the row's {@code g xhat} into dw and g into db and leaves {@code sum g w} in tmp[0],
     * {@code sum g w xhat} in tmp[1]. Its own method (as is {@link #dxRow}): with all passes in
     * one body the backward ran 7x the forward for the same traffic (0.85 against 0.12 ms for
     * 2048 x 512 in a timing loop), the body past what C2 inlines and intrinsifies whole.
     */
    private static void gradSums(float[] g, int go, float[] x, int xo, int cols, float[] w, int wOff, float mean, float rstd,
                                 float[] dw, int dwOff, float[] db, int dbOff, float[] tmp) {
        FloatVector vm = FloatVector.broadcast(S, mean), vr = FloatVector.broadcast(S, rstd);
        FloatVector sa = FloatVector.zero(S), sc = sa;
        int c = 0, bound = S.loopBound(cols);
        for (; c < bound; c += L) {
            FloatVector xh = v(x, xo + c).sub(vm).mul(vr), gv = v(g, go + c), gw = gv.mul(v(w, wOff + c));
            sa = sa.add(gw);
            sc = gw.fma(xh, sc);
            gv.fma(xh, v(dw, dwOff + c)).intoArray(dw, dwOff + c);
            gv.add(v(db, dbOff + c)).intoArray(db, dbOff + c);
        }
        sa.intoArray(tmp, 0);
        float a = lanes(tmp);
        sc.intoArray(tmp, 0);
        float cc = lanes(tmp);
        for (; c < cols; c++) {
            float xh = (x[xo + c] - mean) * rstd, gw = g[go + c] * w[wOff + c];
            a += gw;
            cc = Math.fma(gw, xh, cc);
            dw[dwOff + c] = Math.fma(g[go + c], xh, dw[dwOff + c]);
            db[dbOff + c] = g[go + c] + db[dbOff + c];
        }
        tmp[0] = a;
        tmp[1] = cc;
    }

    /** {@code dx = (g w - (k1 + xhat k2)) rstd} over the row. */
    private static void dxRow(float[] g, int go, float[] x, int xo, int cols, float[] w, int wOff, float mean, float rstd,
                              float k1, float k2, float[] dx, int o) {
        FloatVector vm = FloatVector.broadcast(S, mean), vr = FloatVector.broadcast(S, rstd);
        FloatVector vk1 = FloatVector.broadcast(S, k1), vk2 = FloatVector.broadcast(S, k2);
        int c = 0, bound = S.loopBound(cols);
        for (; c < bound; c += L) {
            FloatVector xh = v(x, xo + c).sub(vm).mul(vr), gw = v(g, go + c).mul(v(w, wOff + c));
            gw.sub(xh.fma(vk2, vk1)).mul(vr).intoArray(dx, o + c);
        }
        for (; c < cols; c++) {
            float xh = (x[xo + c] - mean) * rstd, gw = g[go + c] * w[wOff + c];
            dx[o + c] = (gw - Math.fma(xh, k2, k1)) * rstd;
        }
    }
}
