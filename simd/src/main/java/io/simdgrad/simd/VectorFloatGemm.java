package io.simdgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the Vector API, after BLIS/GotoBLAS: op(B) is packed into panels of {@code KC} rows by
 * {@code NR} columns, op(A) into strips of {@code MR} rows by {@code KC} columns (both
 * zero-padded at the edges, so every transpose form meets the same micro-kernel), and an
 * {@code MR x NR} register tile of FMA accumulators sweeps them. Loop order (outer to inner):
 * {@code NC} columns of C, {@code KC} steps of k (pack B), {@code MC} rows of C (pack A), NR
 * panels, MR strips: one packed B panel stays in L1 while the A strips of an MC block stream
 * from L2.
 *
 * <p>Every element of C is computed the same way wherever it lies in the tiling: for each
 * chunk of k (chunk boundaries depend on k only), a single FMA chain from 0 in increasing p;
 * then {@code c = alpha*acc + beta*c} (first chunk; {@code alpha*acc} when beta is 0) or
 * {@code c = alpha*acc + c} (later chunks), the add fused. So a product split over blocks of C,
 * as {@link FloatGemm} does across threads, is bit-identical to the unsplit product. Against
 * the naive scalar loop it differs only by rounding: both are within {@code k} ulps-ish of the
 * exact result scaled by {@code sum|a||b|}.
 *
 * <p>Runs on the caller's thread; packing buffers are per thread and reused, so steady-state
 * calls allocate nothing.
 */
public final class VectorFloatGemm implements FloatGemmKernels {
    private static final VectorSpecies<Float> SPECIES = Simd.FLOAT_SPECIES;
    private static final int L = SPECIES.length();

