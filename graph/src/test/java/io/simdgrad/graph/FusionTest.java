package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Value;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.Parallel;
import io.simdgrad.simd.Simd;
import io.simdgrad.simd.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elementwise fusion on hand-made graphs: which chains fuse, and that the fused executable gives
 * the unfused one's values bit for bit (the unfused executable runs each core op as eager code
 * does) over several tiles, a ragged last tile, single-element operands and special values.
 */
class FusionTest {
    static final int N = 2 * io.simdgrad.core.ops.Fused.TILE + 1003;

    static Ops.BinaryScalar scalar(BinaryOp op, double s, boolean reversed) {
        return new Ops.BinaryScalar(op, s, reversed);
    }

    /** x*1.5 + y, relu, * s (one element), 0.25 - ., tanh, square by itself, p / . : eight links. */
    static Graph chain(DType dt, Tensor p, boolean intermediateOut) {
        Graph.Builder b = Graph.builder();
        Value x = b.input(dt, 7, N / 7 + 1), y = b.input(dt, 7, N / 7 + 1), s = b.input(dt, 1);
        Value pv = b.param(p);
        Value a = b.apply(scalar(BinaryOp.MUL, 1.5, false), x);
        Value c = b.apply(Ops.Unary.of(UnaryOp.RELU), b.apply(Ops.Binary.of(BinaryOp.ADD), a, y));
        Value d = b.apply(Ops.Binary.of(BinaryOp.MUL), c, s);
        Value e = b.apply(Ops.Unary.of(UnaryOp.TANH), b.apply(scalar(BinaryOp.SUB, 0.25, true), d));
        Value f = b.apply(Ops.Binary.of(BinaryOp.MUL), e, e);
        Value h = b.apply(Ops.Binary.of(BinaryOp.DIV), pv, f);
        b.output(h);
        if (intermediateOut) b.output(c);
        return b.build().check();
    }

