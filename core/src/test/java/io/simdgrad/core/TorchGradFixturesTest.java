package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values, gradients and second derivatives (Hessian-vector products through createGraph) of
 * small float64 functions against PyTorch 1.13's, within 1e-10. The fixtures are written by
 * {@code core/src/test/python/make_grad_fixtures.py}; each case's function is written there in
 * torch and here, under the same name, in simdgrad.
 */
class TorchGradFixturesTest {

    static final double TOL = 1e-10;

    /** The cases' functions; inputs in the fixture's order (inputs that require grad first, then constants). */
    private static final Map<String, Function<List<Variable>, Variable>> FUNCTIONS = new LinkedHashMap<>();

    private static void fn(String name, Function<List<Variable>, Variable> f) {
        FUNCTIONS.put(name, f);
    }

    static {
        fn("add_broadcast", x -> x.get(0).add(x.get(1)));
        fn("sub_broadcast", x -> x.get(0).sub(x.get(1)));
        fn("mul_broadcast", x -> x.get(0).mul(x.get(1)));
        fn("div_broadcast", x -> x.get(0).div(x.get(1)));
        fn("pow_tensor", x -> x.get(0).pow(x.get(1)));
        fn("pow_scalar", x -> x.get(0).pow(2.5));
        fn("rdiv_rsub", x -> x.get(0).rdiv(1.5).add(x.get(0).rsub(2)));
        fn("tanh_sigmoid", x -> x.get(0).tanh().mul(x.get(0).sigmoid()));
        fn("exp_log_sqrt", x -> x.get(0).exp().mul(x.get(1).log()).add(x.get(1).sqrt()));
        fn("sin_cos_abs", x -> x.get(0).sin().add(x.get(0).cos().mul(x.get(0).abs())));
        fn("relu_clamp_reciprocal", x -> x.get(0).relu().add(x.get(0).clamp(-0.5, 0.5)).add(x.get(0).reciprocal()));
        fn("maximum_minimum", x -> x.get(0).maximum(x.get(1)).sub(x.get(0).minimum(x.get(1)).mul(2.0)).add(x.get(0).maximum(0.2)));
        fn("where", x -> Variable.where(x.get(2), x.get(0).mul(x.get(0)), x.get(1)));
        fn("sum_mean_dims", x -> x.get(0).sum(1, true).mul(x.get(0).mean(0)).add(x.get(0).sum().mul(x.get(0).mean())));
        fn("max_min", x -> x.get(0).max(1, false).values().add(x.get(0).min()).add(x.get(0).max(0, true).values().sum()));
        fn("norm_var_std", x -> x.get(0).norm().add(x.get(0).var()).add(x.get(0).std(1, false).sum()).add(x.get(0).var(0, true).sum()));
        fn("logsumexp", x -> x.get(0).logsumexp(1));
        fn("softmax", x -> x.get(0).softmax(-1));
        fn("log_softmax", x -> x.get(0).logSoftmax(0));
        fn("matmul_2d", x -> x.get(0).matmul(x.get(1)));
        fn("matmul_batched", x -> x.get(0).matmul(x.get(1)));
        fn("matmul_vec_dot", x -> x.get(0).matmul(x.get(1)).mul(x.get(2).dot(x.get(2))));
        fn("views", x -> x.get(0).permute(2, 0, 1).reshape(4, 6).t().narrow(0, 1, 3).select(1, 2).pow(2.0)
                .unsqueeze(0).expand(2, 3).transpose(0, 1).contiguous().view(6).squeeze());
        fn("cat_stack_split", x -> {
            Variable a = x.get(0), b = x.get(1);
            Variable left = Variable.cat(List.of(Variable.stack(List.of(a, b.mul(2.0)), 1), a.mul(b).chunk(2, 0).get(1).expand(2, 2, 1)), 2).sum(0);
            List<Variable> parts = a.split(1, 0);
            List<Variable> weighted = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) weighted.add(parts.get(i).mul(i + 1.0));
            return left.mul(Variable.cat(weighted, 1));
        });
        fn("linear", x -> Functional.linear(x.get(0), x.get(1), x.get(2)));
        fn("mse_loss", x -> Functional.mseLoss(x.get(0), x.get(1)));
        fn("cross_entropy", x -> Functional.crossEntropy(x.get(0), x.get(1).data().to(DType.INT64)));
    }

    /** One fixture record: named fields, each a shape and values (keys like "input 0 grad", "grad 1", "out"). */
    record Fixture(String name, Map<String, Tensor> fields) {
        Tensor get(String key) {
            return Objects.requireNonNull(fields.get(key), name + ": no field '" + key + "'");
        }
    }

    static List<Fixture> load() throws IOException {
        return load("/fixtures/grad_fixtures.txt");
    }

    /** The fixture records of a resource in this file's format. */
    static List<Fixture> load(String resource) throws IOException {
        List<Fixture> r = new ArrayList<>();
        var in = TorchGradFixturesTest.class.getResourceAsStream(resource);
        Objects.requireNonNull(in, resource + " is missing");
        try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            Map<String, Tensor> fields = null;
            for (String line; (line = br.readLine()) != null; ) {
                if (line.startsWith("error ") || line.startsWith("#")) {
                    continue;
                } else if (line.startsWith("case ")) {
                    if (name != null) r.add(new Fixture(name, fields));
                    name = line.substring(5).trim();
                    fields = new LinkedHashMap<>();
                } else if (line.contains(" : ")) {
                    String[] kv = line.split(" : ", 2);
                    String[] head = kv[0].trim().split(" ");
                    String key = String.join(" ", Arrays.copyOf(head, head.length - 1));
                    fields.put(key, tensor(head[head.length - 1], kv[1]));
                }
            }
            if (name != null) r.add(new Fixture(name, fields));
        }
        return r;
    }

    private static Tensor tensor(String shape, String values) {
        double[] v = Arrays.stream(values.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        if (shape.equals("scalar")) return Tensor.scalar(v[0]);
        return Tensor.of(v, Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray());
    }

    @TestFactory
    List<DynamicTest> gradientsMatchPyTorch() throws IOException {
        List<Fixture> fixtures = load();
        assertEquals(FUNCTIONS.keySet(), new java.util.LinkedHashSet<>(fixtures.stream().map(Fixture::name).toList()),
                "every fixture has a function and every function a fixture");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f))).toList();
    }

    private static void check(Fixture f) {
        check(f, FUNCTIONS.get(f.name()), TOL);
    }

    /** Checks {@code fn}'s value, gradients and (when recorded) Hessian-vector products against the fixture, within {@code tol}. */
    static void check(Fixture f, Function<List<Variable>, Variable> fn, double tol) {
        List<Variable> inputs = new ArrayList<>();
        List<Variable> grads = new ArrayList<>();
        for (int i = 0; f.fields().containsKey("input " + i + " grad") || f.fields().containsKey("input " + i + " const"); i++) {
            boolean g = f.fields().containsKey("input " + i + " grad");
            Variable x = new Variable(f.get("input " + i + (g ? " grad" : " const")), g);
            inputs.add(x);
            if (g) grads.add(x);
        }
        Variable y = fn.apply(inputs);
        assertClose(f.get("out"), y.data(), f.name() + ": value", tol);
        boolean second = f.fields().containsKey("gg 0");
        List<Variable> g = Autograd.grad(List.of(y), grads, List.of(f.get("gout")), second);
        for (int i = 0; i < grads.size(); i++) assertClose(f.get("grad " + i), g.get(i).data(), f.name() + ": gradient of input " + i, tol);
        if (!second) return;
        // s = sum_i <grad_i, vec_i>, plus 0 * x_i so that every input is reached (PyTorch's allow_unused gives 0)
        Variable s = null;
        for (int i = 0; i < grads.size(); i++) {
            Variable term = grads.get(i).mul(0.0).sum();
            if (g.get(i).requiresGrad()) term = term.add(g.get(i).mul(new Variable(f.get("vec " + i))).sum());
            s = s == null ? term : s.add(term);
        }
        List<Variable> gg = Autograd.grad(List.of(s), grads, null, false);
        for (int i = 0; i < grads.size(); i++) {
            assertClose(f.get("gg " + i), gg.get(i).data(), f.name() + ": second derivative (Hessian-vector product) for input " + i, tol);
        }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertClose(expected, actual, what, TOL);
    }

    private static void assertClose(Tensor expected, Tensor actual, String what, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i])),
                    what + ": element " + i + " expected " + e[i] + " (torch) but was " + a[i]);
        }
    }
}
