package io.simdgrad.core;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The elementwise activations and math ops against PyTorch 2.13's values and gradients, in
 * float64 and float32, at random points and at those finite differences cannot see: kinks and
 * bounds (relu-like ops at 0, hardtanh's and hardswish's bounds), round's halfway cases, both
 * zeros, NaN and the infinities. {@code core/src/test/python/make_elementwise_fixtures.py} writes
 * the fixtures (float32 cases: PyTorch's float64 results at the float32 inputs, rounded to
 * float32). NaN matches NaN; other values match within a relative tolerance (float64 1e-12,
 * float32 values 4 ulps, float32 gradients 1e-5) plus a small absolute one for values near 0, where PyTorch's own formulas lose
 * their relative accuracy (1 + erf(x) for very negative x in gelu).
 *
 * <p>One known difference: PyTorch's float64 hardsigmoid gradient is {@code (float) 1/6}
 * (0.1666666716337204), a float constant in its double kernel; ours is the double 1/6, so that
 * case is compared to float precision.
 */
class ElementwiseFixturesTest {
    private static final Map<String, UnaryOperator<Variable>> UNARY = Map.ofEntries(
            entry("gelu", Variable::gelu), entry("gelu_tanh", x -> x.gelu("tanh")), entry("silu", Variable::silu),
            entry("mish", Variable::mish), entry("softplus", Variable::softplus), entry("softplus_beta2_thr3", x -> x.softplus(2, 3)),
            entry("elu", Variable::elu), entry("elu_alpha0.5", x -> x.elu(0.5)), entry("selu", Variable::selu),
            entry("leaky_relu", Variable::leakyRelu), entry("leaky_relu_0.2", x -> x.leakyRelu(0.2)),
            entry("hardtanh", Variable::hardtanh), entry("hardtanh_-2_3", x -> x.hardtanh(-2, 3)), entry("relu6", Variable::relu6),
            entry("hardswish", Variable::hardswish), entry("hardsigmoid", Variable::hardsigmoid), entry("logsigmoid", Variable::logsigmoid),
            entry("log1p", Variable::log1p), entry("expm1", Variable::expm1), entry("log2", Variable::log2), entry("log10", Variable::log10),
            entry("exp2", Variable::exp2), entry("erf", Variable::erf), entry("erfc", Variable::erfc), entry("erfinv", Variable::erfinv),
            entry("tan", Variable::tan), entry("asin", Variable::asin), entry("acos", Variable::acos), entry("atan", Variable::atan),
            entry("sinh", Variable::sinh), entry("cosh", Variable::cosh), entry("asinh", Variable::asinh), entry("acosh", Variable::acosh),
            entry("atanh", Variable::atanh), entry("sign", Variable::sign), entry("floor", Variable::floor), entry("ceil", Variable::ceil),
            entry("round", Variable::round), entry("trunc", Variable::trunc), entry("frac", Variable::frac),
            entry("nan_to_num", Variable::nanToNum), entry("nan_to_num_1_2_-3", x -> x.nanToNum(1, 2, -3)),
            entry("isnan", Variable::isnan), entry("isinf", Variable::isinf), entry("isfinite", Variable::isfinite));
    private static final Map<String, BinaryOperator<Variable>> BINARY = Map.of("fmod", Variable::fmod, "remainder", Variable::remainder);

    @TestFactory
    List<DynamicTest> valuesAndGradientsMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                ElementwiseFixturesTest.class.getResourceAsStream("/fixtures/elementwise_fixtures.txt")), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" \\| ");
                DType dt = f[1].equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
                tests.add(DynamicTest.dynamicTest(f[0] + " " + f[1], () -> check(f, dt)));
            }
        }
        assertEquals(UNARY.size() * 2 + BINARY.size() * 2, tests.size(), "cases: every op in both dtypes");
        return tests;
    }

    private static void check(String[] f, DType dt) {
        String name = f[0] + " " + f[1];
        if (BINARY.containsKey(f[0])) {
            Variable a = new Variable(Tensor.of(values(f[2])).to(dt), true), b = new Variable(Tensor.of(values(f[3])).to(dt), true);
            Variable y = BINARY.get(f[0]).apply(a, b);
            close(name + " value", values(f[4]), y.data(), dt);
            y.backward(Tensor.onesLike(y.data()));
            close(name + " d/da", values(f[5]), a.grad(), dt);
            close(name + " d/db", values(f[6]), b.grad(), dt);
            return;
        }
        boolean grad = !f[4].equals("-");
        Variable x = new Variable(Tensor.of(values(f[2])).to(dt), grad);
        Variable y = UNARY.get(f[0]).apply(x);
        close(name + " value", values(f[3]), y.data(), dt);
        if (grad) {
            y.backward(Tensor.onesLike(y.data()));
            close(name + " gradient", values(f[4]), x.grad(), dt);
        }
    }

    private static double[] values(String s) {
        return Arrays.stream(s.trim().split(" ")).mapToDouble(v -> switch (v) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        }).toArray();
    }

    private static void close(String what, double[] want, Tensor got, DType dt) {
        double[] g = got.toDoubleArray();
        assertEquals(want.length, g.length, what + ": length");
        boolean floatConstant = what.equals("hardsigmoid float64 gradient");
        // float32 gradients are several float32 ops (1 - x^2 near asin's and atanh's poles): 1e-5
        double rtol = dt == DType.FLOAT64 && !floatConstant ? 1e-12 : what.endsWith("value") ? 4 * 0x1p-24 : 1e-5;
        double atol = dt == DType.FLOAT64 ? 1e-15 : 1e-7;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < want.length; i++) {
            double e = want[i], a = g[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(e - a) <= rtol * Math.abs(e) + atol;
            if (!ok) bad.add("element " + i + ": torch " + e + ", simdgrad " + a);
        }
        if (!bad.isEmpty()) fail(what + ": " + bad.size() + " differ from PyTorch: " + bad);
    }
}
