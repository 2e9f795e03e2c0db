package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.LossOps;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.simdgrad.core.GradCheckProperties.ANY;
import static io.simdgrad.core.GradCheckProperties.leaf;
import static io.simdgrad.core.GradCheckProperties.make;
import static io.simdgrad.core.GradCheckProperties.op;

/**
 * gradcheck and gradgradcheck of the indexing ops (random shapes, dims, strided inputs, random
 * INT64 indices with repeats), the norms and the losses: the tables {@link OpListTest} also runs.
 */
class IndexGradCheckProperties {

    /** Op classes of {@link IndexOps} with no gradient to check, and why (for {@link OpListTest}). */
    static final Map<Class<?>, String> NOT_DIFFERENTIABLE = Map.of(
            IndexOps.OneHot.class, "INT64 one-hot rows (IndexOpsTest checks the values)",
            IndexOps.DropoutMask.class, "the random mask of dropout; dropout's gradient is mul's (the dropout line runs it)",
            IndexOps.RandPerm.class, "a random INT64 permutation (IndexOpsTest)",
            IndexOps.RandInt.class, "random INT64 integers (IndexOpsTest)",
            IndexOps.Multinomial.class, "random INT64 category indices (MultinomialTest)",
            IndexOps.WrapIndex.class, "INT64 index arithmetic inside takeAlongDim (its line runs it)",
            IndexOps.Nonzero.class, "INT64 multi-indices (IndexOpsTest)",
            IndexOps.Unique.class, "sorted distinct values, piecewise constant (IndexOpsTest)");

    static int[] shape(Random r) {
        int[] s = new int[1 + r.nextInt(3)];
        for (int i = 0; i < s.length; i++) s[i] = 1 + r.nextInt(3);
        return s;
    }

