package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * {@link FloatElementwise#rotateRows} (LAPACK's {@code lasr}, left, variable pivot, backward)
 * against the textbook loop (one rotation of two whole rows at a time, in the sweep's order):
 * the scalar twin and the vector kernel must give the same bits, leave the gaps between rows
 * (lda > cols) and everything outside the block untouched.
 */
class FloatRotateRowsTest {

    /** The oracle: rotation t on rows t, t+1, for t = count-1 down to 0, each row pair read and written per rotation. */
    static void naive(float[] c, float[] s, int csOff, int count, float[] a, int aOff, int lda, int cols) {
        for (int t = count - 1; t >= 0; t--) {
            float ct = c[csOff + t], st = s[csOff + t];
            for (int j = 0; j < cols; j++) {
                int x = aOff + t * lda + j, y = x + lda;
                float xv = a[x], yv = a[y];
                a[y] = Math.fma(st, xv, ct * yv);
                a[x] = Math.fma(ct, xv, -st * yv);
            }
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void matchesTheTextbookLoopBitForBit(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int count = r.nextInt(12), cols = r.nextBoolean() ? r.nextInt(3 * 64 + 5) : r.nextInt(40), lda = cols + (r.nextBoolean() ? 0 : 1 + r.nextInt(9));
        int csOff = r.nextInt(3), aOff = r.nextInt(5);
        lda = Math.max(lda, 1);
        float[] c = new float[csOff + count + 2], s = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            double th = (r.nextDouble() * 2 - 1) * Math.PI;
            c[i] = (float) Math.cos(th);
            s[i] = (float) Math.sin(th);
        }
        float[] a = new float[aOff + count * lda + cols + 7];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 4 - 2);
        if (r.nextInt(5) == 0) a[r.nextInt(a.length)] = Float.NaN;
        float[] want = a.clone(), sc = a.clone(), vc = a.clone(), fc = a.clone();
        naive(c, s, csOff, count, want, aOff, lda, cols);
        FloatElementwise.scalar().rotateRows(c, s, csOff, count, sc, aOff, lda, cols);
        FloatElementwise.vector().rotateRows(c, s, csOff, count, vc, aOff, lda, cols);
        FloatElementwise.rotateRows(c, s, csOff, count, fc, aOff, lda, cols);
        for (int i = 0; i < a.length; i++) {
            String where = "element " + i + " (count=" + count + ", cols=" + cols + ", lda=" + lda + ", aOff=" + aOff + ")";
            // Float.compare: the same number, -0 apart from +0, every NaN alike
            assertEquals(0, Float.compare(want[i], sc[i]), "scalar, " + where + ": " + sc[i] + " vs " + want[i]);
            assertEquals(0, Float.compare(want[i], vc[i]), "vector, " + where + ": " + vc[i] + " vs " + want[i]);
            assertEquals(0, Float.compare(want[i], fc[i]), "facade, " + where + ": " + fc[i] + " vs " + want[i]);
        }
    }

    @Example
    void badArgumentsFailBeforeWriting() {
        float[] c = {1, 0}, s = {0, 1}, a = new float[10];
        var e = assertThrows(IllegalArgumentException.class, () -> FloatElementwise.rotateRows(c, s, 0, 1, a, 0, 3, 5));
        assertTrue(e.getMessage().contains("rows overlap"), e.getMessage());
        var o = assertThrows(IndexOutOfBoundsException.class, () -> FloatElementwise.rotateRows(c, s, 0, 2, a, 0, 5, 5));
        assertTrue(o.getMessage().contains("rotateRows: a range"), o.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> FloatElementwise.rotateRows(c, s, 1, 2, a, 0, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> FloatElementwise.rotateRows(c, s, 0, -1, a, 0, 3, 3));
        for (float v : a) assertEquals(0, v);
    }
}
