package io.simdgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.nn.Linear;
import io.simdgrad.nn.MSELoss;
import io.simdgrad.nn.Sequential;
import io.simdgrad.nn.Tanh;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimiser and scheduler against PyTorch 2.13's single-tensor implementations: 50 steps of
 * a 4-3-2 tanh MLP on MSE from the same weights (fixtures by src/test/python/make_optim_golden.py);
 * float64 within 1e-12 relative, float32 within 1e-5, the learning rate too. L-BFGS takes 8 steps
 * of up to 5 iterations each with its closure (float32: the first 4).
 */
class OptimGoldenTest {
    static final String[] CASES = {"sgd", "sgd_momentum", "sgd_nesterov", "sgd_maximize", "sgd_groups", "sgd_clipnorm", "sgd_clipvalue",
        "adam", "adam_amsgrad_wd", "adam_maximize", "adamw", "rmsprop", "rmsprop_centered_momentum", "adagrad", "steplr", "multisteplr",
        "exponentiallr", "cosine", "linearlr", "lambdalr", "onecycle", "warmrestarts", "plateau",
        "warmrestarts_tmult", "onecycle_momentum", "onecycle_adam_linear_3phase", "sequentiallr", "sequentiallr_onecycle", "sequentiallr_warmrestarts", "lbfgs",
        "lbfgs_wolfe"};

