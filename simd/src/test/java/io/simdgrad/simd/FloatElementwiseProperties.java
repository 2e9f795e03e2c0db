package io.simdgrad.simd;

import static io.simdgrad.simd.FloatElementwiseSamples.array;
import static io.simdgrad.simd.FloatElementwiseSamples.assertClose;
import static io.simdgrad.simd.FloatElementwiseSamples.copy;
import static io.simdgrad.simd.FloatElementwiseSamples.value;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The Vector API elementwise kernels against their scalar twins, and the twins against a
 * per-element oracle written here: random lengths (weighted to vector tails), offsets, aliasing
 * of the output with an input, and values that mix special cases with all magnitudes. Whole
 * arrays are compared, so a write outside the output range fails too.
 *
 * <p>Allowed differences are the bounds stated in {@link FloatElementwise}'s Javadoc: 1 ulp for
 * exp, log, pow, tanh, sin and cos, 2 ulps for sigmoid, none for everything else.
 */
class FloatElementwiseProperties {
    private static final FloatElementwiseKernels SCALAR = FloatElementwise.scalar();
    private static final FloatElementwiseKernels VECTOR = FloatElementwise.vector();

    static {
        FloatElementwiseSamples.warmUp();
    }

    /** One kernel call on the given arrays. */
    @FunctionalInterface
    interface Call {
        void run(FloatElementwiseKernels k, float[][] x);
    }

    /** What element i of the output should be, from the original inputs. */
    @FunctionalInterface
    interface Oracle {
        float at(int i);
    }

