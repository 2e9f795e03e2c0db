package io.simdgrad.simd;

/**
 * Plain-loop twin of {@link VectorFloatElementwise}: the oracle in tests and the baseline in
 * benchmarks. Every operation is written as its own loop (the switch on the op is outside it) so
 * that C2 can auto-vectorise the simple ones. Transcendentals are {@link Math}'s, computed in
 * double and rounded once to the element type.
 */
final class ScalarFloatElementwise implements FloatElementwiseKernels {

    @Override
    public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        assert aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i]; }
            case SUB -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] - b[bOff + i]; }
            case MUL -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i]; }
            case DIV -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] / b[bOff + i]; }
            case MAX -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.max(a[aOff + i], b[bOff + i]); }
            case MIN -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.min(a[aOff + i], b[bOff + i]); }
            case POW -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) BinaryOp.pow(a[aOff + i], b[bOff + i]); }
            case ATAN2 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.atan2(a[aOff + i], b[bOff + i]); }
            case HYPOT -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.hypot(a[aOff + i], b[bOff + i]); }
            case FMOD -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] % b[bOff + i]; }
            case REMAINDER -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.remainder(a[aOff + i], b[bOff + i]); }
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + s; }
            case SUB -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] - s; }
            case MUL -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * s; }
            case DIV -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] / s; }
            case MAX -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.max(a[aOff + i], s); }
            case MIN -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.min(a[aOff + i], s); }
            case POW -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) BinaryOp.pow(a[aOff + i], s); }
            case ATAN2 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.atan2(a[aOff + i], s); }
            case HYPOT -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.hypot(a[aOff + i], s); }
            case FMOD -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] % s; }
            case REMAINDER -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.remainder(a[aOff + i], s); }
        }
    }

    @Override
    public void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        assert bOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out[outOff + i] = s + b[bOff + i]; }
            case SUB -> { for (int i = 0; i < n; i++) out[outOff + i] = s - b[bOff + i]; }
            case MUL -> { for (int i = 0; i < n; i++) out[outOff + i] = s * b[bOff + i]; }
            case DIV -> { for (int i = 0; i < n; i++) out[outOff + i] = s / b[bOff + i]; }
            case MAX -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.max(s, b[bOff + i]); }
            case MIN -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.min(s, b[bOff + i]); }
            case POW -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) BinaryOp.pow(s, b[bOff + i]); }
            case ATAN2 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.atan2(s, b[bOff + i]); }
            case HYPOT -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.hypot(s, b[bOff + i]); }
            case FMOD -> { for (int i = 0; i < n; i++) out[outOff + i] = s % b[bOff + i]; }
            case REMAINDER -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.remainder(s, b[bOff + i]); }
        }
    }

    @Override
    public void unary(UnaryOp op, float[] a, int aOff, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) out[outOff + i] = -a[aOff + i]; }
            case ABS -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.abs(a[aOff + i]); }
            case EXP -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.exp(a[aOff + i]); }
            case LOG -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.log(a[aOff + i]); }
            case SQRT -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.sqrt(a[aOff + i]); }
            case SQUARE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * a[aOff + i]; }
            case RECIPROCAL -> { for (int i = 0; i < n; i++) out[outOff + i] = 1 / a[aOff + i]; }
            case TANH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.tanh(a[aOff + i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) out[outOff + i] = sigmoid(a[aOff + i]); }
            case RELU -> { for (int i = 0; i < n; i++) out[outOff + i] = Math.max(a[aOff + i], 0); }
            case SIN -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.sin(a[aOff + i]); }
            case COS -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.cos(a[aOff + i]); }
            case GELU -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.gelu(a[aOff + i]); }
            case GELU_TANH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.geluTanh(a[aOff + i]); }
            case SILU -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.silu(a[aOff + i]); }
            case MISH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.mish(a[aOff + i]); }
            case HARDSWISH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.hardswish(a[aOff + i]); }
            case HARDSIGMOID -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.hardsigmoid(a[aOff + i]); }
            case LOGSIGMOID -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.logSigmoid(a[aOff + i]); }
            case LOG1P -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.log1p(a[aOff + i]); }
            case EXPM1 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.expm1(a[aOff + i]); }
            case LOG2 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.log2(a[aOff + i]); }
            case LOG10 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.log10(a[aOff + i]); }
            case EXP2 -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.exp2(a[aOff + i]); }
            case ERF -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.erf(a[aOff + i]); }
            case ERFC -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.erfc(a[aOff + i]); }
            case ERFINV -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.erfinv(a[aOff + i]); }
            case TAN -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.tan(a[aOff + i]); }
            case ASIN -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.asin(a[aOff + i]); }
            case ACOS -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.acos(a[aOff + i]); }
            case ATAN -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.atan(a[aOff + i]); }
            case SINH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.sinh(a[aOff + i]); }
            case COSH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.cosh(a[aOff + i]); }
            case ASINH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.asinh(a[aOff + i]); }
            case ACOSH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.acosh(a[aOff + i]); }
            case ATANH -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.atanh(a[aOff + i]); }
            case SIGN -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.sign(a[aOff + i]); }
            case FLOOR -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.floor(a[aOff + i]); }
            case CEIL -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.ceil(a[aOff + i]); }
            case ROUND -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.rint(a[aOff + i]); }
            case TRUNC -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.trunc(a[aOff + i]); }
            case FRAC -> { for (int i = 0; i < n; i++) out[outOff + i] = (float) ElementwiseMath.frac(a[aOff + i]); }
            case ISNAN -> { for (int i = 0; i < n; i++) out[outOff + i] = Float.isNaN(a[aOff + i]) ? 1 : 0; }
            case ISINF -> { for (int i = 0; i < n; i++) out[outOff + i] = Float.isInfinite(a[aOff + i]) ? 1 : 0; }
            case ISFINITE -> { for (int i = 0; i < n; i++) out[outOff + i] = Float.isFinite(a[aOff + i]) ? 1 : 0; }
        }
    }

    @Override
    public void unaryParam(UnaryParamOp op, float[] a, int aOff, float p, float q, float r, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) {
                    float x = a[aOff + i];
                    out[outOff + i] = x > 0 ? x : x * p;
                }
            }
            case ELU -> {
                for (int i = 0; i < n; i++) {
                    float x = a[aOff + i];
                    out[outOff + i] = x > 0 ? q * x : (float) ((double) q * p * Math.expm1((double) r * x));
                }
            }
            case SOFTPLUS -> {
                for (int i = 0; i < n; i++) {
                    float x = a[aOff + i];
                    double z = (double) p * x;
                    out[outOff + i] = z > q ? x : (float) (ElementwiseMath.softplus(z) / p);
                }
            }
            case NAN_TO_NUM -> {
                for (int i = 0; i < n; i++) {
                    float x = a[aOff + i];
                    out[outOff + i] = x != x ? p : x == Float.POSITIVE_INFINITY ? q : x == Float.NEGATIVE_INFINITY ? r : x;
                }
            }
        }
    }

    /** 1/(1+e^-x) without overflow: e^-|x| is at most 1, so neither branch overflows. */
    static float sigmoid(float x) {
        float e = (float) Math.exp(-Math.abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    @Override
    public void compare(CompareOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        assert aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case GT -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] > b[bOff + i] ? 1 : 0; }
            case LT -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] < b[bOff + i] ? 1 : 0; }
            case GE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] >= b[bOff + i] ? 1 : 0; }
            case LE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] <= b[bOff + i] ? 1 : 0; }
            case EQ -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] == b[bOff + i] ? 1 : 0; }
            case NE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] != b[bOff + i] ? 1 : 0; }
        }
    }

    @Override
    public void compareScalar(CompareOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        switch (op) {
            case GT -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] > s ? 1 : 0; }
            case LT -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] < s ? 1 : 0; }
            case GE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] >= s ? 1 : 0; }
            case LE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] <= s ? 1 : 0; }
            case EQ -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] == s ? 1 : 0; }
            case NE -> { for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] != s ? 1 : 0; }
        }
    }

    @Override
    public void where(float[] mask, int maskOff, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        assert maskOff >= 0 && aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) out[outOff + i] = mask[maskOff + i] != 0 ? a[aOff + i] : b[bOff + i];
    }

    @Override
    public void clamp(float[] a, int aOff, float lo, float hi, float[] out, int outOff, int n) {
        assert aOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) out[outOff + i] = Math.min(Math.max(a[aOff + i], lo), hi);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert xOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] > 0 ? g[gOff + i] : 0;
    }

    @Override
    public void geluBackward(boolean tanh, float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            double d = tanh ? ElementwiseMath.geluTanhDerivative(x[xOff + i]) : ElementwiseMath.geluDerivative(x[xOff + i]);
            out[outOff + i] = (float) (g[gOff + i] * d);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert yOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) {
            float yi = y[yOff + i];
            out[outOff + i] = g[gOff + i] * (1 - yi) * yi;
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        assert yOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) {
            float yi = y[yOff + i];
            out[outOff + i] = g[gOff + i] * Math.fma(-yi, yi, 1);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        assert xOff >= 0 && yOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        assert xOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) out[outOff + i] = alpha * x[xOff + i];
    }

    @Override
    public void fill(float v, float[] out, int outOff, int n) {
        assert outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) out[outOff + i] = v;
    }

    @Override
    public void rotateRows(float[] c, float[] s, int csOff, int count, float[] a, int aOff, int lda, int cols) {
        assert csOff >= 0 && count >= 0 && aOff >= 0 && cols >= 0;
        for (int j = 0; j < cols; j++) {
            // the row below carries from one rotation to the next; each row is written once
            float carry = a[aOff + count * lda + j];
            for (int t = count - 1; t >= 0; t--) {
                int x = aOff + t * lda + j;
                float ct = c[csOff + t], st = s[csOff + t], v = a[x];
                a[x + lda] = Math.fma(st, v, ct * carry);
                carry = Math.fma(ct, v, -st * carry);
            }
            a[aOff + j] = carry;
        }
    }

    @Override
    public void lerp(float[] a, int aOff, float[] b, int bOff, float w, float[] out, int outOff, int n) {
        assert aOff >= 0 && bOff >= 0 && outOff >= 0 && n >= 0;
        boolean small = Math.abs(w) < 0.5;
        float c = small ? w : w - 1;
        for (int i = 0; i < n; i++) {
            float x = a[aOff + i], y = b[bOff + i];
            out[outOff + i] = Math.fma(c, y - x, small ? x : y);
        }
    }

    @Override
    public void expAvgSq(float[] v, int vOff, float beta2, float[] g, int gOff, float value, float[] out, int outOff, int n) {
        assert vOff >= 0 && gOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) {
            float x = g[gOff + i];
            out[outOff + i] = v[vOff + i] * beta2 + value * x * x;
        }
    }

    @Override
    public void adamStep(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, float negStep, float bc2, float eps,
                         float[] out, int outOff, int n) {
        assert pOff >= 0 && mOff >= 0 && vOff >= 0 && outOff >= 0 && n >= 0;
        for (int i = 0; i < n; i++) {
            float denom = (float) Math.sqrt(v[vOff + i]) / bc2 + eps;
            out[outOff + i] = p[pOff + i] + negStep * m[mOff + i] / denom;
        }
    }
}
