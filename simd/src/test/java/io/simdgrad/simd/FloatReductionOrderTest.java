package io.simdgrad.simd;

import io.simdgrad.simd.FloatReductionData.Kinds;
import io.simdgrad.simd.FloatReductionData.Lengths;
import io.simdgrad.simd.FloatReductionData.Offsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static io.simdgrad.simd.FloatReductionData.P;
import static io.simdgrad.simd.FloatReductionData.array;
import static io.simdgrad.simd.FloatReductionData.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The summation order of {@link FloatReductions}, bit for bit. The order is emulated here in
 * plain scalar Java, straight from the facade's Javadoc (P partials, the pairwise tree, the
 * sequential tail, the chunk tree written as the iterative w = 1, 2, 4... loop), and the facade
 * must return the same bits. Surefire runs this class again with the species forced to 128, 256
 * and 512 bits ({@code -Dsimdgrad.simd=...}, see simd/pom.xml), so every width must reproduce
 * it; and it compares one thread with two on large ranges.
 */
class FloatReductionOrderTest {
    private static final int CHUNK = 1 << 16;
    private static final FloatReductionKernels V = FloatReductions.vector();

    /** The defined order on a strided range; {@code b == null} sums, else fma-accumulates a*b. */
    static float ordered(float[] a, int aOff, float[] b, int bOff, int stride, int n) {
        int chunks = Math.max(1, (n + CHUNK - 1) / CHUNK);
        float[] c = new float[chunks];
        for (int k = 0; k < chunks; k++) {
            int start = k * CHUNK;
            c[k] = orderedChunk(a, aOff + start * stride, b, bOff + start * stride, stride, Math.min(CHUNK, n - start));
        }
        for (int w = 1; w < chunks; w *= 2) {
            for (int k = 0; k + w < chunks; k += 2 * w) c[k] += c[k + w];
        }
        return c[0];
    }

    private static float orderedChunk(float[] a, int aOff, float[] b, int bOff, int stride, int n) {
        float[] p = new float[P];
        int full = n - n % P;
        for (int i = 0; i < full; i++) p[i % P] = add(p[i % P], a, aOff, b, bOff, stride, i);
        for (int h = P / 2; h >= 1; h /= 2) {
            for (int j = 0; j < h; j++) p[j] = p[j] + p[j + h];
        }
        float r = p[0];
        for (int i = full; i < n; i++) r = add(r, a, aOff, b, bOff, stride, i);
        return r;
    }

    private static float add(float acc, float[] a, int aOff, float[] b, int bOff, int stride, int i) {
        float x = a[aOff + i * stride];
        return b == null ? acc + x : Math.fma(x, b[bOff + i * stride], acc);
    }

    @Example
    void theForcedWidthIsInEffect() {
        String forced = System.getProperty(Simd.IMPL_PROPERTY, "preferred");
        assertEquals(P, FloatReductions.PARTIALS);
        if (forced.matches("\\d+")) assertEquals(Integer.parseInt(forced), SimdSpecies.FLOAT.vectorBitSize());
        System.out.println(getClass().getSimpleName() + ": " + Simd.describe());
    }

    /**
     * The vector kernels must reproduce the order; so must the facade, unless it runs the scalar
     * twins ({@code -Dsimdgrad.simd=scalar}), whose chunks are plain sequential loops.
     */
    private static void assertOrder(float expected, float kernel, float facade, String what) {
        assertEquals(expected, kernel, "vector kernel " + what);
        if (!Simd.SCALAR) assertEquals(expected, facade, what);
    }

    @Property(tries = 300)
    void sumsFollowTheDefinedOrderBitForBit(@ForAll(supplier = Lengths.class) int n, @ForAll(supplier = Offsets.class) int off,
                                            @ForAll(supplier = Offsets.class) int off2, @ForAll(supplier = Kinds.class) int kind,
                                            @ForAll @IntRange(min = 2, max = 5) int stride, @ForAll long seed) {
        float[] a = array(seed, kind, off, n, 4);
        float[] b = array(~seed, kind, off2, n, 2);
        assertOrder(ordered(a, off, null, 0, 1, n), V.sum(a, off, n), FloatReductions.reduce(ReduceOp.SUM, a, off, 1, n), "sum");
        assertOrder(ordered(a, off, b, off2, 1, n), V.dot(a, off, b, off2, n), FloatReductions.dot(a, off, b, off2, n), "dot");
        assertOrder(ordered(a, off, a, off, 1, n), V.sumSquares(a, off, n), FloatReductions.sumSquares(a, off, n), "sumSquares");
        float[] s = block(seed, kind, off, n, 1, stride);
        assertOrder(ordered(s, off, null, 0, stride, n), V.sumStrided(s, off, stride, n),
                FloatReductions.reduce(ReduceOp.SUM, s, off, stride, n), "sumStrided");
        int rows = 3, cols = n / rows, ld = cols + 1;
        float[] m = block(seed, kind, off, rows, cols, ld), kernel = new float[rows], facade = new float[rows];
        V.sumRows(m, off, rows, cols, ld, kernel, 0);
        FloatReductions.reduceRows(ReduceOp.SUM, m, off, rows, cols, ld, facade, 0);
        for (int r = 0; r < rows; r++) assertOrder(ordered(m, off + r * ld, null, 0, 1, cols), kernel[r], facade[r], "sumRows");
    }

