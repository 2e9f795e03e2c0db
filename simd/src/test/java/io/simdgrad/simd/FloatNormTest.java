package io.simdgrad.simd;

import static io.simdgrad.simd.FloatReductionData.ULP1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Layer normalisation: the vector kernels against naive loops in double (mean, biased variance,
 * the gradient formulas written out from their definitions, dw and db as sums over rows), the
 * scalar twin against the same loops, the facade bit for bit across thread counts, in place,
 * and its argument checks. Rows are {@code mu + sigma u} with {@code |mu| <= 10 sigma}: the
 * tolerance grows with the row length and with {@code |mu| / sigma} (the float sum's error
 * relative to the spread).
 */
class FloatNormTest {
    private static final FloatNormKernels V = FloatNorm.vector();
    private static final FloatNormKernels S = FloatNorm.scalar();

    private record Case(int rows, int cols, float[] x, float[] w, float[] b, float[] g, double spread) {}

    private static Case make(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * cols + 3], g = new float[rows * cols + 3], w = new float[cols + 1], b = new float[cols + 1];
        double spread = 1;
        for (int i = 0; i < rows; i++) {
            double sigma = Math.scalb(1.0, r.nextInt(-8, 8)), mu = sigma * r.nextDouble(-10, 10);
            spread = Math.max(spread, 1 + Math.abs(mu) / sigma);
            for (int c = 0; c < cols; c++) {
                x[3 + i * cols + c] = (float) (mu + sigma * r.nextGaussian());
                g[3 + i * cols + c] = (float) r.nextGaussian();
            }
        }
        for (int c = 0; c < cols; c++) {
            w[1 + c] = (float) r.nextDouble(-2, 2);
            b[1 + c] = (float) r.nextDouble(-2, 2);
        }
        return new Case(rows, cols, x, w, b, g, spread);
    }

    /** {mean, rstd} of row i in double. */
    private static double[] stats(Case k, int i, float eps) {
        double s = 0, q = 0;
        for (int c = 0; c < k.cols; c++) s += k.x[3 + i * k.cols + c];
        double mean = s / k.cols;
        for (int c = 0; c < k.cols; c++) q += Math.pow(k.x[3 + i * k.cols + c] - mean, 2);
        return new double[] {mean, 1 / Math.sqrt(q / k.cols + eps)};
    }

    private static double xhat(Case k, int i, int c, double[] st) {
        return (k.x[3 + i * k.cols + c] - st[0]) * st[1];
    }

    private static void forward(FloatNormKernels impl, Case k, float eps) {
        int rows = k.rows, cols = k.cols;
        float[] y = new float[rows * cols + 5], stats = new float[2 * rows + 1];
        impl.layerNormRows(k.x, 3, rows, cols, k.w, 1, k.b, 1, eps, y, 5, stats, 1);
        double tol = (16 + cols / 4.0) * k.spread * ULP1;
        for (int i = 0; i < rows; i++) {
            double[] st = stats(k, i, eps);
            assertTrue(Math.abs(stats[1 + 2 * i] - st[0]) <= tol * Math.abs(st[0]) + tol / st[1], "mean of row " + i);
            assertTrue(Math.abs(stats[2 + 2 * i] - st[1]) <= tol * st[1], "rstd of row " + i + ": " + stats[2 + 2 * i] + " vs " + st[1]);
            for (int c = 0; c < cols; c++) {
                double xh = xhat(k, i, c, st), want = xh * k.w[1 + c] + k.b[1 + c];
                double got = y[5 + i * cols + c], err = tol * (Math.abs(k.w[1 + c]) * (1 + Math.abs(xh)) + Math.abs(k.b[1 + c]));
                assertTrue(Math.abs(got - want) <= err, impl + " y(" + i + ", " + c + ") = " + got + ", want " + want + " +- " + err);
            }
        }
    }

    private static void backward(FloatNormKernels impl, Case k, float eps) {
        int rows = k.rows, cols = k.cols;
        float[] dx = new float[rows * cols + 2], dw = new float[cols + 4], db = new float[cols + 4];
        // dw and db add to what they hold
        for (int c = 0; c < cols; c++) {
            dw[4 + c] = 1;
            db[4 + c] = -1;
        }
        impl.layerNormBackwardRows(k.g, 3, k.x, 3, rows, cols, k.w, 1, eps, dx, 2, dw, 4, db, 4);
        double tol = (16 + cols / 4.0) * k.spread * ULP1;
        double[] wantW = new double[cols], wantB = new double[cols], absW = new double[cols], absB = new double[cols];
        for (int i = 0; i < rows; i++) {
            double[] st = stats(k, i, eps);
            double a = 0, cc = 0, scale = 0;
            for (int c = 0; c < cols; c++) {
                double gw = (double) k.g[3 + i * cols + c] * k.w[1 + c], xh = xhat(k, i, c, st);
                a += gw;
                cc += gw * xh;
                scale = Math.max(scale, Math.abs(gw) * (1 + Math.abs(xh)));
                wantW[c] += k.g[3 + i * cols + c] * xh;
                absW[c] += Math.abs(k.g[3 + i * cols + c] * xh);
                wantB[c] += k.g[3 + i * cols + c];
                absB[c] += Math.abs(k.g[3 + i * cols + c]);
            }
            for (int c = 0; c < cols; c++) {
                double gw = (double) k.g[3 + i * cols + c] * k.w[1 + c], xh = xhat(k, i, c, st);
                double want = st[1] * (gw - a / cols - xh * cc / cols), got = dx[2 + i * cols + c], err = tol * st[1] * scale * 4;
                assertTrue(Math.abs(got - want) <= err, impl + " dx(" + i + ", " + c + ") = " + got + ", want " + want + " +- " + err);
            }
        }
        for (int c = 0; c < cols; c++) {
            double errW = (rows + 16) * tol * (absW[c] + 1), errB = (rows + 16) * ULP1 * (absB[c] + 1);
            assertTrue(Math.abs(dw[4 + c] - (1 + wantW[c])) <= errW, impl + " dw[" + c + "] = " + dw[4 + c] + ", want " + (1 + wantW[c]));
            assertTrue(Math.abs(db[4 + c] - (wantB[c] - 1)) <= errB, impl + " db[" + c + "] = " + db[4 + c] + ", want " + (wantB[c] - 1));
        }
    }

    @Property(tries = 60)
    void bothTwinsMatchNaiveLoops(@ForAll @IntRange(min = 0, max = 9) int rows, @ForAll @IntRange(min = 1, max = 300) int cols,
                                  @ForAll long seed) {
        Case k = make(rows, cols, seed);
        float eps = (float) 1e-5;
        for (FloatNormKernels impl : new FloatNormKernels[] {V, S}) {
            forward(impl, k, eps);
            backward(impl, k, eps);
        }
    }

    @Example
    void transformerWidthAndLanesPlusMinusOne() {
        int lanes = SimdSpecies.FLOAT.length();
        for (int cols : new int[] {512, lanes - 1, lanes, lanes + 1, 4 * lanes - 1, 4 * lanes + 1, 1}) {
            Case k = make(5, cols, cols);
            forward(V, k, (float) 1e-5);
            backward(V, k, (float) 1e-5);
        }
    }

    @Example
    void facadeIsTheSameBitsOnOneAndTwoThreadsAndInPlace() {
        int rows = 300, cols = 512; // several gradient blocks and above the thread threshold
        Case k = make(rows, cols, 11);
        int before = Simd.maxThreads();
        float[][] results = new float[2][];
        try {
            for (int t = 1; t <= 2; t++) {
                Simd.setMaxThreads(t);
                float[] y = new float[rows * cols], dx = new float[rows * cols], dw = new float[cols], db = new float[cols];
                FloatNorm.layerNormRows(k.x, 3, rows, cols, k.w, 1, k.b, 1, (float) 1e-5, y, 0);
                FloatNorm.layerNormBackwardRows(k.g, 3, k.x, 3, rows, cols, k.w, 1, (float) 1e-5, dx, 0, dw, 0, db, 0);
                float[] all = new float[y.length + dx.length + 2 * cols];
                System.arraycopy(y, 0, all, 0, y.length);
                System.arraycopy(dx, 0, all, y.length, dx.length);
                System.arraycopy(dw, 0, all, 2 * y.length, cols);
                System.arraycopy(db, 0, all, 2 * y.length + cols, cols);
                results[t - 1] = all;
                // in place: the same values as out of place
                float[] inPlace = k.x.clone();
                FloatNorm.layerNormRows(inPlace, 3, rows, cols, k.w, 1, k.b, 1, (float) 1e-5, inPlace, 3);
                float[] tail = new float[rows * cols];
                System.arraycopy(inPlace, 3, tail, 0, tail.length);
                assertArrayEquals(y, tail);
            }
        } finally {
            Simd.setMaxThreads(before);
        }
        assertArrayEquals(results[0], results[1]);
        // the facade's block sums agree with one kernel call over all rows within the tests' tolerance
        float[] dw = new float[cols], db = new float[cols], dx = new float[rows * cols];
        V.layerNormBackwardRows(k.g, 3, k.x, 3, rows, cols, k.w, 1, (float) 1e-5, dx, 0, dw, 0, db, 0);
        for (int c = 0; c < cols; c++) {
            assertTrue(Math.abs(dw[c] - results[0][2 * rows * cols + c]) <= 64 * rows * ULP1 * (1 + Math.abs(dw[c])), "dw " + c);
        }
    }

    @Example
    void badRangesFailNamingTheKernel() {
        float[] x = new float[10], w = new float[5];
        var e = assertThrows(IndexOutOfBoundsException.class, () -> FloatNorm.layerNormRows(x, 0, 3, 5, w, 0, w, 0, (float) 1e-5, x, 0));
        assertTrue(e.getMessage().startsWith("layerNormRows: x block 3 x 5"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> FloatNorm.layerNormBackwardRows(x, 0, x, 0, 2, 5, w, 1, (float) 1e-5, x, 0, w, 0, w, 0));
        assertTrue(e.getMessage().startsWith("layerNormBackwardRows: w range"), e.getMessage());
    }
}
