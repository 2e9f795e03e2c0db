package io.simdgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import static io.simdgrad.simd.FloatReductions.chunkTree;

/**
 * Vector API reductions on {@link SimdSpecies#FLOAT}. Sums, dot products and sums of squares
 * follow the order defined in {@link FloatReductions} (P interleaved partials, a fixed pairwise
 * tree, a sequential tail, chunks of {@link #CHUNK} combined pairwise), so their results are the
 * same bits at every vector width whose lane count divides P. Max, min and the arg-forms are exact.
 * Softmax, log-softmax and logsumexp use {@link FloatVectorMath#exp} and sum the exponentials'
 * lanes in a fixed tree, so their results are the same bits in every JIT tier.
 */
final class VectorFloatReductions implements FloatReductionKernels {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();
    /** Row indices of the arg-column kernels, one int lane per float lane. */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, VectorShape.forBitSize(L * Integer.SIZE));

    /** Interleaved partial sums of the defined order: as many lanes as 4 vectors of 512 bits. */
    static final int P = 4 * (512 / Float.SIZE);
    /** Sums longer than this are split into chunks of this many elements (a multiple of P). */
    static final int CHUNK = 1 << 16;
    /** Vector accumulators that hold the P partials (4 at 512 bits, 8 at 256, 16 at 128). */
    private static final int K = P / L;
    /** Whether the vector loop reproduces the order; otherwise (a 64-bit species) scalar code does. */
    private static final boolean VECTOR_ORDER = P % L == 0 && K <= 16;

    @Override
    public float sum(float[] a, int off, int n) {
        return n <= CHUNK ? sumChunk(a, off, n) : chunkTree(0, n, (s, len) -> sumChunk(a, off + s, len));
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return n <= CHUNK ? dotChunk(a, aOff, b, bOff, n)
                : chunkTree(0, n, (s, len) -> dotChunk(a, aOff + s, b, bOff + s, len));
    }

    @Override
    public float sumSquares(float[] a, int off, int n) {
        return dot(a, off, a, off, n);
    }

    /** The defined order on one chunk: P partials over the full blocks, their tree, the tail. */
    private static float sumChunk(float[] a, int off, int n) {
        if (!VECTOR_ORDER) return sumInOrder(a, off, 1, n);
        int end = off + n - n % P;
        // K accumulators: accumulator k holds partials kL..kL+L-1, so the vector lanes are exactly
        // the P partials of the order. Unused ones (K < 16) are dead code after JIT constant folding;
        // at 512 bits the 4 independent chains also cover the add latency.
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0,
                s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0;
        for (int i = off; i < end; i += P) {
            s0 = s0.add(FloatVector.fromArray(S, a, i));
            if (K > 1) s1 = s1.add(FloatVector.fromArray(S, a, i + L));
            if (K > 2) {
                s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * L));
            }
            if (K > 4) {
                s4 = s4.add(FloatVector.fromArray(S, a, i + 4 * L));
                s5 = s5.add(FloatVector.fromArray(S, a, i + 5 * L));
                s6 = s6.add(FloatVector.fromArray(S, a, i + 6 * L));
                s7 = s7.add(FloatVector.fromArray(S, a, i + 7 * L));
            }
            if (K > 8) {
                s8 = s8.add(FloatVector.fromArray(S, a, i + 8 * L));
                s9 = s9.add(FloatVector.fromArray(S, a, i + 9 * L));
                s10 = s10.add(FloatVector.fromArray(S, a, i + 10 * L));
                s11 = s11.add(FloatVector.fromArray(S, a, i + 11 * L));
                s12 = s12.add(FloatVector.fromArray(S, a, i + 12 * L));
                s13 = s13.add(FloatVector.fromArray(S, a, i + 13 * L));
                s14 = s14.add(FloatVector.fromArray(S, a, i + 14 * L));
                s15 = s15.add(FloatVector.fromArray(S, a, i + 15 * L));
            }
        }
        float r = end > off ? partialTree(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15) : 0;
        for (int i = end; i < off + n; i++) r += a[i];
        return r;
    }

    /** As {@link #sumChunk}, with {@code fma(a, b, acc)} for every accumulation, tail included. */
    private static float dotChunk(float[] a, int aOff, float[] b, int bOff, int n) {
        if (!VECTOR_ORDER) return dotInOrder(a, aOff, b, bOff, n);
        int blocks = n - n % P;
        // K accumulators, as in sumChunk.
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0,
                s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0;
        for (int i = 0; i < blocks; i += P) {
            int x = aOff + i, y = bOff + i;
            s0 = FloatVector.fromArray(S, a, x).fma(FloatVector.fromArray(S, b, y), s0);
            if (K > 1) s1 = FloatVector.fromArray(S, a, x + L).fma(FloatVector.fromArray(S, b, y + L), s1);
            if (K > 2) {
                s2 = FloatVector.fromArray(S, a, x + 2 * L).fma(FloatVector.fromArray(S, b, y + 2 * L), s2);
                s3 = FloatVector.fromArray(S, a, x + 3 * L).fma(FloatVector.fromArray(S, b, y + 3 * L), s3);
            }
            if (K > 4) {
                s4 = FloatVector.fromArray(S, a, x + 4 * L).fma(FloatVector.fromArray(S, b, y + 4 * L), s4);
                s5 = FloatVector.fromArray(S, a, x + 5 * L).fma(FloatVector.fromArray(S, b, y + 5 * L), s5);
                s6 = FloatVector.fromArray(S, a, x + 6 * L).fma(FloatVector.fromArray(S, b, y + 6 * L), s6);
                s7 = FloatVector.fromArray(S, a, x + 7 * L).fma(FloatVector.fromArray(S, b, y + 7 * L), s7);
            }
            if (K > 8) {
                s8 = FloatVector.fromArray(S, a, x + 8 * L).fma(FloatVector.fromArray(S, b, y + 8 * L), s8);
                s9 = FloatVector.fromArray(S, a, x + 9 * L).fma(FloatVector.fromArray(S, b, y + 9 * L), s9);
                s10 = FloatVector.fromArray(S, a, x + 10 * L).fma(FloatVector.fromArray(S, b, y + 10 * L), s10);
                s11 = FloatVector.fromArray(S, a, x + 11 * L).fma(FloatVector.fromArray(S, b, y + 11 * L), s11);
                s12 = FloatVector.fromArray(S, a, x + 12 * L).fma(FloatVector.fromArray(S, b, y + 12 * L), s12);
                s13 = FloatVector.fromArray(S, a, x + 13 * L).fma(FloatVector.fromArray(S, b, y + 13 * L), s13);
                s14 = FloatVector.fromArray(S, a, x + 14 * L).fma(FloatVector.fromArray(S, b, y + 14 * L), s14);
                s15 = FloatVector.fromArray(S, a, x + 15 * L).fma(FloatVector.fromArray(S, b, y + 15 * L), s15);
            }
        }
        float r = blocks > 0 ? partialTree(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15) : 0;
        for (int i = blocks; i < n; i++) r = Math.fma(a[aOff + i], b[bOff + i], r);
        return r;
    }

    /**
     * The pairwise tree over the P partials held by the K accumulators: {@code p[j] += p[j + h]}
     * for h = P/2, P/4, ..., 1. While h >= L this pairs whole accumulators lane by lane; below L
     * it pairs lanes of one vector.
     */
    private static float partialTree(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3,
                                     FloatVector s4, FloatVector s5, FloatVector s6, FloatVector s7,
                                     FloatVector s8, FloatVector s9, FloatVector s10, FloatVector s11,
                                     FloatVector s12, FloatVector s13, FloatVector s14, FloatVector s15) {
        if (K > 8) {
            s0 = s0.add(s8); s1 = s1.add(s9); s2 = s2.add(s10); s3 = s3.add(s11);
            s4 = s4.add(s12); s5 = s5.add(s13); s6 = s6.add(s14); s7 = s7.add(s15);
        }
        if (K > 4) {
            s0 = s0.add(s4); s1 = s1.add(s5); s2 = s2.add(s6); s3 = s3.add(s7);
        }
        if (K > 2) {
            s0 = s0.add(s2); s1 = s1.add(s3);
        }
        if (K > 1) s0 = s0.add(s1);
        // slice(h) shifts lane j + h down to lane j (zeros above), so lane j gains p[j + h]
        for (int h = L / 2; h >= 1; h /= 2) s0 = s0.add(s0.slice(h));
        return s0.lane(0);
    }

    /** The defined order in scalar code, for strided ranges and species whose lanes do not divide P. */
    private static float sumInOrder(float[] a, int off, int stride, int n) {
        float[] p = new float[P];
        int blocks = n - n % P;
        for (int k = 0; k < blocks; k += P) {
            for (int j = 0; j < P; j++) p[j] += a[off + (k + j) * stride];
        }
        float r = scalarTree(p);
        for (int k = blocks; k < n; k++) r += a[off + k * stride];
        return r;
    }

    private static float dotInOrder(float[] a, int aOff, float[] b, int bOff, int n) {
        float[] p = new float[P];
        int blocks = n - n % P;
        for (int k = 0; k < blocks; k += P) {
            for (int j = 0; j < P; j++) p[j] = Math.fma(a[aOff + k + j], b[bOff + k + j], p[j]);
        }
        float r = scalarTree(p);
        for (int k = blocks; k < n; k++) r = Math.fma(a[aOff + k], b[bOff + k], r);
        return r;
    }

    private static float scalarTree(float[] p) {
        for (int h = P / 2; h >= 1; h /= 2) {
            for (int j = 0; j < h; j++) p[j] += p[j + h];
        }
        return p[0];
    }

    @Override
    public float max(float[] a, int off, int n) {
        assert n > 0;
        // 4 accumulators: a NaN-propagating max is a compare, a blend and a max per lane; 4
        // independent chains keep those from waiting on each other.
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(S, a, off + i));
            m1 = m1.max(FloatVector.fromArray(S, a, off + i + L));
            m2 = m2.max(FloatVector.fromArray(S, a, off + i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, a, off + i + 3 * L));
        }
        for (int bound = S.loopBound(n); i < bound; i += L) m0 = m0.max(FloatVector.fromArray(S, a, off + i));
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            m0 = m0.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, off + i, m), m);
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
    }

    @Override
    public float min(float[] a, int off, int n) {
        assert n > 0;
        // 4 accumulators, as in max
        FloatVector m0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = 0;
        for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
            m0 = m0.min(FloatVector.fromArray(S, a, off + i));
            m1 = m1.min(FloatVector.fromArray(S, a, off + i + L));
            m2 = m2.min(FloatVector.fromArray(S, a, off + i + 2 * L));
            m3 = m3.min(FloatVector.fromArray(S, a, off + i + 3 * L));
        }
        for (int bound = S.loopBound(n); i < bound; i += L) m0 = m0.min(FloatVector.fromArray(S, a, off + i));
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            m0 = m0.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, a, off + i, m), m);
        }
        return m0.min(m1).min(m2.min(m3)).reduceLanes(VectorOperators.MIN);
    }

    @Override
    public int argmax(float[] a, int off, int n) {
        return firstMatch(a, off, n, max(a, off, n));
    }

    @Override
    public int argmin(float[] a, int off, int n) {
        return firstMatch(a, off, n, min(a, off, n));
    }

    /**
     * Index of the first element equal to x or NaN. Called with x = the max (or min) of the
     * range, which is NaN exactly when the range holds a NaN: then no element equals x and the
     * first NaN is found; otherwise there is no NaN and the first occurrence of x is found.
     */
    private static int firstMatch(float[] a, int off, int n, float x) {
        FloatVector vx = FloatVector.broadcast(S, x);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + i);
            VectorMask<Float> hit = v.compare(VectorOperators.EQ, vx).or(v.compare(VectorOperators.NE, v));
            if (hit.anyTrue()) return i + hit.firstTrue();
        }
        return i + firstMatchStrided(a, off + i, 1, n - i, x);
    }

    private static int firstMatchStrided(float[] a, int off, int stride, int n, float x) {
        for (int k = 0; k < n; k++) {
            float v = a[off + k * stride];
            if (v == x || v != v) return k;
        }
        throw new AssertionError("firstMatch: no element equals " + x);
    }

    @Override
    public float sumStrided(float[] a, int off, int stride, int n) {
        if (stride == 1) return sum(a, off, n);
        return n <= CHUNK ? sumInOrder(a, off, stride, n)
                : chunkTree(0, n, (s, len) -> sumInOrder(a, off + s * stride, stride, len));
    }

    /** Lane offsets {@code 0, stride, 2*stride, ...} of a gather. */
    private static int[] gatherMap(int stride) {
        int[] map = new int[L];
        for (int j = 0; j < L; j++) map[j] = j * stride;
        return map;
    }

    @Override
    public float maxStrided(float[] a, int off, int stride, int n) {
        assert n > 0;
        if (stride == 1) return max(a, off, n);
        int[] map = gatherMap(stride);
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int k = 0;
        for (int bound = S.loopBound(n); k < bound; k += L) m0 = m0.max(FloatVector.fromArray(S, a, off + k * stride, map, 0));
        float m = m0.reduceLanes(VectorOperators.MAX);
        for (; k < n; k++) m = Math.max(m, a[off + k * stride]);
        return m;
    }

    @Override
    public float minStrided(float[] a, int off, int stride, int n) {
        assert n > 0;
        if (stride == 1) return min(a, off, n);
        int[] map = gatherMap(stride);
        FloatVector m0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        int k = 0;
        for (int bound = S.loopBound(n); k < bound; k += L) m0 = m0.min(FloatVector.fromArray(S, a, off + k * stride, map, 0));
        float m = m0.reduceLanes(VectorOperators.MIN);
        for (; k < n; k++) m = Math.min(m, a[off + k * stride]);
        return m;
    }

    @Override
    public int argmaxStrided(float[] a, int off, int stride, int n) {
        return stride == 1 ? argmax(a, off, n) : firstMatchStrided(a, off, stride, n, maxStrided(a, off, stride, n));
    }

    @Override
    public int argminStrided(float[] a, int off, int stride, int n) {
        return stride == 1 ? argmin(a, off, n) : firstMatchStrided(a, off, stride, n, minStrided(a, off, stride, n));
    }

    @Override
    public void sumRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = sum(a, off + r * ld, cols);
    }

    @Override
    public void maxRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = max(a, off + r * ld, cols);
    }

    @Override
    public void minRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = min(a, off + r * ld, cols);
    }

    @Override
    public void argmaxRows(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = argmax(a, off + r * ld, cols);
    }

    @Override
    public void argminRows(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = argmin(a, off + r * ld, cols);
    }

    // The column kernels take 4 vectors of columns at a time: each column is one dependent chain
    // down the rows, and 4 chains hide the latency of the add (or max, min). The columns left
    // over go one vector at a time, the last one masked (one masked load per row: several
    // mostly-empty masked loads per row ran 20x slower than the scalar loop on narrow blocks).
    // Sum, max and min are written out rather than sharing one method that takes the operator:
    // the Vector API intrinsifies constant operators only, and a shared method compiled on its
    // own (then too big to inline) would not see one.

    @Override
    public void sumColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        int c = 0;
        for (; c + 4 * L <= cols; c += 4 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, i = off + c; r < rows; r++, i += ld) {
                s0 = s0.add(FloatVector.fromArray(S, a, i));
                s1 = s1.add(FloatVector.fromArray(S, a, i + L));
                s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * L));
            }
            storeStrip(s0, s1, s2, s3, out, outOff + c);
        }
        for (; c < cols; c += L) {
            VectorMask<Float> k = S.indexInRange(c, cols);
            FloatVector s0 = FloatVector.zero(S);
            for (int r = 0, i = off + c; r < rows; r++, i += ld) s0 = s0.add(FloatVector.fromArray(S, a, i, k));
            s0.intoArray(out, outOff + c, k);
        }
    }

    @Override
    public void maxColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        int c = 0;
        for (; c + 4 * L <= cols; c += 4 * L) {
            FloatVector s0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, i = off + c; r < rows; r++, i += ld) {
                s0 = s0.max(FloatVector.fromArray(S, a, i));
                s1 = s1.max(FloatVector.fromArray(S, a, i + L));
                s2 = s2.max(FloatVector.fromArray(S, a, i + 2 * L));
                s3 = s3.max(FloatVector.fromArray(S, a, i + 3 * L));
            }
            storeStrip(s0, s1, s2, s3, out, outOff + c);
        }
        for (; c < cols; c += L) {
            // max is exact in any order, so 4 rows at a time give 4 chains here too
            VectorMask<Float> k = S.indexInRange(c, cols);
            FloatVector s0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), s1 = s0, s2 = s0, s3 = s0;
            int r = 0, i = off + c;
            for (; r + 4 <= rows; r += 4, i += 4 * ld) {
                s0 = s0.max(FloatVector.fromArray(S, a, i, k));
                s1 = s1.max(FloatVector.fromArray(S, a, i + ld, k));
                s2 = s2.max(FloatVector.fromArray(S, a, i + 2 * ld, k));
                s3 = s3.max(FloatVector.fromArray(S, a, i + 3 * ld, k));
            }
            for (; r < rows; r++, i += ld) s0 = s0.max(FloatVector.fromArray(S, a, i, k));
            s0.max(s1).max(s2.max(s3)).intoArray(out, outOff + c, k);
        }
    }

    @Override
    public void minColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        int c = 0;
        for (; c + 4 * L <= cols; c += 4 * L) {
            FloatVector s0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, i = off + c; r < rows; r++, i += ld) {
                s0 = s0.min(FloatVector.fromArray(S, a, i));
                s1 = s1.min(FloatVector.fromArray(S, a, i + L));
                s2 = s2.min(FloatVector.fromArray(S, a, i + 2 * L));
                s3 = s3.min(FloatVector.fromArray(S, a, i + 3 * L));
            }
            storeStrip(s0, s1, s2, s3, out, outOff + c);
        }
        for (; c < cols; c += L) {
            // min is exact in any order, so 4 rows at a time give 4 chains here too
            VectorMask<Float> k = S.indexInRange(c, cols);
            FloatVector s0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY), s1 = s0, s2 = s0, s3 = s0;
            int r = 0, i = off + c;
            for (; r + 4 <= rows; r += 4, i += 4 * ld) {
                s0 = s0.min(FloatVector.fromArray(S, a, i, k));
                s1 = s1.min(FloatVector.fromArray(S, a, i + ld, k));
                s2 = s2.min(FloatVector.fromArray(S, a, i + 2 * ld, k));
                s3 = s3.min(FloatVector.fromArray(S, a, i + 3 * ld, k));
            }
            for (; r < rows; r++, i += ld) s0 = s0.min(FloatVector.fromArray(S, a, i, k));
            s0.min(s1).min(s2.min(s3)).intoArray(out, outOff + c, k);
        }
    }

    private static void storeStrip(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3, float[] out, int o) {
        s0.intoArray(out, o);
        s1.intoArray(out, o + L);
        s2.intoArray(out, o + 2 * L);
        s3.intoArray(out, o + 3 * L);
    }

    @Override
    public void argmaxColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        argColumns(a, off, rows, cols, ld, out, outOff, 1);
    }

    @Override
    public void argminColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        argColumns(a, off, rows, cols, ld, out, outOff, -1);
    }

    /**
     * Argmax of each column of {@code sign * a}; sign -1 gives the argmin, as negation is exact
     * and keeps NaN and ties. A lane takes row r when its value is greater than the best so far
     * or NaN, unless the best is already NaN (the first NaN wins).
     */
    private static void argColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff, float sign) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> in = S.indexInRange(c, cols);
            FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            IntVector at = IntVector.zero(IS);
            for (int r = 0, i = off + c; r < rows; r++, i += ld) {
                FloatVector v = FloatVector.fromArray(S, a, i, in).mul(sign);
                VectorMask<Float> take = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v))
                        .andNot(best.compare(VectorOperators.NE, best));
                best = best.blend(v, take);
                at = at.blend(r, take.cast(IS));
            }
            at.intoArray(out, outOff + c, in.cast(IS));
        }
    }

    @Override
    public void softmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut) {
        if (cols == 0) return;
        if (cols <= L) {
            shortRows(a, off, rows, cols, lda, out, outOff, ldOut, false);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda, oi = outOff + r * ldOut;
            float s = FloatVectorMath.expShifted(a, ai, max(a, ai, cols), out, oi, cols);
            FloatVector inv = FloatVector.broadcast(S, 1 / s);
            int i = 0;
            for (int bound = S.loopBound(cols); i < bound; i += L) {
                FloatVector.fromArray(S, out, oi + i).mul(inv).intoArray(out, oi + i);
            }
            if (i < cols) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector.fromArray(S, out, oi + i, m).mul(inv).intoArray(out, oi + i, m);
            }
        }
    }

    @Override
    public void logSoftmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut) {
        if (cols == 0) return;
        if (cols <= L) {
            shortRows(a, off, rows, cols, lda, out, outOff, ldOut, true);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda, oi = outOff + r * ldOut;
            float m = max(a, ai, cols);
            FloatVector vm = FloatVector.broadcast(S, m);
            FloatVector lse = FloatVector.broadcast(S, (float) Math.log(FloatVectorMath.expShifted(a, ai, m, null, 0, cols)));
            int i = 0;
            for (int bound = S.loopBound(cols); i < bound; i += L) {
                FloatVector.fromArray(S, a, ai + i).sub(vm).sub(lse).intoArray(out, oi + i);
            }
            if (i < cols) {
                VectorMask<Float> k = S.indexInRange(i, cols);
                FloatVector.fromArray(S, a, ai + i, k).sub(vm).sub(lse).intoArray(out, oi + i, k);
            }
        }
    }

    @Override
    public void logSumExpRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda;
            float m = cols == 0 ? 0 : max(a, ai, cols);
            float shift = Math.abs(m) == Float.POSITIVE_INFINITY ? 0 : m;
            out[outOff + r] = (float) Math.log(FloatVectorMath.expShifted(a, ai, shift, null, 0, cols)) + shift;
        }
    }

    /**
     * Softmax (or log-softmax) of rows no longer than one vector (say 10 classes): one masked
     * load per row and a masked max, instead of three passes with tail steps.
     */
    private static void shortRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut,
                                  boolean log) {
        VectorMask<Float> in = S.indexInRange(0, cols);
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda, oi = outOff + r * ldOut;
            FloatVector v = FloatVector.fromArray(S, a, ai, in);
            float m = v.reduceLanes(VectorOperators.MAX, in);
            if (log) {
                float lse = (float) Math.log(FloatVectorMath.expShifted(a, ai, m, null, 0, cols));
                v.sub(m).sub(lse).intoArray(out, oi, in);
            } else {
                float s = FloatVectorMath.expShifted(a, ai, m, out, oi, cols);
                FloatVector.fromArray(S, out, oi, in).mul(1 / s).intoArray(out, oi, in);
            }
        }
    }
}
