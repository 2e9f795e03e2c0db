package io.simdgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Modules against PyTorch's printing, state-dict keys and load errors (fixtures by src/test/python/make_module_golden.py), and init statistics. */
class ModuleTest {
    static String resource(String name) throws IOException {
        try (InputStream in = ModuleTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Map<String, Module> models() {
        Generator g = new Generator(3);
        ModuleDict d = new ModuleDict();
        d.put("encoder", new Sequential(new Flatten(), new Linear(784, 256, g), new ReLU()));
        d.put("head", new ModuleList(new Linear(256, 10, g), new Linear(256, 10, g), new Linear(256, 10, false, DType.FLOAT32, g), new Tanh()));
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("mlp", new Sequential(new Flatten(), new Linear(784, 256, g), new ReLU(), new Linear(256, 10, g)));
        m.put("nested", d);
        m.put("activations", new Sequential(new Sigmoid(), new Tanh(), new Softmax(1), new LogSoftmax(-1), new Flatten(0, 2)));
        m.put("linear", new Linear(3, 2, false, DType.FLOAT32, g));
        m.put("emptylist", new ModuleList());
        m.put("cnn", new Sequential(new Conv2d(1, 8, 3, 1, 1, 1, 1, true, DType.FLOAT32, g), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Dropout(0.25, g), new Linear(8 * 14 * 14, 10, g)));
        m.put("convs", new Sequential(new Conv2d(4, 8, 3, 2, 0, 2, 2, false, DType.FLOAT32, g), new AvgPool2d(2), new AdaptiveAvgPool2d(1),
                new AdaptiveAvgPool2d(2, 3), new BatchNorm1d(5, 1e-3, 0.2, true, true, DType.FLOAT32), new LeakyReLU(), new LeakyReLU(0.2),
                new SiLU(), new Dropout(), new MaxPool2d(3, 1, 1, 2, false), new Unflatten(1, 1, 28, 28),
                new AdaptiveMaxPool2d(3), new AdaptiveMaxPool2d(2, 4)));
        m.put("transformerish", new Sequential(new Embedding(100, 16, g), new LayerNorm(16), new Linear(16, 32, g), new GELU(), new GELU("tanh"),
                new Linear(32, 16, g), new LayerNorm(new int[] {4, 16}, 1e-6, false, DType.FLOAT32),
                new Embedding(10, 4, 0, DType.FLOAT32, g)));
        m.put("morelayers", new Sequential(new Conv1d(4, 6, 3, 2, 1, 1, 1, true, DType.FLOAT32, g), new Conv1d(6, 6, 2, 1, 0, 2, 3, false, DType.FLOAT32, g),
                new ConvTranspose2d(4, 6, 3, g), new ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, false, 2, DType.FLOAT32, g),
                new ConvTranspose2d(2, 4, new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 0}, new int[] {0, 0}, 1, true, new int[] {1, 1},
                        DType.FLOAT32, g), new GroupNorm(2, 6), new GroupNorm(3, 6, 1e-3, false, DType.FLOAT32), new RMSNorm(5),
                new RMSNorm(new int[] {4, 5}, 1e-6, false, DType.FLOAT32)));
        return m;
    }

    @Test
    void printsAndNamesAsPyTorch() throws IOException {
        Map<String, Module> models = models();
        String[] blocks = resource("modules.txt").split("(?m)^== ");
        int seen = 0;
        for (String block : blocks) {
            if (block.isEmpty()) continue;
            String name = block.substring(0, block.indexOf('\n'));
            String[] parts = block.substring(name.length() + 1).split("\n-- keys\n", -1);
            Module m = models.get(name);
            assertEquals(parts[0], m.toString(), name);
            StringBuilder keys = new StringBuilder();
            m.stateDict().forEach((k, t) -> keys.append(k).append(' ')
                    .append(String.join(",", Arrays.stream(t.shape()).mapToObj(Integer::toString).toList())).append('\n'));
            assertEquals(parts[1], keys.toString(), name);
            seen++;
        }
        assertEquals(models.size(), seen);
    }

