package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.LossOps;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values of the indexing ops against naive loops over multi-indices (random shapes, dims,
 * strided inputs, repeated indices), their error messages (PyTorch 2.13's texts, see
 * {@code make_index_fixtures.py}), and that a failing op writes nothing.
 */
class IndexOpsTest {

    static int[] shape(Random r) {
        return IndexGradCheckProperties.shape(r);
    }

    static Tensor values(Random r, int[] shape, boolean strided) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = Math.round(r.nextGaussian() * 100) / 10.0;
        Tensor t = Tensor.of(v, shape);
        // a transposed copy read back through the transpose: same values, other strides
        return strided && shape.length > 1 ? t.transpose(0, shape.length - 1).contiguous().transpose(0, shape.length - 1) : t;
    }

    static Tensor indices(Random r, int[] shape, int bound) {
        return IndexGradCheckProperties.indices(r, shape, bound);
    }

    /** Row-major multi-index of flat position {@code i}. */
    static int[] unravel(int i, int[] shape) {
        int[] p = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            p[d] = i % shape[d];
            i /= shape[d];
        }
        return p;
    }

    static int flat(int[] q, int[] strides) {
        int f = 0;
        for (int k = 0; k < q.length; k++) f += q[k] * strides[k];
        return f;
    }

    static double at(Tensor t, int[] p) {
        return t.get(p);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void gatherAndTheScattersMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int[] xs = shape(r);
        int d = r.nextInt(xs.length);
        int[] is = IndexGradCheckProperties.gatherShape(r, xs, d, 5);
        Tensor x = values(r, xs, r.nextBoolean()), idx = indices(r, is, xs[d]), src = values(r, is, r.nextBoolean());
        int dim = r.nextBoolean() ? d : d - xs.length;

        Tensor g = x.gather(dim, idx);
        assertArrayEquals(is, g.shape());
        for (int i = 0; i < g.numel(); i++) {
            int[] p = unravel(i, is);
            int[] q = p.clone();
            q[d] = (int) idx.get(p);
            assertEquals(at(x, q), g.get(p), "gather at " + Arrays.toString(p));
        }
        double[] add = x.toDoubleArray(), set = x.toDoubleArray();
        int[] strides = Shapes.contiguousStrides(xs);
        for (int i = 0; i < idx.numel(); i++) {
            int[] p = unravel(i, is);
            int[] q = p.clone();
            q[d] = (int) idx.get(p);
            int flat = flat(q, strides);
            add[flat] += src.get(p);
            set[flat] = src.get(p);
        }
        assertArrayEquals(add, x.scatterAdd(dim, idx, src).toDoubleArray(), 1e-12);
        assertArrayEquals(set, x.scatter(dim, idx, src).toDoubleArray());
        boolean inc = r.nextBoolean();
        for (String red : new String[] {"sum", "prod", "mean", "amax", "amin"}) {
            double[] acc = x.toDoubleArray();
            int[] count = new int[acc.length];
            if (inc) Arrays.fill(count, 1);
            for (int i = 0; i < idx.numel(); i++) {
                int[] p = unravel(i, is);
                int[] q = p.clone();
                q[d] = (int) idx.get(p);
                int flat = flat(q, strides);
                double v = src.get(p);
                if (count[flat]++ == 0) {
                    acc[flat] = v;
                } else {
                    acc[flat] = switch (red) {
                        case "sum", "mean" -> acc[flat] + v;
                        case "prod" -> acc[flat] * v;
                        case "amax" -> Math.max(acc[flat], v);
                        default -> Math.min(acc[flat], v);
                    };
                }
            }
            if (red.equals("mean")) for (int i = 0; i < acc.length; i++) if (count[i] > 1) acc[i] /= count[i];
            assertArrayEquals(acc, x.scatterReduce(dim, idx, src, red, inc).toDoubleArray(), 1e-9, red + " includeSelf=" + inc);
        }
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void indexSelectAndIndexAddMatchNaiveLoops(@ForAll long seed) {
        Random r = new Random(seed);
        int[] xs = shape(r);
        int d = r.nextInt(xs.length), m = 1 + r.nextInt(5);
        Tensor x = values(r, xs, r.nextBoolean()), idx = indices(r, new int[] {m}, xs[d]);
        Tensor sel = x.indexSelect(d, idx);
        int[] ss = xs.clone();
        ss[d] = m;
        assertArrayEquals(ss, sel.shape());
        Tensor src = values(r, ss, r.nextBoolean());
        double[] add = x.toDoubleArray();
        int[] strides = Shapes.contiguousStrides(xs);
        for (int i = 0; i < sel.numel(); i++) {
            int[] p = unravel(i, ss);
            int[] q = p.clone();
            q[d] = (int) idx.get(p[d]);
            assertEquals(at(x, q), sel.get(p));
            int flat = flat(q, strides);
            add[flat] += src.get(p);
        }
        assertArrayEquals(add, x.indexAdd(d, idx, src).toDoubleArray(), 1e-12);
    }

    @Test
    void theEagerOnlyOpsAndTheRest() {
        Tensor x = Tensor.of(new double[] {3, 0, 1, 3, Double.NaN, 0}, 2, 3);
        assertArrayEquals(new long[] {0, 0, 0, 2, 1, 0, 1, 1}, x.nonzero().toLongArray());
        assertArrayEquals(new int[] {4, 2}, x.nonzero().shape());
        assertArrayEquals(new double[] {0, 1, 3, Double.NaN}, x.unique().toDoubleArray());
        assertArrayEquals(new long[] {-2, 5, 7}, Tensor.of(new long[] {7, -2, 5, 7, -2}).unique().toLongArray());
        Tensor m = Tensor.of(new long[] {1, 0, 1});
        assertArrayEquals(new double[] {3, 1, 3, 0}, x.maskedSelect(m).toDoubleArray());
        assertArrayEquals(new double[] {10, 0, 11, 12, Double.NaN, 13},
                x.maskedScatter(m, Tensor.of(new double[] {10, 11, 12, 13, 14})).toDoubleArray());
        assertArrayEquals(new double[] {1, 3, 0, Double.NaN}, x.takeAlongDim(Tensor.of(new long[] {2, -3, -1, 1}, 2, 2), 1).toDoubleArray());
        assertArrayEquals(new double[] {8, 0, 9, 8, Double.NaN, 9},
                x.indexCopy(1, Tensor.of(new long[] {2, 0}), Tensor.of(new double[] {9, 8, 9, 8}, 2, 2)).toDoubleArray());
        fails(IllegalArgumentException.class, "Number of elements of source < number of ones in mask",
                () -> x.maskedScatter(m, Tensor.of(new double[] {1, 2, 3})));
        fails(IllegalArgumentException.class, "reduce argument must be either sum, prod, mean, amax or amin, got max",
                () -> x.scatterReduce(1, Tensor.of(new long[] {0}, 1, 1), x, "max", true));
        fails(IndexOutOfBoundsException.class, "index 3 is out of bounds for dimension 1 with size 3",
                () -> x.takeAlongDim(Tensor.of(new long[] {3}, 1, 1), 1));
    }

    static void fails(Class<? extends Throwable> type, String text, Runnable r) {
        Throwable e = assertThrows(type, r::run);
        assertTrue(e.getMessage().contains(text), "expected '" + text + "' in: " + e.getMessage());
    }

    @Test
    void embeddingPicksRowsAndPaddingRowsGetNoGradient() {
        Variable w = new Variable(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2), true);
        Tensor idx = Tensor.of(new long[] {2, 0, 2, 1}, 2, 2);
        Variable e = Functional.embedding(idx, w, -1); // padding row 2
        assertArrayEquals(new int[] {2, 2, 2}, e.shape());
        assertArrayEquals(new double[] {5, 6, 1, 2, 5, 6, 3, 4}, e.data().toDoubleArray());
        e.mul(new Variable(Tensor.arange(8).to(DType.FLOAT64).reshape(2, 2, 2))).sum().backward();
        assertArrayEquals(new double[] {2, 3, 6, 7, 0, 0}, w.grad().toDoubleArray());
        var ex = assertThrows(IllegalArgumentException.class, () -> Functional.embedding(idx, w, 3));
        assertTrue(ex.getMessage().contains("Padding_idx must be within num_embeddings"), ex.getMessage());
    }

    @Test
    void oneHotAndMaskedFill() {
        Tensor oh = Functional.oneHot(Tensor.of(new long[] {0, 2, 1}), 3);
        assertEquals(DType.INT64, oh.dtype());
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 1, 0, 1, 0}, oh.toLongArray());
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor m = Tensor.of(new long[] {1, 0, 1});
        assertArrayEquals(new double[] {-1, 2, -1, -1, 5, -1}, x.maskedFill(m, -1).toDoubleArray());
        Tensor lm = Tensor.of(new long[] {5, 6, 7}).maskedFill(Tensor.of(new float[] {0, 1, 0}), 9);
        assertArrayEquals(new long[] {5, 9, 7}, lm.toLongArray());
    }

    @Test
    void randpermIsAPermutationAndRandintStaysInRange() {
        Generator g = new Generator(5);
        long[] p = Tensor.randperm(g, 50).toLongArray();
        long[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        assertTrue(!Arrays.equals(p, sorted), "a permutation of 50 drawn as the identity");
        assertArrayEquals(p, Tensor.randperm(new Generator(5), 50).toLongArray(), "the same seed, the same permutation");
        long[] ri = Tensor.randint(g, -3, 4, 1000).toLongArray();
        int[] seen = new int[7];
        for (long v : ri) seen[(int) v + 3]++;
        for (int c : seen) assertTrue(c > 100 && c < 200, Arrays.toString(seen));
        assertEquals(0, Tensor.randperm(g, 0).numel());
    }

    @Test
    void dropoutZeroesAboutPAndScalesTheRest() {
        Tensor x = Tensor.ones(DType.FLOAT32, 10000);
        Tensor y = x.dropout(0.3, true, new Generator(1));
        int zeros = 0;
        for (float v : y.toFloatArray()) {
            if (v == 0) zeros++;
            else assertEquals((float) (1 / 0.7), v);
        }
        assertTrue(zeros > 2800 && zeros < 3200, "zeros " + zeros);
        assertTrue(x.dropout(0.3, false, new Generator(1)) == x, "eval: the input itself");
        assertArrayEquals(new float[10000], x.dropout(1, true, new Generator(1)).toFloatArray());
        var e = assertThrows(IllegalArgumentException.class, () -> x.dropout(1.5, false, new Generator(1)));
        assertEquals("dropout: dropout probability has to be between 0 and 1, but got 1.5", e.getMessage());
    }

    // ------------------------------------------------------------------ errors (PyTorch 2.13's texts)

    /** The calls of {@code index_errors.txt}, by name: each must fail with PyTorch's text in its message. */
    static Map<String, Runnable> errorCases() {
        Tensor x = Tensor.arange(6).to(DType.FLOAT64).reshape(2, 3);
        Tensor z = Tensor.zeros(DType.FLOAT64, 2, 3), one = Tensor.ones(DType.FLOAT64, 1, 2);
        Map<String, Runnable> m = new LinkedHashMap<>();
        m.put("gather_negative", () -> x.gather(1, Tensor.of(new long[] {0, -1}, 1, 2)));
        m.put("gather_too_large", () -> x.gather(1, Tensor.of(new long[] {0, 3}, 1, 2)));
        m.put("gather_rank", () -> x.gather(1, Tensor.of(new long[] {0, 1})));
        m.put("scatter_add_too_large", () -> z.scatterAdd(1, Tensor.of(new long[] {0, 3}, 1, 2), one));
        m.put("scatter_add_index_shape", () -> z.scatterAdd(1, Tensor.of(new long[] {0, 1, 2, 0}, 1, 4), one));
        m.put("scatter_too_large", () -> z.scatter(1, Tensor.of(new long[] {0, 3}, 1, 2), one));
        m.put("index_select_matrix", () -> x.indexSelect(1, Tensor.of(new long[] {0, 1}, 1, 2)));
        m.put("index_add_count", () -> x.indexAdd(1, Tensor.of(new long[] {0, 1}), Tensor.ones(DType.FLOAT64, 2, 3)));
        m.put("index_add_too_large", () -> x.indexAdd(1, Tensor.of(new long[] {0, 3}), Tensor.ones(DType.FLOAT64, 2, 2)));
        m.put("embedding_padding", () -> Functional.embedding(Tensor.of(new long[] {0, 1}), new Variable(Tensor.ones(3, 2)), 5));
        m.put("one_hot_too_large", () -> Functional.oneHot(Tensor.of(new long[] {0, 3}), 3));
        m.put("one_hot_negative", () -> Functional.oneHot(Tensor.of(new long[] {0, -1}), 3));
        m.put("masked_fill_shape", () -> x.maskedFill(Tensor.of(new long[] {1, 0}), 1));
        m.put("dropout_p", () -> x.dropout(1.5, true, new Generator(1)));
        m.put("randint_range", () -> Tensor.randint(new Generator(1), 5, 3, 2));
        m.put("randperm_negative", () -> Tensor.randperm(new Generator(1), -1));
        m.put("layer_norm_shape", () -> Functional.layerNorm(new Variable(x), new int[] {2}, null, null, 1e-5));
        m.put("group_norm_groups", () -> Functional.groupNorm(new Variable(Tensor.ones(2, 4, 3)), 3, null, null, 1e-5));
        m.put("batch_norm_running", () -> Functional.batchNorm(new Variable(Tensor.ones(2, 4, 3)), Tensor.zeros(3), Tensor.ones(3), null, null,
                true, 0.1, 1e-5));
        m.put("batch_norm_one_value", () -> Functional.batchNorm(new Variable(Tensor.ones(1, 4)), Tensor.zeros(4), Tensor.ones(4), null, null,
                true, 0.1, 1e-5));
        m.put("cross_entropy_weight", () -> Functional.crossEntropy(new Variable(Tensor.ones(2, 3)), Tensor.of(new long[] {0, 1}), Tensor.ones(2),
                Reduction.MEAN, LossOps.DEFAULT_IGNORE_INDEX, 0));
        m.put("cosine_embedding_loss_rank", () -> Functional.cosineEmbeddingLoss(new Variable(Tensor.ones(3, 4, 2)), new Variable(Tensor.ones(3, 4, 2)),
                new Variable(Tensor.ones(3)), 0, Reduction.MEAN));
        m.put("cross_entropy_smoothing", () -> Functional.crossEntropy(new Variable(Tensor.ones(2, 3)), Tensor.of(new long[] {0, 1}), null,
                Reduction.MEAN, LossOps.DEFAULT_IGNORE_INDEX, 1.5));
        Generator g = new Generator(3);
        m.put("multinomial_rank", () -> Tensor.ones(2, 2, 2).multinomial(g, 1, false));
        m.put("multinomial_no_samples", () -> Tensor.ones(3).multinomial(g, 0, false));
        m.put("multinomial_too_many", () -> Tensor.ones(3).multinomial(g, 4, false));
        m.put("multinomial_negative", () -> Tensor.of(new float[] {0.1f, -1}).multinomial(g, 1, false));
        m.put("multinomial_nan", () -> Tensor.of(new float[] {0.1f, Float.NaN}).multinomial(g, 1, false));
        m.put("multinomial_inf", () -> Tensor.of(new float[] {1, Float.POSITIVE_INFINITY}).multinomial(g, 1, false));
        m.put("multinomial_zero_sum", () -> Tensor.zeros(2, 3).multinomial(g, 1, true));
        m.put("multinomial_int64", () -> Tensor.of(new long[] {1, 2}).multinomial(g, 1, false));
        m.put("bce_input_above_one", () -> bce(new float[] {0.5f, 1.5f}, new float[] {1, 0}));
        m.put("bce_input_negative", () -> bce(new float[] {-0.1f, 0.5f}, new float[] {1, 0}));
        m.put("bce_input_nan", () -> bce(new float[] {Float.NaN, 0.5f}, new float[] {1, 0}));
        m.put("bce_target_above_one", () -> bce(new float[] {0.5f}, new float[] {1.5f}));
        return m;
    }

    private static void bce(float[] x, float[] t) {
        Functional.binaryCrossEntropy(new Variable(Tensor.of(x)), new Variable(Tensor.of(t)), null, Reduction.MEAN);
    }

    @Test
    void errorsCarryPyTorchsText() throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        try (var in = IndexOpsTest.class.getResourceAsStream("/fixtures/index_errors.txt");
             var br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = br.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] kv = line.split("\t", 2);
                texts.put(kv[0], kv[1]);
            }
        }
        Map<String, Runnable> cases = errorCases();
        assertEquals(texts.keySet(), cases.keySet(), "every PyTorch error text has a call and every call a text");
        for (var e : texts.entrySet()) {
            // Python's op prefixes and Size printing are not ours: "index_select(): X" is "indexSelect: X", torch.Size([1, 4]) is [1, 4]
            String want = e.getValue().replaceFirst("^\\w+\\(\\): ", "").replace("torch.Size(", "").replaceAll("\\]\\)$", "]");
            RuntimeException ex = assertThrows(RuntimeException.class, cases.get(e.getKey())::run, e.getKey());
            assertTrue(ex.getMessage().contains(want), e.getKey() + ": expected PyTorch's '" + want + "' in: " + ex.getMessage());
        }
    }

    @Test
    void aBadIndexAfterGoodOnesWritesNothing() {
        Variable w = new Variable(Tensor.ones(DType.FLOAT64, 3, 2), true);
        assertThrows(IndexOutOfBoundsException.class, () -> Functional.embedding(Tensor.of(new long[] {0, 1, 7}), w));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, w.data().toDoubleArray());
        assertEquals(null, w.grad());
        Tensor rm = Tensor.zeros(4);
        assertThrows(IllegalArgumentException.class, () -> Functional.batchNorm(new Variable(Tensor.ones(1, 4)), rm, Tensor.ones(4), null, null,
                true, 0.1, 1e-5));
        assertArrayEquals(new float[4], rm.toFloatArray(), "running stats untouched by a failed batchNorm");
    }
}
