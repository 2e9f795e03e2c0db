package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * multinomial's draws against its distribution with a fixed seed: Pearson's chi-square of the
 * counts stays below the 0.1% critical value (so a correct sampler fails with probability 1e-3
 * for a new seed, never for this one; a sampler off by a few percent fails at these counts).
 */
class MultinomialTest {
    /** The chi-square 0.999 quantiles for 1..4 degrees of freedom. */
    private static final double[] CRITICAL = {10.83, 13.82, 16.27, 18.47};

    private static double chiSquare(long[] counts, double[] p) {
        long n = 0;
        double total = 0, x = 0;
        for (long c : counts) n += c;
        for (double v : p) total += v;
        for (int j = 0; j < p.length; j++) {
            double e = n * p[j] / total;
            if (e == 0) {
                assertEquals(0, counts[j], "a zero weight is never drawn");
                continue;
            }
            x += (counts[j] - e) * (counts[j] - e) / e;
        }
        return x;
    }

    @Test
    void withReplacementFollowsTheWeights() {
        double[] w = {1, 0, 2, 3, 4}; // unnormalised, with a zero weight
        long[] draws = Tensor.of(w).to(DType.FLOAT32).multinomial(new Generator(7), 40_000, true).toLongArray();
        long[] counts = new long[w.length];
        for (long d : draws) counts[(int) d]++;
        double x = chiSquare(counts, w);
        assertTrue(x < CRITICAL[3], "chi-square " + x + " for counts " + java.util.Arrays.toString(counts));
    }

    @Test
    void withoutReplacementDrawsDistinctCategoriesSequentially() {
        // [N, C]: each row is one draw of 2 without replacement; the first follows w, the second
        // given the first follows w without it (P(second = j) = sum_i w_i/W * w_j/(W - w_i))
        double[] w = {0.1, 0.2, 0.3, 0.4};
        int rows = 20_000;
        double[] rep = new double[rows * w.length];
        for (int r = 0; r < rows; r++) System.arraycopy(w, 0, rep, r * w.length, w.length);
        long[] draws = Tensor.of(rep, rows, w.length).multinomial(new Generator(11), 2, false).toLongArray();
        long[] first = new long[4], second = new long[4];
        for (int r = 0; r < rows; r++) {
            assertTrue(draws[2 * r] != draws[2 * r + 1], "row " + r + " repeats a category");
            first[(int) draws[2 * r]]++;
            second[(int) draws[2 * r + 1]]++;
        }
        double[] p2 = new double[4];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) if (i != j) p2[j] += w[i] * w[j] / (1 - w[i]);
        double x1 = chiSquare(first, w), x2 = chiSquare(second, p2);
        assertTrue(x1 < CRITICAL[2], "first draw chi-square " + x1);
        assertTrue(x2 < CRITICAL[2], "second draw chi-square " + x2);
    }

    @Test
    void zeroWeightsComeLastWithoutReplacementAndShapesFollowTheInput() {
        // as PyTorch: multinomial([0, 1, 0], 2) gives [1, 0] (the zero weights after the others, lowest index first)
        assertArrayEquals(new long[] {1, 0}, Tensor.of(new float[] {0, 1, 0}).multinomial(new Generator(1), 2, false).toLongArray());
        Tensor all = Tensor.of(new float[] {3, 1, 2}).multinomial(new Generator(5), 3, false);
        Set<Long> seen = new HashSet<>();
        for (long v : all.toLongArray()) seen.add(v);
        assertEquals(Set.of(0L, 1L, 2L), seen, "all categories once");
        assertArrayEquals(new int[] {4, 6}, Tensor.ones(4, 3).multinomial(new Generator(2), 6, true).shape());
        assertEquals(DType.INT64, Tensor.ones(3).multinomial(new Generator(2), 1, true).dtype());
    }

    @Test
    void sameSeedSameDraws() {
        Tensor w = Tensor.of(new double[] {0.5, 1, 2, 0.25});
        assertArrayEquals(w.multinomial(new Generator(9), 50, true).toLongArray(), w.multinomial(new Generator(9), 50, true).toLongArray());
    }
}
