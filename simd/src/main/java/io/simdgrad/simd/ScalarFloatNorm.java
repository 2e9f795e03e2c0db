package io.simdgrad.simd;

/**
 * The plain-loop twin of {@link VectorFloatNorm}: the row statistics, the sums of the backward
 * and each output in double, rounded once to the element type (dw and db round at each row's
 * addition, as the element arrays hold them). The oracle of the tests and the baseline of the
 * benchmarks.
 */
final class ScalarFloatNorm implements FloatNormKernels {
    /** {mean, rstd} of the row at {@code off}, in double (two passes). */
    private static double[] stats(float[] x, int off, int cols, float eps) {
        double s = 0;
        for (int c = 0; c < cols; c++) s += x[off + c];
        double mean = s / cols, q = 0;
        for (int c = 0; c < cols; c++) {
            double d = x[off + c] - mean;
            q += d * d;
        }
        return new double[] {mean, 1 / Math.sqrt(q / cols + (double) eps)};
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int cols, float[] w, int wOff, float[] b, int bOff, float eps,
                              float[] y, int yOff, float[] stats, int statsOff) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols, yo = yOff + r * cols;
            double[] st = stats(x, xo, cols, eps);
            for (int c = 0; c < cols; c++) y[yo + c] = (float) ((x[xo + c] - st[0]) * st[1] * w[wOff + c] + b[bOff + c]);
            if (stats != null) {
                stats[statsOff + 2 * r] = (float) st[0];
                stats[statsOff + 2 * r + 1] = (float) st[1];
            }
        }
    }

    @Override
    public void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, int rows, int cols, float[] w, int wOff, float eps,
                                      float[] dx, int dxOff, float[] dw, int dwOff, float[] db, int dbOff) {
        for (int r = 0; r < rows; r++) {
            int go = gOff + r * cols, xo = xOff + r * cols, o = dxOff + r * cols;
            double[] st = stats(x, xo, cols, eps);
            double a = 0, cc = 0;
            for (int c = 0; c < cols; c++) {
                double xh = (x[xo + c] - st[0]) * st[1], gw = (double) g[go + c] * w[wOff + c];
                a += gw;
                cc += gw * xh;
                dw[dwOff + c] = (float) (dw[dwOff + c] + g[go + c] * xh);
                db[dbOff + c] = db[dbOff + c] + g[go + c];
            }
            for (int c = 0; c < cols; c++) {
                double xh = (x[xo + c] - st[0]) * st[1], gw = (double) g[go + c] * w[wOff + c];
                dx[o + c] = (float) (st[1] * (gw - (a + xh * cc) / cols));
            }
        }
    }
}