    /** Packing buffers of one thread, grown on demand. */
    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        Scratch s = SCRATCH.get();
        int kChunks = (k + KC - 1) / KC;
        int kcMax = (k + kChunks - 1) / kChunks;
        int mcMax = Math.min(MC, roundUp(m, MR));
        int ncMax = Math.min(NC, roundUp(n, NR));
        if (s.a.length < mcMax * kcMax) s.a = new float[mcMax * kcMax];
        if (s.b.length < ncMax * kcMax) s.b = new float[ncMax * kcMax];
        float[] ap = s.a, bp = s.b, tile = s.tile;
        // op(A)[i][p] = a[aOff + i*aX + p*aP], op(B)[p][j] = b[bOff + j*bX + p*bP]
        int aX = transA ? 1 : lda, aP = transA ? lda : 1;
        int bX = transB ? ldb : 1, bP = transB ? 1 : ldb;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0, chunk = 0; pc < k; chunk++) {
                // k is cut into kChunks nearly equal chunks, the boundaries depending on k only
                int kc = (int) ((long) k * (chunk + 1) / kChunks) - pc;
                float betaK = pc == 0 ? beta : 1;
                for (int jr = 0; jr < nc; jr += NR) {
                    pack(b, bOff + (jc + jr) * bX + pc * bP, bX, bP, Math.min(NR, nc - jr), NR, kc, bp, jr * kc);
                }
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    for (int ir = 0; ir < mc; ir += MR) {
                        pack(a, aOff + (ic + ir) * aX + pc * aP, aX, aP, Math.min(MR, mc - ir), MR, kc, ap, ir * kc);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int ci = cOff + ic * ldc + jc + jr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            kernel(kc, ap, ir * kc, bp, jr * kc, alpha, betaK,
                                    c, ci + ir * ldc, ldc, Math.min(MR, mc - ir), cols, tile);
                        }
                    }
                }
                pc += kc;
            }
        }
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
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
        } else {
            // each x is a contiguous run (pStride == 1) or at least one pass over src per x
            for (int x = 0; x < count; x++) {
                int s = off + x * xStride;
                for (int p = 0; p < kc; p++) dest[dst + p * width + x] = src[s + p * pStride];
            }
            for (int x = count; x < width; x++) {
                for (int p = 0; p < kc; p++) dest[dst + p * width + x] = 0;
            }
        }
    }

    /** The edge of C: the tile holds MR x NR sums, of which rows x cols are real. */
    private static void updateEdge(float[] tile, int rows, int cols, float alpha, float beta,
                                   float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float x = tile[r * NR + j];
                int i = ci + r * ldc + j;
                c[i] = beta == 0 ? x * alpha : Math.fma(x, alpha, c[i] * beta);
            }
        }
    }

    /** Rows of C per micro-tile. */
    static final int MR = 8;
    /** Vectors per micro-tile row. */
    static final int NV = 2;
    /** Columns of C per micro-tile. */
    static final int NR = NV * L;
    static final int KC = 256;
    static final int MC = 96;
    static final int NC = Math.max(NR, 2048 / NR * NR);

    /**
     * The {@value #MR} x NR micro-kernel.
     */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float alpha, float beta,
                               float[] c, int ci, int ldc, int rows, int cols, float[] tile) {
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
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + 1 * L);
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
        if (rows == MR && cols == NR) {
            if (beta == 0) {
                c00.mul(alpha).intoArray(c, ci);
                c01.mul(alpha).intoArray(c, ci + 1 * L);
                c10.mul(alpha).intoArray(c, ci + 1 * ldc);
                c11.mul(alpha).intoArray(c, ci + 1 * ldc + 1 * L);
                c20.mul(alpha).intoArray(c, ci + 2 * ldc);
                c21.mul(alpha).intoArray(c, ci + 2 * ldc + 1 * L);
                c30.mul(alpha).intoArray(c, ci + 3 * ldc);
                c31.mul(alpha).intoArray(c, ci + 3 * ldc + 1 * L);
                c40.mul(alpha).intoArray(c, ci + 4 * ldc);
                c41.mul(alpha).intoArray(c, ci + 4 * ldc + 1 * L);
                c50.mul(alpha).intoArray(c, ci + 5 * ldc);
                c51.mul(alpha).intoArray(c, ci + 5 * ldc + 1 * L);
                c60.mul(alpha).intoArray(c, ci + 6 * ldc);
                c61.mul(alpha).intoArray(c, ci + 6 * ldc + 1 * L);
                c70.mul(alpha).intoArray(c, ci + 7 * ldc);
                c71.mul(alpha).intoArray(c, ci + 7 * ldc + 1 * L);
            } else {
                FloatVector av = FloatVector.broadcast(SPECIES, alpha);
                c00.fma(av, FloatVector.fromArray(SPECIES, c, ci).mul(beta)).intoArray(c, ci);
                c01.fma(av, FloatVector.fromArray(SPECIES, c, ci + 1 * L).mul(beta)).intoArray(c, ci + 1 * L);
                c10.fma(av, FloatVector.fromArray(SPECIES, c, ci + 1 * ldc).mul(beta)).intoArray(c, ci + 1 * ldc);
                c11.fma(av, FloatVector.fromArray(SPECIES, c, ci + 1 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 1 * L);
                c20.fma(av, FloatVector.fromArray(SPECIES, c, ci + 2 * ldc).mul(beta)).intoArray(c, ci + 2 * ldc);
                c21.fma(av, FloatVector.fromArray(SPECIES, c, ci + 2 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 1 * L);
                c30.fma(av, FloatVector.fromArray(SPECIES, c, ci + 3 * ldc).mul(beta)).intoArray(c, ci + 3 * ldc);
                c31.fma(av, FloatVector.fromArray(SPECIES, c, ci + 3 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 1 * L);
                c40.fma(av, FloatVector.fromArray(SPECIES, c, ci + 4 * ldc).mul(beta)).intoArray(c, ci + 4 * ldc);
                c41.fma(av, FloatVector.fromArray(SPECIES, c, ci + 4 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 4 * ldc + 1 * L);
                c50.fma(av, FloatVector.fromArray(SPECIES, c, ci + 5 * ldc).mul(beta)).intoArray(c, ci + 5 * ldc);
                c51.fma(av, FloatVector.fromArray(SPECIES, c, ci + 5 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 5 * ldc + 1 * L);
                c60.fma(av, FloatVector.fromArray(SPECIES, c, ci + 6 * ldc).mul(beta)).intoArray(c, ci + 6 * ldc);
                c61.fma(av, FloatVector.fromArray(SPECIES, c, ci + 6 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 6 * ldc + 1 * L);
                c70.fma(av, FloatVector.fromArray(SPECIES, c, ci + 7 * ldc).mul(beta)).intoArray(c, ci + 7 * ldc);
                c71.fma(av, FloatVector.fromArray(SPECIES, c, ci + 7 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 7 * ldc + 1 * L);
            }
        } else {
            c00.intoArray(tile, 0 * L); c01.intoArray(tile, 1 * L);
            c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
            c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
            c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
            c40.intoArray(tile, 8 * L); c41.intoArray(tile, 9 * L);
            c50.intoArray(tile, 10 * L); c51.intoArray(tile, 11 * L);
            c60.intoArray(tile, 12 * L); c61.intoArray(tile, 13 * L);
            c70.intoArray(tile, 14 * L); c71.intoArray(tile, 15 * L);
            updateEdge(tile, rows, cols, alpha, beta, c, ci, ldc);
        }
    }


}
