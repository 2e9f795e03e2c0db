package io.simdgrad.nn;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.ops.Shapes;

/**
 * Initialisation of parameters in place from a seeded {@link Generator}, PyTorch's
 * {@code torch.nn.init}. Fans are PyTorch's: for a weight of shape {@code [out, in, k...]},
 * {@code fanIn = in * prod(k)} and {@code fanOut = out * prod(k)}. Each function writes under
 * no-grad (the parameter stays the same leaf) and returns its argument.
 */
public final class Init {
    private Init() {}

    private static final Generator GLOBAL = new Generator(0);

    /**
     * The generator that layers built without one draw from, PyTorch's default generator (seeded
     * with 0 at start-up; not thread-safe, like torch's: build models on one thread or pass a
     * generator).
     */
    public static Generator generator() {
        return GLOBAL;
    }

    /** Reseeds {@link #generator()}, PyTorch's {@code torch.manual_seed}. */
    public static void manualSeed(long seed) {
        GLOBAL.manualSeed(seed);
    }

    /** Which fan {@link #kaimingUniform} and {@link #kaimingNormal} scale by, PyTorch's {@code mode}. */
    public enum Mode { FAN_IN, FAN_OUT }

    /** {@code U(a, b)}, PyTorch's {@code uniform_}. */
    public static Variable uniform(Variable p, double a, double b, Generator gen) {
        if (!(a <= b)) throw new IllegalArgumentException("uniform: expected a <= b, got a=" + a + ", b=" + b);
        return write(p, Tensor.rand(p.dtype(), gen, p.shape()).mul(b - a).add(a));
    }

    /** {@code N(mean, std²)}, PyTorch's {@code normal_}. */
    public static Variable normal(Variable p, double mean, double std, Generator gen) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal: expected std >= 0, got " + std);
        return write(p, Tensor.randn(p.dtype(), gen, p.shape()).mul(std).add(mean));
    }

    /** Fills with {@code value}, PyTorch's {@code constant_}. */
    public static Variable constant(Variable p, double value) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            p.data().fillInPlace(value);
        }
        return p;
    }

    /** Zeros, PyTorch's {@code zeros_}. */
    public static Variable zeros(Variable p) {
        return constant(p, 0);
    }

    /** Ones, PyTorch's {@code ones_}. */
    public static Variable ones(Variable p) {
        return constant(p, 1);
    }

    /**
     * PyTorch's {@code calculate_gain} for {@code linear}, {@code sigmoid} and the conv names (1),
     * {@code tanh} (5/3), {@code relu} (√2), {@code leaky_relu} with negative slope {@code param}
     * (√(2 / (1 + param²))) and {@code selu} (3/4).
     */
    public static double calculateGain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid" -> 1;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("calculateGain: Unsupported nonlinearity " + nonlinearity);
        };
    }

    /**
     * {@code U(-b, b)} with {@code b = gain * √(3 / fan)}, PyTorch's {@code kaiming_uniform_(p, a,
     * mode, nonlinearity)}; {@code a} is the negative slope used by {@code leaky_relu}.
     */
    public static Variable kaimingUniform(Variable p, double a, Mode mode, String nonlinearity, Generator gen) {
        double bound = Math.sqrt(3.0) * kaimingStd("kaimingUniform", p, a, mode, nonlinearity);
        return uniform(p, -bound, bound, gen);
    }

    /** {@code N(0, std²)} with {@code std = gain / √fan}, PyTorch's {@code kaiming_normal_}. */
    public static Variable kaimingNormal(Variable p, double a, Mode mode, String nonlinearity, Generator gen) {
        return normal(p, 0, kaimingStd("kaimingNormal", p, a, mode, nonlinearity), gen);
    }

    private static double kaimingStd(String op, Variable p, double a, Mode mode, String nonlinearity) {
        long[] fans = fans(op, p);
        long fan = mode == Mode.FAN_IN ? fans[0] : fans[1];
        if (fan == 0) throw new IllegalArgumentException(op + ": Initializing zero-element tensors is a no-op");
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    /** {@code U(-b, b)} with {@code b = gain * √(6 / (fanIn + fanOut))}, PyTorch's {@code xavier_uniform_}. */
    public static Variable xavierUniform(Variable p, double gain, Generator gen) {
        long[] f = fans("xavierUniform", p);
        double bound = Math.sqrt(3.0) * gain * Math.sqrt(2.0 / (f[0] + f[1]));
        return uniform(p, -bound, bound, gen);
    }

    /** {@code N(0, std²)} with {@code std = gain * √(2 / (fanIn + fanOut))}, PyTorch's {@code xavier_normal_}. */
    public static Variable xavierNormal(Variable p, double gain, Generator gen) {
        long[] f = fans("xavierNormal", p);
        return normal(p, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), gen);
    }

    /**
     * PyTorch's {@code reset_parameters} of Linear and the convolutions: {@code kaiming_uniform_(w,
     * a=√5)}, i.e. {@code U(±1/√fan_in)}, and the bias (may be null) {@code U(±1/√fan_in)}.
     */
    static void defaultLayerInit(Variable weight, Variable bias, Generator gen) {
        long fanIn = fans("reset_parameters", weight)[0];
        if (fanIn > 0) kaimingUniform(weight, Math.sqrt(5), Mode.FAN_IN, "leaky_relu", gen);
        if (bias != null) {
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform(bias, -bound, bound, gen);
        }
    }

    /** {@code {fanIn, fanOut}} as PyTorch's {@code _calculate_fan_in_and_fan_out}. */
    public static long[] fans(String op, Variable p) {
        int[] s = p.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException(op + ": Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got shape "
                    + Shapes.str(s));
        }
        long receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        return new long[] {Math.multiplyExact(s[1], receptive), Math.multiplyExact(s[0], receptive)};
    }

    private static Variable write(Variable p, Tensor values) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            p.data().copyInPlace(values);
        }
        return p;
    }
}
