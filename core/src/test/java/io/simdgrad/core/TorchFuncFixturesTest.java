package io.simdgrad.core;

import io.simdgrad.core.func.Func;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * simdgrad's function transforms against PyTorch 2.13's {@code torch.func} on the same functions
 * (among them the exponential fit's loss and its Hessian), within 1e-10. The fixtures are written
 * by {@code core/src/test/python/make_func_fixtures.py}; each case's function is written there in
 * torch and here, under the same name.
 */
class TorchFuncFixturesTest {
    /** A case's function given its fixture (for the constants it closes over). */
    private static final Map<String, java.util.function.Function<TorchGradFixturesTest.Fixture, UnaryOperator<Variable>>> FUNCTIONS =
            new LinkedHashMap<>();

    private static Variable c(TorchGradFixturesTest.Fixture f, String name) {
        return new Variable(f.get("const " + name));
    }

    static {
        FUNCTIONS.put("expfit_loss", f -> th -> residuals(th, c(f, "x"), c(f, "y")).square().mean());
        FUNCTIONS.put("expfit_residuals", f -> th -> residuals(th, c(f, "x"), c(f, "y")));
        FUNCTIONS.put("vector_fn", f -> x -> {
            Variable w = c(f, "w");
            return w.matmul(x).tanh().mul(x.sin().sum()).add(w.matmul(x.exp()).pow(2.0));
        });
        FUNCTIONS.put("softmax_fn", f -> x -> {
            Variable m = x.reshape(2, 3);
            return m.softmax(1).mul(m.sin()).logsumexp(0).sum().add(m.matmul(m.t()).tanh().sum()).add(x.norm());
        });
        FUNCTIONS.put("per_example_grad", f -> null);
    }

    /** {@code a exp(-b x) + c - y} for {@code theta = (a, b, c)}. */
    static Variable residuals(Variable theta, Variable x, Variable y) {
        Variable a = theta.select(0, 0), b = theta.select(0, 1), c = theta.select(0, 2);
        return a.mul(x.mul(b).neg().exp()).add(c).sub(y);
    }

    @TestFactory
    List<DynamicTest> transformsMatchTorchFunc() throws IOException {
        List<TorchGradFixturesTest.Fixture> fixtures = TorchGradFixturesTest.load("/fixtures/func_fixtures.txt");
        assertEquals(FUNCTIONS.keySet(), new LinkedHashSet<>(fixtures.stream().map(TorchGradFixturesTest.Fixture::name).toList()),
                "every fixture has a function and every function a fixture");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> check(f))).toList();
    }

    private static void check(TorchGradFixturesTest.Fixture fx) {
        Map<String, Tensor> fs = fx.fields();
        if (fx.name().equals("per_example_grad")) {
            // vmap(grad(f, argnums=0), in_dims=(None, 0))(w, xs)
            java.util.function.Function<List<Variable>, Variable> loss =
                    in -> in.get(1).matmul(in.get(0)).logSoftmax(0).select(0, 1).add(in.get(0).square().sum().mul(0.1));
            java.util.function.Function<List<Variable>, Variable> g = in -> Func.grad(loss, 0).apply(in).get(0);
            Variable got = Func.vmap(g, new int[] {Func.NOT_BATCHED, 0}, 0).apply(List.of(new Variable(fx.get("input 0")), new Variable(fx.get("input 1"))));
            close(fx.get("vmap_grad"), got.data(), "vmap(grad)");
            return;
        }
        UnaryOperator<Variable> f = FUNCTIONS.get(fx.name()).apply(fx);
        Variable x = new Variable(fx.get("input 0"));
        close(fx.get("out"), f.apply(x).data(), fx.name() + ": value");
        if (fs.containsKey("grad")) close(fx.get("grad"), Func.grad(f).apply(x).data(), fx.name() + ": grad");
        if (fs.containsKey("hessian")) close(fx.get("hessian"), Func.hessian(f).apply(x).data(), fx.name() + ": hessian");
        if (fs.containsKey("hvp")) close(fx.get("hvp"), Func.hvp(f, x, new Variable(fx.get("vector"))).data(), fx.name() + ": hvp");
        if (fs.containsKey("jacrev")) close(fx.get("jacrev"), Func.jacrev(f).apply(x).data(), fx.name() + ": jacrev");
        if (fs.containsKey("jacfwd")) close(fx.get("jacfwd"), Func.jacfwd(f).apply(x).data(), fx.name() + ": jacfwd");
        if (fs.containsKey("jvp")) {
            close(fx.get("jvp"), Func.jvp(f, x, new Variable(fx.get("tangent"))).tangent().data(), fx.name() + ": jvp");
        }
        if (fs.containsKey("vjp")) close(fx.get("vjp"), Func.vjp(f, x).apply(new Variable(fx.get("cotangent"))).data(), fx.name() + ": vjp");
    }

    /** Within 1e-10, relative to max(1, |expected|), as the gradient fixtures. */
    private static void close(Tensor expected, Tensor actual, String what) {
        TorchGradFixturesTest.assertClose(expected, actual, what);
    }
}
