package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Convert} against Java's casts on special values, random values and awkward offsets and lengths. */
class ConvertTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.9999, -0.9999,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.MIN_VALUE, Float.MAX_VALUE, 3.4028235677973366E38, 1e300, -1e300, 0x1p63, -0x1p63, 0x1p62, 9.2233720368547748E18,
        1 << 24, (1 << 24) + 1, 0x1p53 + 1, 123456789.987, -123456789.987};
    private static final long[] SPECIAL_LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 24) + 1,
        (1L << 53) + 1, -(1L << 53) - 1, 123456789123L, Long.MAX_VALUE - 512};

    private static double[] doubles(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (r.nextInt(4)) {
                case 0 -> SPECIAL[r.nextInt(SPECIAL.length)];
                case 1 -> r.nextDouble(-1e6, 1e6);
                case 2 -> Double.longBitsToDouble(r.nextLong());
                default -> r.nextDouble(-3, 3);
            };
        }
        return a;
    }

    @Test
    void conversionsMatchJavaCasts() {
        SplittableRandom r = new SplittableRandom(11);
        for (int n : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 33, 100, 1000, 4099}) {
            int off = r.nextInt(5);
            double[] d = doubles(r, n + off);
            float[] f = new float[n + off];
            for (int i = 0; i < f.length; i++) f[i] = (float) doubles(r, 1)[0];
            long[] l = new long[n + off];
            for (int i = 0; i < l.length; i++) l[i] = r.nextBoolean() ? SPECIAL_LONGS[r.nextInt(SPECIAL_LONGS.length)] : r.nextLong();

            float[] fOut = new float[n + 2];
            double[] dOut = new double[n + 2];
            long[] lOut = new long[n + 2];
            float[] fWant = new float[n + 2];
            double[] dWant = new double[n + 2];
            long[] lWant = new long[n + 2];

            Convert.toFloat(d, off, fOut, 1, n);
            for (int i = 0; i < n; i++) fWant[1 + i] = (float) d[off + i];
            assertArrayEquals(fWant, fOut, "double -> float, n=" + n);

            Convert.toDouble(f, off, dOut, 1, n);
            for (int i = 0; i < n; i++) dWant[1 + i] = f[off + i];
            assertArrayEquals(dWant, dOut, "float -> double, n=" + n);

            Convert.toLong(d, off, lOut, 1, n);
            for (int i = 0; i < n; i++) lWant[1 + i] = (long) d[off + i];
            assertArrayEquals(lWant, lOut, "double -> long, n=" + n);

            Convert.toLong(f, off, lOut, 1, n);
            for (int i = 0; i < n; i++) lWant[1 + i] = (long) f[off + i];
            assertArrayEquals(lWant, lOut, "float -> long, n=" + n);

            Convert.toFloat(l, off, fOut, 1, n);
            for (int i = 0; i < n; i++) fWant[1 + i] = (float) l[off + i];
            assertArrayEquals(fWant, fOut, "long -> float, n=" + n);

            Convert.toDouble(l, off, dOut, 1, n);
            for (int i = 0; i < n; i++) dWant[1 + i] = (double) l[off + i];
            assertArrayEquals(dWant, dOut, "long -> double, n=" + n);
        }
    }

    /** Spot checks of the documented semantics, independent of the cast-based oracle above. */
    @Test
    void truncationTowardZeroAndSaturation() {
        double[] d = {2.9, -2.9, Double.NaN, 1e300, -1e300, -0.5};
        long[] out = new long[d.length];
        Convert.toLong(d, 0, out, 0, d.length);
        assertArrayEquals(new long[] {2, -2, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0}, out);
        float[] f = new float[1];
        Convert.toFloat(new long[] {(1L << 24) + 1}, 0, f, 0, 1);
        assertEquals(16777216f, f[0]);
    }

    @Test
    void boundsAreCheckedBeforeWriting() {
        long[] out = new long[4];
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Convert.toLong(new double[10], 2, out, 1, 4));
        assertEquals("Convert.toLong(double[]): dst range [1, 5) is outside the array of length 4", e.getMessage());
        assertArrayEquals(new long[4], out);
        assertThrows(IndexOutOfBoundsException.class, () -> Convert.toDouble(new float[3], 1, new double[10], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Convert.toFloat(new long[3], 0, new float[3], 0, -1));
    }
}
