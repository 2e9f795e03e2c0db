package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link FloatPool#maxPoolIndices} against a naive scan of each window by its rule (the first
 * maximum in row-major order, -0.0 equal to 0.0, the last NaN when there is one, -1 for a window
 * wholly in the padding), on values drawn from a few (so ties, signed zeros, infinities and NaNs
 * are common), for 2 x 2 windows (their own loop-free path) and others, with padding, stride and
 * dilation.
 */
class FloatPoolTest {
    private static final float[] VALUES = {Float.NEGATIVE_INFINITY, -1, -0.0f, 0.0f, 1, 2, Float.POSITIVE_INFINITY, Float.NaN};

    @Property(tries = 300)
    void maxPoolIndicesFollowTheScanRule(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean twoByTwo = r.nextBoolean();
        int kh = twoByTwo ? 2 : 1 + r.nextInt(3), kw = twoByTwo ? 2 : 1 + r.nextInt(3);
        int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
        int ph = r.nextInt(kh / 2 + 1), pw = r.nextInt(kw / 2 + 1);
        int h = dh * (kh - 1) + 1 + r.nextInt(8), w = dw * (kw - 1) + 1 + r.nextInt(8), planes = 1 + r.nextInt(3);
        int oh = ConvGeometry.outSize(h, kh, sh, ph, dh), ow = ConvGeometry.outSize(w, kw, sw, pw, dw);
        float[] x = new float[2 + planes * h * w];
        boolean nans = r.nextInt(4) == 0;
        for (int i = 0; i < x.length; i++) x[i] = VALUES[r.nextInt(nans ? VALUES.length : VALUES.length - 1)];
        long[] got = new long[1 + planes * oh * ow], want = new long[got.length];
        FloatPool.maxPoolIndices(x, 2, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, got, 1);
        for (int pl = 0; pl < planes; pl++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    long best = -1, lastNan = -1;
                    float max = 0;
                    for (int p = 0; p < kh; p++)
                        for (int q = 0; q < kw; q++) {
                            int y = i * sh - ph + p * dh, xx = j * sw - pw + q * dw;
                            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                            float v = x[2 + pl * h * w + y * w + xx];
                            if (Float.isNaN(v)) lastNan = y * w + xx;
                            else if (best < 0 || v > max) {
                                best = y * w + xx;
                                max = v;
                            }
                        }
                    want[1 + (pl * oh + i) * ow + j] = lastNan >= 0 ? lastNan : best;
                }
        assertArrayEquals(want, got, "kernel " + kh + "x" + kw + " stride " + sh + "x" + sw + " padding " + ph + "x" + pw
                + " dilation " + dh + "x" + dw + " input " + h + "x" + w + " seed " + seed);
    }

    /** A batch big enough to be shared over two threads gives the indices of one thread. */
    @Example
    void aLargePoolIsTheSameOnOneAndTwoThreads() {
        int planes = 700, h = 28, w = 28;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[planes * h * w];
        for (int i = 0; i < x.length; i++) x[i] = VALUES[r.nextInt(VALUES.length)];
        long[] one = FloatGemmTest.withThreads(1, () -> pool(x, planes, h, w)), two = FloatGemmTest.withThreads(2, () -> pool(x, planes, h, w));
        assertArrayEquals(one, two);
        assertEquals(planes * 14 * 14, one.length);
    }

    private static long[] pool(float[] x, int planes, int h, int w) {
        long[] idx = new long[planes * (h / 2) * (w / 2)];
        FloatPool.maxPoolIndices(x, 0, planes, h, w, h / 2, w / 2, 2, 2, 2, 2, 0, 0, 1, 1, idx, 0);
        return idx;
    }
}
