package io.simdgrad.simd;

/**
 * The double-precision functions behind the scalar twins of the activations and the math ops
 * that {@link Math} lacks: erf, erfc, erfinv, GELU, SiLU, Mish, softplus, log-sigmoid,
 * hard-swish, hard-sigmoid, log2, exp2, asinh, acosh, atanh, PyTorch's sign, trunc and frac,
 * fmod and Python's remainder. The float twins call these and round
 * once; the double twins call them as they are.
 *
 * <p>erf and erfc are simdgrad's own polynomial fits ({@code simd/src/main/python/fit_erf.py}
 * prints them: Chebyshev fits at 60 digits, relative error below 2e-17 on each interval), so
 * with the few roundings of their evaluation they are within 2 ulps of the exact value. erfinv
 * refines Winitzki's closed-form guess by Halley steps on erf (erfc for |y| > 0.5, where 1 - |y|
 * is exact), which converge cubically.
 */
final class ElementwiseMath {
    private ElementwiseMath() {}

    private static final double SQRT1_2 = Math.sqrt(0.5);
    /** sqrt(1/2) - SQRT1_2, from the residual of the square (Newton's step for the square root). */
    private static final double SQRT1_2_LO = Math.fma(-SQRT1_2, SQRT1_2, 0.5) / (2 * SQRT1_2);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_K = 0.044715;
    /** The parts of sqrt(2/pi) and 0.044715 below their doubles (mpmath), for geluTanh's far tail. */
    private static final double SQRT_2_OVER_PI_LO = -4.98465440455546e-17, GELU_K_LO = 2.1960211427085595e-18;
    private static final double LN2 = Math.log(2);
    private static final double SQRT2 = Math.sqrt(2);

