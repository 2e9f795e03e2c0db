package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolution, pooling, padding and im2col against PyTorch 2.13 (float64 values, gradients and
 * second derivatives within 1e-10; max pooling over tied values, so the tie convention is
 * compared too) and its error messages. The fixtures are written by
 * {@code core/src/test/python/make_conv_fixtures.py}; each case is written there in torch and
 * here, under the same name.
 */
class ConvTorchFixturesTest {
    private static final String FILE = "/fixtures/conv_fixtures.txt";
    private static final Map<String, Function<List<Variable>, Variable>> CASES = new LinkedHashMap<>();
    private static final Map<String, Runnable> ERRORS = new LinkedHashMap<>();

    private static int[] a(int... v) {
        return v;
    }

    private static Variable z(int... shape) {
        return new Variable(Tensor.zeros(DType.FLOAT64, shape));
    }

    static {
        CASES.put("conv2d_basic", x -> Functional.conv2d(x.get(0), x.get(1), x.get(2), a(1), a(0), a(1), 1));
        CASES.put("conv2d_stride_pad_dil_groups", x -> Functional.conv2d(x.get(0), x.get(1), x.get(2), a(2, 1), a(1, 2), a(1, 2), 2));
        CASES.put("conv2d_depthwise", x -> Functional.conv2d(x.get(0), x.get(1), null, a(1), a(1), a(1), 3));
        CASES.put("conv2d_same_even", x -> Functional.conv2d(x.get(0), x.get(1), null, a(1), "same", a(1, 3), 1));
        CASES.put("conv2d_1x1", x -> Functional.conv2d(x.get(0), x.get(1)));
        CASES.put("conv2d_unbatched", x -> Functional.conv2d(x.get(0), x.get(1), null, a(2), a(0), a(1), 1));
        CASES.put("conv1d", x -> Functional.conv1d(x.get(0), x.get(1), x.get(2), 2, 1, 2, 2));
        CASES.put("conv1d_same", x -> Functional.conv1d(x.get(0), x.get(1), null, 1, "same", 1, 1));
        CASES.put("conv_transpose2d", x -> Functional.convTranspose2d(x.get(0), x.get(1), x.get(2), a(2, 3), a(1, 0), a(1, 2), 2, a(1, 2)));
        CASES.put("conv_transpose1d", x -> Functional.convTranspose1d(x.get(0), x.get(1), null, 2, 1, 1, 1, 1));
        CASES.put("max_pool2d_ties", x -> Functional.maxPool2d(x.get(0), a(3), a(2), a(1), a(1), true));
        CASES.put("max_pool2d_dilation", x -> Functional.maxPool2d(x.get(0), a(2, 3), a(1, 2), a(1, 1), a(2, 1), false));
        CASES.put("max_pool1d_ties", x -> Functional.maxPool1d(x.get(0), 3, 1, 1, 1, false));
        CASES.put("max_pool2d_overlap_sum", x -> Functional.maxPool2d(x.get(0), a(2), a(1), a(0), a(1), false));
        CASES.put("avg_pool2d_include", x -> Functional.avgPool2d(x.get(0), a(3), a(2), a(1), true, true, 0));
        CASES.put("avg_pool2d_exclude", x -> Functional.avgPool2d(x.get(0), a(3, 2), a(2, 1), a(1, 1), true, false, 0));
        CASES.put("avg_pool2d_divisor", x -> Functional.avgPool2d(x.get(0), a(2), null, a(0), false, true, 3));
        CASES.put("avg_pool1d", x -> Functional.avgPool1d(x.get(0), 4, 3, 2, true, false));
        CASES.put("adaptive_avg_pool2d", x -> Functional.adaptiveAvgPool2d(x.get(0), a(3, 4)));
        CASES.put("adaptive_avg_pool1d", x -> Functional.adaptiveAvgPool1d(x.get(0), 4));
        CASES.put("pad_constant", x -> Functional.pad(x.get(0), a(1, 2, -1, 1), "constant", 0.5));
        CASES.put("pad_reflect", x -> Functional.pad(x.get(0), a(2, 1, 1, 2), "reflect", 0));
        CASES.put("pad_replicate", x -> Functional.pad(x.get(0), a(3, 1, 0, 2), "replicate", 0));
        CASES.put("pad_reflect_1d", x -> Functional.pad(x.get(0), a(3, 2), "reflect", 0));
        CASES.put("unfold", x -> Functional.unfold(x.get(0), a(2, 3), a(1, 2), a(1, 0), a(2, 1)));
        CASES.put("fold", x -> Functional.fold(x.get(0), a(5, 6), a(2, 3), a(1, 2), a(1, 0), a(2, 1)));
        CASES.put("adaptive_max_pool2d", x -> Functional.adaptiveMaxPool2d(x.get(0), a(3, 4)));
        CASES.put("adaptive_max_pool2d_ties", x -> Functional.adaptiveMaxPool2d(x.get(0), a(2)));
        CASES.put("adaptive_max_pool2d_unbatched", x -> Functional.adaptiveMaxPool2d(x.get(0), a(2, 3)));
        CASES.put("pad_circular", x -> Functional.pad(x.get(0), a(2, 3, 1, 2), "circular", 0));
        CASES.put("pad_circular_1d", x -> Functional.pad(x.get(0), a(4, 1), "circular", 0));
        CASES.put("adaptive_max_pool1d", x -> Functional.adaptiveMaxPool1dWithIndices(x.get(0), 4).values());
        CASES.put("adaptive_max_pool2d_indices",
                x -> new Variable(Functional.adaptiveMaxPool2dWithIndices(x.get(0), a(3, 2)).indices().to(DType.FLOAT64)).add(x.get(0).sum().mul(0.0)));

        ERRORS.put("conv2d_kernel_too_large", () -> Functional.conv2d(z(1, 1, 2, 2), z(1, 1, 3, 3)));
        ERRORS.put("conv1d_kernel_too_large", () -> Functional.conv1d(z(2, 4, 2), z(6, 4, 3), null, 1, 0, 1, 1));
        ERRORS.put("conv2d_groups_channels", () -> Functional.conv2d(z(2, 3, 8, 8), z(6, 1, 3, 3), null, a(1), a(0), a(1), 2));
        ERRORS.put("conv2d_groups_weight", () -> Functional.conv2d(z(2, 4, 8, 8), z(6, 2, 3, 3), null, a(1), a(0), a(1), 4));
        ERRORS.put("conv2d_input_rank", () -> Functional.conv2d(z(2, 4), z(6, 4, 3, 3)));
        ERRORS.put("conv2d_bias", () -> Functional.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), z(5), a(1), a(0), a(1), 1));
        ERRORS.put("conv2d_same_strided", () -> Functional.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), null, a(2), "same", a(1), 1));
        ERRORS.put("conv2d_groups_zero", () -> Functional.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), null, a(1), a(0), a(1), 0));
        ERRORS.put("conv2d_stride_zero", () -> Functional.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), null, a(0), a(0), a(1), 1));
        ERRORS.put("conv_transpose2d_channels", () -> Functional.convTranspose2d(z(1, 3, 5, 5), z(4, 2, 3, 3), null, a(1), a(0), a(0), 1, a(1)));
        ERRORS.put("conv_transpose2d_output_padding",
                () -> Functional.convTranspose2d(z(1, 4, 5, 5), z(4, 2, 3, 3), null, a(2), a(0), a(2), 1, a(1)));
        ERRORS.put("max_pool2d_too_small", () -> Functional.maxPool2d(z(1, 1, 2, 2), 3));
        ERRORS.put("max_pool2d_pad", () -> Functional.maxPool2d(z(1, 1, 5, 5), a(3), null, a(2), a(1), false));
        ERRORS.put("avg_pool2d_too_small", () -> Functional.avgPool2d(z(1, 1, 2, 2), 3));
        ERRORS.put("pad_length_odd", () -> Functional.pad(z(1, 1, 3, 3), a(1, 1, 1)));
        ERRORS.put("unfold_too_small", () -> Functional.unfold(z(1, 1, 2, 2), a(3), a(1), a(0), a(1)));
        ERRORS.put("fold_blocks", () -> Functional.fold(z(1, 9, 5), a(4, 4), a(3), a(1), a(0), a(1)));
        ERRORS.put("adaptive_max_pool2d_empty", () -> Functional.adaptiveMaxPool2d(z(1, 1, 0, 3), a(2)));
        ERRORS.put("adaptive_max_pool2d_rank", () -> Functional.adaptiveMaxPool2d(z(4, 4), a(2)));
        ERRORS.put("pad_circular_wrap", () -> Functional.pad(z(1, 1, 3, 3), a(4, 0, 0, 0), "circular", 0));
    }

    @TestFactory
    List<DynamicTest> valuesAndGradientsMatchPyTorch() throws IOException {
        List<TorchGradFixturesTest.Fixture> fixtures = TorchGradFixturesTest.load(FILE);
        assertEquals(CASES.keySet(), new java.util.LinkedHashSet<>(fixtures.stream().map(TorchGradFixturesTest.Fixture::name).toList()),
                "every fixture has a function and every function a fixture");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> TorchGradFixturesTest.check(f, CASES.get(f.name()), TorchGradFixturesTest.TOL))).toList();
    }

    @TestFactory
    List<DynamicTest> errorsCarryPyTorchsMessages() throws IOException {
        Map<String, String> messages = new LinkedHashMap<>();
        var in = Objects.requireNonNull(getClass().getResourceAsStream(FILE), FILE + " is missing");
        try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = br.readLine()) != null; ) {
                if (!line.startsWith("error ")) continue;
                String[] kv = line.substring(6).split(" : ", 2);
                messages.put(kv[0], kv[1]);
            }
        }
        assertEquals(ERRORS.keySet(), messages.keySet(), "every error fixture has a call and every call a fixture");
        List<DynamicTest> tests = new ArrayList<>();
        for (var e : ERRORS.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                RuntimeException ex = assertThrows(RuntimeException.class, e.getValue()::run);
                String want = messages.get(e.getKey());
                assertTrue(ex.getMessage().contains(want), "expected PyTorch's message\n  " + want + "\nin\n  " + ex.getMessage());
            }));
        }
        return tests;
    }
}
