package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Convolution and pooling: gradcheck and gradgradcheck of every op of {@link ConvGradCases#CONV}
 * on random geometries, and values against naive loops written from the definitions (f64 and
 * f32, the f32 result within a bound that grows with the sum's length).
 */
class ConvProperties {

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void convolutionAndPoolingPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(ConvGradCases.CONV, seed);
    }

    /** Naive conv2d: y[b,o,i,j] = bias[o] + sum w[o,c,p,q] x[b, g*cg + c, i*sh - ph + p*dh, j*sw - pw + q*dw]. */
    static double[] naiveConv(double[] x, int n, int c, int h, int w, double[] wt, int oc, int kh, int kw, double[] bias,
                              int[] s, int[] p, int[] d, int groups, int oh, int ow) {
        int cg = c / groups, ocg = oc / groups;
        double[] y = new double[n * oc * oh * ow];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < oc; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias[o];
                        int g = o / ocg;
                        for (int ci = 0; ci < cg; ci++)
                            for (int pp = 0; pp < kh; pp++)
                                for (int q = 0; q < kw; q++) {
                                    int iy = i * s[0] - p[0] + pp * d[0], ix = j * s[1] - p[1] + q * d[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    acc += wt[((o * cg + ci) * kh + pp) * kw + q] * x[((b * c + g * cg + ci) * h + iy) * w + ix];
                                }
                        y[((b * oc + o) * oh + i) * ow + j] = acc;
                    }
        return y;
    }

    static double[] uniform(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 2 * r.nextDouble() - 1;
        return v;
    }

    @Property(tries = 60)
    void conv2dMatchesNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int groups = 1 + r.nextInt(3), cg = 1 + r.nextInt(3), ocg = 1 + r.nextInt(3), n = 1 + r.nextInt(3);
        int[] k = {1 + r.nextInt(4), 1 + r.nextInt(4)}, s = {1 + r.nextInt(3), 1 + r.nextInt(3)}, p = {r.nextInt(3), r.nextInt(3)},
                d = {1 + r.nextInt(2), 1 + r.nextInt(2)};
        int h = ConvGradCases.fitting(r, k[0], p[0], d[0]) + r.nextInt(20), w = ConvGradCases.fitting(r, k[1], p[1], d[1]) + r.nextInt(40);
        int c = groups * cg, oc = groups * ocg;
        int oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1, ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        double[] x = uniform(r, n * c * h * w), wt = uniform(r, oc * cg * k[0] * k[1]), bias = uniform(r, oc);
        double[] want = naiveConv(x, n, c, h, w, wt, oc, k[0], k[1], bias, s, p, d, groups, oh, ow);
        for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Variable y = Functional.conv2d(new Variable(Tensor.of(x, n, c, h, w).to(t)), new Variable(Tensor.of(wt, oc, cg, k[0], k[1]).to(t)),
                    new Variable(Tensor.of(bias, oc).to(t)), s, p, d, groups);
            assertArrayEquals(new int[] {n, oc, oh, ow}, y.shape());
            double tol = t == DType.FLOAT64 ? 1e-12 : 1e-6 * (cg * k[0] * k[1] + 1);
            assertArrayEquals(want, y.data().toDoubleArray(), tol, t + " seed " + seed);
        }
    }

    @Property(tries = 40)
    void conv1dIsConv2dOfHeightOne(@ForAll long seed) {
        Random r = new Random(seed);
        int groups = 1 + r.nextInt(2), c = groups * (1 + r.nextInt(2)), oc = groups * (1 + r.nextInt(3)), k = 1 + r.nextInt(4);
        int s = 1 + r.nextInt(3), p = r.nextInt(3), d = 1 + r.nextInt(3), l = ConvGradCases.fitting(r, k, p, d) + r.nextInt(30);
        Tensor x = Tensor.of(uniform(r, 2 * c * l), 2, c, l), w = Tensor.of(uniform(r, oc * (c / groups) * k), oc, c / groups, k);
        Variable y1 = Functional.conv1d(new Variable(x), new Variable(w), null, s, p, d, groups);
        int oh = (l + 2 * p - d * (k - 1) - 1) / s + 1;
        double[] want = naiveConv(x.toDoubleArray(), 2, c, 1, l, w.toDoubleArray(), oc, 1, k, null, new int[] {1, s}, new int[] {0, p},
                new int[] {1, d}, groups, 1, oh);
        assertArrayEquals(want, y1.data().toDoubleArray(), 1e-12);
    }

    @Property(tries = 40)
    void convTranspose2dIsTheAdjointOfConv2d(@ForAll long seed) {
        // <conv(x, w), y> = <x, convTranspose(y, w)> with naive conv: the transposed op checked against the naive forward
        Random r = new Random(seed);
        int groups = 1 + r.nextInt(2), cg = 1 + r.nextInt(3), ocg = 1 + r.nextInt(3);
        int[] k = {1 + r.nextInt(3), 1 + r.nextInt(3)}, s = {1 + r.nextInt(3), 1 + r.nextInt(3)}, p = {r.nextInt(2), r.nextInt(2)},
                d = {1 + r.nextInt(2), 1 + r.nextInt(2)};
        int ih = 1 + r.nextInt(5), iw = 1 + r.nextInt(5);
        int[] out = {(ih - 1) * s[0] - 2 * p[0] + d[0] * (k[0] - 1) + 1, (iw - 1) * s[1] - 2 * p[1] + d[1] * (k[1] - 1) + 1};
        if (out[0] < 1 || out[1] < 1) return;
        int c = groups * cg, oc = groups * ocg; // transposed: input has c channels, output oc
        double[] y = uniform(r, 2 * c * ih * iw), wt = uniform(r, c * ocg * k[0] * k[1]), xdir = uniform(r, 2 * oc * out[0] * out[1]);
        Variable t = Functional.convTranspose2d(new Variable(Tensor.of(y, 2, c, ih, iw)), new Variable(Tensor.of(wt, c, ocg, k[0], k[1])), null,
                s, p, new int[] {0}, groups, d);
        assertArrayEquals(new int[] {2, oc, out[0], out[1]}, t.shape());
        // conv from the transposed op's output space (oc channels) to its input space (c channels) with weight wt [c, ocg, k]
        double[] cx = naiveConv(xdir, 2, oc, out[0], out[1], wt, c, k[0], k[1], null, s, p, d, groups, ih, iw);
        double lhs = 0, rhs = 0;
        double[] tv = t.data().toDoubleArray();
        for (int i = 0; i < tv.length; i++) lhs += tv[i] * xdir[i];
        for (int i = 0; i < y.length; i++) rhs += y[i] * cx[i];
        assertEquals(rhs, lhs, 1e-9 * (1 + Math.abs(rhs)), "seed " + seed);
    }

    @Property(tries = 60)
    void maxAndAvgPool2dMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int[] a = ConvGradCases.window(r, true), b = ConvGradCases.window(r, true);
        boolean ceil = r.nextBoolean(), include = r.nextBoolean();
        int h = a[4] + r.nextInt(6), w = b[4] + r.nextInt(6), planes = 3;
        double[] x = new double[planes * h * w];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(5) - 2; // ties on purpose: the first maximum wins
        int[] k = {a[0], b[0]}, s = {a[1], b[1]}, p = {a[2], b[2]}, d = {a[3], b[3]};
        Functional.MaxPoolResult m = Functional.maxPool2dWithIndices(new Variable(Tensor.of(x, 1, planes, h, w)), k, s, p, d, ceil);
        int oh = m.values().size(2), ow = m.values().size(3);
        assertEquals(poolOut(h, k[0], s[0], p[0], d[0], ceil), oh);
        assertEquals(poolOut(w, k[1], s[1], p[1], d[1], ceil), ow);
        double[] vals = m.values().data().toDoubleArray();
        long[] idx = m.indices().toLongArray();
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long at = -1;
                    for (int u = 0; u < k[0]; u++)
                        for (int v = 0; v < k[1]; v++) {
                            int y = i * s[0] - p[0] + u * d[0], xx = j * s[1] - p[1] + v * d[1];
                            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                            if (x[(pl * h + y) * w + xx] > best) {
                                best = x[(pl * h + y) * w + xx];
                                at = (long) y * w + xx;
                            }
                        }
                    int o = (pl * oh + i) * ow + j;
                    assertEquals(best, vals[o], "max at " + o + " seed " + seed);
                    assertEquals(at, idx[o], "index at " + o + " seed " + seed);
                }
        // average: kernel without dilation
        int[] ka = {a[0], b[0]}, pa = {Math.min(p[0], a[0] / 2), Math.min(p[1], b[0] / 2)};
        Variable avg = Functional.avgPool2d(new Variable(Tensor.of(x, 1, planes, h, w)), ka, s, pa, ceil, include, 0);
        int ah = avg.size(2), aw = avg.size(3);
        double[] av = avg.data().toDoubleArray();
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < ah; i++)
                for (int j = 0; j < aw; j++) {
                    int y0 = i * s[0] - pa[0], x0 = j * s[1] - pa[1];
                    int y1 = Math.min(y0 + ka[0], h + pa[0]), x1 = Math.min(x0 + ka[1], w + pa[1]);
                    int full = (y1 - y0) * (x1 - x0);
                    double sum = 0;
                    int count = 0;
                    for (int y = Math.max(y0, 0); y < Math.min(y1, h); y++)
                        for (int xx = Math.max(x0, 0); xx < Math.min(x1, w); xx++) {
                            sum += x[(pl * h + y) * w + xx];
                            count++;
                        }
                    assertEquals(sum / (include ? full : count), av[(pl * ah + i) * aw + j], 1e-12, "avg seed " + seed);
                }
    }

    static int poolOut(int in, int k, int s, int p, int d, boolean ceil) {
        int num = in + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
        int out = Math.floorDiv(num, s) + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    @Property(tries = 30)
    void unfoldMatchesNaiveWindowsAndFoldIsItsAdjoint(@ForAll long seed) {
        Random r = new Random(seed);
        int[] a = ConvGradCases.window(r, true), b = ConvGradCases.window(r, true);
        int[] k = {a[0], b[0]}, s = {a[1], b[1]}, p = {a[2], b[2]}, d = {a[3], b[3]};
        int h = a[4] + r.nextInt(4), w = b[4] + r.nextInt(4), c = 1 + r.nextInt(3);
        double[] x = uniform(r, 2 * c * h * w);
        Variable u = Functional.unfold(new Variable(Tensor.of(x, 2, c, h, w)), k, d, p, s);
        int oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1, ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        assertArrayEquals(new int[] {2, c * k[0] * k[1], oh * ow}, u.shape());
        double[] uv = u.data().toDoubleArray();
        int rows = c * k[0] * k[1];
        for (int bb = 0; bb < 2; bb++)
            for (int ci = 0; ci < c; ci++)
                for (int pp = 0; pp < k[0]; pp++)
                    for (int q = 0; q < k[1]; q++)
                        for (int i = 0; i < oh; i++)
                            for (int j = 0; j < ow; j++) {
                                int y = i * s[0] - p[0] + pp * d[0], xx = j * s[1] - p[1] + q * d[1];
                                double want = y < 0 || y >= h || xx < 0 || xx >= w ? 0 : x[((bb * c + ci) * h + y) * w + xx];
                                assertEquals(want, uv[(bb * rows + (ci * k[0] + pp) * k[1] + q) * oh * ow + i * ow + j]);
                            }
        double[] g = uniform(r, uv.length);
        double[] f = Functional.fold(new Variable(Tensor.of(g, 2, rows, oh * ow)), new int[] {h, w}, k, d, p, s).data().toDoubleArray();
        double lhs = 0, rhs = 0;
        for (int i = 0; i < g.length; i++) lhs += uv[i] * g[i];
        for (int i = 0; i < x.length; i++) rhs += x[i] * f[i];
        assertEquals(lhs, rhs, 1e-10 * (1 + Math.abs(lhs)));
    }
}