    static Tensor random(DType dt, Random r, int... shape) {
        int n = 1;
        for (int k : shape) n *= k;
        double[] v = new double[n];
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-40, -3e38, 1e-310};
        for (int i = 0; i < n; i++) v[i] = r.nextInt(50) == 0 ? special[r.nextInt(special.length)] : r.nextGaussian() * 3;
        Tensor t = Tensor.of(v, shape);
        return dt == DType.FLOAT32 ? t.to(DType.FLOAT32) : t;
    }

    static void assertBitsEqual(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i]) && !(Double.isNaN(e[i]) && Double.isNaN(a[i]))) {
                throw new AssertionError("element " + i + ": unfused " + e[i] + ", fused " + a[i]);
            }
        }
    }

    static List<Node> fusedNodes(Graph g) {
        List<Node> r = new ArrayList<>();
        for (Node n : g.nodes()) if (n.op() instanceof io.simdgrad.core.ops.Fused) r.add(n);
        return r;
    }

    @Test
    void eightLinksFuseIntoOneNodeWithEqualBits() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Random r = new Random(dt.ordinal());
            Tensor p = random(dt, r, 7, N / 7 + 1);
            Graph g = chain(dt, p, false);
            Graph fused = Passes.fuseElementwise(g).check();
            assertEquals(1, fused.nodes().size(), fused.toString());
            Node n = fusedNodes(fused).get(0);
            assertEquals(8, ((io.simdgrad.core.ops.Fused) n.op()).links().size());
            assertTrue(n.toString().contains("chain=[mul(#0, scalar=1.5), add(@, #1), relu(@), mul(@, #2), rsub(@, scalar=0.25), "
                    + "tanh(@), mul(@, @), div(#3, @)]"), n.toString());
            Executable plain = Executable.compile(g), fast = Executable.compile(fused);
            for (int call = 0; call < 3; call++) {
                List<Tensor> in = List.of(random(dt, r, 7, N / 7 + 1), random(dt, r, 7, N / 7 + 1), random(dt, r, 1));
                assertBitsEqual(plain.run(in).get(0), fast.run(in).get(0));
            }
        }
    }

    @Test
    void largeChainsSplitOverThreadsGiveTheSameBits() {
        int before = Simd.maxThreads();
        Simd.setMaxThreads(2);
        try {
            Random r = new Random(5);
            int n = 3 * Parallel.ELEMENTWISE_THRESHOLD + 77;
            Graph.Builder b = Graph.builder();
            Value x = b.input(DType.FLOAT32, n), y = b.input(DType.FLOAT32, n);
            Value a = b.apply(Ops.Unary.of(UnaryOp.SIGMOID), b.apply(Ops.Binary.of(BinaryOp.MUL), x, y));
            Graph g = b.output(b.apply(scalar(BinaryOp.POW, 1.5, false), b.apply(Ops.Binary.of(BinaryOp.SUB), y, a))).build();
            Graph fused = Passes.fuseElementwise(g);
            assertEquals(1, fusedNodes(fused).size(), fused.toString());
            List<Tensor> in = List.of(random(DType.FLOAT32, r, n), random(DType.FLOAT32, r, n));
            assertBitsEqual(Executable.compile(g).run(in).get(0), Executable.compile(fused).run(in).get(0));
        } finally {
            Simd.setMaxThreads(before);
        }
    }

    @Test
    void aValueWithAnotherUseEndsTheChain() {
        Random r = new Random(3);
        Tensor p = random(DType.FLOAT32, r, 7, N / 7 + 1);
        Graph g = chain(DType.FLOAT32, p, true);
        Graph fused = Passes.fuseElementwise(g).check();
        List<Node> f = fusedNodes(fused);
        assertEquals(2, f.size(), fused.toString());          // mul, add, relu | mul, rsub, tanh, mul, div
        assertEquals(3, ((io.simdgrad.core.ops.Fused) f.get(0).op()).links().size());
        List<Tensor> in = List.of(random(DType.FLOAT32, r, 7, N / 7 + 1), random(DType.FLOAT32, r, 7, N / 7 + 1), Tensor.of(new float[] {2}));
        List<Tensor> a = Executable.compile(g).run(in), b = Executable.compile(fused).run(in);
        assertBitsEqual(a.get(0), b.get(0));
        assertBitsEqual(a.get(1), b.get(1));
    }

    @Test
    void noChainAcrossAnInPlaceUpdateOrThroughAView() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 4, 5);
        Value w = b.param(Tensor.ones(4, 5));
        Value a = b.apply(Ops.Binary.of(BinaryOp.MUL), x, w);
        b.applyInPlace(new Ops.AddScaled(0.5), w, x);
        Value c = b.apply(Ops.Unary.of(UnaryOp.EXP), a);
        Value t = b.apply(new AsStrided(new int[] {5, 4}, new int[] {1, 5}, 0), c);
        Value d = b.apply(Ops.Unary.of(UnaryOp.NEG), b.apply(Ops.Unary.of(UnaryOp.SIN), t));
        Graph g = b.output(d).build().check();
        Graph fused = Passes.fuseElementwise(g).check();
        assertTrue(fusedNodes(fused).isEmpty(), fused.toString());
    }

    @Test
    void anOperandSharingTheResultMemoryIsReadBeforeItIsOverwritten() {
        Random r = new Random(4);
        Tensor x = random(DType.FLOAT32, r, N), y = random(DType.FLOAT32, r, N);
        Graph.Builder b = Graph.builder();
        Value xv = b.input(DType.FLOAT32, N), yv = b.input(DType.FLOAT32, N);
        Value out = b.apply(Ops.Binary.of(BinaryOp.SUB), b.apply(Ops.Unary.of(UnaryOp.SQUARE), xv), yv);
        Graph g = b.output(out).build();
        Node n = fusedNodes(Passes.fuseElementwise(g)).get(0);
        Tensor expected = x.square().sub(y);
        Tensor yCopy = y.copy();
        n.op().forward(new Tensor[] {x, yCopy}, yCopy);      // the result overwrites the second operand
        assertBitsEqual(expected, yCopy);
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(yCopy.shape()));
    }
}