    static Stream<Arguments> cases() {
        return Stream.of(CASES).flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT64), Arguments.of(c, DType.FLOAT32)));
    }

    static Tensor fixture(String name) {
        try {
            return Tensor.load(Path.of(OptimGoldenTest.class.getResource(name).toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The optimiser and schedule of a case, as the script builds them. */
    record Setup(Optimizer opt, LRScheduler sched) {}

    static Setup setup(String name, List<Variable> a, List<Variable> b) {
        List<Variable> all = Stream.concat(a.stream(), b.stream()).toList();
        SGD.Options momentum = new SGD.Options().lr(0.1).momentum(0.9);
        return switch (name) {
            case "sgd", "sgd_clipnorm", "sgd_clipvalue" -> new Setup(new SGD(all, name.equals("sgd") ? 0.1 : 0.2), null);
            case "sgd_momentum" -> new Setup(new SGD(all, new SGD.Options().lr(0.05).momentum(0.9).dampening(0.1).weightDecay(0.01)), null);
            case "sgd_nesterov" -> new Setup(new SGD(all, new SGD.Options().lr(0.05).momentum(0.9).nesterov(true)), null);
            case "sgd_maximize" -> new Setup(new SGD(all, new SGD.Options().lr(0.01).momentum(0.5).maximize(true)), null);
            case "sgd_groups" -> {
                SGD o = SGD.withGroups(List.of(ParamGroup.of(a).set("lr", 0.1), ParamGroup.of(b)), new SGD.Options().lr(0.01).momentum(0.9));
                yield new Setup(o, new StepLR(o, 5, 0.5));
            }
            case "adam" -> new Setup(new Adam(all, 0.01), null);
            case "adam_amsgrad_wd" -> new Setup(new Adam(all, new Adam.Options().lr(0.01).weightDecay(0.01).amsgrad(true)), null);
            case "adam_maximize" -> new Setup(new Adam(all, new Adam.Options().lr(0.01).betas(0.8, 0.99).eps(1e-6).maximize(true)), null);
            case "adamw" -> new Setup(Adam.adamW(all, 0.01, 0.1), null);
            case "rmsprop" -> new Setup(new RMSprop(all, 0.01), null);
            case "rmsprop_centered_momentum" -> new Setup(new RMSprop(all, new RMSprop.Options().lr(0.01).centered(true).momentum(0.9).weightDecay(0.01)), null);
            case "adagrad" -> new Setup(new Adagrad(all, new Adagrad.Options().lr(0.1).lrDecay(0.01).weightDecay(0.01).initialAccumulatorValue(0.1)), null);
            case "steplr" -> withSched(new SGD(all, momentum), o -> new StepLR(o, 7, 0.5));
            case "multisteplr" -> withSched(new SGD(all, momentum), o -> new MultiStepLR(o, new int[] {5, 12, 12, 30}, 0.5));
            case "exponentiallr" -> withSched(new SGD(all, momentum), o -> new ExponentialLR(o, 0.95));
            case "cosine" -> withSched(new Adam(all, 0.02), o -> new CosineAnnealingLR(o, 10, 0.001));
            case "linearlr" -> withSched(new SGD(all, momentum), o -> new LinearLR(o, 0.25, 1.0, 8));
            case "lambdalr" -> withSched(new SGD(all, momentum), o -> new LambdaLR(o, k -> 1.0 / (1.0 + 0.1 * k), 50));
            case "onecycle" -> withSched(new SGD(all, momentum), o -> new OneCycleLR(o, 0.2, 50));
            case "warmrestarts" -> withSched(new SGD(all, momentum), o -> new CosineAnnealingWarmRestarts(o, 7, 0.001));
            case "plateau" -> withSched(new SGD(all, 0.3), o -> new ReduceLROnPlateau(o, false, 0.5, 2, 0.05, true, 0, 0, 1e-8));
            case "warmrestarts_tmult" -> withSched(new SGD(all, momentum), o -> new CosineAnnealingWarmRestarts(o, 3, 2, 0.001));
            case "onecycle_momentum" -> withSched(new SGD(all, momentum),
                    o -> new OneCycleLR(o, 0.2, 50, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false));
            case "onecycle_adam_linear_3phase" -> withSched(new Adam(all, 0.01),
                    o -> new OneCycleLR(o, 0.02, 50, 0.3, "linear", true, 0.8, 0.9, 25, 1e4, true));
            case "sequentiallr" -> withSched(new SGD(all, momentum), o -> new SequentialLR(o,
                    List.of(new LinearLR(o, 0.1, 1.0, 5), new ExponentialLR(o, 0.9), new CosineAnnealingLR(o, 10, 0.001)), new int[] {5, 20}));
            case "sequentiallr_onecycle" -> withSched(new Adam(all, 0.01), o -> new SequentialLR(o,
                    List.of(new OneCycleLR(o, 0.02, 10, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false), new StepLR(o, 3, 0.5)), new int[] {10}));
            case "sequentiallr_warmrestarts" -> withSched(new SGD(all, momentum), o -> new SequentialLR(o, List.of(new ExponentialLR(o, 0.5),
                    new CosineAnnealingWarmRestarts(o, 4, 2, 0), new MultiStepLR(o, new int[] {3, 6}, 0.5)), new int[] {0, 30}));
            case "lbfgs" -> new Setup(new LBFGS(all, new LBFGS.Options().lr(1).maxIter(5).historySize(3)), null);
            case "lbfgs_wolfe" -> new Setup(new LBFGS(all, new LBFGS.Options().lr(1).maxIter(5).historySize(4).strongWolfe(true)), null);
            default -> throw new IllegalArgumentException(name);
        };
    }

    static Setup withSched(Optimizer o, java.util.function.Function<Optimizer, LRScheduler> s) {
        return new Setup(o, s.apply(o));
    }

    static Sequential model(DType dtype) {
        Sequential m = new Sequential(new Linear(4, 3, true, dtype, new Generator(0)), new Tanh(), new Linear(3, 2, true, dtype, new Generator(1)));
        m.loadStateDict(Map.of("0.weight", fixture("init_w1.npy"), "0.bias", fixture("init_b1.npy"),
                "2.weight", fixture("init_w2.npy"), "2.bias", fixture("init_b2.npy")));
        return m;
    }

    /** One training step as the script writes it. */
    static Tensor trainStep(Sequential m, Setup s, String name, Tensor x, Tensor y) {
        if (s.opt() instanceof LBFGS l) {
            return l.step(() -> {
                Variable loss = new MSELoss().forward(m.forward(x), y);
                l.zeroGrad();
                loss.backward();
                return loss;
            });
        }
        Variable loss = new MSELoss().forward(m.forward(x), y);
        s.opt().zeroGrad();
        loss.backward();
        if (name.equals("sgd_clipnorm")) ClipGrad.clipGradNorm(m.parameters(), 0.5);
        if (name.equals("sgd_clipvalue")) ClipGrad.clipGradValue(m.parameters(), 0.05);
        s.opt().step();
        if (s.sched() instanceof ReduceLROnPlateau p) p.step(loss.data());
        else if (s.sched() != null) s.sched().step();
        return loss.data();
    }

    static double[] row(Sequential m, Optimizer opt) {
        List<Variable> ps = m.parameters();
        int n = ps.stream().mapToInt(Variable::numel).sum();
        double[] r = new double[n + 1];
        int k = 0;
        for (Variable p : ps) for (double v : p.data().toDoubleArray()) r[k++] = v;
        r[n] = opt.paramGroups().get(0).lr();
        return r;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesPyTorch(String name, DType dtype) {
        Tensor golden = fixture("traj_" + name + "_" + (dtype == DType.FLOAT64 ? "f64" : "f32") + ".npy");
        Sequential m = model(dtype);
        Setup s = setup(name, m.child("0").parameters(), m.child("2").parameters());
        Tensor x = fixture("init_x.npy").to(dtype), y = fixture("init_y.npy").to(dtype);
        double tol = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
        int steps = golden.size(0) - 1;
        // float32 L-BFGS: the float32 dot products round differently from PyTorch's (summation order, which also
        // follows the vector width: 8 lanes on AVX2, 16 on AVX-512) and the quasi-Newton updates amplify it, past
        // 1e-5 after ~20 iterations on AVX-512 and to 1.2e-5 at step 4 on AVX2 (Zen 3, 2026-12-02); so 4 steps at
        // 5e-5 relative (f32 eps is 6e-8); float64 is checked over every step at 1e-12
        boolean lbfgs32 = name.startsWith("lbfgs") && dtype == DType.FLOAT32;
        // float64 L-BFGS with the strong-Wolfe search amplifies last-bit differences of the gradient too: since
        // tanh's backward is PyTorch's own fused form (bit for bit its tanh_backward), step 8 of lbfgs_wolfe moved
        // to 1.4e-12 relative of PyTorch's trajectory (GEMM sums still round in another order); 1e-11 there
        if (name.startsWith("lbfgs") && dtype == DType.FLOAT64) tol = 1e-11;
        if (lbfgs32) steps = 4;
        for (int t = 0; t <= steps; t++) {
            if (t > 0) trainStep(m, s, name, x, y);
            double[] got = row(m, s.opt());
            double[] want = golden.select(0, t).toDoubleArray();
            assertEquals(want.length, got.length);
            for (int i = 0; i < got.length; i++) {
                double err = Math.abs(got[i] - want[i]);
                double bound = dtype == DType.FLOAT64 ? tol * Math.max(Math.abs(want[i]), 1e-3)
                        : lbfgs32 ? 5e-5 * Math.max(Math.abs(want[i]), 1) : tol;
                final int tt = t, ii = i;
                assertTrue(err <= bound, () -> name + " " + dtype + " step " + tt + " value " + ii + ": " + got[ii] + " vs PyTorch " + want[ii]);
            }
        }
    }

    /** L-BFGS's history is in its state dict: a fresh optimiser loaded from it takes the same next steps, bit for bit. */
    @org.junit.jupiter.api.Test
    void lbfgsHistoryRoundTripsThroughItsStateDict() {
        for (boolean wolfe : new boolean[] {false, true}) {
            Sequential a = model(DType.FLOAT64), b = model(DType.FLOAT64);
            LBFGS.Options o = new LBFGS.Options().lr(wolfe ? 1 : 0.5).maxIter(3).historySize(4).strongWolfe(wolfe);
            LBFGS la = new LBFGS(a.parameters(), o), lb = new LBFGS(b.parameters(), o);
            Tensor x = Tensor.randn(DType.FLOAT64, new Generator(3), 16, 4);
            Tensor y = Tensor.randn(DType.FLOAT64, new Generator(4), 16, 2);
            java.util.function.Function<Sequential, java.util.function.Supplier<Variable>> closure = m -> () -> {
                for (Variable p : m.parameters()) p.zeroGrad();
                Variable loss = new MSELoss().forward(m.forward(new Variable(x)), y);
                loss.backward();
                return loss;
            };
            for (int s = 0; s < 2; s++) la.step(closure.apply(a));
            Map<String, Tensor> sd = la.stateDict();
            assertTrue(sd.containsKey("state.0.old_dirs.0") && sd.containsKey("state.0.prev_flat_grad") && sd.containsKey("state.0.H_diag"), sd.keySet().toString());
            b.loadStateDict(a.stateDict(), true);
            lb.loadStateDict(sd);
            for (int s = 0; s < 2; s++) {
                la.step(closure.apply(a));
                lb.step(closure.apply(b));
            }
            for (int i = 0; i < a.parameters().size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.parameters().get(i).data().toDoubleArray(), b.parameters().get(i).data().toDoubleArray());
            }
            Map<String, Tensor> bad = new java.util.LinkedHashMap<>(sd);
            bad.put("state.0.old_dirs.0", Tensor.zeros(DType.FLOAT64, 3));
            bad.put("state.0.old_dirs.x", Tensor.zeros(DType.FLOAT64, 3));
            bad.remove("state.0.old_stps.0"); // a pair's other half missing
            Map<String, Tensor> before = lb.stateDict();
            String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> lb.loadStateDict(bad)).getMessage();
            assertTrue(msg.contains("size mismatch for state.0.old_dirs.0") && msg.contains("unexpected key \"state.0.old_dirs.x\"")
                    && msg.contains("missing key \"state.0.old_stps.0\""), msg);
            assertEquals(before.keySet(), lb.stateDict().keySet(), "a failed load leaves the history as it was");
        }
    }

    @org.junit.jupiter.api.Test
    void badArgumentsFailNamingTheScheduler() {
        List<Variable> ps = model(DType.FLOAT64).parameters();
        LBFGS l = new LBFGS(ps, 1);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, l::step).getMessage().contains("closure"));
        assertEquals(List.of("func_evals", "n_iter"), List.copyOf(l.state(ps.get(0)).keySet()));
        SGD plain = new SGD(ps, 0.1);
        assertEquals("OneCycleLR: optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> new OneCycleLR(new Adagrad(ps, 0.1), 0.1, 10, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false)).getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new OneCycleLR(plain, 0.1, 10, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new CosineAnnealingWarmRestarts(plain, 3, 0, 0));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SequentialLR(plain, List.of(new StepLR(plain, 2, 0.5)), new int[] {3})).getMessage()
                .contains("one more than the number of milestone points"));
        // a cycled momentum is saved with the optimizer: the state dict holds the tensor's value, not the one it was built with
        SGD sgd = new SGD(model(DType.FLOAT64).parameters(), new SGD.Options().lr(0.1).momentum(0.9));
        new OneCycleLR(sgd, 0.2, 10, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false).step();
        double m = sgd.stateDict().get("param_groups.0.momentum").item();
        assertTrue(m < 0.95 && m > 0.85, "momentum " + m);
    }
}