    // ERF_SMALL: degree 11, max rel error 8.14e-18
    private static final double[] ERF_SMALL = {
        -3.80659122412214e-13, 9.21125018742823e-12, -2.035231956483527e-10, 4.115751500265885e-09, -7.51156925108609e-08, 1.2233827638093572e-06, -1.75371694412802e-05, 0.00021751715603563488, -0.0022854855611440855, 0.019852496688984218, -0.1405360890227171, 0.9654687386698673};
    // ERFC_0: degree 12, max rel error 1.75e-17
    private static final double[] ERFC_0 = {
        3.2747182507155396e-13, -4.214961825526736e-12, 5.154261278261677e-11, -6.215429959552571e-10, 7.232217406690809e-09, -8.09194284279868e-08, 8.674584711778801e-07, -8.868776967725166e-06, 8.598189160507216e-05, -0.0007846605374382521, 0.006674723218537419, -0.05220546899115238, 0.3678229164523611};
    // ERFC_1: degree 14, max rel error 9.83e-19
    private static final double[] ERFC_1 = {
        4.232008089237893e-14, -4.298907054638645e-13, 4.1076636993821514e-12, -3.969961738078964e-11, 3.739655279372688e-10, -3.4234235774793528e-09, 3.041352357788939e-08, -2.616166102600156e-07, 2.1731788881411804e-06, -1.7377241363708435e-05, 0.00013324735642166878, -0.0009751655174363657, 0.006770901100735335, -0.044256271022999394, 0.2694299851646704};
    // ERFC_2: degree 13, max rel error 1.74e-18
    private static final double[] ERFC_2 = {
        -3.197520657397271e-14, 3.621470811693657e-13, -3.906969631634169e-12, 4.238555741952734e-11, -4.4964251601688843e-10, 4.655014823168439e-09, -4.697357591089474e-08, 4.612240828276407e-07, -4.397688720351244e-06, 4.062326821075375e-05, -0.000362544010277009, 0.003115561219817791, -0.02567606464834623, 0.201887554546017};
    // ERFC_3: degree 13, max rel error 7.89e-18
    private static final double[] ERFC_3 = {
        -9.707125194831844e-14, 9.5328613963529e-13, -8.870653911274375e-12, 8.415241292189654e-11, -7.846511834884602e-10, 7.176546861351153e-09, -6.435926890243138e-08, 5.65339119490151e-07, -4.858403694777809e-06, 4.079289543179242e-05, -0.0003341343049554451, 0.0026652832981275275, -0.020661788916626248, 0.1552936556088943};
    // ERFC_4: degree 14, max rel error 6.55e-18
    private static final double[] ERFC_4 = {
        9.836130139203768e-14, -7.86376676266163e-13, 5.8456137893370336e-12, -4.5578423869803116e-11, 3.515397624925118e-10, -2.6727474733195407e-09, 2.0051810366694326e-08, -1.483763583098897e-07, 1.0823077415717356e-06, -7.77784650420683e-06, 5.503200245031265e-05, -0.000383104222183985, 0.0026219960825469425, -0.017627586448622376, 0.11630270721024731};
    // ERFC_5: degree 15, max rel error 1.61e-17
    private static final double[] ERFC_5 = {
        -2.677602982796384e-13, 1.6672751754395445e-12, -9.235125400814518e-12, 5.6564973667366964e-11, -3.4555214734094047e-10, 2.084268180639079e-09, -1.2469991705960547e-08, 7.400685482628789e-08, -4.35551237116075e-07, 2.541434512836468e-06, -1.4699380979166484e-05, 8.425621149800958e-05, -0.00047850255167572085, 0.0026917617297708466, -0.014994875790370338, 0.08269505677505305};
    // ERFC_6: degree 16, max rel error 1.07e-17
    private static final double[] ERFC_6 = {
        2.117427049912112e-13, -1.1431600754735251e-12, 5.2472037299269844e-12, -2.806313027150252e-11, 1.5104572531164998e-10, -8.013103303696469e-10, 4.231695986150642e-09, -2.2259905751710968e-08, 1.1658989525883584e-07, -6.079920326214909e-07, 3.1565498364143013e-06, -1.6314742172810577e-05, 8.394112327635644e-05, -0.0004299023302440741, 0.0021914822128560715, -0.011118624438121703, 0.05614099274382259};
    // ERFC_7: degree 16, max rel error 1.64e-17
    private static final double[] ERFC_7 = {
        2.084872171689746e-13, -1.0810526302106577e-12, 4.708257827212659e-12, -2.4297535354179362e-11, 1.2668718567513484e-10, -6.51203191901007e-10, 3.3390524412126642e-09, -1.7093047890289446e-08, 8.732101721457107e-08, -4.4515168422107603e-07, 2.264567538458644e-06, -1.1495952218882253e-05, 5.8234616975989956e-05, -0.0002943664049427081, 0.0014847730507056853, -0.007472926321018794, 0.03752960638850576};
    // ERFC_8: degree 17, max rel error 9.3e-18
    private static final double[] ERFC_8 = {
        -1.3947781360872376e-13, 6.525728441384745e-13, -2.4227916887809754e-12, 1.1309829312700896e-11, -5.392445867166341e-11, 2.5129106163236e-10, -1.168776047267353e-09, 5.436617563136306e-09, -2.5266267445508346e-08, 1.1731218419570609e-07, -5.441837349974929e-07, 2.522015122053328e-06, -1.1677455331009788e-05, 5.40189363385137e-05, -0.00024965485268572723, 0.0011527338372613472, -0.005317554942563511, 0.024506862089282606};
    private static final double[][] ERFC_FITS = {ERFC_0, ERFC_1, ERFC_2, ERFC_3, ERFC_4, ERFC_5, ERFC_6, ERFC_7, ERFC_8};
    private static final double[] ERFC_EDGES = {1.0, 1.5, 2.25, 3.0, 4.0, 5.5, 8.0, 12.0, 18.0, 28.0};

    /** Horner's rule, highest power first. */
    private static double poly(double[] c, double u) {
        double r = c[0];
        for (int i = 1; i < c.length; i++) r = Math.fma(r, u, c[i]);
        return r;
    }

    /** exp(-x^2) with x^2 split so that the rounding of the square does not grow with x (x >= 0). */
    private static double expMinusSquare(double x) {
        double hi = Double.longBitsToDouble(Double.doubleToRawLongBits(x) & 0xFFFFFFFFF8000000L); // 26 significant bits: hi^2 exact
        return Math.exp(-hi * hi) * Math.exp(-(x - hi) * (x + hi));
    }

    /** erfc(|x|) * exp(|x|^2) on [1, 28), by interval. */
    private static double erfcScaledTail(double x) {
        double[][] fits = ERFC_FITS;
        int i = 0;
        while (x >= ERFC_EDGES[i + 1]) i++;
        double mid = (ERFC_EDGES[i] + ERFC_EDGES[i + 1]) / 2, half = (ERFC_EDGES[i + 1] - ERFC_EDGES[i]) / 2;
        return poly(fits[i], (x - mid) / half);
    }

