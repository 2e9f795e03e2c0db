package io.simdgrad.simd;

/**
 * The plain-loop twin of {@link VectorFloatReductions}: one sequential accumulator in index order
 * (row order for the column forms). It is the oracle of the tests and the baseline of the
 * benchmarks, and runs instead of the vector kernels under {@code -Dsimdgrad.simd=scalar}.
 * Its sums differ from the vector kernels' only by rounding (a different order of additions).
 */
final class ScalarFloatReductions implements FloatReductionKernels {
    @Override
    public float sum(float[] a, int off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[off + i];
        return s;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s = Math.fma(a[aOff + i], b[bOff + i], s);
        return s;
    }

    @Override
    public float sumSquares(float[] a, int off, int n) {
        return dot(a, off, a, off, n);
    }

    @Override
    public float max(float[] a, int off, int n) {
        return maxStrided(a, off, 1, n);
    }

    @Override
    public float min(float[] a, int off, int n) {
        return minStrided(a, off, 1, n);
    }

    @Override
    public int argmax(float[] a, int off, int n) {
        return argmaxStrided(a, off, 1, n);
    }

    @Override
    public int argmin(float[] a, int off, int n) {
        return argminStrided(a, off, 1, n);
    }

    @Override
    public float sumStrided(float[] a, int off, int stride, int n) {
        float s = 0;
        for (int k = 0; k < n; k++) s += a[off + k * stride];
        return s;
    }

    @Override
    public float maxStrided(float[] a, int off, int stride, int n) {
        assert n > 0;
        float m = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) m = Math.max(m, a[off + k * stride]);
        return m;
    }

    @Override
    public float minStrided(float[] a, int off, int stride, int n) {
        assert n > 0;
        float m = Float.POSITIVE_INFINITY;
        for (int k = 0; k < n; k++) m = Math.min(m, a[off + k * stride]);
        return m;
    }

    @Override
    public int argmaxStrided(float[] a, int off, int stride, int n) {
        assert n > 0;
        float best = Float.NEGATIVE_INFINITY;
        int at = 0;
        for (int k = 0; k < n; k++) {
            float v = a[off + k * stride];
            if (v != v) return k;
            if (v > best) {
                best = v;
                at = k;
            }
        }
        return at;
    }

    @Override
    public int argminStrided(float[] a, int off, int stride, int n) {
        assert n > 0;
        float best = Float.POSITIVE_INFINITY;
        int at = 0;
        for (int k = 0; k < n; k++) {
            float v = a[off + k * stride];
            if (v != v) return k;
            if (v < best) {
                best = v;
                at = k;
            }
        }
        return at;
    }

    @Override
    public void sumRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = sum(a, off + r * ld, cols);
    }

    @Override
    public void sumColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int c = 0; c < cols; c++) out[outOff + c] = sumStrided(a, off + c, ld, rows);
    }

    @Override
    public void maxRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = max(a, off + r * ld, cols);
    }

    @Override
    public void maxColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int c = 0; c < cols; c++) out[outOff + c] = maxStrided(a, off + c, ld, rows);
    }

    @Override
    public void minRows(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = min(a, off + r * ld, cols);
    }

    @Override
    public void minColumns(float[] a, int off, int rows, int cols, int ld, float[] out, int outOff) {
        for (int c = 0; c < cols; c++) out[outOff + c] = minStrided(a, off + c, ld, rows);
    }

    @Override
    public void argmaxRows(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = argmax(a, off + r * ld, cols);
    }

    @Override
    public void argmaxColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        for (int c = 0; c < cols; c++) out[outOff + c] = argmaxStrided(a, off + c, ld, rows);
    }

    @Override
    public void argminRows(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) out[outOff + r] = argmin(a, off + r * ld, cols);
    }

    @Override
    public void argminColumns(float[] a, int off, int rows, int cols, int ld, int[] out, int outOff) {
        for (int c = 0; c < cols; c++) out[outOff + c] = argminStrided(a, off + c, ld, rows);
    }

    @Override
    public void softmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut) {
        if (cols == 0) return;
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda, oi = outOff + r * ldOut;
            float m = max(a, ai, cols);
            float s = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(a[ai + c] - m);
                out[oi + c] = e;
                s += e;
            }
            float inv = 1 / s;
            for (int c = 0; c < cols; c++) out[oi + c] *= inv;
        }
    }

    @Override
    public void logSoftmaxRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff, int ldOut) {
        if (cols == 0) return;
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda, oi = outOff + r * ldOut;
            float m = max(a, ai, cols);
            float lse = (float) Math.log(sumExp(a, ai, cols, m));
            for (int c = 0; c < cols; c++) out[oi + c] = (a[ai + c] - m) - lse;
        }
    }

    @Override
    public void logSumExpRows(float[] a, int off, int rows, int cols, int lda, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int ai = off + r * lda;
            float m = cols == 0 ? 0 : max(a, ai, cols);
            float shift = Math.abs(m) == Float.POSITIVE_INFINITY ? 0 : m;
            out[outOff + r] = (float) Math.log(sumExp(a, ai, cols, shift)) + shift;
        }
    }

    private static float sumExp(float[] a, int off, int n, float shift) {
        float s = 0;
        for (int i = 0; i < n; i++) s += (float) Math.exp(a[off + i] - shift);
        return s;
    }
}
