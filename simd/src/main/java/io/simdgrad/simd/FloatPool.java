package io.simdgrad.simd;

/**
 * Pooling and padding loops over planes of a row-major {@code [planes, h, w]} block: max-pool
 * indices, gathers and scatters of planes by flat index, window averages with per-axis windows,
 * and the separable index maps of padding. Plain loops: these ops move data rather than
 * compute, and their cost is the memory traffic that any form of the loop pays.
 */
public final class FloatPool {
    private FloatPool() {}

    /**
     * Max-pool argmax: for each plane and output (i, j), the flat index {@code iy*w + ix} of the
     * largest element of the window {@code iy = i*sh - ph + p*dh (p < kh)}, {@code ix = j*sw - pw + q*dw}
     * inside the plane, scanned row by row; the first of equal maxima, the last NaN (PyTorch's CPU
     * rule {@code val > max || isnan(val)}), and the window's first element when all are -inf.
     * A window with no element inside the plane (dilation stepping over a padded edge) gets -1:
     * PyTorch writes an index past the plane there, and its gradient lands in the next plane.
     * Writes {@code planes*oh*ow} indices at {@code io}.
     */
    public static void maxPoolIndices(float[] x, int xo, int planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw,
                                      int ph, int pw, int dh, int dw, long[] idx, int io) {
        int hw = Math.multiplyExact(h, w), ohw = Math.multiplyExact(oh, ow);
        Checks.range("maxPoolIndices", "x", x.length, xo, Math.multiplyExact(planes, hw));
        Checks.range("maxPoolIndices", "indices", idx.length, io, Math.multiplyExact(planes, ohw));
        // planes are independent: shared out over the threads, each plane's indices the same on any count
        Parallel.dynamic(planes, Parallel.parts((long) planes * hw, Parallel.ELEMENTWISE_THRESHOLD), pl -> {
            int base = xo + pl * hw, ob = io + pl * ohw;
            for (int i = 0; i < oh; i++) {
                int y0 = i * sh - ph;
                int y1 = Math.min(y0 + (kh - 1) * dh + 1, h);
                while (y0 < 0) y0 += dh;
                for (int j = 0; j < ow; j++) {
                    int x0 = j * sw - pw;
                    int x1 = Math.min(x0 + (kw - 1) * dw + 1, w);
                    while (x0 < 0) x0 += dw;
                    if (kh == 2 && kw == 2 && y1 - y0 == dh + 1 && x1 - x0 == dw + 1) {
                        idx[ob + i * ow + j] = max2x2(x, base, y0 * w + x0, dh * w, dw);
                        continue;
                    }
                    int best = y0 < y1 && x0 < x1 ? y0 * w + x0 : -1;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int y = y0; y < y1; y += dh) {
                        for (int xx = x0; xx < x1; xx += dw) {
                            float v = x[base + y * w + xx];
                            if (v > max || v != v) {
                                max = v;
                                best = y * w + xx;
                            }
                        }
                    }
                    idx[ob + i * ow + j] = best;
                }
            }
        });
    }

    /**
     * The index (from the plane's start) of the maximum of a whole 2 x 2 window at index a, rows dy
     * and columns dx apart, as the general loop picks it: the first maximum in row-major order
     * (-0.0 and 0.0 equal), or with a NaN the last NaN. Without branches on the data (int selects
     * after {@code Math.max}): the general loop's compares are a coin toss on real data, and the
     * Fashion-MNIST CNN's pool of 64 x 16 x 28 x 28 took 4.4 ms with them.
     */
    private static int max2x2(float[] x, int base, int a, int dy, int dx) {
        float a0 = x[base + a], a1 = x[base + a + dx], a2 = x[base + a + dy], a3 = x[base + a + dy + dx];
        float m = Math.max(Math.max(a0, a1), Math.max(a2, a3));
        if (m != m) {
            int best = a3 != a3 ? a + dy + dx : a2 != a2 ? a + dy : a1 != a1 ? a + dx : a;
            return best;
        }
        int best = a + dy + dx;
        best = a2 == m ? a + dy : best;
        best = a1 == m ? a + dx : best;
        return a0 == m ? a : best;
    }

    /** {@code out[pl, k] = x[pl, idx[pl, k]]} for {@code k < m}, -inf for index -1 (indices in {@code [-1, hw)}, checked by the caller). */
    public static void gatherPlanes(float[] x, int xo, int planes, int hw, long[] idx, int io, int m, float[] out, int oo) {
        Checks.range("gatherPlanes", "x", x.length, xo, Math.multiplyExact(planes, hw));
        Checks.range("gatherPlanes", "indices", idx.length, io, Math.multiplyExact(planes, m));
        Checks.range("gatherPlanes", "out", out.length, oo, planes * m);
        for (int pl = 0; pl < planes; pl++) {
            int b = xo + pl * hw, ib = io + pl * m, ob = oo + pl * m;
            for (int k = 0; k < m; k++) {
                int i = (int) idx[ib + k];
                out[ob + k] = i < 0 ? Float.NEGATIVE_INFINITY : x[b + i];
            }
        }
    }

    /**
     * The adjoint of {@link #gatherPlanes}: out is zeroed, then {@code out[pl, idx[pl, k]] += g[pl, k]}
     * in increasing k (a fixed order: repeated indices add the same way every time); index -1 adds nowhere.
     */
    public static void scatterAddPlanes(float[] g, int go, int planes, int hw, long[] idx, int io, int m, float[] out, int oo) {
        Checks.range("scatterAddPlanes", "out", out.length, oo, Math.multiplyExact(planes, hw));
        Checks.range("scatterAddPlanes", "indices", idx.length, io, Math.multiplyExact(planes, m));
        Checks.range("scatterAddPlanes", "g", g.length, go, planes * m);
        java.util.Arrays.fill(out, oo, oo + planes * hw, (float) 0);
        for (int pl = 0; pl < planes; pl++) {
            int b = oo + pl * hw, ib = io + pl * m, gb = go + pl * m;
            for (int k = 0; k < m; k++) {
                int i = (int) idx[ib + k];
                if (i >= 0) out[b + i] += g[gb + k];
            }
        }
    }

    /**
     * Window averages: {@code out[pl, i, j] = sum_{y in [ys_i, ye_i), x in [xs_j, xe_j)} x[pl, y, x] / (hd_i * wd_j)}
     * (or {@code / divisor} when {@code divisor > 0}); the windows lie inside the plane.
     */
    public static void windowAverage(float[] x, int xo, int planes, int h, int w, int[] ys, int[] ye, int[] hd, int[] xs, int[] xe,
                                     int[] wd, int divisor, float[] out, int oo) {
        int oh = ys.length, ow = xs.length, hw = Math.multiplyExact(h, w), ohw = Math.multiplyExact(oh, ow);
        Checks.range("windowAverage", "x", x.length, xo, Math.multiplyExact(planes, hw));
        Checks.range("windowAverage", "out", out.length, oo, Math.multiplyExact(planes, ohw));
        for (int pl = 0; pl < planes; pl++) {
            int b = xo + pl * hw, ob = oo + pl * ohw;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float s = (float) 0;
                    for (int y = ys[i]; y < ye[i]; y++) {
                        for (int xx = xs[j]; xx < xe[j]; xx++) s += x[b + y * w + xx];
                    }
                    out[ob + i * ow + j] = s / (float) (divisor > 0 ? divisor : hd[i] * wd[j]);
                }
            }
        }
    }

    /** The adjoint of {@link #windowAverage}: gx is zeroed, then each g element divided by its divisor is added over its window. */
    public static void windowAverageBackward(float[] g, int go, int planes, int h, int w, int[] ys, int[] ye, int[] hd, int[] xs,
                                             int[] xe, int[] wd, int divisor, float[] gx, int gxo) {
        int oh = ys.length, ow = xs.length, hw = Math.multiplyExact(h, w), ohw = Math.multiplyExact(oh, ow);
        Checks.range("windowAverageBackward", "g", g.length, go, Math.multiplyExact(planes, ohw));
        Checks.range("windowAverageBackward", "gx", gx.length, gxo, Math.multiplyExact(planes, hw));
        java.util.Arrays.fill(gx, gxo, gxo + planes * hw, (float) 0);
        for (int pl = 0; pl < planes; pl++) {
            int b = gxo + pl * hw, gb = go + pl * ohw;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float v = g[gb + i * ow + j] / (float) (divisor > 0 ? divisor : hd[i] * wd[j]);
                    for (int y = ys[i]; y < ye[i]; y++) {
                        for (int xx = xs[j]; xx < xe[j]; xx++) gx[b + y * w + xx] += v;
                    }
                }
            }
        }
    }

    /**
     * A separable gather (padding): {@code out[pl, i, j] = x[pl, rows[i], cols[j]]}, or {@code fill}
     * where {@code rows[i] < 0} or {@code cols[j] < 0}.
     */
    public static void gatherRowsCols(float[] x, int xo, int planes, int h, int w, int[] rows, int[] cols, float fill, float[] out, int oo) {
        int oh = rows.length, ow = cols.length, hw = Math.multiplyExact(h, w), ohw = Math.multiplyExact(oh, ow);
        Checks.range("gatherRowsCols", "x", x.length, xo, Math.multiplyExact(planes, hw));
        Checks.range("gatherRowsCols", "out", out.length, oo, Math.multiplyExact(planes, ohw));
        for (int pl = 0; pl < planes; pl++) {
            int b = xo + pl * hw, ob = oo + pl * ohw;
            for (int i = 0; i < oh; i++) {
                int r = ob + i * ow;
                if (rows[i] < 0) {
                    java.util.Arrays.fill(out, r, r + ow, fill);
                    continue;
                }
                int src = b + rows[i] * w;
                for (int j = 0; j < ow; j++) out[r + j] = cols[j] < 0 ? fill : x[src + cols[j]];
            }
        }
    }

    /** The adjoint of {@link #gatherRowsCols} (fill 0): gx is zeroed, then each mapped out element is added to its source. */
    public static void scatterAddRowsCols(float[] g, int go, int planes, int h, int w, int[] rows, int[] cols, float[] gx, int gxo) {
        int oh = rows.length, ow = cols.length, hw = Math.multiplyExact(h, w), ohw = Math.multiplyExact(oh, ow);
        Checks.range("scatterAddRowsCols", "g", g.length, go, Math.multiplyExact(planes, ohw));
        Checks.range("scatterAddRowsCols", "gx", gx.length, gxo, Math.multiplyExact(planes, hw));
        java.util.Arrays.fill(gx, gxo, gxo + planes * hw, (float) 0);
        for (int pl = 0; pl < planes; pl++) {
            int b = gxo + pl * hw, gb = go + pl * ohw;
            for (int i = 0; i < oh; i++) {
                if (rows[i] < 0) continue;
                int dst = b + rows[i] * w, r = gb + i * ow;
                for (int j = 0; j < ow; j++) if (cols[j] >= 0) gx[dst + cols[j]] += g[r + j];
            }
        }
    }
}
