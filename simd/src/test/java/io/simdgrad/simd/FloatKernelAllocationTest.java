package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;

/**
 * The vector kernels allocate nothing once compiled: a vector that C2 fails to keep in registers
 * (a call it does not inline that takes or returns one, a method past its inlining budget, a
 * masked access on a path it cannot intrinsify) is boxed on the heap, which shows as allocated
 * bytes on the calling thread ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 * Each kernel family runs warm on one thread, with tails and edge values (NaN, infinities, out of
 * range), until a round of calls allocates nothing; it fails if that does not happen within a
 * few seconds of calls (the interpreter and C1 do box vectors).
 */
class FloatKernelAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Calls per measured round; warm-up rounds in between let C2 compile. */
    private static final int CALLS = 200;
    private static final long BUDGET_NANOS = 4_000_000_000L;

    @Example
    void warmVectorKernelsAllocateNothing() {
        FloatLayoutKernels lay = FloatLayout.vector();
        FloatGemmKernels gemm = FloatGemm.vector();
        float[] a = values(300 * 300, 4), b = values(300 * 300, 5), c = new float[300 * 300];
        List<String> failures = new ArrayList<>();
        // The elementwise kernels boxed when warm (measured 2026-12-02, Zen 5, 1007 floats a call: every
        // unary op 96 bytes, SQRT and the JDK-lanewise ones 6-16 KB, the binary ops 12-18 KB), while their
        // loops were all cases of one switch; one small method per loop fixed it, and they are checked here.
        // Still left out: the reductions (sum, dot, max in f64: ~8 KB a call), softmax and tanhBackward,
        // clean alone but boxing after other tests warmed the same entries (issue 12).
        FloatElementwiseKernels el = FloatElementwise.vector();
        int n = 67; // four 512-bit vectors and a tail, cheap while the interpreter runs the first rounds
        for (UnaryOp op : UnaryOp.values()) check(failures, "unary " + op, () -> el.unary(op, a, 0, c, 0, n));
        for (BinaryOp op : BinaryOp.values()) {
            check(failures, "binary " + op, () -> el.binary(op, a, 0, b, 0, c, 0, n));
            check(failures, "binaryScalar " + op, () -> el.binaryScalar(op, a, 0, (float) 1.5, c, 0, n));
            check(failures, "scalarBinary " + op, () -> el.scalarBinary(op, (float) 1.5, b, 0, c, 0, n));
        }
        for (CompareOp op : CompareOp.values()) {
            check(failures, "compare " + op, () -> el.compare(op, a, 0, b, 0, c, 0, n));
            check(failures, "compareScalar " + op, () -> el.compareScalar(op, a, 0, (float) 0.5, c, 0, n));
        }
        check(failures, "transpose", () -> lay.transpose(a, 0, 97, 131, 131, c, 0, 97));
        // LeNet's second layer's input gradient: 14 x 14 from 10 x 10 columns, 5 x 5 window
        check(failures, "col2imSum", () -> lay.col2imSum(a, 8, 100, c, 0, 14, 14, 10, 10, 5, 5, 0, 0, 1, 1));
        int[][] shapes = {
            {24, 16, 24}, // unpacked, one-vector tiles and the 8 x 2 tile
            {64, 10, 256}, // narrow path
            {96, 96, 96}, // packed, one k chunk
            {100, 40, 300}, // packed, two k chunks
        };
        for (int[] s : shapes) {
            for (int form = 0; form < 4; form++) {
                boolean tA = (form & 1) != 0, tB = (form & 2) != 0;
                int m = s[0], nn = s[1], k = s[2];
                check(failures, "gemm " + m + "x" + nn + "x" + k + (tA ? " T" : " N") + (tB ? "T" : "N"),
                        () -> gemm.gemm(tA, tB, m, nn, k, (float) 1.5, a, 0, tA ? m : k, b, 0, tB ? k : nn,
                                (float) 0.5, c, 0, nn));
            }
        }
        if (!failures.isEmpty()) fail("kernels that still allocate when warm:\n" + String.join("\n", failures));
    }

    /** Values in [-10, 10] with NaN, infinities and out-of-range magnitudes mixed in. */
    private static float[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -100, 89, (float) 1e30, 0};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : (float) r.nextDouble(-10, 10);
        }
        return v;
    }

    /** Runs rounds of warm-up and measured calls until a measured round allocates nothing. */
    private static void check(List<String> failures, String name, Runnable kernel) {
        long start = System.nanoTime();
        long perCall = -1;
        while (System.nanoTime() - start < BUDGET_NANOS) {
            for (int i = 0; i < 20 * CALLS; i++) kernel.run();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS; i++) kernel.run();
            long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (bytes == 0) return;
            perCall = bytes / CALLS;
        }
        failures.add(name + ": " + perCall + " bytes a call");
    }
}