    /** erfc(x) for x >= 1: 0 from 28 on (the exact value is below the smallest double there). */
    private static double erfcTail(double x) {
        return x >= 28 ? 0 : expMinusSquare(x) * erfcScaledTail(x);
    }

    /** The error function, 2/sqrt(pi) * integral of exp(-t^2) from 0 to x (torch.erf). */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a < 1) return x * poly(ERF_SMALL, Math.fma(2 * x, x, -1));
        if (Double.isNaN(x)) return x;
        double r = a >= 6 ? 1 : 1 - erfcTail(a);
        return Math.copySign(r, x);
    }

    /** The complementary error function 1 - erf(x), without cancellation for large x (torch.erfc). */
    static double erfc(double x) {
        double a = Math.abs(x);
        if (a < 1) return 1 - x * poly(ERF_SMALL, Math.fma(2 * x, x, -1));
        if (Double.isNaN(x)) return x;
        return x > 0 ? erfcTail(a) : 2 - erfcTail(a);
    }

    /** The inverse of erf on [-1, 1]: +-inf at +-1, NaN outside (torch.erfinv). */
    static double erfinv(double y) {
        double a = Math.abs(y);
        if (!(a < 1)) return a == 1 ? Math.copySign(Double.POSITIVE_INFINITY, y) : Double.NaN;
        if (a == 0) return y;
        // Winitzki's approximation (relative error below 2e-3), then Halley's method
        double w = Math.log((1 - a) * (1 + a));
        double c = 2 / (Math.PI * 0.147) + w / 2;
        double x = Math.sqrt(Math.sqrt(c * c - w / 0.147) - c);
        double comp = 1 - a; // exact for a >= 0.5
        for (int k = 0; k < 3; k++) {
            double f = a <= 0.5 ? erf(x) - a : comp - erfc(x); // erf(x) - a, from the tail when a is near 1
            double d = TWO_OVER_SQRT_PI * expMinusSquare(x);
            if (d == 0) break;
            double step = f / d;
            x -= step / (1 + x * step);
        }
        return Math.copySign(x, y);
    }

    /** 1/(1+e^-x) without overflow. */
    static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    /** GELU, x * Phi(x) = x/2 * erfc(-x/sqrt(2)): the erfc form keeps the relative accuracy for negative x (torch's gelu). */
    static double gelu(double x) {
        double z = -x * SQRT1_2;
        if (!(z > 1 && z < 28)) return 0.5 * x * erfc(z);
        // in the tail erfc's condition number is about 2z^2: add the rounding error dz of z to first order,
        // erfc(z + dz) = erfc(z) - dz * 2/sqrt(pi) * exp(-z^2)
        double dz = Math.fma(-x, SQRT1_2, -z) - x * SQRT1_2_LO;
        return 0.5 * x * (expMinusSquare(z) * (erfcScaledTail(z) - TWO_OVER_SQRT_PI * dz));
    }

    /** gelu's derivative Phi(x) + x phi(x), Phi = erfc(-x/sqrt 2)/2 (torch's gelu_backward, approximate="none"). */
    static double geluDerivative(double x) {
        return 0.5 * erfc(-x * SQRT1_2) + x * Math.exp(-0.5 * x * x) * (TWO_OVER_SQRT_PI * SQRT1_2 * 0.5);
    }

    /** The derivative of {@link #geluTanh}: sigmoid(w) (1 + x (1 - sigmoid(w)) w'), w' = 2 sqrt(2/pi) (1 + 3 0.044715 x^2). */
    static double geluTanhDerivative(double x) {
        double w = 2 * SQRT_2_OVER_PI * (x + GELU_K * x * x * x), sg = sigmoid(w);
        return sg * (1 + x * sigmoid(-w) * (2 * SQRT_2_OVER_PI * (1 + 3 * GELU_K * x * x)));
    }

    /**
     * GELU's tanh approximation x/2 * (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
     * (gelu(approximate="tanh")), as x * sigmoid(2u), the same function without the cancellation
     * of 1 + tanh(u) for negative x.
     */
    static double geluTanh(double x) {
        double w = 2 * SQRT_2_OVER_PI * (x + GELU_K * x * x * x);
        if (!(w < -1)) return x * sigmoid(w);
        // for negative w, sigmoid's condition number is about |w|: carry w's rounding error to first order,
        // sigmoid(w + dw) = sigmoid(w) * (1 + (1 - sigmoid(w)) dw)
        double x2 = x * x, x2e = Math.fma(x, x, -x2);
        double x3 = x2 * x, x3e = Math.fma(x2, x, -x3) + x2e * x;
        double k3 = GELU_K * x3, k3e = Math.fma(GELU_K, x3, -k3) + GELU_K * x3e;
        double t = x + k3, bb = t - x, te = (x - (t - bb)) + (k3 - bb) + k3e + GELU_K_LO * x3; // two-sum
        double c = 2 * SQRT_2_OVER_PI, v = c * t, ve = Math.fma(c, t, -v) + c * te + 2 * SQRT_2_OVER_PI_LO * t;
        double sg = sigmoid(v);
        return x * (sg + sg * (1 - sg) * ve);
    }

    /** SiLU (swish), x * sigmoid(x) (torch's silu). */
    static double silu(double x) {
        // below -700 e^x is subnormal (few digits) and 1 + e^x is 1: x e^(x/2) e^(x/2), the last product rounded once
        if (x < -700) {
            double h = Math.exp(0.5 * x);
            return x * h * h;
        }
        return x * sigmoid(x);
    }

    /** log(1 + e^x) computed as max(x, 0) + log1p(e^-|x|): no overflow, no cancellation. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Mish, x * tanh(softplus(x)) (torch's mish). */
    static double mish(double x) {
        return x * Math.tanh(softplus(x));
    }

    /** log(sigmoid(x)) = -softplus(-x) (torch's logsigmoid). */
    static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** x * relu6(x + 3) / 6, in torch's order of operations (torch's hardswish). */
    static double hardswish(double x) {
        return x * Math.min(Math.max(x + 3, 0), 6) / 6;
    }

    /** relu6(x + 3) / 6 (torch's hardsigmoid). */
    static double hardsigmoid(double x) {
        return Math.min(Math.max(x + 3, 0), 6) / 6;
    }

    /** log base 2, exact at powers of two: log2(m 2^k) = k + log(m)/ln 2 with m in [sqrt(1/2), sqrt(2)). */
    static double log2(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY) return Math.log(x);
        int k = Math.getExponent(x);
        if (k == Double.MIN_EXPONENT - 1) { // subnormal: scale into the normal range first
            x *= 0x1p54;
            k = Math.getExponent(x) - 54;
        }
        double m = Math.scalb(x, -Math.getExponent(x));
        if (m > SQRT2) {
            m /= 2;
            k++;
        }
        return k + Math.log(m) / LN2;
    }

    /** 2^x (torch.exp2). */
    static double exp2(double x) {
        return Math.pow(2, x);
    }

    /** The inverse hyperbolic sine (torch.asinh), odd and without cancellation near 0. */
    static double asinh(double x) {
        double a = Math.abs(x);
        double r = a > 0x1p28 ? Math.log(a) + LN2 : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    /** The inverse hyperbolic cosine (torch.acosh): NaN below 1. */
    static double acosh(double x) {
        if (x > 0x1p28) return Math.log(x) + LN2;
        double t = x - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    /** The inverse hyperbolic tangent (torch.atanh): +-inf at +-1, NaN outside [-1, 1]. */
    static double atanh(double x) {
        double a = Math.abs(x);
        return Math.copySign(0.5 * Math.log1p(2 * a / (1 - a)), x);
    }

    /** torch.sign: 1, -1 or 0; 0 for NaN and for both zeros (as torch computes (0 < x) - (x < 0)). */
    static double sign(double x) {
        return x > 0 ? 1 : x < 0 ? -1 : 0;
    }

    /** Toward zero (torch.trunc). */
    static double trunc(double x) {
        return x < 0 ? Math.ceil(x) : Math.floor(x);
    }

    /** x - trunc(x) (torch.frac): NaN for infinities. */
    static double frac(double x) {
        return x - trunc(x);
    }

    /** C's fmod: the remainder of x / y with x's sign (torch.fmod); {@code %} on doubles is exactly that. */
    static double fmod(double x, double y) {
        return x % y;
    }

    /** Python's remainder, with y's sign (torch.remainder): fmod, plus y when the signs differ. */
    static double remainder(double x, double y) {
        double m = x % y;
        return m != 0 && (y < 0) != (m < 0) ? m + y : m;
    }
}