    static double ulps(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, TANH, SIN, COS -> 1;
            case SIGMOID -> 2;
            case SILU -> 3;
            // 32-bit: FloatVectorMath.gelu's fit and roundings; 64-bit: the twin itself
            case GELU -> 8;
            case GELU_TANH -> 8;
            case LOG1P, EXPM1, LOG10, TAN, ASIN, ACOS, ATAN, SINH, COSH -> 2;
            default -> 0;
        };
    }

    static double ulps(BinaryOp op) {
        return switch (op) {
            case POW -> 1;
            case ATAN2, HYPOT -> 2;
            default -> 0;
        };
    }

    static float oracle(BinaryOp op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            // IEEE 754's pow: 1 for pow(1, y) and pow(-1, +-inf), where Math.pow gives NaN
            case POW -> x == 1 || (x == -1 && Float.isInfinite(y)) ? 1 : (float) Math.pow(x, y);
            case ATAN2 -> (float) Math.atan2(x, y);
            case HYPOT -> (float) Math.hypot(x, y);
            case FMOD -> x % y;
            case REMAINDER -> (float) ElementwiseMath.remainder(x, y);
        };
    }

    static float oracle(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1 / x;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1 / (1 + (float) Math.exp(-x)) : (float) Math.exp(x) / (1 + (float) Math.exp(x));
            case RELU -> Float.isNaN(x) ? x : x > 0 ? x : 0;
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            // the functions Math lacks: their values are checked against mpmath in ElementwiseMathTest
            case GELU -> (float) ElementwiseMath.gelu(x);
            case GELU_TANH -> (float) ElementwiseMath.geluTanh(x);
            case SILU -> (float) ElementwiseMath.silu(x);
            case MISH -> (float) ElementwiseMath.mish(x);
            case HARDSWISH -> (float) ElementwiseMath.hardswish(x);
            case HARDSIGMOID -> (float) ElementwiseMath.hardsigmoid(x);
            case LOGSIGMOID -> (float) ElementwiseMath.logSigmoid(x);
            case LOG1P -> (float) Math.log1p(x);
            case EXPM1 -> (float) Math.expm1(x);
            case LOG2 -> (float) ElementwiseMath.log2(x);
            case LOG10 -> (float) Math.log10(x);
            case EXP2 -> (float) ElementwiseMath.exp2(x);
            case ERF -> (float) ElementwiseMath.erf(x);
            case ERFC -> (float) ElementwiseMath.erfc(x);
            case ERFINV -> (float) ElementwiseMath.erfinv(x);
            case TAN -> (float) Math.tan(x);
            case ASIN -> (float) Math.asin(x);
            case ACOS -> (float) Math.acos(x);
            case ATAN -> (float) Math.atan(x);
            case SINH -> (float) Math.sinh(x);
            case COSH -> (float) Math.cosh(x);
            case ASINH -> (float) ElementwiseMath.asinh(x);
            case ACOSH -> (float) ElementwiseMath.acosh(x);
            case ATANH -> (float) ElementwiseMath.atanh(x);
            case SIGN -> Float.isNaN(x) ? 0 : Math.signum(x) + 0;
            case FLOOR -> (float) Math.floor(x);
            case CEIL -> (float) Math.ceil(x);
            case ROUND -> (float) Math.rint(x);
            case TRUNC -> (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
            case FRAC -> Float.isInfinite(x) ? Float.NaN : x - (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
            case ISNAN -> x != x ? 1 : 0;
            case ISINF -> Math.abs(x) == Float.POSITIVE_INFINITY ? 1 : 0;
            case ISFINITE -> Math.abs(x) <= Float.MAX_VALUE ? 1 : 0;
        };
    }

    static float oracle(UnaryParamOp op, float x, float p, float q, float r) {
        return switch (op) {
            case LEAKY_RELU -> x > 0 ? x : x * p;
            case ELU -> x > 0 ? q * x : (float) (q * (double) p * Math.expm1(r * (double) x));
            case SOFTPLUS -> p * (double) x > q ? x : (float) (ElementwiseMath.softplus(p * (double) x) / p);
            case NAN_TO_NUM -> Float.isNaN(x) ? p : Float.isInfinite(x) ? (x > 0 ? q : r) : x;
        };
    }

    static boolean oracle(CompareOp op, float x, float y) {
        return switch (op) {
            case GT -> x > y;
            case LT -> x < y;
            case GE -> x >= y;
            case LE -> x <= y;
            case EQ -> x == y;
            case NE -> x != y;
        };
    }

    /**
     * Runs {@code call} with the scalar and the vector kernels on copies of {@code arrays}; checks
     * the scalar output range {@code [outOff, outOff + n)} of array {@code outIdx} against the
     * oracle exactly, and every vector array against the scalar one within {@code maxUlps}.
     */
    static void twin(String what, float[][] arrays, int outIdx, int outOff, int n, Oracle oracle,
                     double maxUlps, Call call) {
        float[] want = new float[n];
        for (int i = 0; i < n; i++) want[i] = oracle.at(i);
        float[][] s = copy(arrays);
        float[][] v = copy(arrays);
        call.run(SCALAR, s);
        call.run(VECTOR, v);
        float[] got = java.util.Arrays.copyOfRange(s[outIdx], outOff, outOff + n);
        assertClose(what + " scalar twin vs oracle", want, got, 0);
        for (int k = 0; k < arrays.length; k++) assertClose(what + " vector vs scalar, array " + k, s[k], v[k], maxUlps);
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return FloatElementwiseSamples.lengths();
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return FloatElementwiseSamples.offsets();
    }

    /** alias 0: separate output; 1: out is a's range; 2: out is b's range. */
    @Property(tries = 400)
    void binary(@ForAll BinaryOp op, @ForAll("lengths") int n, @ForAll("offsets") int aOff,
                @ForAll("offsets") int bOff, @ForAll("offsets") int outOff, @ForAll @IntRange(max = 2) int alias,
                @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {array(r, aOff + n + 3), array(r, bOff + n + 2), array(r, outOff + n + 1)};
        int o = alias == 0 ? 2 : alias - 1;
        int oOff = alias == 0 ? outOff : alias == 1 ? aOff : bOff;
        float[] a = x[0].clone(), b = x[1].clone();
        twin("binary " + op + " alias " + alias, x, o, oOff, n, i -> oracle(op, a[aOff + i], b[bOff + i]), ulps(op),
                (k, y) -> k.binary(op, y[0], aOff, y[1], bOff, y[o], oOff, n));
    }

    @Property(tries = 300)
    void binaryScalar(@ForAll BinaryOp op, @ForAll("lengths") int n, @ForAll("offsets") int aOff,
                      @ForAll("offsets") int outOff, @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float s = value(r);
        float[][] x = {array(r, aOff + n + 3), array(r, outOff + n + 1)};
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? aOff : outOff;
        float[] a = x[0].clone();
        twin("binaryScalar " + op + " s=" + s, x, o, oOff, n, i -> oracle(op, a[aOff + i], s), ulps(op),
                (k, y) -> k.binaryScalar(op, y[0], aOff, s, y[o], oOff, n));
    }

    @Property(tries = 300)
    void scalarBinary(@ForAll BinaryOp op, @ForAll("lengths") int n, @ForAll("offsets") int bOff,
                      @ForAll("offsets") int outOff, @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float s = value(r);
        float[][] x = {array(r, bOff + n + 3), array(r, outOff + n + 1)};
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? bOff : outOff;
        float[] b = x[0].clone();
        twin("scalarBinary " + op + " s=" + s, x, o, oOff, n, i -> oracle(op, s, b[bOff + i]), ulps(op),
                (k, y) -> k.scalarBinary(op, s, y[0], bOff, y[o], oOff, n));
    }

    @Property(tries = 400)
    void unary(@ForAll UnaryOp op, @ForAll("lengths") int n, @ForAll("offsets") int aOff,
               @ForAll("offsets") int outOff, @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {array(r, aOff + n + 3), array(r, outOff + n + 1)};
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? aOff : outOff;
        float[] a = x[0].clone();
        twin("unary " + op, x, o, oOff, n, i -> oracle(op, a[aOff + i]), ulps(op),
                (k, y) -> k.unary(op, y[0], aOff, y[o], oOff, n));
    }

    /** Parameters from the mixed values (NaN and infinities included), softplus's beta positive and its threshold moderate. */
    @Property(tries = 300)
    void unaryParam(@ForAll UnaryParamOp op, @ForAll("lengths") int n, @ForAll("offsets") int aOff,
                    @ForAll("offsets") int outOff, @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float p = value(r), q = value(r), pr = value(r);
        if (op == UnaryParamOp.SOFTPLUS) {
            p = (float) r.nextDouble(0.25, 4);
            q = (float) r.nextDouble(1, 30);
        }
        float[][] x = {array(r, aOff + n + 3), array(r, outOff + n + 1)};
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? aOff : outOff;
        float[] a = x[0].clone();
        float fp = p, fq = q, fr = pr;
        twin("unaryParam " + op + " p=" + p + " q=" + q + " r=" + pr, x, o, oOff, n, i -> oracle(op, a[aOff + i], fp, fq, fr), 0,
                (k, y) -> k.unaryParam(op, y[0], aOff, fp, fq, fr, y[o], oOff, n));
    }

    /** Compares equal values often (b copies a in a third of the lanes), so EQ/NE/GE/LE see ties. */
    @Property(tries = 250)
    void compare(@ForAll CompareOp op, @ForAll("lengths") int n, @ForAll("offsets") int aOff,
                 @ForAll("offsets") int bOff, @ForAll @IntRange(max = 2) int alias, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {array(r, aOff + n + 3), array(r, bOff + n + 2), array(r, n + 1)};
        for (int i = 0; i < n; i++) if (r.nextInt(3) == 0) x[1][bOff + i] = x[0][aOff + i];
        int o = alias == 0 ? 2 : alias - 1;
        int oOff = alias == 0 ? 1 : alias == 1 ? aOff : bOff;
        float[] a = x[0].clone(), b = x[1].clone();
        twin("compare " + op, x, o, oOff, n, i -> oracle(op, a[aOff + i], b[bOff + i]) ? 1 : 0, 0,
                (k, y) -> k.compare(op, y[0], aOff, y[1], bOff, y[o], oOff, n));
    }

    @Property(tries = 250)
    void compareScalar(@ForAll CompareOp op, @ForAll("lengths") int n, @ForAll("offsets") int aOff,
                       @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {array(r, aOff + n + 3), array(r, n + 1)};
        float s = r.nextBoolean() && n > 0 ? x[0][aOff + r.nextInt(n)] : value(r);
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? aOff : 1;
        float[] a = x[0].clone();
        twin("compareScalar " + op + " s=" + s, x, o, oOff, n, i -> oracle(op, a[aOff + i], s) ? 1 : 0, 0,
                (k, y) -> k.compareScalar(op, y[0], aOff, s, y[o], oOff, n));
    }

    /** mask: zeros of both signs, NaN and other values; out aliases a, b or mask by turns. */
    @Property(tries = 250)
    void where(@ForAll("lengths") int n, @ForAll("offsets") int mOff, @ForAll("offsets") int aOff,
               @ForAll @IntRange(max = 3) int alias, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {array(r, mOff + n + 1), array(r, aOff + n + 2), array(r, n + 3), array(r, n + 4)};
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            if (k < 2) x[0][mOff + i] = k == 0 ? 0 : -(float) 0;
        }
        int o = alias == 0 ? 3 : alias - 1;
        int oOff = alias == 0 ? 2 : alias == 1 ? mOff : alias == 2 ? aOff : 0;
        float[] m = x[0].clone(), a = x[1].clone(), b = x[2].clone();
        twin("where alias " + alias, x, o, oOff, n, i -> m[mOff + i] != 0 ? a[aOff + i] : b[i], 0,
                (k, y) -> k.where(y[0], mOff, y[1], aOff, y[2], 0, y[o], oOff, n));
    }

    /** lo and hi from the mixed values: includes NaN bounds and lo > hi. */
    @Property(tries = 250)
    void clamp(@ForAll("lengths") int n, @ForAll("offsets") int aOff, @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float lo = value(r);
        float hi = r.nextInt(4) == 0 ? value(r) : Math.max(lo, value(r));
        float[][] x = {array(r, aOff + n + 3), array(r, n + 1)};
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? aOff : 1;
        float[] a = x[0].clone();
        twin("clamp [" + lo + ", " + hi + "]", x, o, oOff, n, i -> Math.min(Math.max(a[aOff + i], lo), hi), 0,
                (k, y) -> k.clamp(y[0], aOff, lo, hi, y[o], oOff, n));
    }

    /** kind 0: reluBackward, 1: sigmoidBackward, 2: tanhBackward; y in [0, 1] or [-1, 1] half the time. */
    @Property(tries = 300)
    void backward(@ForAll @IntRange(max = 2) int kind, @ForAll("lengths") int n, @ForAll("offsets") int yOff,
                  @ForAll("offsets") int gOff, @ForAll @IntRange(max = 2) int alias, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = {array(r, yOff + n + 3), array(r, gOff + n + 2), array(r, n + 1)};
        if (r.nextBoolean()) {
            for (int i = 0; i < n; i++) x[0][yOff + i] = (float) (kind == 2 ? r.nextDouble(-1, 1) : r.nextDouble());
        }
        int o = alias == 0 ? 2 : alias - 1;
        int oOff = alias == 0 ? 1 : alias == 1 ? yOff : gOff;
        float[] y = x[0].clone(), g = x[1].clone();
        Oracle want = switch (kind) {
            case 0 -> i -> y[yOff + i] > 0 ? g[gOff + i] : 0;
            case 1 -> i -> g[gOff + i] * (1 - y[yOff + i]) * y[yOff + i];
            default -> i -> g[gOff + i] * Math.fma(-y[yOff + i], y[yOff + i], 1);
        };
        twin("backward " + kind + " alias " + alias, x, o, oOff, n, want, 0, (k, z) -> {
            switch (kind) {
                case 0 -> k.reluBackward(z[0], yOff, z[1], gOff, z[o], oOff, n);
                case 1 -> k.sigmoidBackward(z[0], yOff, z[1], gOff, z[o], oOff, n);
                default -> k.tanhBackward(z[0], yOff, z[1], gOff, z[o], oOff, n);
            }
        });
    }

    /**
     * geluBackward against its twin (double, rounded once): within GELU_BACKWARD_ULPS ulps of
     * {@code |g| (Phi(x) + |x| phi(x))}, the size of the terms (gelu' has a zero near x = -0.75,
     * where the result's own ulp is no measure), and 0 below x = -16; inputs from the samples, from [-20, 20] and NaN/inf.
     */
    @Property(tries = 200)
    void geluBackwardWithinItsBoundOfTheTwin(@ForAll("lengths") int n, @ForAll("offsets") int xOff, @ForAll boolean tanh, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = array(r, xOff + n), g = array(r, n), out = new float[n], twin = new float[n];
        if (r.nextBoolean()) for (int i = 0; i < n; i++) x[xOff + i] = (float) r.nextDouble(-20, 20);
        FloatElementwise.vector().geluBackward(tanh, x, xOff, g, 0, out, 0, n);
        FloatElementwise.scalar().geluBackward(tanh, x, xOff, g, 0, twin, 0, n);
        for (int i = 0; i < n; i++) {
            double xi = x[xOff + i], size = Math.abs(g[i]) * (tanh ? geluTanhTermSize(xi)
                    : 0.5 * ElementwiseMath.erfc(-xi * Math.sqrt(0.5)) + Math.abs(xi) * Math.exp(-xi * xi / 2) / Math.sqrt(2 * Math.PI));
            boolean same = Float.compare(out[i], twin[i]) == 0 || (Float.isNaN(out[i]) && Float.isNaN(twin[i]));
            // the last n mod lanes elements are the twin's
            if (same) continue;
            if (tanh && Math.abs(xi) > 12) {
                // beyond 12: g or 0 (NaN at infinities)
                assertTrue(Float.isNaN(out[i]) || out[i] == (xi > 0 ? g[i] : 0), "geluBackward tanh(" + xi + ") * " + g[i] + " = " + out[i]);
                continue;
            }
            if (!tanh && xi < -16) {
                // FloatVectorMath.gelu takes gelu'(x) < 1e-54 as 0 there
                assertTrue(out[i] == 0 || (Float.isNaN(out[i]) && (Double.isInfinite(xi) || !Float.isFinite(g[i]))), "geluBackward(" + xi + ") * " + g[i] + " = " + out[i]);
                continue;
            }
            double err = Math.abs((double) out[i] - twin[i]), tol = FloatElementwise.GELU_BACKWARD_ULPS * Math.ulp((float) size);
            assertTrue(err <= tol, "geluBackward(" + xi + ") * " + g[i] + " = " + out[i] + ", twin " + twin[i] + " (tolerance " + tol + ")");
        }
    }

    /** sigmoid(w) (1 + |x| (1 - sigmoid(w)) w'): the size of the tanh form's gradient terms. */
    private static double geluTanhTermSize(double x) {
        double c = 2 * Math.sqrt(2 / Math.PI), w = c * (x + 0.044715 * x * x * x), sg = ElementwiseMath.sigmoid(w);
        return sg * (1 + Math.abs(x) * ElementwiseMath.sigmoid(-w) * c * (1 + 3 * 0.044715 * x * x));
    }

    @Property(tries = 250)
    void axpy(@ForAll("lengths") int n, @ForAll("offsets") int xOff, @ForAll("offsets") int yOff,
              @ForAll boolean sameArray, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float alpha = value(r);
        float[][] z = {array(r, xOff + n + 3), array(r, yOff + n + 2)};
        // sameArray: x and y are the same range, so y becomes fma(alpha, y, y)
        int yi = sameArray ? 0 : 1;
        int yo = sameArray ? xOff : yOff;
        float[] x = z[0].clone(), y = z[yi].clone();
        twin("axpy alpha=" + alpha, z, yi, yo, n, i -> Math.fma(alpha, x[xOff + i], y[yo + i]), 0,
                (k, w) -> k.axpy(alpha, w[0], xOff, w[yi], yo, n));
    }

    @Property(tries = 200)
    void scaleAndFill(@ForAll("lengths") int n, @ForAll("offsets") int xOff, @ForAll boolean inPlace,
                      @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float alpha = value(r);
        float[][] z = {array(r, xOff + n + 3), array(r, n + 1)};
        int o = inPlace ? 0 : 1;
        int oOff = inPlace ? xOff : 1;
        float[] x = z[0].clone();
        twin("scale alpha=" + alpha, z, o, oOff, n, i -> alpha * x[xOff + i], 0,
                (k, w) -> k.scale(alpha, w[0], xOff, w[o], oOff, n));
        twin("fill " + alpha, z, o, oOff, n, i -> alpha, 0, (k, w) -> k.fill(alpha, w[o], oOff, n));
    }

    /** The optimiser kernels (Adam's moments and update, torch's lerp): out separate or over its first operand. */
    @Property(tries = 250)
    void optimiserKernels(@ForAll("lengths") int n, @ForAll("offsets") int aOff, @ForAll("offsets") int bOff,
                          @ForAll boolean inPlace, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float w = r.nextInt(4) == 0 ? value(r) : (float) r.nextDouble(-1, 2);
        float beta2 = (float) r.nextDouble(0, 1), value = (float) r.nextDouble(0, 1);
        float negStep = -(float) r.nextDouble(0, 1), bc2 = (float) r.nextDouble(0.01, 1), eps = (float) r.nextDouble(0, 1e-3);
        float[][] z = {array(r, aOff + n + 3), array(r, bOff + n + 2), array(r, bOff + n + 1), array(r, n + 1)};
        int o = inPlace ? 0 : 3;
        int oOff = inPlace ? aOff : 1;
        float[] a = z[0].clone(), b = z[1].clone(), c = z[2].clone();
        boolean small = Math.abs(w) < 0.5;
        twin("lerp w=" + w, z, o, oOff, n, i -> small ? Math.fma(w, b[bOff + i] - a[aOff + i], a[aOff + i])
                : Math.fma(w - 1, b[bOff + i] - a[aOff + i], b[bOff + i]), 0, (k, x) -> k.lerp(x[0], aOff, x[1], bOff, w, x[o], oOff, n));
        twin("expAvgSq", z, o, oOff, n, i -> {
            float scaled = a[aOff + i] * beta2, sq = value * b[bOff + i];
            return scaled + sq * b[bOff + i];
        }, 0, (k, x) -> k.expAvgSq(x[0], aOff, beta2, x[1], bOff, value, x[o], oOff, n));
        twin("adamStep", z, o, oOff, n, i -> {
            float root = (float) Math.sqrt(c[bOff + i]);
            float denom = root / bc2;
            denom = denom + eps;
            float num = negStep * b[bOff + i];
            return a[aOff + i] + num / denom;
        }, 0, (k, x) -> k.adamStep(x[0], aOff, x[1], bOff, x[2], bOff, negStep, bc2, eps, x[o], oOff, n));
    }
}