    @Test
    void loadStateDictFailsWithPyTorchsTextAndChangesNothing() throws IOException {
        Sequential m = new Sequential(new Linear(3, 2, new Generator(1)));
        float[] before = m.stateDict().get("0.bias").toFloatArray();
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("0.weight", Tensor.zeros(2, 4));
        sd.put("extra", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd));
        assertEquals(resource("load_error.txt"), e.getMessage());
        assertArrayEquals(before, m.stateDict().get("0.bias").toFloatArray());
        Module.LoadResult r = m.loadStateDict(Map.of("0.weight", Tensor.ones(2, 3), "extra", Tensor.zeros(1)), false);
        assertEquals(List.of("0.bias"), r.missingKeys());
        assertEquals(List.of("extra"), r.unexpectedKeys());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, m.stateDict().get("0.weight").toFloatArray());
    }

    @Test
    void stateDictRoundTripKeepsParameterIdentity() {
        Sequential a = new Sequential(new Linear(5, 4, new Generator(1)), new ReLU(), new Linear(4, 2, new Generator(2)));
        Sequential b = new Sequential(new Linear(5, 4, new Generator(8)), new ReLU(), new Linear(4, 2, new Generator(9)));
        Variable w = b.parameters().get(0);
        b.loadStateDict(a.stateDict());
        assertSame(w, b.parameters().get(0));
        a.stateDict().forEach((k, t) -> assertArrayEquals(t.toFloatArray(), b.stateDict().get(k).toFloatArray(), k));
    }

    @Test
    void defaultInitIsPyTorchsKaimingUniform() {
        // kaiming_uniform_(a=√5) is U(±1/√fan_in): mean 0, variance bound²/3; the bias the same bound
        int in = 400, out = 300;
        Linear l = new Linear(in, out, new Generator(7));
        double bound = 1 / Math.sqrt(in);
        double[] w = l.param("weight").data().toDoubleArray();
        double mean = Arrays.stream(w).average().orElseThrow();
        double var = Arrays.stream(w).map(v -> (v - mean) * (v - mean)).sum() / w.length;
        assertTrue(Arrays.stream(w).allMatch(v -> Math.abs(v) <= bound));
        double sdMean = Math.sqrt(bound * bound / 3 / w.length);
        assertTrue(Math.abs(mean) < 5 * sdMean, "mean " + mean);
        assertEquals(bound * bound / 3, var, bound * bound / 3 * 0.02);
        double[] b = l.param("bias").data().toDoubleArray();
        assertTrue(Arrays.stream(b).allMatch(v -> Math.abs(v) <= bound));
        assertTrue(Arrays.stream(b).max().orElseThrow() > 0.8 * bound && Arrays.stream(b).min().orElseThrow() < -0.8 * bound);
        // same seed, same weights
        assertArrayEquals(w, new Linear(in, out, new Generator(7)).param("weight").data().toDoubleArray());
    }

    @Test
    void initFunctionsHaveTheirMoments() {
        Variable p = new Variable(Tensor.zeros(DType.FLOAT64, 200, 300), true);
        Generator g = new Generator(5);
        check(Init.kaimingNormal(p, 0, Init.Mode.FAN_IN, "relu", g), 0, Math.sqrt(2.0 / 300));
        check(Init.kaimingNormal(p, 0, Init.Mode.FAN_OUT, "relu", g), 0, Math.sqrt(2.0 / 200));
        check(Init.xavierNormal(p, 1, g), 0, Math.sqrt(2.0 / 500));
        check(Init.xavierUniform(p, 2, g), 0, 2 * Math.sqrt(2.0 / 500));
        check(Init.kaimingUniform(p, 0, Init.Mode.FAN_IN, "relu", g), 0, Math.sqrt(2.0 / 300));
        check(Init.normal(p, 3, 0.5, g), 3, 0.5);
        check(Init.uniform(p, -1, 3, g), 1, 4 / Math.sqrt(12));
        assertTrue(Arrays.stream(Init.ones(p).data().toDoubleArray()).allMatch(v -> v == 1));
        assertTrue(Arrays.stream(Init.zeros(p).data().toDoubleArray()).allMatch(v -> v == 0));
        assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(new Variable(Tensor.zeros(3), true), 1, g));
    }

    static void check(Variable p, double mean, double std) {
        double[] w = p.data().toDoubleArray();
        double m = Arrays.stream(w).average().orElseThrow();
        double var = Arrays.stream(w).map(v -> (v - m) * (v - m)).sum() / w.length;
        assertEquals(mean, m, 5 * std / Math.sqrt(w.length));
        assertEquals(std, Math.sqrt(var), std * 0.02);
    }

    @Test
    void modesZeroGradToAndApply() {
        Sequential m = new Sequential(new Linear(3, 4, new Generator(1)), new ReLU(), new Linear(4, 1, new Generator(2)));
        m.eval();
        assertTrue(m.modules().stream().noneMatch(Module::isTraining));
        m.train();
        assertTrue(m.modules().stream().allMatch(Module::isTraining));
        m.forward(Tensor.ones(2, 3)).sum().backward();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() != null));
        m.zeroGrad();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() == null));
        List<String> order = new java.util.ArrayList<>();
        m.apply(x -> order.add(x.name()));
        assertEquals(List.of("Linear", "ReLU", "Linear", "Sequential"), order);
        float[] w = m.parameters().get(0).data().toFloatArray();
        m.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, m.parameters().get(0).dtype());
        double[] wd = m.parameters().get(0).data().toDoubleArray();
        for (int i = 0; i < w.length; i++) assertEquals(w[i], wd[i], 0);
        assertEquals(DType.FLOAT64, m.forward(Tensor.ones(DType.FLOAT64, 2, 3)).dtype());
        assertNull(new Linear(2, 2, false, DType.FLOAT32, new Generator(0)).param("bias"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.ones(DType.FLOAT64, 2, 5)));
        assertTrue(e.getMessage().contains("in_features=3"), e.getMessage());
        assertFalse(m.namedParameters().isEmpty());
    }

    static double[] fixture(String text, String key) {
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            if (f[0].equals(key)) return Arrays.stream(f, 1, f.length).mapToDouble(Double::parseDouble).toArray();
        }
        throw new AssertionError("no " + key);
    }

    @Test
    void batchNormRunningStatsAndEvalAsPyTorch() throws IOException {
        String fx = resource("batchnorm.txt");
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.3, true, true, DType.FLOAT64);
        bn.param("weight").data().copyInPlace(Tensor.of(new double[] {1.5, -0.5, 2.0}, 3));
        bn.param("bias").data().copyInPlace(Tensor.of(new double[] {0.1, 0.2, -0.3}, 3));
        java.util.function.IntFunction<Tensor> data = step -> {
            double[] v = new double[4 * 3 * 2 * 5];
            for (int i = 0; i < v.length; i++) v[i] = Math.sin(0.37 * i + step) * (1 + i % 5);
            return Tensor.of(v, 4, 3, 2, 5);
        };
        close(fixture(fx, "train0"), bn.forward(data.apply(0)).data().toDoubleArray());
        bn.forward(data.apply(1));
        close(fixture(fx, "running_mean"), bn.buffer("running_mean").toDoubleArray());
        close(fixture(fx, "running_var"), bn.buffer("running_var").toDoubleArray());
        assertEquals((long) fixture(fx, "num_batches_tracked")[0], bn.buffer("num_batches_tracked").toLongArray()[0]);
        bn.eval();
        double[] before = bn.buffer("running_mean").toDoubleArray();
        close(fixture(fx, "eval2"), bn.forward(data.apply(2)).data().toDoubleArray());
        assertArrayEquals(before, bn.buffer("running_mean").toDoubleArray());
        assertEquals(2, bn.buffer("num_batches_tracked").toLongArray()[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(DType.FLOAT64, 2, 3)));
        assertEquals("BatchNorm2d: expected 4D input (got 2D input)", e.getMessage());
    }

    static void close(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-12 * Math.max(1, Math.abs(want[i])), "at " + i);
    }

    @Test
    void layerDefaultInitIsPyTorchs() {
        // Conv2d: kaiming_uniform_(a=√5) = U(±1/√fan_in), fan_in = in/groups * kh * kw; the bias the same bound
        Conv2d c = new Conv2d(32, 64, new int[] {3, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2, true, DType.FLOAT32, new Generator(11));
        double bound = 1 / Math.sqrt(16 * 15);
        assertArrayEquals(new int[] {64, 16, 3, 5}, c.param("weight").shape());
        check(c.param("weight"), 0, bound / Math.sqrt(3));
        assertTrue(Arrays.stream(c.param("weight").data().toDoubleArray()).allMatch(v -> Math.abs(v) <= bound));
        double[] b = c.param("bias").data().toDoubleArray();
        assertTrue(Arrays.stream(b).allMatch(v -> Math.abs(v) <= bound));
        assertTrue(Arrays.stream(b).max().orElseThrow() > 0.7 * bound && Arrays.stream(b).min().orElseThrow() < -0.7 * bound);
        // ConvTranspose2d: fan_in from the weight's second dim, out/groups * kh * kw, as PyTorch computes it
        ConvTranspose2d ct = new ConvTranspose2d(64, 24, 3, 1, 0, 0, 2, true, 1, DType.FLOAT32, new Generator(13));
        double ctBound = 1 / Math.sqrt(12 * 9);
        assertArrayEquals(new int[] {64, 12, 3, 3}, ct.param("weight").shape());
        check(ct.param("weight"), 0, ctBound / Math.sqrt(3));
        assertTrue(Arrays.stream(ct.param("bias").data().toDoubleArray()).allMatch(v -> Math.abs(v) <= ctBound));
        assertArrayEquals(new int[] {9, 2, 5}, new Conv1d(6, 9, 5, 1, 0, 1, 3, true, DType.FLOAT32, new Generator(1)).param("weight").shape());
        // Embedding: N(0, 1), the padding row zero
        Embedding e = new Embedding(400, 300, -1, DType.FLOAT32, new Generator(12));
        check(e.param("weight"), 0, 1);
        assertTrue(Arrays.stream(e.param("weight").data().select(0, 399).toDoubleArray()).allMatch(v -> v == 0));
        // norms: weight ones, bias zeros, running_var ones
        BatchNorm1d bn = new BatchNorm1d(4);
        LayerNorm ln = new LayerNorm(2, 3);
        for (Tensor t : List.of(bn.param("weight").data(), bn.buffer("running_var"), ln.param("weight").data())) {
            assertTrue(Arrays.stream(t.toDoubleArray()).allMatch(v -> v == 1));
        }
        for (Tensor t : List.of(bn.param("bias").data(), bn.buffer("running_mean"), ln.param("bias").data())) {
            assertTrue(Arrays.stream(t.toDoubleArray()).allMatch(v -> v == 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true, DType.FLOAT32, new Generator(1)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test
    void dropoutTrainsAndEvaluates() {
        // training: each kept element is x / (1 - p), the kept fraction about 1 - p; eval: the identity
        Dropout d = new Dropout(0.25, new Generator(4));
        Tensor x = Tensor.ones(DType.FLOAT64, 100, 100);
        double[] y = d.forward(x).data().toDoubleArray();
        assertTrue(Arrays.stream(y).allMatch(v -> v == 0 || Math.abs(v - 1 / 0.75) < 1e-15));
        double kept = Arrays.stream(y).filter(v -> v != 0).count() / (double) y.length;
        assertEquals(0.75, kept, 5 * Math.sqrt(0.75 * 0.25 / y.length));
        d.eval();
        assertArrayEquals(x.toDoubleArray(), d.forward(x).data().toDoubleArray());
    }

    @Test
    void unflattenSplitsADim() {
        double[] v = new double[2 * 12];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Variable y = new Unflatten(-1, 3, 4).forward(Tensor.of(v, 2, 12));
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        assertArrayEquals(v, y.data().toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Unflatten(1, 5, 2).forward(Tensor.zeros(2, 12)));
        assertTrue(e.getMessage().contains("don't multiply up to the size of dim 1 (12)"), e.getMessage());
    }

    @Test
    void sharedParametersAreListedOnce() {
        Linear l = new Linear(3, 3, new Generator(1));
        Sequential m = new Sequential(l, new Tanh(), l);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(m.namedParameters().keySet()));
    }
}
