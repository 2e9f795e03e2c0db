package io.simdgrad.simd;

import static io.simdgrad.simd.FloatElementwiseSamples.SPECIALS;
import static io.simdgrad.simd.FloatElementwiseSamples.array;
import static io.simdgrad.simd.FloatElementwiseSamples.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Special-value cross products, argument checks and the parallel split of {@link FloatElementwise}. */
class FloatElementwiseTest {
    private static final FloatElementwiseKernels SCALAR = FloatElementwise.scalar();
    private static final FloatElementwiseKernels VECTOR = FloatElementwise.vector();

    static {
        FloatElementwiseSamples.warmUp();
    }

    /** Every pair of special values, laid out long enough that most of them go through the vector body. */
    @Test
    void binaryOnAllPairsOfSpecialValues() {
        int m = SPECIALS.length;
        float[] a = new float[m * m];
        float[] b = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                a[i * m + j] = SPECIALS[i];
                b[i * m + j] = SPECIALS[j];
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            double ulps = FloatElementwiseProperties.ulps(op);
            float[] s = new float[a.length];
            float[] v = new float[a.length];
            SCALAR.binary(op, a, 0, b, 0, s, 0, a.length);
            VECTOR.binary(op, a, 0, b, 0, v, 0, a.length);
            assertClose("binary " + op, s, v, ulps);
            for (float c : SPECIALS) {
                SCALAR.binaryScalar(op, a, 0, c, s, 0, a.length);
                VECTOR.binaryScalar(op, a, 0, c, v, 0, a.length);
                assertClose("binaryScalar " + op + " " + c, s, v, ulps);
                SCALAR.scalarBinary(op, c, a, 0, s, 0, a.length);
                VECTOR.scalarBinary(op, c, a, 0, v, 0, a.length);
                assertClose("scalarBinary " + op + " " + c, s, v, ulps);
            }
        }
        for (CompareOp op : CompareOp.values()) {
            float[] s = new float[a.length];
            float[] v = new float[a.length];
            SCALAR.compare(op, a, 0, b, 0, s, 0, a.length);
            VECTOR.compare(op, a, 0, b, 0, v, 0, a.length);
            assertClose("compare " + op, s, v, 0);
        }
    }

    @Test
    void maxAndMinFollowMathOnSignedZerosAndNaN() {
        float[] a = new float[64];
        float[] b = new float[64];
        for (int i = 0; i < 64; i += 4) {
            a[i] = -(float) 0;  b[i] = 0;
            a[i + 1] = 0;       b[i + 1] = -(float) 0;
            a[i + 2] = Float.NaN; b[i + 2] = 1;
            a[i + 3] = -1;      b[i + 3] = Float.NaN;
        }
        float[] max = new float[64];
        float[] min = new float[64];
        FloatElementwise.binary(BinaryOp.MAX, a, 0, b, 0, max, 0, 64);
        FloatElementwise.binary(BinaryOp.MIN, a, 0, b, 0, min, 0, 64);
        for (int i = 0; i < 64; i++) {
            assertEquals(Math.max(a[i], b[i]), max[i], "max(" + a[i] + ", " + b[i] + ")");
            assertEquals(Math.min(a[i], b[i]), min[i], "min(" + a[i] + ", " + b[i] + ")");
        }
        assertEquals(0, Float.compare(max[0], 0));
        assertEquals(0, Float.compare(min[0], -(float) 0));
    }

    @Test
    void unaryOnSpecialValues() {
        float[] a = new float[SPECIALS.length * 4];
        for (int i = 0; i < a.length; i++) {
            float x = SPECIALS[i % SPECIALS.length];
            a[i] = i / SPECIALS.length % 2 == 0 ? x : -x;
        }
        for (UnaryOp op : UnaryOp.values()) {
            float[] s = new float[a.length];
            float[] v = new float[a.length];
            SCALAR.unary(op, a, 0, s, 0, a.length);
            VECTOR.unary(op, a, 0, v, 0, a.length);
            assertClose("unary " + op, s, v, FloatElementwiseProperties.ulps(op));
        }
    }

    @Test
    void sigmoidSaturatesWithoutOverflow() {
        float[] a = {-Float.MAX_VALUE, -1000, -100, 100, 1000, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY};
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) x[i] = a[i % a.length];
        float[] out = new float[x.length];
        FloatElementwise.unary(UnaryOp.SIGMOID, x, 0, out, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertTrue(out[i] >= 0 && out[i] <= 1, "sigmoid(" + x[i] + ") = " + out[i]);
            if (Math.abs(x[i]) >= 1000) assertEquals(x[i] > 0 ? 1 : 0, out[i], "sigmoid(" + x[i] + ")");
        }
    }

    /** One bad call per family: the exception type, the numbers in the message, and no partial write. */
    @Test
    void boundsAreCheckedBeforeAnythingIsWritten() {
        float[] a = new float[100];
        float[] b = new float[50];
        float[] out = new float[100];
        var e = assertThrows(IndexOutOfBoundsException.class,
                () -> FloatElementwise.binary(BinaryOp.ADD, a, 0, b, 10, out, 0, 60));
        assertEquals("FloatElementwise.binary(ADD): b range [10, 70) is outside the array of length 50", e.getMessage());
        assertArrayEquals(new float[100], out);
        var u = assertThrows(IndexOutOfBoundsException.class,
                () -> FloatElementwise.unary(UnaryOp.EXP, a, -1, out, 0, 5));
        assertTrue(u.getMessage().contains("unary(EXP): a range [-1, 4)"), u.getMessage());
        var neg = assertThrows(IllegalArgumentException.class, () -> FloatElementwise.fill(1, out, 0, -3));
        assertTrue(neg.getMessage().contains("got -3"), neg.getMessage());
        var y = assertThrows(IndexOutOfBoundsException.class, () -> FloatElementwise.axpy(2, a, 0, b, 1, 50));
        assertTrue(y.getMessage().contains("axpy: y range [1, 51) is outside the array of length 50"), y.getMessage());
        assertThrows(NullPointerException.class, () -> FloatElementwise.unary(null, a, 0, out, 0, 1));
        assertArrayEquals(new float[100], out);
    }

    /**
     * Above the threshold the facade splits; two threads must give the single-thread bits. The
     * transcendentals are held to their ulp bound instead: the Vector API computes them with
     * {@link Math} until C2 compiles the loop and with its vector library after, so two calls can
     * differ by the JIT's progress alone. {@link #chunksAreAlignedTo64} checks the split itself.
     */
    @Test
    void parallelSplitEqualsSingleThread() {
        int n = Parallel.ELEMENTWISE_THRESHOLD + 4099;
        SplittableRandom r = new SplittableRandom(5);
        float[] a = array(r, n + 3);
        float[] b = array(r, n + 7);
        for (BinaryOp op : BinaryOp.values()) {
            double ulps = FloatElementwiseProperties.ulps(op);
            check(n, ulps, out -> FloatElementwise.binary(op, a, 3, b, 7, out, 1, n));
            check(n, ulps, out -> FloatElementwise.binaryScalar(op, a, 3, 3, out, 1, n));
            check(n, ulps, out -> FloatElementwise.scalarBinary(op, 3, b, 7, out, 1, n));
        }
        for (UnaryOp op : UnaryOp.values()) {
            check(n, FloatElementwiseProperties.ulps(op), out -> FloatElementwise.unary(op, a, 3, out, 1, n));
        }
        check(n, out -> FloatElementwise.compare(CompareOp.GT, a, 3, b, 7, out, 1, n));
        check(n, out -> FloatElementwise.compareScalar(CompareOp.LE, a, 3, 0, out, 1, n));
        check(n, out -> FloatElementwise.where(a, 0, a, 3, b, 7, out, 1, n));
        check(n, out -> FloatElementwise.clamp(a, 3, -1, 2, out, 1, n));
        check(n, out -> FloatElementwise.reluBackward(a, 3, b, 7, out, 1, n));
        check(n, out -> FloatElementwise.sigmoidBackward(a, 3, b, 7, out, 1, n));
        check(n, out -> FloatElementwise.tanhBackward(a, 3, b, 7, out, 1, n));
        check(n, out -> FloatElementwise.scale(3, a, 3, out, 1, n));
        check(n, out -> FloatElementwise.fill(3, out, 1, n));
        check(n, out -> {
            System.arraycopy(b, 0, out, 0, n);
            FloatElementwise.axpy(3, a, 3, out, 1, n);
        });
    }

    /** Chunk starts are multiples of 64, so every chunk's vector body covers the same elements as one call's. */
    @Test
    void chunksAreAlignedTo64() {
        int n = Parallel.ELEMENTWISE_THRESHOLD + 4099;
        java.util.List<int[]> chunks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Parallel.run(n, 2, FloatElementwise.ALIGN, (s, e) -> chunks.add(new int[] {s, e}));
        assertEquals(2, chunks.size());
        chunks.sort(java.util.Comparator.comparingInt(c -> c[0]));
        assertEquals(0, chunks.get(0)[0]);
        assertEquals(chunks.get(0)[1], chunks.get(1)[0]);
        assertEquals(0, chunks.get(1)[0] % 64);
        assertEquals(n, chunks.get(1)[1]);
    }

    /** Runs {@code call} at 1 and at 2 threads on an output of n + 5 elements; compares bit by bit. */
    private static void check(int n, Consumer<float[]> call) {
        check(n, 0, call);
    }

    private static void check(int n, double ulps, Consumer<float[]> call) {
        int saved = Simd.maxThreads();
        try {
            float[] one = new float[n + 5];
            float[] two = new float[n + 5];
            Simd.setMaxThreads(1);
            call.accept(one);
            Simd.setMaxThreads(2);
            call.accept(two);
            assertClose("split", one, two, ulps);
        } finally {
            Simd.setMaxThreads(saved);
        }
    }
}
