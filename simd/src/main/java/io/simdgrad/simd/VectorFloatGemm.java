package io.simdgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the Vector API, after BLIS/GotoBLAS. op(B) is packed into panels of NR columns
 * (zero-padded at the edge), op(A) into strips of MR rows (zero-padded), so every transpose
 * form meets the same micro-kernel: an MR x NR register tile of FMA accumulators that takes
 * NV vectors of a B panel row and MR broadcasts of an A strip column per step of k.
 *
 * <p>Loops, outer to inner: NC columns of C; chunks of at most KC of k, whose packed B (in L2)
 * the threads share; tasks over blocks of C (up to MC rows x some NR panels), handed out to the
 * threads from a counter; in a task, pack the A strips of its rows (kept in L2), then for each
 * B panel (kept in L1) sweep the A strips with the micro-kernel.
 *
 * <p>Every element of C is computed the same way wherever it lies and whichever thread does it:
 * for each chunk of k (chunk boundaries depend on k only), one FMA chain from 0 in increasing
 * p; then {@code c = alpha*acc + beta*c} for the first chunk ({@code alpha*acc} when beta is 0)
 * and {@code c = alpha*acc + c} for the later ones, the add fused. So the result is
 * bit-identical for any thread count and any split of C. Against the exact product the error is
 * that of a k-term float sum (about {@code k * ulp(1) * sum|a||b|} at worst).
 *
 * <p>Packing buffers and the call's plan are per thread and reused, so steady-state calls on
 * one thread allocate nothing (parallel ones: the phase counters and the helpers' hand-off).
 */
final class VectorFloatGemm implements FloatGemmKernels {
    private static final VectorSpecies<Float> SPECIES = SimdSpecies.FLOAT;
    private static final int L = SPECIES.length();

    /** Rows of C per micro-tile: MR x NV = 16 accumulators, the 8x2, 12x2, 6x4 and 4x4 tiles measured alike. */
    static final int MR = 8;
    /** Vectors per micro-tile row. */
    static final int NV = 2;
    /** Columns of C per micro-tile. */
    static final int NR = NV * L;
    /** Longest chunk of k: a KC x NR panel of packed B is 32 KiB (of a 48 KiB L1d) at any vector width. */
    static final int KC = 256;
    /**
     * Most rows for which a call on several threads splits only columns, each task packing its
     * own B panels (and a thread reusing its packed A across its tasks). Measured on two threads:
     * 64 x 256 x 784 150 -> 116 µs, 128 x 256 x 784 241 -> 178-209 µs; at 256 rows the shared
     * packing was faster (256^3: 110 vs 120 µs).
     */
    static final int OWN_PACK_ROWS = 128;
    /** Most rows of C per task: its KC x MC block of packed A (96 KiB in f32) stays in L2. */
    static final int MC = 96;
    /**
     * Most columns of C per block: their KC rows of packed B (1 MiB) are shared by the threads.
     * Blocks of half the L2 measured no faster on Zen 5 (1 MiB L2; f32 N = 1024: 207-222 vs
     * 208-228 GFLOP/s on one thread, 323-362 vs 360-448 on two), as the A strips are packed again
     * for every column block.
     */
    static final int NC = Math.max(NR, (1 << 20) / (KC * Float.BYTES) / NR * NR);

    /** Buffers of one thread, grown on demand. */
    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
        /** op(B) of an unpacked product, padded, when transposed or not a whole number of vectors wide (never used by a packed one). */
        float[] small = new float[0];
        /** Set while this thread's call uses {@link #b}: a nested call gets its own scratch. */
        boolean busy;
        /** The plan of this thread's packed calls, reused. */
        Product plan;
        /** What {@link #a} holds: the rows from aRow of k chunk aChunk of call aCall of plan aPlan. */
        Product aPlan;
        int aCall, aChunk, aRow;
    }

    private static final VectorFloatLayout LAYOUT = new VectorFloatLayout();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Most m*n*k the unpacked path takes (64^3). Measured one thread, f32, AVX-512
     * ({@code SmallGemmBench}, 2026-11-25, Xeon): unpacked 0.20 µs vs packed 0.72 µs at 32x16x16
     * NN, 0.67 vs 0.82 at 32^3, 2.1 vs 3.5 at 48^3; 2026-12-02, Zen 5, with the 8 x 2-vector
     * unpacked tile: 64^3 2.4 vs 3.2-3.3 µs, 96^3 9.1 vs 9.9 (within the noise), 128^3 23.8 vs
     * 21.8 (packed ahead).
     */
    static final long SMALL_MNK = 1L << 18;

    /**
     * True when {@link #gemm} takes the unpacked path: one k chunk (so each element rounds
     * exactly as in the packed path) and at most {@link #SMALL_MNK} multiply-adds, or a C
     * narrower than one packed panel (n < NR), where the packed kernel would mostly multiply
     * padding (measured 64 x 10 x 256: packed 29 µs, unpacked with a masked vector 3 µs).
     */
    static boolean small(int m, int n, int k) {
        return k <= KC && ((long) m * n * k <= SMALL_MNK || n < NR);
    }

    /** Vectors of rows of C per tile of the narrow path (its vectors run down a column of C). */
    private static final int TV = 4;
    /** Rows of C per tile of the narrow path. */
    static final int TI = TV * L;
    /** Columns of C per tile of the narrow path: TV x TJ = 20 accumulators, one broadcast per TV FMAs. */
    static final int TJ = 5;

    /**
     * True when a {@link #small} product takes the narrow path: C narrower than one packed panel
     * (n < NR), at least one tile of TI rows tall, and either op(A) stored transposed (read in
     * place) or n not a whole number of vectors. The unpacked path's vectors run along a row of
     * C, one vector wide here, so each broadcast of A feeds a single FMA and the broadcasts (one
     * a cycle on Zen 5), not the FMAs, set the pace; the narrow path's vectors run down the
     * columns of C (4 FMAs a broadcast) but must transpose a row-major op(A) first (64 x 256:
     * ~1.9 µs), which only pays when the unpacked path also wastes lanes and copies B.
     * Measured one thread, Zen 5, µs, unpacked -> narrow: 64 x 256 x 10 NT 6.4 -> 4.1, TN 6.3 ->
     * 1.9, NN 5.9 -> 3.9, 128 x 128 x 20 NN 9.7 -> 6.8; 64 x 256 x 16 NN 4.2 vs 5.7 (stays unpacked).
     */
    static boolean narrow(boolean transA, int m, int n, int k) {
        return k <= KC && n < NR && m >= TI && (transA || n % L != 0);
    }

    /**
     * A narrow product (see {@link #narrow}) on the caller's thread, tiles of TI rows x TJ
     * columns whose TJ x TV accumulator vectors run down the columns of C: op(A) is read in
     * place when it is stored transposed and the panel is whole (a column of op(A) is then a
     * contiguous run), else packed into a k x TI panel (row p holding op(A)[i0..i0+TI)[p]);
     * op(B) is broadcast from where it lies. Each element is the same FMA chain from 0 in
     * increasing p, and the same update, as on the other paths (the product in an FMA is exact,
     * so which factor is broadcast does not matter): the bits are those of the packed path.
     */
    private static void narrow(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        int aX = transA ? 1 : lda, aP = transA ? lda : 1, bX = transB ? ldb : 1, bP = transB ? 1 : ldb;
        int tile = TI * k;
        Scratch s = SCRATCH.get();
        if (s.small.length < tile + TI * TJ) s.small = new float[tile + TI * TJ];
        float[] buf = s.small;
        for (int i0 = 0; i0 < m; i0 += TI) {
            int rows = Math.min(TI, m - i0);
            float[] ap = buf;
            int ai = 0, aStep = TI;
            if (transA && rows == TI) {
                ap = a;
                ai = aOff + i0;
                aStep = lda;
            } else {
                pack(a, aOff + i0 * aX, aX, aP, rows, TI, k, buf, 0);
            }
            for (int j0 = 0; j0 < n; j0 += TJ) {
                int cols = Math.min(TJ, n - j0);
                // the columns of a last, narrower group repeat its last column (read, not stored)
                narrowKernel(k, ap, ai, aStep, b, bOff + j0 * bX, bP, Math.min(1, cols - 1) * bX,
                        Math.min(2, cols - 1) * bX, Math.min(3, cols - 1) * bX, Math.min(4, cols - 1) * bX, buf, tile);
                for (int jj = 0; jj < cols; jj++) {
                    int t = tile + jj * TI, cj = cOff + i0 * ldc + j0 + jj;
                    for (int i = 0; i < rows; i++, cj += ldc) {
                        float x = buf[t + i];
                        c[cj] = beta == 0 ? x * alpha : Math.fma(x, alpha, c[cj] * beta);
                    }
                }
            }
        }
    }

    /**
     * The narrow path's kernel: {@code out[o + jj*TI + i] = sum_p ap[ai + p*aStep + i] * b[bi + p*bStep + bj]}
     * for i < TI, jj < TJ, over k, with {@code bj} 0, b1, b2, b3, b4. Takes and returns no
     * vectors (see {@link #unpacked8x2}).
     */
    private static void narrowKernel(int k, float[] ap, int ai, int aStep, float[] b, int bi, int bStep,
                                     int b1, int b2, int b3, int b4, float[] out, int o) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        for (int p = 0; p < k; p++, ai += aStep, bi += bStep) {
            FloatVector a0 = FloatVector.fromArray(SPECIES, ap, ai), a1 = FloatVector.fromArray(SPECIES, ap, ai + L);
            FloatVector a2 = FloatVector.fromArray(SPECIES, ap, ai + 2 * L), a3 = FloatVector.fromArray(SPECIES, ap, ai + 3 * L);
            FloatVector x = FloatVector.broadcast(SPECIES, b[bi]);
            c00 = a0.fma(x, c00); c01 = a1.fma(x, c01); c02 = a2.fma(x, c02); c03 = a3.fma(x, c03);
            x = FloatVector.broadcast(SPECIES, b[bi + b1]);
            c10 = a0.fma(x, c10); c11 = a1.fma(x, c11); c12 = a2.fma(x, c12); c13 = a3.fma(x, c13);
            x = FloatVector.broadcast(SPECIES, b[bi + b2]);
            c20 = a0.fma(x, c20); c21 = a1.fma(x, c21); c22 = a2.fma(x, c22); c23 = a3.fma(x, c23);
            x = FloatVector.broadcast(SPECIES, b[bi + b3]);
            c30 = a0.fma(x, c30); c31 = a1.fma(x, c31); c32 = a2.fma(x, c32); c33 = a3.fma(x, c33);
            x = FloatVector.broadcast(SPECIES, b[bi + b4]);
            c40 = a0.fma(x, c40); c41 = a1.fma(x, c41); c42 = a2.fma(x, c42); c43 = a3.fma(x, c43);
        }
        c00.intoArray(out, o); c01.intoArray(out, o + L); c02.intoArray(out, o + 2 * L); c03.intoArray(out, o + 3 * L);
        o += TI;
        c10.intoArray(out, o); c11.intoArray(out, o + L); c12.intoArray(out, o + 2 * L); c13.intoArray(out, o + 3 * L);
        o += TI;
        c20.intoArray(out, o); c21.intoArray(out, o + L); c22.intoArray(out, o + 2 * L); c23.intoArray(out, o + 3 * L);
        o += TI;
        c30.intoArray(out, o); c31.intoArray(out, o + L); c32.intoArray(out, o + 2 * L); c33.intoArray(out, o + 3 * L);
        o += TI;
        c40.intoArray(out, o); c41.intoArray(out, o + L); c42.intoArray(out, o + 2 * L); c43.intoArray(out, o + 3 * L);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m > 0 && n > 0 && k > 0 && alpha != 0 && small(m, n, k)) {
            if (narrow(transA, m, n, k)) narrow(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            else unpacked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            gemmParallel(1, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * A small product without packing A, on the caller's thread: op(B) is read in place (copied
     * to a k x n buffer, padded to whole vectors, when transposed or n is not a multiple of L),
     * op(A) is broadcast from where it lies, tiles of 8 rows x one vector of C. Each element is the packed path's FMA chain from 0 in increasing
     * p and the same update, so both paths give bit-identical results.
     */
    private static void unpacked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        int aX = transA ? 1 : lda, aP = transA ? lda : 1;
        int np = (n + L - 1) / L * L;
        if (transB || np != n) {
            // op(B) as a k x np row-major copy, zero-padded to whole vectors: the inner loop then
            // loads whole vectors only (a masked load there is boxed by C2: ~240 B per step)
            Scratch s = SCRATCH.get();
            if (s.small.length < k * np) s.small = new float[k * np];
            float[] bt = s.small;
            if (transB) LAYOUT.transpose(b, bOff, n, k, ldb, bt, 0, np);
            else for (int p = 0; p < k; p++) System.arraycopy(b, bOff + p * ldb, bt, p * np, n);
            for (int p = 0; p < k; p++) java.util.Arrays.fill(bt, p * np + n, (p + 1) * np, (float) 0);
            b = bt;
            bOff = 0;
            ldb = np;
        }
        FloatVector z = FloatVector.zero(SPECIES), av = FloatVector.broadcast(SPECIES, alpha);
        float[] tile = SCRATCH.get().tile;
        int i = 0;
        // 8 rows x one vector of C: eight independent FMA chains keep both FMA ports busy. Whole
        // vectors are stored here; a partial last vector is computed whole (B is padded) and goes
        // through the tile and update() (no call takes a vector: one that is not inlined boxes it).
        for (; i + MR <= m; i += MR) {
            int a0 = aOff + i * aX, ci = cOff + i * ldc;
            int j = 0;
            // two whole vectors of C per tile where they fit: 16 chains hide the FMA latency
            // better than 8 and load each broadcast of A once for both (see SMALL_MNK)
            for (; j + 2 * L <= n; j += 2 * L) unpacked8x2(k, alpha, a, a0, aX, aP, b, bOff + j, ldb, beta, c, ci + j, ldc);
            for (; j < n; j += L) {
                FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
                for (int p = 0, bi = bOff + j, ap = a0; p < k; p++, bi += ldb, ap += aP) {
                    FloatVector bv = FloatVector.fromArray(SPECIES, b, bi);
                    c0 = bv.fma(FloatVector.broadcast(SPECIES, a[ap]), c0);
                    c1 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + aX]), c1);
                    c2 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + 2 * aX]), c2);
                    c3 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + 3 * aX]), c3);
                    c4 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + 4 * aX]), c4);
                    c5 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + 5 * aX]), c5);
                    c6 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + 6 * aX]), c6);
                    c7 = bv.fma(FloatVector.broadcast(SPECIES, a[ap + 7 * aX]), c7);
                }
                if (j + L <= n) {
                    // whole vectors: C = alpha*acc + beta*C written out here (no call takes a vector)
                    int r = ci + j;
                    if (beta == 0) {
                        c0.mul(av).intoArray(c, r);
                        c1.mul(av).intoArray(c, r + ldc);
                        c2.mul(av).intoArray(c, r + 2 * ldc);
                        c3.mul(av).intoArray(c, r + 3 * ldc);
                        c4.mul(av).intoArray(c, r + 4 * ldc);
                        c5.mul(av).intoArray(c, r + 5 * ldc);
                        c6.mul(av).intoArray(c, r + 6 * ldc);
                        c7.mul(av).intoArray(c, r + 7 * ldc);
                    } else {
                        c0.fma(av, FloatVector.fromArray(SPECIES, c, r).mul(beta)).intoArray(c, r);
                        c1.fma(av, FloatVector.fromArray(SPECIES, c, r + ldc).mul(beta)).intoArray(c, r + ldc);
                        c2.fma(av, FloatVector.fromArray(SPECIES, c, r + 2 * ldc).mul(beta)).intoArray(c, r + 2 * ldc);
                        c3.fma(av, FloatVector.fromArray(SPECIES, c, r + 3 * ldc).mul(beta)).intoArray(c, r + 3 * ldc);
                        c4.fma(av, FloatVector.fromArray(SPECIES, c, r + 4 * ldc).mul(beta)).intoArray(c, r + 4 * ldc);
                        c5.fma(av, FloatVector.fromArray(SPECIES, c, r + 5 * ldc).mul(beta)).intoArray(c, r + 5 * ldc);
                        c6.fma(av, FloatVector.fromArray(SPECIES, c, r + 6 * ldc).mul(beta)).intoArray(c, r + 6 * ldc);
                        c7.fma(av, FloatVector.fromArray(SPECIES, c, r + 7 * ldc).mul(beta)).intoArray(c, r + 7 * ldc);
                    }
                    continue;
                }
                c0.intoArray(tile, 0);
                c1.intoArray(tile, NR);
                c2.intoArray(tile, 2 * NR);
                c3.intoArray(tile, 3 * NR);
                c4.intoArray(tile, 4 * NR);
                c5.intoArray(tile, 5 * NR);
                c6.intoArray(tile, 6 * NR);
                c7.intoArray(tile, 7 * NR);
                update(tile, MR, n - j, alpha, beta, c, ci + j, ldc);
            }
        }
        for (; i < m; i++) {
            int a0 = aOff + i * aX, ci = cOff + i * ldc;
            for (int j = 0; j < n; j += L) {
                FloatVector c0 = z;
                for (int p = 0, bi = bOff + j, ap = a0; p < k; p++, bi += ldb, ap += aP) {
                    c0 = FloatVector.fromArray(SPECIES, b, bi).fma(FloatVector.broadcast(SPECIES, a[ap]), c0);
                }
                if (j + L <= n) {
                    (beta == 0 ? c0.mul(av) : c0.fma(av, FloatVector.fromArray(SPECIES, c, ci + j).mul(beta))).intoArray(c, ci + j);
                    continue;
                }
                c0.intoArray(tile, 0);
                update(tile, 1, n - j, alpha, beta, c, ci + j, ldc);
            }
        }
    }

    /**
     * Rows [0, 8) x two whole vectors of columns of an unpacked product: op(A) row r at
     * {@code a[a0 + r*aX + p*aP]}, op(B) row p at {@code b[bOff + p*ldb]}, C at {@code c[ci]}.
     * A method of its own: inlined into {@link #unpacked}, the 16 accumulators took C2 past its
     * budget and every vector was boxed (~320 KB per 32^3 call).
     */
    private static void unpacked8x2(int k, float alpha, float[] a, int a0, int aX, int aP, float[] b, int bOff, int ldb,
                                    float beta, float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(SPECIES), av = FloatVector.broadcast(SPECIES, alpha);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0, bi = bOff, ap = a0; p < k; p++, bi += ldb, ap += aP) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi), b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, a[ap + aX]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * aX]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * aX]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(SPECIES, a[ap + 4 * aX]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(SPECIES, a[ap + 5 * aX]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(SPECIES, a[ap + 6 * aX]);
            c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(SPECIES, a[ap + 7 * aX]);
            c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
        }
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        if (beta == 0) {
            c00.mul(av).intoArray(c, r0); c01.mul(av).intoArray(c, r0 + L);
            c10.mul(av).intoArray(c, r1); c11.mul(av).intoArray(c, r1 + L);
            c20.mul(av).intoArray(c, r2); c21.mul(av).intoArray(c, r2 + L);
            c30.mul(av).intoArray(c, r3); c31.mul(av).intoArray(c, r3 + L);
            c40.mul(av).intoArray(c, r4); c41.mul(av).intoArray(c, r4 + L);
            c50.mul(av).intoArray(c, r5); c51.mul(av).intoArray(c, r5 + L);
            c60.mul(av).intoArray(c, r6); c61.mul(av).intoArray(c, r6 + L);
            c70.mul(av).intoArray(c, r7); c71.mul(av).intoArray(c, r7 + L);
        } else {
            c00.fma(av, FloatVector.fromArray(SPECIES, c, r0).mul(beta)).intoArray(c, r0);
            c01.fma(av, FloatVector.fromArray(SPECIES, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c10.fma(av, FloatVector.fromArray(SPECIES, c, r1).mul(beta)).intoArray(c, r1);
            c11.fma(av, FloatVector.fromArray(SPECIES, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c20.fma(av, FloatVector.fromArray(SPECIES, c, r2).mul(beta)).intoArray(c, r2);
            c21.fma(av, FloatVector.fromArray(SPECIES, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c30.fma(av, FloatVector.fromArray(SPECIES, c, r3).mul(beta)).intoArray(c, r3);
            c31.fma(av, FloatVector.fromArray(SPECIES, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
            c40.fma(av, FloatVector.fromArray(SPECIES, c, r4).mul(beta)).intoArray(c, r4);
            c41.fma(av, FloatVector.fromArray(SPECIES, c, r4 + L).mul(beta)).intoArray(c, r4 + L);
            c50.fma(av, FloatVector.fromArray(SPECIES, c, r5).mul(beta)).intoArray(c, r5);
            c51.fma(av, FloatVector.fromArray(SPECIES, c, r5 + L).mul(beta)).intoArray(c, r5 + L);
            c60.fma(av, FloatVector.fromArray(SPECIES, c, r6).mul(beta)).intoArray(c, r6);
            c61.fma(av, FloatVector.fromArray(SPECIES, c, r6 + L).mul(beta)).intoArray(c, r6 + L);
            c70.fma(av, FloatVector.fromArray(SPECIES, c, r7).mul(beta)).intoArray(c, r7);
            c71.fma(av, FloatVector.fromArray(SPECIES, c, r7 + L).mul(beta)).intoArray(c, r7 + L);
        }
    }

    @Override
    public void gemmParallel(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        Scratch own = SCRATCH.get();
        boolean nested = own.busy;
        if (nested) own = new Scratch();
        own.busy = true;
        try {
            if (own.plan == null) own.plan = new Product();
            Product plan = own.plan;
            plan.set(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, own);
            try {
                plan.run();
            } finally {
                plan.release();
            }
        } finally {
            if (!nested) own.busy = false;
        }
    }

    /**
     * One call's operands and plan, shared read-only by its threads. Its work is a sequence of
     * steps s = (column block, k chunk), each with its packed chunk of B (in one of two buffers)
     * and its tasks over blocks of C. Phase s runs the tasks of step s - 1 and then packs B for
     * step s (those items fill the threads' wait at the end of the tasks); a phase waits for the
     * previous one ({@link Parallel#phased}), since step s's tasks need its B and update the same
     * C as step s - 1, and packing step s + 1 overwrites the buffer of step s - 1.
     */
    private static final class Product {
        int m, n, k, kChunks, kcMax, threads;
        float alpha, beta;
        float[] a, b, c, bp;
        // op(A)[i][p] = a[aOff + i*aX + p*aP], op(B)[p][j] = b[bOff + j*bX + p*bP]
        int aOff, aX, aP, bOff, bX, bP, cOff, ldc;
        // tasks: row blocks x colBlocks column blocks of taskRows rows and taskPanels NR panels;
        // index 0 for a full NC column block, 1 for the last, narrower one
        final int[] taskPanels = new int[2], colBlocks = new int[2], tasks = new int[2];
        int taskRows, rowBlocks, bufferSize, buffers;
        /** Whether each task packs its own B panels (few rows, several threads). */
        boolean ownPack;
        /** Counts the calls this plan served: tells a thread's packed A of this call from an older one's. */
        int serial;
        // made once: a plan is reused by its thread's calls, so a call allocates nothing here
        final Parallel.PhaseSizes sizes = this::items;
        final Parallel.PhaseItem body = this::item;

        void set(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float beta, float[] c, int cOff, int ldc, Scratch own) {
            this.serial++;
            this.threads = threads;
            this.m = m;
            this.n = n;
            this.k = k;
            this.kChunks = (k + KC - 1) / KC;
            this.kcMax = (k + kChunks - 1) / kChunks;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.c = c;
            this.aOff = aOff;
            this.aX = transA ? 1 : lda;
            this.aP = transA ? lda : 1;
            this.bOff = bOff;
            this.bX = transB ? ldb : 1;
            this.bP = transB ? 1 : ldb;
            this.cOff = cOff;
            this.ldc = ldc;
            // Whole MC-row blocks on one thread; on several, about two tasks per thread (rows
            // first: column blocks pack the same A strips again). The helpers spin between calls,
            // so they rarely start late; more, smaller tasks measured slower (64 x 256 x 784 on
            // two threads: 150 µs with two per thread, 178 with eight).
            int tiles = (m + MR - 1) / MR, want = threads <= 1 ? 1 : 2 * threads;
            // At most OWN_PACK_ROWS rows on several threads: tasks over columns only, each packing
            // its own B panels (no pack phase, no packed B read from another core).
            ownPack = threads > 1 && tiles * MR <= OWN_PACK_ROWS;
            // Row blocks of at most MC rows, as equal as whole tiles allow, and on several
            // threads a multiple of the thread count: 512 rows on two threads as 5 x 96 + 32
            // left one thread 288 rows and the other 224 (1.75x of one thread; 6 x ~88: ~1.9x)
            int blocks = (tiles + MC / MR - 1) / (MC / MR);
            if (threads > 1) blocks = Math.min(tiles, (Math.max(blocks, want) + threads - 1) / threads * threads);
            int rowTiles = ownPack ? tiles : (tiles + blocks - 1) / blocks;
            taskRows = rowTiles * MR;
            rowBlocks = (tiles + rowTiles - 1) / rowTiles;
            for (int last = 0; last < 2; last++) {
                int panels = panels(last == 0 ? 0 : (n - 1) / NC * NC);
                int cb = Math.min(panels, Math.max(1, want / rowBlocks));
                taskPanels[last] = (panels + cb - 1) / cb;
                colBlocks[last] = (panels + taskPanels[last] - 1) / taskPanels[last];
                tasks[last] = rowBlocks * colBlocks[last];
            }
            bufferSize = kcMax * panels(0) * NR;
            // one thread packs step s only after the tasks of step s - 1 (and own packing happens
            // in the step's phase): one buffer will do
            buffers = threads > 1 && steps() > 1 && !ownPack ? 2 : 1;
            if (own.b.length < buffers * bufferSize) own.b = new float[buffers * bufferSize];
            this.bp = own.b;
        }

        /** Drops the references to the caller's arrays, which a plan kept in a thread-local must not hold. */
        void release() {
            a = b = c = null;
        }

        /** First row of op(B) in chunk q: k is cut into kChunks nearly equal chunks, by k alone. */
        int chunkStart(int q) {
            return (int) ((long) k * q / kChunks);
        }

        /** NR panels of the column block starting at column jc. */
        int panels(int jc) {
            return (Math.min(NC, n - jc) + NR - 1) / NR;
        }

        void run() {
            Parallel.phased(ownPack ? steps() : steps() + 1, sizes, threads, body);
        }

        int steps() {
            return (n + NC - 1) / NC * kChunks;
        }

        /** Tasks of step s. */
        private int tasks(int s) {
            return tasks[s / kChunks * NC + NC >= n ? 1 : 0];
        }

        private int items(int phase) {
            if (ownPack) return tasks(phase);
            return (phase > 0 ? tasks(phase - 1) : 0) + (phase < steps() ? panels(phase / kChunks * NC) : 0);
        }

        private void item(int phase, int i) {
            if (ownPack) {
                // phase = step: the task packs the B panels of its own columns, then multiplies them
                int jc = phase / kChunks * NC, q = phase % kChunks, pq = chunkStart(q), kc = chunkStart(q + 1) - pq;
                int last = jc + NC >= n ? 1 : 0, width = taskPanels[last] * NR, j0 = i % colBlocks[last] * width;
                int nc = Math.min(NC, n - jc);
                for (int j = j0; j < Math.min(nc, j0 + width); j += NR) {
                    pack(b, bOff + (jc + j) * bX + pq * bP, bX, bP, Math.min(NR, nc - j), NR, kc, bp, j * kc);
                }
                block(jc, nc, q, pq, kc, 0, i / colBlocks[last] * taskRows, j0, width);
                return;
            }
            int computing = phase > 0 ? tasks(phase - 1) : 0;
            int step = i < computing ? phase - 1 : phase, jc = step / kChunks * NC, q = step % kChunks;
            int pq = chunkStart(q), kc = chunkStart(q + 1) - pq, buffer = step % buffers * bufferSize;
            if (i >= computing) {
                int j = (i - computing) * NR;
                pack(b, bOff + (jc + j) * bX + pq * bP, bX, bP, Math.min(NR, n - jc - j), NR, kc, bp, buffer + j * kc);
            } else {
                int last = jc + NC >= n ? 1 : 0;
                block(jc, Math.min(NC, n - jc), q, pq, kc, buffer,
                        i / colBlocks[last] * taskRows, i % colBlocks[last] * taskPanels[last] * NR,
                        taskPanels[last] * NR);
            }
        }

        /** Rows [i0, i0 + taskRows) x columns [jc + j0, jc + j0 + width) of C, chunk q of k, its B at bp[buffer]. */
        private void block(int jc, int nc, int q, int pq, int kc, int buffer, int i0, int j0, int width) {
            int i1 = Math.min(m, i0 + taskRows), j1 = Math.min(nc, j0 + width);
            Scratch s = SCRATCH.get();
            if (s.a.length < taskRows * kcMax) s.a = new float[taskRows * kcMax];
            float[] ap = s.a, tile = s.tile;
            // a thread that already packed these rows of this k chunk in this call (its previous
            // task, another column block) reuses them: with few rows every task has all of A
            if (s.aPlan != this || s.aCall != serial || s.aChunk != q || s.aRow != i0) {
                for (int ir = i0; ir < i1; ir += MR) {
                    pack(a, aOff + ir * aX + pq * aP, aX, aP, Math.min(MR, i1 - ir), MR, kc, ap, (ir - i0) * kc);
                }
                s.aPlan = this;
                s.aCall = serial;
                s.aChunk = q;
                s.aRow = i0;
            }
            float betaQ = q == 0 ? beta : 1;
            for (int jr = j0; jr < j1; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int ci = cOff + jc + jr;
                for (int ir = i0; ir < i1; ir += MR) {
                    int rows = Math.min(MR, i1 - ir);
                    // a whole tile is written to C by the kernel itself (no round trip through tile)
                    boolean whole = rows == MR && cols == NR;
                    kernel(kc, ap, (ir - i0) * kc, bp, buffer + jr * kc, tile, whole, alpha, betaQ, c, ci + ir * ldc, ldc);
                    if (!whole) update(tile, rows, cols, alpha, betaQ, c, ci + ir * ldc, ldc);
                }
            }
        }
    }

    /** C = beta*C over an m x n block; beta == 0 writes zeros without reading C. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0 ? 0 : beta * c[row + j];
        }
    }

    /**
     * Packs a panel for the micro-kernel: {@code dest[dst + p*width + x] = src[off + x*xStride + p*pStride]}
     * for {@code x < count}, {@code p < kc}, and zeros for {@code count <= x < width}. An MR strip
     * of op(A) and an NR panel of op(B) are both this, with x the row of A or the column of B;
     * the four transpose forms differ only in which stride is 1.
     */
    private static void pack(float[] src, int off, int xStride, int pStride, int count, int width, int kc,
                             float[] dest, int dst) {
        if (xStride == 1) {
            // each p is a contiguous run of count values
            boolean vectors = count == width && width % L == 0;
            for (int p = 0; p < kc; p++) {
                int s = off + p * pStride, d = dst + p * width;
                if (vectors) {
                    for (int x = 0; x < width; x += L) FloatVector.fromArray(SPECIES, src, s + x).intoArray(dest, d + x);
                } else {
                    for (int x = 0; x < count; x++) dest[d + x] = src[s + x];
                    for (int x = count; x < width; x++) dest[d + x] = 0;
                }
            }
        } else if (pStride == 1) {
            // each x is a contiguous run: a transpose, in register blocks (scalar packing of a
            // row-major A or a transposed B cost as much as a third of the product at k ~ 800)
            LAYOUT.transpose(src, off, count, kc, xStride, dest, dst, width);
            for (int p = 0; p < kc; p++) {
                for (int x = count; x < width; x++) dest[dst + p * width + x] = 0;
            }
        } else {
            for (int x = 0; x < count; x++) {
                int s = off + x * xStride;
                for (int p = 0; p < kc; p++) dest[dst + p * width + x] = src[s + p * pStride];
            }
            for (int x = count; x < width; x++) {
                for (int p = 0; p < kc; p++) dest[dst + p * width + x] = 0;
            }
        }
    }

    /**
     * {@code C = alpha*tile + beta*C} on the rows x cols corner of an MR x NR tile of sums
     * (whole vectors of columns by vector, the rest lane by lane)
     * ({@code alpha*tile} when beta is 0, C not read); vector and scalar lanes round alike (one
     * fused multiply-add after {@code beta*C}).
     */
    private static void update(float[] tile, int rows, int cols, float alpha, float beta,
                               float[] c, int ci, int ldc) {
        FloatVector av = FloatVector.broadcast(SPECIES, alpha);
        int vecCols = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int t = r * NR, row = ci + r * ldc;
            for (int j = 0; j < vecCols; j += L) {
                FloatVector x = FloatVector.fromArray(SPECIES, tile, t + j);
                FloatVector y = beta == 0 ? x.mul(av)
                        : x.fma(av, FloatVector.fromArray(SPECIES, c, row + j).mul(beta));
                y.intoArray(c, row + j);
            }
            for (int j = vecCols; j < cols; j++) {
                float x = tile[t + j];
                c[row + j] = beta == 0 ? x * alpha : Math.fma(x, alpha, c[row + j] * beta);
            }
        }
    }

    /**
     * The micro-kernel: {@code tile[r*NR + j] = sum_p ap[ai + p*MR + r] * bp[bi + p*NR + j]}, an
     * MR x NR block of sums over one k chunk, kept in 16 vector registers (of 32) while it runs.
     * With {@code whole}, the sums go straight to C as {@link #update} would write them (the same
     * operations, so the same bits) instead of to {@code tile}.
     */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile,
                               boolean whole, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = b0.fma(a0, c00); c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = b0.fma(a1, c10); c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = b0.fma(a2, c20); c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = b0.fma(a3, c30); c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = b0.fma(a4, c40); c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(SPECIES, ap[ai + 5]);
            c50 = b0.fma(a5, c50); c51 = b1.fma(a5, c51);
            FloatVector a6 = FloatVector.broadcast(SPECIES, ap[ai + 6]);
            c60 = b0.fma(a6, c60); c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(SPECIES, ap[ai + 7]);
            c70 = b0.fma(a7, c70); c71 = b1.fma(a7, c71);
            ai += MR;
            bi += NR;
        }
        if (whole) {
            FloatVector av = FloatVector.broadcast(SPECIES, alpha);
            int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
            if (beta == 0) {
                c00.mul(av).intoArray(c, r0); c01.mul(av).intoArray(c, r0 + L);
                c10.mul(av).intoArray(c, r1); c11.mul(av).intoArray(c, r1 + L);
                c20.mul(av).intoArray(c, r2); c21.mul(av).intoArray(c, r2 + L);
                c30.mul(av).intoArray(c, r3); c31.mul(av).intoArray(c, r3 + L);
                c40.mul(av).intoArray(c, r4); c41.mul(av).intoArray(c, r4 + L);
                c50.mul(av).intoArray(c, r5); c51.mul(av).intoArray(c, r5 + L);
                c60.mul(av).intoArray(c, r6); c61.mul(av).intoArray(c, r6 + L);
                c70.mul(av).intoArray(c, r7); c71.mul(av).intoArray(c, r7 + L);
            } else {
                c00.fma(av, FloatVector.fromArray(SPECIES, c, r0).mul(beta)).intoArray(c, r0);
                c01.fma(av, FloatVector.fromArray(SPECIES, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
                c10.fma(av, FloatVector.fromArray(SPECIES, c, r1).mul(beta)).intoArray(c, r1);
                c11.fma(av, FloatVector.fromArray(SPECIES, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
                c20.fma(av, FloatVector.fromArray(SPECIES, c, r2).mul(beta)).intoArray(c, r2);
                c21.fma(av, FloatVector.fromArray(SPECIES, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
                c30.fma(av, FloatVector.fromArray(SPECIES, c, r3).mul(beta)).intoArray(c, r3);
                c31.fma(av, FloatVector.fromArray(SPECIES, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
                c40.fma(av, FloatVector.fromArray(SPECIES, c, r4).mul(beta)).intoArray(c, r4);
                c41.fma(av, FloatVector.fromArray(SPECIES, c, r4 + L).mul(beta)).intoArray(c, r4 + L);
                c50.fma(av, FloatVector.fromArray(SPECIES, c, r5).mul(beta)).intoArray(c, r5);
                c51.fma(av, FloatVector.fromArray(SPECIES, c, r5 + L).mul(beta)).intoArray(c, r5 + L);
                c60.fma(av, FloatVector.fromArray(SPECIES, c, r6).mul(beta)).intoArray(c, r6);
                c61.fma(av, FloatVector.fromArray(SPECIES, c, r6 + L).mul(beta)).intoArray(c, r6 + L);
                c70.fma(av, FloatVector.fromArray(SPECIES, c, r7).mul(beta)).intoArray(c, r7);
                c71.fma(av, FloatVector.fromArray(SPECIES, c, r7 + L).mul(beta)).intoArray(c, r7 + L);
            }
            return;
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L); c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L); c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L); c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L); c71.intoArray(tile, 15 * L);
    }
}