    /** INT64 indices in [0, bound) of the given shape; repeats are likely (the point of the test). */
    static Tensor indices(Random r, int[] shape, int bound) {
        long[] v = new long[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(bound);
        return Tensor.of(v, shape);
    }

    /** An index shape for gather/scatter along {@code d} of a tensor of shape {@code xs}: no larger outside d. */
    static int[] gatherShape(Random r, int[] xs, int d, int maxAlong) {
        int[] is = xs.clone();
        for (int k = 0; k < is.length; k++) is[k] = k == d ? 1 + r.nextInt(maxAlong) : 1 + r.nextInt(xs[k]);
        return is;
    }

    /** Indices along {@code d} distinct within each line (a prefix of a permutation): scatter without duplicates. */
    static Tensor distinctAlong(Random r, int[] is, int d, int bound) {
        long[] v = new long[Shapes.numel(is)];
        int[] st = Shapes.contiguousStrides(is);
        for (int i = 0; i < v.length; i++) {
            if ((i / st[d]) % is[d] != 0) continue; // the line's first element fills the line
            List<Long> perm = new ArrayList<>();
            for (long c = 0; c < bound; c++) perm.add(c);
            Collections.shuffle(perm, r);
            for (int j = 0; j < is[d]; j++) v[i + j * st[d]] = perm.get(j);
        }
        return Tensor.of(v, is);
    }

    static final List<GradCheckProperties.OpTest> INDEXING = List.of(
            op("gather", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                Tensor idx = indices(r, gatherShape(r, xs, d, 4), xs[d]);
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).gather(d, new Variable(idx)), leaf(r, ANY, xs));
            }),
            op("scatterAdd", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                int[] is = gatherShape(r, xs, d, 4);
                Tensor idx = indices(r, is, xs[d]);
                int[] ss = is.clone();
                if (r.nextBoolean()) ss[d]++; // src may be larger than the index
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).scatterAdd(d, new Variable(idx), v.get(1)),
                        leaf(r, ANY, xs), leaf(r, ANY, ss));
            }),
            op("scatter", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                int[] is = gatherShape(r, xs, d, xs[d]);
                Tensor idx = distinctAlong(r, is, d, xs[d]);
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).scatter(d, new Variable(idx), v.get(1)),
                        leaf(r, ANY, xs), leaf(r, ANY, is));
            }),
            op("indexSelect", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length) - (r.nextBoolean() ? xs.length : 0);
                Tensor idx = indices(r, new int[] {1 + r.nextInt(4)}, xs[Math.floorMod(d, xs.length)]);
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).indexSelect(d, new Variable(idx)), leaf(r, ANY, xs));
            }),
            op("indexAdd", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                int m = 1 + r.nextInt(4);
                Tensor idx = indices(r, new int[] {m}, xs[d]);
                int[] ss = xs.clone();
                ss[d] = m;
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).indexAdd(d, new Variable(idx), v.get(1)),
                        leaf(r, ANY, xs), leaf(r, ANY, ss));
            }),
            op("indexAdd(skip) into zeros", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length), m = 1 + r.nextInt(4);
                Tensor idx = indices(r, new int[] {m}, xs[d]);
                long skip = idx.toLongArray()[0];
                int[] ss = xs.clone();
                ss[d] = m;
                return make("dim=" + d + ", index=" + idx + ", skip=" + skip,
                        v -> Variable.apply(new IndexOps.IndexAdd(d, xs, skip), new Variable(idx), v.get(0)), leaf(r, ANY, ss));
            }),
            op("embedding", r -> {
                int rows = 1 + r.nextInt(4);
                Tensor idx = indices(r, shape(r), rows);
                return make("index=" + idx, v -> Functional.embedding(idx, v.get(0)), leaf(r, ANY, rows, 1 + r.nextInt(3)));
            }),
            op("maskedFill", r -> {
                int[] xs = shape(r);
                int[] ms = TensorProperties.broadcastable(r, xs);
                Tensor mask = indices(r, ms, 2);
                double value = r.nextGaussian();
                return make("mask=" + mask + ", value=" + value, v -> v.get(0).maskedFill(new Variable(mask), value), leaf(r, ANY, xs));
            }),
            op("scatterReduce", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                int[] is = gatherShape(r, xs, d, 4);
                Tensor idx = indices(r, is, xs[d]);
                String red = new String[] {"sum", "mean", "amax", "amin", "prod"}[r.nextInt(5)];
                boolean inc = r.nextBoolean();
                // distinct values: no ties for amax/amin (the tie rule is checked against PyTorch's fixtures)
                double[] all = GradCheckProperties.DISTINCT.draw(r, Shapes.numel(xs) + Shapes.numel(is));
                // prod: sometimes a zero self (exact at zeros to any order; src zeros are in PyTorch's fixtures)
                if (red.equals("prod") && r.nextBoolean()) all[r.nextInt(Shapes.numel(xs))] = 0.0;
                Variable self = leaf(r, Arrays.copyOf(all, Shapes.numel(xs)), xs, false);
                Variable src = leaf(r, Arrays.copyOfRange(all, Shapes.numel(xs), all.length), is, false);
                return make("dim=" + d + ", index=" + idx + ", reduce=" + red + ", includeSelf=" + inc,
                        v -> v.get(0).scatterReduce(d, new Variable(idx), v.get(1), red, inc), self, src);
            }),
            op("indexCopy", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length), m = 1 + r.nextInt(xs[d]);
                Tensor idx = distinctAlong(r, new int[] {m}, 0, xs[d]);
                int[] ss = xs.clone();
                ss[d] = m;
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).indexCopy(d, new Variable(idx), v.get(1)), leaf(r, ANY, xs), leaf(r, ANY, ss));
            }),
            op("takeAlongDim", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                int[] is = gatherShape(r, xs, d, 4);
                long[] v0 = indices(r, is, xs[d]).toLongArray();
                for (int i = 0; i < v0.length; i++) if (r.nextBoolean()) v0[i] -= xs[d]; // negative: counted from the end
                Tensor idx = Tensor.of(v0, is);
                return make("dim=" + d + ", index=" + idx, v -> v.get(0).takeAlongDim(new Variable(idx), d), leaf(r, ANY, xs));
            }),
            op("maskedScatter", r -> {
                int[] xs = shape(r);
                Tensor mask = indices(r, TensorProperties.broadcastable(r, xs), 2);
                return make("mask=" + mask, v -> v.get(0).maskedScatter(new Variable(mask), v.get(1)),
                        leaf(r, ANY, xs), leaf(r, ANY, Shapes.numel(xs) + r.nextInt(2)));
            }),
            op("maskedSelect", r -> {
                int[] xs = shape(r);
                Tensor mask = indices(r, TensorProperties.broadcastable(r, xs), 2);
                return make("mask=" + mask, v -> v.get(0).maskedSelect(new Variable(mask)), leaf(r, ANY, xs));
            }),
            op("dropout", r -> {
                int[] xs = shape(r);
                long seed = r.nextLong();
                double p = r.nextDouble() * 0.8;
                // the same generator state on every call: gradcheck's function must be deterministic
                return make("p=" + p, v -> v.get(0).dropout(p, true, new Generator(seed)), leaf(r, ANY, xs));
            }));

    static final List<GradCheckProperties.OpTest> NORMS = List.of(
            op("layerNorm", r -> {
                int[] xs = shape(r);
                int k = 1 + r.nextInt(xs.length);
                int[] norm = Arrays.copyOfRange(xs, xs.length - k, xs.length);
                if (Shapes.numel(norm) < 2) {
                    norm = new int[] {2};
                    xs = new int[] {1 + r.nextInt(2), 2};
                }
                int[] ns = norm;
                boolean weighted = r.nextBoolean(), biased = r.nextBoolean();
                return make("normalized=" + str(ns) + ", weight=" + weighted + ", bias=" + biased,
                        v -> Functional.layerNorm(v.get(0), ns, weighted ? v.get(1) : null, biased ? v.get(2) : null, 1e-5),
                        leaf(r, ANY, xs), leaf(r, ANY, ns), leaf(r, ANY, ns));
            }),
            op("rmsNorm", r -> {
                int[] xs = shape(r);
                int[] norm = {xs[xs.length - 1]};
                boolean weighted = r.nextBoolean();
                return make("normalized=" + str(norm), v -> Functional.rmsNorm(v.get(0), norm, weighted ? v.get(1) : null, 1e-6),
                        leaf(r, GradCheckProperties.NONZERO, xs), leaf(r, ANY, norm));
            }),
            op("groupNorm", r -> {
                int g = 1 + r.nextInt(2), c = g * (1 + r.nextInt(2));
                int[] xs = r.nextBoolean() ? new int[] {1 + r.nextInt(2), c, 2 + r.nextInt(2)} : new int[] {1 + r.nextInt(2), c, 2, 1 + r.nextInt(2)};
                boolean affine = r.nextBoolean();
                return make("groups=" + g, v -> Functional.groupNorm(v.get(0), g, affine ? v.get(1) : null, affine ? v.get(2) : null, 1e-5),
                        leaf(r, ANY, xs), leaf(r, ANY, c), leaf(r, ANY, c));
            }),
            op("batchNorm", r -> {
                int c = 1 + r.nextInt(3);
                int[] xs = r.nextBoolean() ? new int[] {2 + r.nextInt(3), c} : new int[] {1 + r.nextInt(2), c, 2 + r.nextInt(2)};
                boolean training = r.nextInt(3) > 0;
                Tensor rm = Tensor.of(ANY.draw(r, c)), rv = Tensor.of(GradCheckProperties.POSITIVE.draw(r, c));
                return make("training=" + training, v -> {
                    // fresh copies of the running stats per call: gradcheck evaluates the function many times
                    return Functional.batchNorm(v.get(0), rm.copy(), rv.copy(), v.get(1), v.get(2), training, 0.1, 1e-5);
                }, leaf(r, ANY, xs), leaf(r, ANY, c), leaf(r, ANY, c));
            }));

    interface Loss {
        Variable apply(Variable input, Variable target, Reduction reduction);
    }

    /** A loss of {@code x - 0} whose second derivative jumps at |x| = 1: values 0.1 away from ±1. */
    static GradCheckProperties.Case kinkedLoss(Random r, Loss loss) {
        int[] xs = shape(r);
        Reduction red = reduction(r);
        Tensor t = Tensor.zeros(DType.FLOAT64, xs);
        return make(red.toString(), v -> loss.apply(v.get(0), new Variable(t), red), leaf(r, GradCheckProperties.offBounds(-1, 1), xs));
    }

    static Reduction reduction(Random r) {
        return Reduction.values()[r.nextInt(3)];
    }

    static final List<GradCheckProperties.OpTest> LOSSES = List.of(
            op("crossEntropy(weight, ignoreIndex, labelSmoothing)", r -> {
                int n = 1 + r.nextInt(3), c = 2 + r.nextInt(3);
                boolean nd = r.nextBoolean();
                int[] xs = nd ? new int[] {n, c, 2} : new int[] {n, c};
                int[] ts = nd ? new int[] {n, 2} : new int[] {n};
                Tensor t = indices(r, ts, c);
                long ignore = r.nextBoolean() ? LossOps.DEFAULT_IGNORE_INDEX : 1;
                long[] tl = t.toLongArray();
                if (tl[0] == ignore) tl[0] = 0; // one kept target: the mean is defined
                Tensor targets = Tensor.of(tl, ts);
                Tensor w = r.nextBoolean() ? null : Tensor.of(GradCheckProperties.POSITIVE.draw(r, c));
                double ls = r.nextBoolean() ? 0 : r.nextDouble() * 0.5;
                Reduction red = reduction(r);
                return make("targets=" + targets + ", weight=" + w + ", ignore=" + ignore + ", smoothing=" + ls + ", " + red,
                        v -> Functional.crossEntropy(v.get(0), targets, w, red, ignore, ls), leaf(r, ANY, xs));
            }),
            op("crossEntropy(probabilities)", r -> {
                int[] xs = {1 + r.nextInt(3), 2 + r.nextInt(3)};
                Tensor p = Tensor.of(GradCheckProperties.POSITIVE.draw(r, Shapes.numel(xs)), xs);
                Tensor probs = p.div(p.sum(1, true));
                double ls = r.nextBoolean() ? 0 : 0.3;
                Reduction red = reduction(r);
                return make("smoothing=" + ls + ", " + red, v -> Functional.crossEntropy(v.get(0), probs, null, red, LossOps.DEFAULT_IGNORE_INDEX, ls),
                        leaf(r, ANY, xs));
            }),
            op("binaryCrossEntropy", r -> {
                int[] xs = shape(r);
                Reduction red = reduction(r);
                boolean weighted = r.nextBoolean();
                return make(red + ", weight=" + weighted, v -> Functional.binaryCrossEntropy(v.get(0), v.get(1), weighted ? v.get(2) : null, red),
                        leaf(r, GradCheckProperties.uniform(0.1, 0.9), xs), leaf(r, GradCheckProperties.uniform(0, 1), xs),
                        leaf(r, GradCheckProperties.POSITIVE, xs));
            }),
            op("binaryCrossEntropyWithLogits", r -> {
                int[] xs = shape(r);
                Reduction red = reduction(r);
                boolean pw = r.nextBoolean();
                return make(red + ", posWeight=" + pw, v -> Functional.binaryCrossEntropyWithLogits(v.get(0), v.get(1), null, pw ? v.get(2) : null, red),
                        leaf(r, GradCheckProperties.NONZERO, xs), leaf(r, GradCheckProperties.uniform(0, 1), xs),
                        leaf(r, GradCheckProperties.POSITIVE, xs));
            }),
            op("huberLoss", r -> kinkedLoss(r, (x, t, red) -> Functional.huberLoss(x, t, red, 1.0))),
            op("smoothL1Loss", r -> kinkedLoss(r, (x, t, red) -> Functional.smoothL1Loss(x, t, red, 1.0))),
            op("l1Loss", r -> {
                int[] xs = shape(r);
                Reduction red = reduction(r);
                return make(red.toString(), v -> Functional.l1Loss(v.get(0), new Variable(Tensor.zeros(DType.FLOAT64, xs)), red),
                        leaf(r, GradCheckProperties.NONZERO, xs));
            }),
            op("klDiv", r -> {
                int[] xs = shape(r);
                boolean logTarget = r.nextBoolean(), batchmean = r.nextBoolean();
                Reduction red = reduction(r);
                return make("logTarget=" + logTarget + (batchmean ? ", batchmean" : ", " + red),
                        v -> batchmean ? Functional.klDivBatchmean(v.get(0), v.get(1), logTarget) : Functional.klDiv(v.get(0), v.get(1), red, logTarget),
                        leaf(r, ANY, xs), leaf(r, logTarget ? ANY : GradCheckProperties.POSITIVE, xs));
            }),
            op("cosineSimilarity", r -> {
                int[] xs = shape(r);
                int d = r.nextInt(xs.length);
                int[] ys = r.nextBoolean() ? xs : TensorProperties.broadcastable(r, xs);
                if (ys.length != xs.length) ys = xs;
                return make("dim=" + d, v -> Functional.cosineSimilarity(v.get(0), v.get(1), d, 1e-8), leaf(r, ANY, xs), leaf(r, ANY, ys));
            }),
            op("marginRankingLoss", r -> {
                int[] xs = shape(r);
                Reduction red = reduction(r);
                double[] y = new double[Shapes.numel(xs)];
                for (int i = 0; i < y.length; i++) y[i] = r.nextBoolean() ? 1 : -1;
                Tensor yt = Tensor.of(y, xs);
                // x1 - x2 from DISTINCT-like values: -y (x1 - x2) + margin stays off 0
                return make(red.toString(), v -> Functional.marginRankingLoss(v.get(0), v.get(1), new Variable(yt), 0.05, red),
                        leaf(r, GradCheckProperties.uniform(0.3, 1), xs), leaf(r, GradCheckProperties.uniform(-1, -0.3), xs));
            }));

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void normsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(NORMS, seed);
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void lossesPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(LOSSES, seed);
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void indexingOpsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(INDEXING, seed);
    }

    /** The tables, for {@link OpListTest}. */
    static List<List<GradCheckProperties.OpTest>> tables() {
        return List.of(INDEXING, NORMS, LOSSES);
    }

    static String str(int[] s) {
        return Arrays.toString(s);
    }
}
