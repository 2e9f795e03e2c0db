package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
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
            IndexOps.RandInt.class, "random INT64 integers (IndexOpsTest)");

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
            op("dropout", r -> {
                int[] xs = shape(r);
                long seed = r.nextLong();
                double p = r.nextDouble() * 0.8;
                // the same generator state on every call: gradcheck's function must be deterministic
                return make("p=" + p, v -> v.get(0).dropout(p, true, new Generator(seed)), leaf(r, ANY, xs));
            }));

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void indexingOpsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        GradCheckProperties.checkAll(INDEXING, seed);
    }

    /** The tables, for {@link OpListTest}. */
    static List<List<GradCheckProperties.OpTest>> tables() {
        return List.of(INDEXING);
    }

    static String str(int[] s) {
        return Arrays.toString(s);
    }
}