    @Example
    void chunkedSumsFollowTheDefinedOrder() {
        for (int n : new int[] {CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + P + 5, 7 * CHUNK - 3, 300_001}) {
            float[] a = array(n, FloatReductionData.MAGNITUDES, 1, n, 1);
            float[] b = array(n + 1, FloatReductionData.MODERATE, 0, n, 0);
            assertOrder(ordered(a, 1, null, 0, 1, n), V.sum(a, 1, n), FloatReductions.reduce(ReduceOp.SUM, a, 1, 1, n), "sum " + n);
            assertOrder(ordered(a, 1, b, 0, 1, n), V.dot(a, 1, b, 0, n), FloatReductions.dot(a, 1, b, 0, n), "dot " + n);
            assertOrder(ordered(a, 1, a, 1, 1, n), V.sumSquares(a, 1, n), FloatReductions.sumSquares(a, 1, n), "sumSquares " + n);
            assertOrder(ordered(a, 1, null, 0, 3, n / 3), V.sumStrided(a, 1, 3, n / 3),
                    FloatReductions.reduce(ReduceOp.SUM, a, 1, 3, n / 3), "sumStrided " + n);
            float[] kernel = new float[1], facade = new float[1];
            V.sumRows(a, 1, 1, n, n, kernel, 0);
            FloatReductions.reduceRows(ReduceOp.SUM, a, 1, 1, n, n, facade, 0);
            assertOrder(ordered(a, 1, null, 0, 1, n), kernel[0], facade[0], "sumRows " + n);
        }
    }

    /** The emulation is sensitive to order: on wide magnitudes it differs from a sequential loop. */
    @Example
    void theOrderIsObservable() {
        int n = 10_000, differ = 0;
        for (long seed = 0; seed < 5; seed++) {
            float[] a = array(seed, FloatReductionData.MAGNITUDES, 0, n, 0);
            if (ordered(a, 0, null, 0, 1, n) != FloatReductions.scalar().sum(a, 0, n)) differ++;
        }
        assertTrue(differ > 0, "the ordered and the sequential sum never differed");
    }

    @Example
    void resultsDoNotDependOnTheThreadCount() {
        int saved = Simd.maxThreads();
        try {
            for (int n : new int[] {300_007, 1_000_000}) {
                float[] a = array(n, FloatReductionData.MAGNITUDES, 2, n, 0);
                float[] b = array(n + 1, FloatReductionData.MODERATE, 0, n, 0);
                float[][] results = new float[2][];
                int[][] args = new int[2][];
                for (int threads = 1; threads <= 2; threads++) {
                    Simd.setMaxThreads(threads);
                    float[] rowSums = new float[500];
                    FloatReductions.reduceRows(ReduceOp.SUM, a, 2, 500, n / 500, n / 500, rowSums, 0);
                    float[] colSums = new float[n / 500];
                    FloatReductions.reduceColumns(ReduceOp.SUM, a, 2, 500, n / 500, n / 500, colSums, 0);
                    results[threads - 1] = concat(new float[] {
                            FloatReductions.reduce(ReduceOp.SUM, a, 2, 1, n), FloatReductions.dot(a, 2, b, 0, n),
                            FloatReductions.sumSquares(b, 0, n), FloatReductions.reduce(ReduceOp.SUM, a, 2, 2, n / 2),
                            FloatReductions.reduce(ReduceOp.MAX, a, 2, 1, n), FloatReductions.reduce(ReduceOp.MIN, a, 2, 3, n / 3),
                    }, rowSums, colSums);
                    args[threads - 1] = new int[] {FloatReductions.argReduce(ReduceOp.MAX, a, 2, 1, n), FloatReductions.argReduce(ReduceOp.MIN, a, 2, 3, n / 3)};
                }
                assertArrayEquals(results[0], results[1], "1 thread vs 2 threads, n = " + n);
                assertArrayEquals(args[0], args[1], "1 thread vs 2 threads, n = " + n);
                if (!Simd.SCALAR) {
                    assertEquals(ordered(a, 2, null, 0, 1, n), results[1][0], "sum n = " + n);
                    assertEquals(ordered(a, 2, b, 0, 1, n), results[1][1], "dot n = " + n);
                }
                assertNotEquals(0, results[1][0]);
            }
        } finally {
            Simd.setMaxThreads(saved);
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
