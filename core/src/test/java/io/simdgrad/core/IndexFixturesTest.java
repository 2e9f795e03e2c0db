package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.LossOps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Values, gradients and second derivatives of the indexing ops (repeated indices), the norms and
 * the losses against PyTorch 2.13's in float64 ({@code make_index_fixtures.py}): the conventions
 * finite differences cannot see (embedding's padding row, scatter's overwritten places, the
 * weighted mean of cross-entropy with label smoothing, batch norm's unbiased running variance).
 */
class IndexFixturesTest {
    private static final double TOL = 1e-9;
    private static final Map<String, Function<List<Variable>, Variable>> FUNCTIONS = new LinkedHashMap<>();

    private static void fn(String name, Function<List<Variable>, Variable> f) {
        FUNCTIONS.put(name, f);
    }

    /** A constant input as INT64 indices. */
    private static Tensor ix(Variable v) {
        return v.data().to(DType.INT64);
    }

    private static Variable ixv(Variable v) {
        return new Variable(ix(v));
    }

    static {
        fn("gather", x -> x.get(0).gather(1, ixv(x.get(1))));
        fn("scatter_add", x -> x.get(0).scatterAdd(1, ixv(x.get(2)), x.get(1)));
        fn("scatter", x -> x.get(0).scatter(1, ixv(x.get(2)), x.get(1)));
        fn("index_select", x -> x.get(0).indexSelect(0, ixv(x.get(1))));
        fn("index_add", x -> x.get(0).indexAdd(1, ixv(x.get(2)), x.get(1)));
        fn("embedding_padding", x -> Functional.embedding(ix(x.get(1)), x.get(0), 1));
        fn("masked_fill", x -> x.get(0).maskedFill(x.get(1), -0.5));
        for (String red : new String[] {"sum", "mean", "amax", "amin"}) {
            for (boolean inc : new boolean[] {true, false}) {
                fn("scatter_reduce_" + red + "_" + (inc ? "self" : "noself"), x -> x.get(0).scatterReduce(1, ixv(x.get(2)), x.get(1), red, inc));
            }
        }
        for (boolean inc : new boolean[] {true, false}) {
            String tail = inc ? "self" : "noself";
            fn("scatter_reduce_prod_zeros_" + tail, x -> x.get(0).scatterReduce(1, ixv(x.get(2)), x.get(1), "prod", inc));
            fn("scatter_reduce_prod_" + tail, x -> x.get(0).scatterReduce(1, ixv(x.get(2)), x.get(1), "prod", inc));
        }
        fn("index_copy", x -> x.get(0).indexCopy(1, ixv(x.get(2)), x.get(1)));
        fn("take_along_dim_negative", x -> x.get(0).takeAlongDim(ixv(x.get(1)), 1));
        fn("masked_scatter", x -> x.get(0).maskedScatter(x.get(2), x.get(1)));
        fn("masked_select", x -> x.get(0).maskedSelect(x.get(1)));
        fn("layer_norm", x -> Functional.layerNorm(x.get(0), new int[] {2, 3}, x.get(1), x.get(2), 1e-5));
        fn("rms_norm", x -> Functional.rmsNorm(x.get(0), new int[] {4}, x.get(1), 1e-6));
        fn("group_norm", x -> Functional.groupNorm(x.get(0), 2, x.get(1), x.get(2), 1e-5));
        fn("batch_norm_train", x -> Functional.batchNorm(x.get(0), null, null, x.get(1), x.get(2), true, 0.1, 1e-5));
        fn("batch_norm_running_stats", x -> {
            Tensor rm = x.get(1).data().copy(), rv = x.get(2).data().copy();
            Functional.batchNorm(x.get(0), rm, rv, null, null, true, 0.2, 1e-5);
            return Variable.cat(List.of(new Variable(rm), new Variable(rv)), 0).add(x.get(0).sum().mul(0.0));
        });
        fn("batch_norm_eval", x -> Functional.batchNorm(x.get(0), x.get(3).data(), x.get(4).data(), x.get(1), x.get(2), false, 0.1, 1e-5));
        for (Reduction red : Reduction.values()) {
            fn("cross_entropy_weight_ignore_smoothing_" + red.name().toLowerCase(java.util.Locale.ROOT),
                    x -> Functional.crossEntropy(x.get(0), ix(x.get(1)), x.get(2).data(), red, 2, 0.1));
        }
        fn("cross_entropy_nd_weight", x -> Functional.crossEntropy(x.get(0), ix(x.get(1)), x.get(2).data(), Reduction.MEAN,
                LossOps.DEFAULT_IGNORE_INDEX, 0));
        fn("cross_entropy_smoothing_no_weight", x -> Functional.crossEntropy(x.get(0), ix(x.get(1)), null, Reduction.MEAN,
                LossOps.DEFAULT_IGNORE_INDEX, 0.25));
        fn("cross_entropy_probabilities", x -> Functional.crossEntropy(x.get(0), x.get(1).data(), x.get(2).data(), Reduction.MEAN,
                LossOps.DEFAULT_IGNORE_INDEX, 0.2));
        fn("nll_loss_weight_sum", x -> Variable.apply(new LossOps.NllLoss(Reduction.SUM, LossOps.DEFAULT_IGNORE_INDEX), x.get(0),
                ixv(x.get(1)), x.get(2)));
        fn("binary_cross_entropy", x -> Functional.binaryCrossEntropy(x.get(0), x.get(1), x.get(2), Reduction.MEAN));
        fn("bce_with_logits_pos_weight", x -> Functional.binaryCrossEntropyWithLogits(x.get(0), x.get(1), x.get(2), x.get(3), Reduction.SUM));
        fn("bce_with_logits", x -> Functional.binaryCrossEntropyWithLogits(x.get(0), x.get(1), null, null, Reduction.MEAN));
        fn("huber_loss", x -> Functional.huberLoss(x.get(0), x.get(1), Reduction.MEAN, 0.8));
        fn("smooth_l1_loss", x -> Functional.smoothL1Loss(x.get(0), x.get(1), Reduction.SUM, 0.5));
        fn("l1_loss", x -> Functional.l1Loss(x.get(0), x.get(1), Reduction.NONE));
        fn("kl_div_batchmean", x -> Functional.klDivBatchmean(x.get(0), x.get(1), false));
        fn("kl_div_log_target", x -> Functional.klDiv(x.get(0), x.get(1), Reduction.MEAN, true));
        fn("cosine_similarity", x -> Functional.cosineSimilarity(x.get(0), x.get(1), 1, 1e-8));
        fn("margin_ranking_loss", x -> Functional.marginRankingLoss(x.get(0), x.get(1), x.get(2), 0.3, Reduction.MEAN));
        for (Reduction red : Reduction.values()) {
            fn("cosine_embedding_loss_" + red.name().toLowerCase(java.util.Locale.ROOT),
                    x -> Functional.cosineEmbeddingLoss(x.get(0), x.get(1), x.get(2), -0.2, red));
        }
        fn("cosine_embedding_loss_unbatched", x -> Functional.cosineEmbeddingLoss(x.get(0), x.get(1), x.get(2), 0.1, Reduction.MEAN));
    }

    @TestFactory
    List<DynamicTest> valuesAndGradientsMatchPyTorch() throws IOException {
        List<TorchGradFixturesTest.Fixture> fixtures = TorchGradFixturesTest.load("/fixtures/index_fixtures.txt");
        assertEquals(FUNCTIONS.keySet(), new LinkedHashSet<>(fixtures.stream().map(TorchGradFixturesTest.Fixture::name).toList()),
                "every fixture has a function and every function a fixture");
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> TorchGradFixturesTest.check(f, FUNCTIONS.get(f.name()), TOL)))
                .toList();
    }

    /**
     * cosineEmbeddingLoss is a composition, so it is held to tighter bounds than the table's: PyTorch's float64 values and
     * gradients within 1e-12, and the same computed in float32 (inputs rounded) within 1e-6 of them.
     */
    @TestFactory
    List<DynamicTest> cosineEmbeddingLossMatchesPyTorchInFloat64AndFloat32() throws IOException {
        List<TorchGradFixturesTest.Fixture> fixtures = TorchGradFixturesTest.load("/fixtures/index_fixtures.txt").stream()
                .filter(f -> f.name().startsWith("cosine_embedding_loss")).toList();
        assertEquals(4, fixtures.size());
        List<DynamicTest> tests = new java.util.ArrayList<>();
        for (var f : fixtures) {
            Function<List<Variable>, Variable> fn = FUNCTIONS.get(f.name());
            tests.add(DynamicTest.dynamicTest(f.name() + " f64", () -> TorchGradFixturesTest.check(f, fn, 1e-12)));
            tests.add(DynamicTest.dynamicTest(f.name() + " f32", () -> {
                Variable a = new Variable(f.get("input 0 grad").to(DType.FLOAT32), true), b = new Variable(f.get("input 1 grad").to(DType.FLOAT32), true);
                Variable y = new Variable(f.get("input 2 const").to(DType.FLOAT32));
                Variable out = fn.apply(List.of(a, b, y));
                assertEquals(DType.FLOAT32, out.dtype());
                List<Variable> g = Autograd.grad(List.of(out), List.of(a, b), List.of(f.get("gout").to(DType.FLOAT32)), false);
                close(f.get("out"), out.data(), f.name() + " f32 value");
                close(f.get("grad 0"), g.get(0).data(), f.name() + " f32 gradient of x1");
                close(f.get("grad 1"), g.get(1).data(), f.name() + " f32 gradient of x2");
            }));
        }
        return tests;
    }

    private static void close(Tensor want, Tensor got, String what) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        double[] e = want.toDoubleArray(), a = got.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(e[i] - a[i]) <= 1e-6 * Math.max(1, Math.abs(e[i])),
                    what + ": element " + i + " expected " + e[i] + " (torch, f64) but was " + a[i]);
        }
    }
}
