package io.simdgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Conv1d, ConvTranspose2d, GroupNorm and RMSNorm against PyTorch 2.13 in float64: the state dict
 * PyTorch wrote loads strictly (same keys and shapes), the forward and the gradients of
 * {@code sum(out * gout)} with respect to the input and every parameter agree to 1e-12
 * (fixtures by src/test/python/make_layer_fixtures.py).
 */
class LayerFixturesTest {
    static final DType F64 = DType.FLOAT64;

    static Map<String, Supplier<Module>> cases() {
        Generator g = new Generator(5);
        Map<String, Supplier<Module>> m = new LinkedHashMap<>();
        m.put("conv1d", () -> new Conv1d(4, 6, 3, 2, 1, 1, 2, true, F64, g));
        m.put("conv1d_dilated_unbatched", () -> new Conv1d(3, 2, 2, 1, 0, 2, 1, false, F64, g));
        m.put("convtranspose2d", () -> new ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, true, 1, F64, g));
        m.put("convtranspose2d_rect", () -> new ConvTranspose2d(3, 2, new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 1}, new int[] {0, 0}, 1,
                false, new int[] {2, 1}, F64, g));
        m.put("groupnorm", () -> new GroupNorm(2, 6, 1e-5, true, F64));
        m.put("groupnorm_noaffine", () -> new GroupNorm(3, 6, 1e-3, false, F64));
        m.put("rmsnorm", () -> new RMSNorm(new int[] {5}, null, true, F64));
        m.put("rmsnorm_2d_eps", () -> new RMSNorm(new int[] {4, 5}, 1e-6, true, F64));
        return m;
    }

    /** Each case's fields: "key shape : values". */
    static Map<String, Map<String, Tensor>> load() throws IOException {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        Map<String, Tensor> cur = null;
        for (String line : ModuleTest.resource("layers.txt").split("\n")) {
            if (line.startsWith("case ")) {
                out.put(line.substring(5), cur = new LinkedHashMap<>());
                continue;
            }
            String[] kv = line.split(" : ", 2);
            int sp = kv[0].lastIndexOf(' ');
            String shape = kv[0].substring(sp + 1);
            int[] dims = shape.equals("scalar") ? new int[0] : Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
            double[] v = kv[1].isEmpty() ? new double[0] : Arrays.stream(kv[1].split(" ")).mapToDouble(Double::parseDouble).toArray();
            cur.put(kv[0].substring(0, sp), Tensor.of(v, dims));
        }
        return out;
    }

    @Test
    void forwardAndGradientsAsPyTorch() throws IOException {
        Map<String, Map<String, Tensor>> fixtures = load();
        Map<String, Supplier<Module>> cases = cases();
        assertEquals(cases.keySet(), fixtures.keySet());
        for (var c : cases.entrySet()) {
            Map<String, Tensor> f = fixtures.get(c.getKey());
            Module m = c.getValue().get();
            Map<String, Tensor> sd = new LinkedHashMap<>();
            f.forEach((k, t) -> {
                if (!isFixtureField(k)) sd.put(k, t);
            });
            assertEquals(List.copyOf(sd.keySet()), List.copyOf(m.stateDict().keySet()), c.getKey() + ": state-dict keys");
            m.loadStateDict(sd);
            Variable x = new Variable(f.get("x"), true);
            Variable y = m.forward(x);
            String at = c.getKey();
            close(f.get("out"), y.data(), at + " out");
            y.backward(f.get("gout"));
            close(f.get("grad x"), x.grad(), at + " grad x");
            m.namedParameters().forEach((k, p) -> close(f.get("grad " + k), p.grad(), at + " grad " + k));
        }
    }

    private static boolean isFixtureField(String k) {
        return k.equals("x") || k.equals("out") || k.equals("gout") || k.startsWith("grad ");
    }

    static void close(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 1e-12 * Math.max(1, Math.abs(w[i])), what + " at " + i);
    }

    @Test
    void badArgumentsAndInputsFailNamingTheLayer() {
        Generator g = new Generator(1);
        assertEquals("Conv1d: in_channels must be divisible by groups (in_channels 3, groups 2)",
                assertThrows(IllegalArgumentException.class, () -> new Conv1d(3, 4, 3, 1, 0, 1, 2, true, F64, g)).getMessage());
        assertEquals("ConvTranspose2d: out_channels must be divisible by groups (out_channels 3, groups 2)",
                assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(4, 3, 3, 1, 0, 0, 2, true, 1, F64, g)).getMessage());
        assertEquals("GroupNorm: num_channels must be divisible by num_groups",
                assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 6)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RMSNorm());
        // the functional ops check the inputs (their messages are tested in core)
        assertThrows(IllegalArgumentException.class, () -> new Conv1d(4, 2, 3, g).forward(Tensor.zeros(2, 3, 8)));
        assertThrows(IllegalArgumentException.class, () -> new RMSNorm(5).forward(Tensor.zeros(2, 4)));
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(2, 6).forward(Tensor.zeros(2, 4, 3)));
        Variable x = new Variable(Tensor.zeros(2, 4, 5, 5), true);
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(3, 2, 3, g).forward(x));
        assertEquals(null, x.grad());
    }
}
