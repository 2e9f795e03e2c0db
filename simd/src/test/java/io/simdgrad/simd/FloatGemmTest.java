package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * GEMM (facade, vector kernel and scalar twin) against a naive triple loop in float64.
 *
 * <p>Tolerance: a dot product of k terms summed in any order, with or without FMA, is within
 * {@code gamma_k * sum|a||b|} of the exact value ({@code gamma_k ~ k*u}, u the unit roundoff;
 * Higham, Accuracy and Stability, 3.1); alpha, beta and the k-chunk combination add a few
 * roundings more. We allow {@code (k + 4) * ulp(1) * (|alpha| sum|a||b| + |beta c|)}; ulp(1) is
 * 2u, which also covers the oracle's own error when it runs in the same precision (the
 * generated double test).
 */
class FloatGemmTest {
    private static final double EPS = Math.ulp((float) 1);

    /** Operands of one product with random offsets and leading dimensions, C filled around its block. */
    record Problem(boolean transA, boolean transB, int m, int n, int k,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Problem random(boolean transA, boolean transB, int m, int n, int k, int pad, boolean nanC, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int aCols = transA ? m : k, aRows = transA ? k : m;
            int bCols = transB ? k : n, bRows = transB ? n : k;
            int lda = aCols + r.nextInt(pad + 1), ldb = bCols + r.nextInt(pad + 1), ldc = n + r.nextInt(pad + 1);
            int aOff = r.nextInt(pad + 1), bOff = r.nextInt(pad + 1), cOff = r.nextInt(pad + 1);
            float[] a = values(r, aOff + aRows * lda + pad, false);
            float[] b = values(r, bOff + bRows * ldb + pad, false);
            float[] c = values(r, cOff + m * ldc + pad, nanC);
            return new Problem(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        private static float[] values(SplittableRandom r, int len, boolean nan) {
            float[] x = new float[len];
            boolean ints = r.nextInt(4) == 0; // small integers: every sum exact, any order
            for (int i = 0; i < len; i++) {
                x[i] = nan ? Float.NaN : ints ? r.nextInt(-3, 4) : (float) r.nextDouble(-1, 1);
            }
            return x;
        }

        double opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Runs {@code impl} on a copy of C and returns the copy. */
        float[] run(FloatGemmKernels impl, float alpha, float beta) {
            float[] out = c.clone();
            impl.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float[] runFacade(float alpha, float beta) {
            float[] out = c.clone();
            FloatGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** Checks {@code out} against the float64 triple loop inside the block and bit-equality outside it. */
        void check(float[] out, float alpha, float beta, String label) {
            boolean[] inBlock = new boolean[c.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    inBlock[ci] = true;
                    double exact = 0, mag = 0;
                    if (alpha != 0) {
                        for (int p = 0; p < k; p++) {
                            double prod = opA(i, p) * opB(p, j);
                            exact += prod;
                            mag += Math.abs(prod);
                        }
                    }
                    double old = beta == 0 ? 0 : (double) beta * c[ci];
                    double expected = alpha * exact + old;
                    double tol = (k + 4) * EPS * (Math.abs(alpha) * mag + Math.abs(old));
                    if (!(Math.abs(out[ci] - expected) <= tol)) {
                        fail(label + ": C[" + i + "][" + j + "] = " + out[ci] + ", expected " + expected + " +- " + tol
                                + " (" + this + ", alpha=" + alpha + ", beta=" + beta + ")");
                    }
                }
            }
            for (int x = 0; x < c.length; x++) {
                if (!inBlock[x] && Float.compare(out[x], c[x]) != 0) {
                    fail(label + ": c[" + x + "] outside the block changed from " + c[x] + " to " + out[x]);
                }
            }
        }

        @Override
        public String toString() {
            return "transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", aOff=" + aOff + ", lda=" + lda + ", bOff=" + bOff + ", ldb=" + ldb
                    + ", cOff=" + cOff + ", ldc=" + ldc;
        }
    }

    /** Sizes weighted to the tile edges: empty and tiny, MR and NR +- 1, and anything up to 150. */
    @Provide
    Arbitrary<Integer> dim() {
        int mr = VectorFloatGemm.MR, nr = VectorFloatGemm.NR;
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 4)),
                Tuple.of(3, Arbitraries.of(mr - 1, mr, mr + 1, nr - 1, nr, nr + 1, 2 * nr + 1, 3 * mr - 1)),
                Tuple.of(4, Arbitraries.integers().between(0, 150)));
    }

