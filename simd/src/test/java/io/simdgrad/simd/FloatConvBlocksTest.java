package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The convolution kernels on blocks of any number of images side by side (one product per
 * block; the last block shorter) against naive loops in double, for random geometries (groups,
 * stride, padding, dilation, the 1 x 1 identity case); im2col and col2im against their
 * definitions; and the public entry points bit for bit equal on one and two threads.
 */
class FloatConvBlocksTest {

    /** A random geometry; a quarter of them the 1 x 1, stride 1, unpadded kernel (the image is its own column matrix). */
    static ConvGeometry geometry(SplittableRandom r) {
        int groups = 1 + r.nextInt(3), cg = 1 + r.nextInt(3), ocg = 1 + r.nextInt(4), n = 1 + r.nextInt(4);
        boolean identity = r.nextInt(4) == 0;
        int kh = identity ? 1 : 1 + r.nextInt(4), kw = identity ? 1 : 1 + r.nextInt(4);
        int sh = identity ? 1 : 1 + r.nextInt(3), sw = identity ? 1 : 1 + r.nextInt(3);
        int ph = identity ? 0 : r.nextInt(3), pw = identity ? 0 : r.nextInt(3);
        int dh = identity ? 1 : 1 + r.nextInt(2), dw = identity ? 1 : 1 + r.nextInt(2);
        int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph) + r.nextInt(12), w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw) + r.nextInt(20);
        int oh = ConvGeometry.outSize(h, kh, sh, ph, dh), ow = ConvGeometry.outSize(w, kw, sw, pw, dw);
        return new ConvGeometry(n, groups * cg, h, w, groups * ocg, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }

    static float[] uniform(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }

    /** The input element under output (b, o-group gi, i, j) at window (ci, p, q), or -1 in the padding. */
    static int inputIndex(ConvGeometry g, int b, int gi, int ci, int i, int j, int p, int q) {
        int iy = i * g.sh - g.ph + p * g.dh, ix = j * g.sw - g.pw + q * g.dw;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return -1;
        return ((b * g.c + gi * g.cg + ci) * g.h + iy) * g.w + ix;
    }

    /** y, gx and gw of the convolution by its definition, in double: {forward, input gradient, weight gradient}. */
    static double[][] naive(ConvGeometry g, float[] x, float[] w, float[] gy) {
        double[] y = new double[g.outputSize()], gx = new double[g.inputSize()], gw = new double[g.weightSize()];
        for (int b = 0; b < g.n; b++)
            for (int o = 0; o < g.oc; o++)
                for (int i = 0; i < g.oh; i++)
                    for (int j = 0; j < g.ow; j++) {
                        int gi = o / g.ocg, yi = ((b * g.oc + o) * g.oh + i) * g.ow + j;
                        for (int ci = 0; ci < g.cg; ci++)
                            for (int p = 0; p < g.kh; p++)
                                for (int q = 0; q < g.kw; q++) {
                                    int xi = inputIndex(g, b, gi, ci, i, j, p, q);
                                    if (xi < 0) continue;
                                    int wi = ((o * g.cg + ci) * g.kh + p) * g.kw + q;
                                    y[yi] += (double) w[wi] * x[xi];
                                    gx[xi] += (double) w[wi] * gy[yi];
                                    gw[wi] += (double) gy[yi] * x[xi];
                                }
                    }
        return new double[][] {y, gx, gw};
    }

    /** |got - want| within a float sum's error bound over terms of magnitude at most 1. */
    static void assertClose(double[] want, float[] got, int off, int terms, String what) {
        double tol = 4e-7 * (terms + 2);
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(got[off + i] - want[i]);
            if (!(d <= tol)) throw new AssertionError(what + ": element " + i + " is " + got[off + i] + ", expected " + want[i] + " (tolerance " + tol + ")");
        }
    }

    @Property(tries = 200)
    void everyBlockSizeMatchesNaiveLoops(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = geometry(r);
        // one image per product, several (the last block shorter), the whole batch, past it
        int cols = 1 + r.nextInt(g.n + 1);
        float[] x = uniform(r, g.inputSize()), w = uniform(r, g.weightSize()), gy = uniform(r, g.outputSize());
        double[][] want = naive(g, x, w, gy);
        int off = r.nextInt(3);
        // outputs start at an offset and are filled with garbage first: every element must be written
        float[] y = filled(off + g.outputSize()), gx = filled(off + g.inputSize()), gw = filled(off + g.weightSize());
        FloatConv.forward(g, cols, x, 0, w, 0, y, off);
        FloatConv.backwardInput(g, cols, gy, 0, w, 0, gx, off);
        FloatConv.backwardWeight(g, cols, x, 0, gy, 0, gw, off);
        String at = g + ", blocks of " + cols + ", seed " + seed;
        assertClose(want[0], y, off, g.kk, "forward " + at);
        assertClose(want[1], gx, off, g.ocg * g.kh * g.kw, "backwardInput " + at);
        assertClose(want[2], gw, off, g.n * g.ohw, "backwardWeight " + at);
    }

    static float[] filled(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return v;
    }

    @Property(tries = 40)
    void resultsAreTheSameOnOneAndTwoThreads(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = geometry(r);
        float[] x = uniform(r, g.inputSize()), w = uniform(r, g.weightSize()), gy = uniform(r, g.outputSize());
        float[][] one = withThreads(1, () -> all(g, x, w, gy)), two = withThreads(2, () -> all(g, x, w, gy));
        for (int i = 0; i < 3; i++) assertArrayEquals(one[i], two[i], g + " seed " + seed);
    }

    /** A layer big enough for the products to run threaded (one image per product). */
    @Example
    void aResNetSizeLayerIsTheSameOnOneAndTwoThreadsAndMatchesNaiveLoops() {
        ConvGeometry g = new ConvGeometry(3, 16, 30, 30, 24, 1, 3, 3, 1, 1, 1, 1, 1, 1, 30, 30);
        assertEquals(1, FloatConv.imagesPerBlock(g));
        SplittableRandom r = new SplittableRandom(11);
        float[] x = uniform(r, g.inputSize()), w = uniform(r, g.weightSize()), gy = uniform(r, g.outputSize());
        float[][] one = withThreads(1, () -> all(g, x, w, gy)), two = withThreads(2, () -> all(g, x, w, gy));
        for (int i = 0; i < 3; i++) assertArrayEquals(one[i], two[i]);
        double[][] want = naive(g, x, w, gy);
        assertClose(want[0], one[0], 0, g.kk, "forward");
        assertClose(want[1], one[1], 0, g.ocg * g.kh * g.kw, "backwardInput");
        assertClose(want[2], one[2], 0, g.n * g.ohw, "backwardWeight");
    }

    /** LeNet's first layer: several images per product. */
    @Example
    void smallLayersRunSeveralImagesPerProduct() {
        ConvGeometry g = new ConvGeometry(20, 1, 28, 28, 6, 1, 5, 5, 1, 1, 0, 0, 1, 1, 24, 24);
        assertTrue(FloatConv.imagesPerBlock(g) > 1 && FloatConv.imagesPerBlock(g) < g.n, "images per block " + FloatConv.imagesPerBlock(g));
        SplittableRandom r = new SplittableRandom(5);
        float[] x = uniform(r, g.inputSize()), w = uniform(r, g.weightSize()), gy = uniform(r, g.outputSize());
        float[][] got = all(g, x, w, gy);
        double[][] want = naive(g, x, w, gy);
        assertClose(want[0], got[0], 0, g.kk, "forward");
        assertClose(want[1], got[1], 0, g.ocg * g.kh * g.kw, "backwardInput");
        assertClose(want[2], got[2], 0, g.n * g.ohw, "backwardWeight");
    }

    /** im2col by its definition (0 in the padding) and col2im as its adjoint: every column element added back where it came from. */
    @Property(tries = 60)
    void im2colAndCol2imMatchTheirDefinitions(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry g = geometry(r);
        float[] x = uniform(r, g.inputSize());
        int rows = g.c * g.kh * g.kw;
        float[] col = filled(g.n * rows * g.ohw), back = filled(g.inputSize());
        FloatConv.im2col(g, x, 0, col, 0);
        float[] colIn = uniform(r, col.length);
        FloatConv.col2im(g, colIn, 0, back, 0);
        double[] want = new double[g.inputSize()];
        for (int b = 0; b < g.n; b++)
            for (int ci = 0; ci < g.c; ci++)
                for (int p = 0; p < g.kh; p++)
                    for (int q = 0; q < g.kw; q++)
                        for (int i = 0; i < g.oh; i++)
                            for (int j = 0; j < g.ow; j++) {
                                int ci0 = ci % g.cg, gi = ci / g.cg;
                                int xi = inputIndex(g, b, gi, ci0, i, j, p, q), k = ((b * rows + (ci * g.kh + p) * g.kw + q) * g.oh + i) * g.ow + j;
                                assertEquals(xi < 0 ? (float) 0 : x[xi], col[k], "im2col " + g + " at " + k);
                                if (xi >= 0) want[xi] += colIn[k];
                            }
        assertClose(want, back, 0, g.kh * g.kw, "col2im " + g);
    }

    /**
     * col2imSum, vector and scalar, bit for bit equal to col2im's walk (the same terms in the
     * same order) for stride-1 geometries of widths around the lane count, one channel at a time
     * with the columns at an offset: with room around them for the vector kernel's shifted
     * reads, or none (its scalar fallback).
     */
    @Property(tries = 200)
    void col2imSumEqualsTheWalk(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvGeometry t = geometry(r);
        int w = Math.max(1, t.dw * (t.kw - 1) + 1 - 2 * t.pw) + r.nextInt(3 * FloatElementwiseSamples.LANES);
        int oh = ConvGeometry.outSize(t.h, t.kh, 1, t.ph, t.dh), ow = ConvGeometry.outSize(w, t.kw, 1, t.pw, t.dw);
        ConvGeometry g = new ConvGeometry(1, t.cg, t.h, w, 1, 1, t.kh, t.kw, 1, 1, t.ph, t.pw, t.dh, t.dw, oh, ow);
        float[] colIn = uniform(r, g.kk * g.ohw), want = filled(g.inputSize());
        FloatConv.col2im(g, colIn, 0, want, 0);
        boolean room = r.nextBoolean();
        int front = room ? (g.kw - 1) * g.dw + r.nextInt(3) : 0, back = room ? g.w + g.pw + r.nextInt(3) : 0;
        float[] col = uniform(r, front + colIn.length + back);
        System.arraycopy(colIn, 0, col, front, colIn.length);
        for (FloatLayoutKernels k : new FloatLayoutKernels[] {FloatLayout.scalar(), FloatLayout.vector()}) {
            int off = r.nextInt(3);
            float[] got = filled(off + g.inputSize());
            for (int ci = 0; ci < g.c; ci++) {
                k.col2imSum(col, front + ci * g.kh * g.kw * g.ohw, g.ohw, got, off + ci * g.hw, g.h, g.w, g.oh, g.ow, g.kh, g.kw,
                        g.ph, g.pw, g.dh, g.dw);
            }
            assertArrayEquals(want, java.util.Arrays.copyOfRange(got, off, got.length), g + (room ? " with room" : " without room")
                    + (k == FloatLayout.scalar() ? " scalar" : " vector"));
        }
    }

    static float[][] all(ConvGeometry g, float[] x, float[] w, float[] gy) {
        float[] y = new float[g.outputSize()], gx = new float[g.inputSize()], gw = new float[g.weightSize()];
        FloatConv.forward(g, x, 0, w, 0, y, 0);
        FloatConv.backwardInput(g, gy, 0, w, 0, gx, 0);
        FloatConv.backwardWeight(g, x, 0, gy, 0, gw, 0);
        return new float[][] {y, gx, gw};
    }

    private static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        return FloatGemmTest.withThreads(threads, body);
    }
}