    @Provide
    Arbitrary<Float> scalar() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of((float) 0, (float) 1, (float) -1, (float) 0.5)),
                Tuple.of(1, Arbitraries.floats().between(-2, 2)));
    }

    @Property(tries = 250)
    void gemmMatchesFloat64Loop(@ForAll boolean transA, @ForAll boolean transB,
                                @ForAll("dim") int m, @ForAll("dim") int n, @ForAll("dim") int k,
                                @ForAll("scalar") float alpha, @ForAll("scalar") float beta,
                                @ForAll @IntRange(max = 3) int pad, @ForAll long seed) {
        Problem p = Problem.random(transA, transB, m, n, k, pad, beta == 0 && (seed & 1) == 0, seed);
        p.check(p.runFacade(alpha, beta), alpha, beta, "facade");
        p.check(p.run(FloatGemm.vector(), alpha, beta), alpha, beta, "vector");
        p.check(p.run(FloatGemm.scalar(), alpha, beta), alpha, beta, "scalar");
    }

    /**
     * Any block of C computed on its own, and the product split into a parallel call's tasks, are
     * bit-identical to the whole product: what makes the result independent of the thread count.
     */
    @Property(tries = 60)
    void blocksOfCAreBitIdenticalToTheWhole(@ForAll boolean transA, @ForAll boolean transB,
                                            @ForAll("dim") int m, @ForAll("dim") int n,
                                            @ForAll @IntRange(min = 1, max = 600) int k,
                                            @ForAll("scalar") float beta, @ForAll long seed) {
        Problem p = Problem.random(transA, transB, m, n, k, 2, false, seed);
        float alpha = (float) 1.25;
        float[] whole = p.run(FloatGemm.vector(), alpha, beta);
        SplittableRandom r = new SplittableRandom(seed);
        int i0 = r.nextInt(m + 1), j0 = r.nextInt(n + 1);
        float[] pieces = p.c.clone();
        int[][] blocks = {{0, i0, 0, j0}, {0, i0, j0, n}, {i0, m, 0, j0}, {i0, m, j0, n}};
        for (int[] blk : blocks) {
            int rows = blk[1] - blk[0], cols = blk[3] - blk[2];
            int aOff = p.aOff + blk[0] * (transA ? 1 : p.lda);
            int bOff = p.bOff + blk[2] * (transB ? p.ldb : 1);
            FloatGemm.vector().gemm(transA, transB, rows, cols, k, alpha, p.a, aOff, p.lda, p.b, bOff, p.ldb,
                    beta, pieces, p.cOff + blk[0] * p.ldc + blk[2], p.ldc);
        }
        assertArrayEquals(whole, pieces, "split at row " + i0 + ", column " + j0 + " of " + p);
        // the task split of a parallel call (here planned for 3 threads, however many run)
        float[] parallel = p.c.clone();
        FloatGemm.vector().gemmParallel(3, transA, transB, m, n, k, alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                beta, parallel, p.cOff, p.ldc);
        assertArrayEquals(whole, parallel, "gemmParallel(3) of " + p);
    }

    /**
     * Shapes on both sides of the unpacked path's limit (m*n*k up to {@code SMALL_MNK}, k up to
     * KC): {@code gemm} is right against the float64 loop and bit-identical to the packed path
     * ({@code gemmParallel(1, ...)} always packs), for all four forms, beta 0 with NaN in C included.
     */
    @Property(tries = 120)
    void unpackedSmallProductsMatchThePackedPathBitForBit(@ForAll boolean transA, @ForAll boolean transB,
                                                          @ForAll("nearSmallLimit") int m, @ForAll("nearSmallLimit") int n,
                                                          @ForAll("nearSmallLimit") int k,
                                                          @ForAll("scalar") float alpha, @ForAll("scalar") float beta,
                                                          @ForAll @IntRange(max = 3) int pad, @ForAll long seed) {
        Problem p = Problem.random(transA, transB, m, n, k, pad, beta == 0 && (seed & 1) == 0, seed);
        float[] viaGemm = p.run(FloatGemm.vector(), alpha, beta);
        p.check(viaGemm, alpha, beta, "vector gemm (" + (VectorFloatGemm.small(m, n, k) ? "unpacked" : "packed") + ")");
        float[] packed = p.c.clone();
        FloatGemm.vector().gemmParallel(1, transA, transB, m, n, k, alpha, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                beta, packed, p.cOff, p.ldc);
        assertArrayEquals(packed, viaGemm, "unpacked vs packed: " + p + ", alpha=" + alpha + ", beta=" + beta);
    }

    /**
     * The narrow path (n < NR, at least TI rows: vectors down the columns of C) on all four forms,
     * ragged row panels and column groups, beta 0 over NaN and beta != 0: right against the
     * float64 loop and bit-identical to the packed path.
     */
    @Example
    void narrowProductsMatchThePackedPathBitForBit() {
        int ti = VectorFloatGemm.TI, nr = VectorFloatGemm.NR;
        int narrowCalls = 0;
        for (int form = 0; form < 4; form++) {
            boolean transA = (form & 1) != 0, transB = (form & 2) != 0;
            for (int m : new int[] {ti, ti + 3, 2 * ti + 17}) {
                for (int n : new int[] {1, 4, 5, 6, 10, nr - 1}) {
                    for (int k : new int[] {1, 9, VectorFloatGemm.KC}) {
                        float beta = (m + n) % 2 == 0 ? 0 : (float) -0.5;
                        Problem p = Problem.random(transA, transB, m, n, k, 1, beta == 0, m * 31L + n * 7L + k);
                        if (VectorFloatGemm.narrow(transA, m, n, k)) narrowCalls++;
                        float[] viaGemm = p.run(FloatGemm.vector(), (float) 1.5, beta);
                        p.check(viaGemm, (float) 1.5, beta, "narrow");
                        float[] packed = p.c.clone();
                        FloatGemm.vector().gemmParallel(1, transA, transB, m, n, k, (float) 1.5, p.a, p.aOff, p.lda,
                                p.b, p.bOff, p.ldb, beta, packed, p.cOff, p.ldc);
                        assertArrayEquals(packed, viaGemm, "narrow vs packed: " + p);
                    }
                }
            }
        }
        assertTrue(narrowCalls > 100, "the shapes reach the narrow path: " + narrowCalls);
    }

    /**
     * (op(A) op(B))^T computed as op(B)^T op(A)^T (the operands swapped, each transpose flag
     * flipped) is the transpose bit for bit, on either path: graph's transposeProducts pass
     * relies on it.
     */
    @Property(tries = 60)
    void swappedProductIsTheTransposeBitForBit(@ForAll boolean transA, @ForAll boolean transB,
                                               @ForAll("nearSmallLimit") int m, @ForAll("nearSmallLimit") int n,
                                               @ForAll @IntRange(min = 1, max = 600) int k, @ForAll long seed) {
        Problem p = Problem.random(transA, transB, m, n, k, 2, false, seed);
        float[] c = new float[m * n], ct = new float[n * m];
        FloatGemm.gemm(transA, transB, m, n, k, 1, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, 0, c, 0, n);
        FloatGemm.gemm(!transB, !transA, n, m, k, 1, p.b, p.bOff, p.ldb, p.a, p.aOff, p.lda, 0, ct, 0, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (Float.compare(c[i * n + j], ct[j * m + i]) != 0) {
                    fail("element (" + i + ", " + j + ") of " + p + ": " + c[i * n + j] + " vs swapped " + ct[j * m + i]);
                }
            }
        }
    }

    /**
     * When {@code updatesOnce(k)}, {@code C += alpha*op(A)op(B)} (beta 1) equals the product
     * (alpha 1, beta 0) followed by {@code axpy(alpha, product, C)} bit for bit: graph's
     * fuseParamUpdates pass relies on it. Beyond the chunk it need not, and is not claimed.
     */
    @Property(tries = 60)
    void addingAProductIntoCEqualsProductThenAxpyWithinOneChunk(@ForAll boolean transA, @ForAll boolean transB,
                                                                @ForAll("nearSmallLimit") int m, @ForAll("nearSmallLimit") int n,
                                                                @ForAll @IntRange(min = 1, max = 256) int k,
                                                                @ForAll("scalar") float alpha, @ForAll long seed) {
        Problem p = Problem.random(transA, transB, m, n, k, 2, false, seed);
        assertTrue(FloatGemm.updatesOnce(k));
        float[] fused = p.runFacade(alpha, 1);
        float[] product = new float[m * n];
        FloatGemm.gemm(transA, transB, m, n, k, 1, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, 0, product, 0, n);
        float[] twoSteps = p.c.clone();
        for (int i = 0; i < m; i++) FloatElementwise.axpy(alpha, product, i * n, twoSteps, p.cOff + i * p.ldc, n);
        assertArrayEquals(twoSteps, fused, p + ", alpha=" + alpha);
    }

    /** Dims that put m*n*k on either side of {@code VectorFloatGemm.SMALL_MNK}, tiny ones, and some beyond it. */
    @Provide
    Arbitrary<Integer> nearSmallLimit() {
        int l = SimdSpecies.FLOAT.length();
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(1, 4)),
                Tuple.of(2, Arbitraries.of(l - 1, l, l + 1, 2 * l + 3, 16, 31, 32, 33)),
                Tuple.of(3, Arbitraries.integers().between(1, 64)),
                // with n < NR, products far beyond SMALL_MNK take the unpacked path too
                Tuple.of(1, Arbitraries.integers().between(65, 300)));
    }

    /**
     * Big enough for several k chunks, several MC/NC blocks, tasks split over rows and over
     * columns of C, and the parallel path.
     */
    @Example
    void largeProductsAreCorrectAndIndependentOfThreadCount() {
        // 40 and 120 rows: on several threads each task packs its own B panels (OWN_PACK_ROWS)
        int[][] shapes = {{300, 300, 300}, {40, 700, 530}, {517, 33, 260}, {9, 1100, 300}, {120, 400, 530}};
        for (int si = 0; si < shapes.length; si++) {
            int[] s = shapes[si];
            for (int form = 0; form < 4; form++) {
                if (si > 0 && form != si % 4) continue; // the square in all four forms, the others in one each
                boolean transA = (form & 1) != 0, transB = (form & 2) != 0;
                Problem p = Problem.random(transA, transB, s[0], s[1], s[2], 3, false, 7 + 4 * si + form);
                float alpha = (float) -0.75, beta = (float) 0.5;
                float[] one = withThreads(1, () -> p.runFacade(alpha, beta));
                float[] two = withThreads(2, () -> p.runFacade(alpha, beta));
                assertArrayEquals(one, two, "1 vs 2 threads: " + p);
                p.check(two, alpha, beta, "2 threads");
            }
        }
    }

    @Property(tries = 80)
    void batchedMatchesEachItemAndBroadcastsStrideZero(@ForAll boolean transA, @ForAll boolean transB,
                                                       @ForAll @IntRange(max = 4) int batch,
                                                       @ForAll @IntRange(max = 40) int m, @ForAll @IntRange(max = 40) int n,
                                                       @ForAll @IntRange(max = 40) int k,
                                                       @ForAll @IntRange(max = 2) int broadcast,
                                                       @ForAll("scalar") float alpha, @ForAll("scalar") float beta,
                                                       @ForAll long seed) {
        checkBatched(transA, transB, batch, m, n, k, broadcast, alpha, beta, seed);
    }

    @Example
    void largeBatchedIsIndependentOfThreadCount() {
        // 4 items of 2*96*128*100 flops: above the threshold, split over whole items; then 3 items, split over C
        for (int batch : new int[] {4, 3}) {
            float[] one = withThreads(1, () -> checkBatched(false, true, batch, 96, 128, 100, 2, 1, 0, 11));
            float[] two = withThreads(2, () -> checkBatched(false, true, batch, 96, 128, 100, 2, 1, 0, 11));
            assertArrayEquals(one, two, "batch " + batch);
        }
    }

    /** broadcast: 0 none, 1 A has stride 0, 2 B has stride 0. Returns the whole C array. */
    private static float[] checkBatched(boolean transA, boolean transB, int batch, int m, int n, int k, int broadcast,
                                        float alpha, float beta, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int lda = (transA ? m : k) + r.nextInt(3), ldb = (transB ? k : n) + r.nextInt(3), ldc = n + r.nextInt(3);
        int aSize = (transA ? k : m) * lda, bSize = (transB ? n : k) * ldb, cSize = m * ldc;
        int strideA = broadcast == 1 ? 0 : aSize + r.nextInt(3);
        int strideB = broadcast == 2 ? 0 : bSize + r.nextInt(3);
        int strideC = cSize + r.nextInt(3);
        int aOff = r.nextInt(3), bOff = r.nextInt(3), cOff = r.nextInt(3);
        int items = Math.max(batch, 1);
        float[] a = Problem.values(r, aOff + strideA * (items - 1) + aSize + 1, false);
        float[] b = Problem.values(r, bOff + strideB * (items - 1) + bSize + 1, false);
        float[] c = Problem.values(r, cOff + strideC * (items - 1) + cSize + 1, beta == 0);
        float[] out = c.clone();
        FloatGemm.gemmBatched(transA, transB, batch, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb,
                beta, out, cOff, strideC, ldc);
        boolean[] touched = new boolean[c.length];
        for (int t = 0; t < batch; t++) {
            Problem item = new Problem(transA, transB, m, n, k, a, aOff + t * strideA, lda, b, bOff + t * strideB, ldb,
                    c, cOff + t * strideC, ldc);
            float[] expectedRegion = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = item.cOff + i * ldc + j;
                    expectedRegion[ci] = out[ci];
                    touched[ci] = true;
                }
            }
            item.check(expectedRegion, alpha, beta, "batch item " + t + " of " + batch);
        }
        for (int x = 0; x < c.length; x++) {
            if (!touched[x]) assertEquals(0, Float.compare(c[x], out[x]), "c[" + x + "] outside every block changed");
        }
        return out;
    }

    @Example
    void betaZeroOverwritesNaNAndAlphaZeroReadsNeitherAnorB() {
        float[] a = {Float.NaN, 1, 2, 3};
        float[] b = {1, Float.NaN, 3, 4};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        FloatGemm.gemm(false, false, 2, 2, 2, 0, a, 0, 2, b, 0, 2, 0, c, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c);
        float[] d = {1, 2, 3, 4};
        FloatGemm.gemm(true, true, 2, 2, 2, 0, a, 0, 2, b, 0, 2, (float) 0.5, d, 0, 2);
        assertArrayEquals(new float[] {(float) 0.5, 1, (float) 1.5, 2}, d);
        // k == 0: C = beta*C without touching A or B (empty arrays are fine)
        float[] e = {Float.NaN, 4};
        FloatGemm.gemm(false, false, 1, 2, 0, 1, new float[0], 0, 0, new float[0], 0, 2, 0, e, 0, 2);
        assertArrayEquals(new float[] {0, 0}, e);
    }

    @Example
    void invalidArgumentsFailWithTheNumbers() {
        float[] x = new float[100];
        assertMessage(IllegalArgumentException.class, "m=-1",
                () -> FloatGemm.gemm(false, false, -1, 2, 2, 1, x, 0, 2, x, 0, 2, 0, x, 0, 2));
        assertMessage(IllegalArgumentException.class, "A leading dimension 3 is smaller than its stored row length 4",
                () -> FloatGemm.gemm(false, false, 2, 2, 4, 1, x, 0, 3, x, 0, 2, 0, x, 0, 2));
        assertMessage(IllegalArgumentException.class, "B leading dimension 4 is smaller than its stored row length 5",
                () -> FloatGemm.gemm(false, true, 2, 5, 5, 1, x, 0, 5, x, 0, 4, 0, x, 0, 5));
        assertMessage(IndexOutOfBoundsException.class, "C block 10 x 10 at offset 5 with leading dimension 10 ends at 105",
                () -> FloatGemm.gemm(false, false, 10, 10, 1, 1, x, 0, 1, x, 0, 10, 0, x, 5, 10));
        assertMessage(IllegalArgumentException.class, "B stride must be >= 0, got -4",
                () -> FloatGemm.gemmBatched(false, false, 2, 2, 2, 2, 1, x, 0, 4, 2, x, 0, -4, 2, 0, x, 0, 4, 2));
        assertMessage(IndexOutOfBoundsException.class, "A (item 3) block 2 x 2 at offset 99",
                () -> FloatGemm.gemmBatched(false, false, 4, 2, 2, 2, 1, x, 0, 33, 2, x, 0, 4, 2, 0, x, 0, 4, 2));
        assertMessage(IllegalArgumentException.class, "C stride 3 makes the 2 x 2 blocks",
                () -> FloatGemm.gemmBatched(false, false, 2, 2, 2, 2, 1, x, 0, 4, 2, x, 0, 4, 2, 0, x, 50, 3, 2));
    }

    private static void assertMessage(Class<? extends RuntimeException> type, String part, Runnable call) {
        RuntimeException e = assertThrows(type, call::run);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
    }

    static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        int saved = Simd.maxThreads();
        Simd.setMaxThreads(threads);
        try {
            return body.get();
        } finally {
            Simd.setMaxThreads(saved);
        }
    }
}
