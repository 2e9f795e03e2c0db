package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.ViewOps;
import io.simdgrad.graph.Graph.Kind;
import io.simdgrad.graph.Graph.Value;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Each pass and the buffer plan on hand-made graphs. */
class PassesTest {
    static final Ops.Binary ADD = Ops.Binary.of(BinaryOp.ADD);
    static final Ops.Binary MUL = Ops.Binary.of(BinaryOp.MUL);
    static final Ops.Unary EXP = Ops.Unary.of(UnaryOp.EXP);
    static final Ops.Unary NEG = Ops.Unary.of(UnaryOp.NEG);

    @Test
    void deadCodeGoesButGuardsAndParamUpdatesStay() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 4);
        Value w = b.param(Tensor.ones(4));
        Value unusedConst = b.constant(Tensor.ones(4));
        Value dead = b.apply(EXP, b.apply(ADD, x, unusedConst));
        Value y = b.apply(MUL, x, w);
        Value guarded = b.apply(new Ops.Reduce(Ops.ReduceKind.SUM, Ops.ALL, false), x);
        b.guard(guarded, 4);
        b.applyInPlace(new Ops.AddScaled(0.5), w, y);
        Graph g = b.output(y).build().check();
        Graph d = Passes.eliminateDeadCode(g).check();
        assertEquals(4, d.steps().size(), d.toString());   // mul, sum, guard, addScaledInPlace
        assertTrue(d.consts().isEmpty());
        assertEquals(1, d.params().size());
        assertFalse(d.toString().contains("exp"), d.toString());
        assertNotNull(dead);
    }

    @Test
    void commonSubexpressionsMergeOnlyForEqualOpsAndOperands() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 2, 3), y = b.input(DType.FLOAT32, 3);
        Value a1 = b.apply(ADD, x, y), a2 = b.apply(ADD, x, y), swapped = b.apply(ADD, y, x);
        Value s1 = b.apply(new Ops.BinaryScalar(BinaryOp.MUL, 2, false), a1);
        Value s2 = b.apply(new Ops.BinaryScalar(BinaryOp.MUL, 2, false), a2);
        Value s3 = b.apply(new Ops.BinaryScalar(BinaryOp.MUL, 3, false), a2);
        Graph g = b.output(s1).output(s2).output(s3).output(swapped).build().check();
        Graph c = Passes.eliminateCommonSubexpressions(g).check();
        assertEquals(4, c.nodes().size(), c.toString());    // add, add(swapped), mul 2, mul 3
        assertSame(c.outputs().get(0), c.outputs().get(1));
        assertNotSame(c.outputs().get(0), c.outputs().get(2));
        Tensor xt = Tensor.arange(6).reshape(2, 3), yt = Tensor.of(new float[] {1, 2, 3});
        List<Tensor> r = Executable.compile(c).run(List.of(xt, yt));
        assertArrayEquals(xt.add(yt).mul(3).toFloatArray(), r.get(2).toFloatArray());
    }

    @Test
    void equalViewsWithArrayAttributesMerge() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 2, 3);
        Value r1 = b.apply(new ViewOps.Reshape(new int[] {3, 2}, false), x), r2 = b.apply(new ViewOps.Reshape(new int[] {3, 2}, false), x);
        Value r3 = b.apply(new ViewOps.Reshape(new int[] {6}, false), x);
        Value p1 = b.apply(new ViewOps.Permute(new int[] {1, 0}, "permute"), x), p2 = b.apply(new ViewOps.Permute(new int[] {1, 0}, "permute"), x);
        Graph g = b.output(b.apply(ADD, r1, r2)).output(r3).output(b.apply(ADD, p1, p2)).build().check();
        Graph c = Passes.eliminateCommonSubexpressions(g).check();
        assertEquals(5, c.nodes().size(), c.toString()); // reshape [3, 2], reshape [6], permute, two adds
    }

    @Test
    void buildingAndCheckingAGraphAllocatesNoData() {
        // 1.6e9 floats per value: a graph whose shape rules ran on zero-filled tensors could not be built in the test JVM
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 40_000, 40_000);
        Value e = b.apply(Ops.Unary.of(UnaryOp.EXP), b.apply(new ViewOps.Permute(new int[] {1, 0}, "permute"), x));
        Graph g = b.output(b.apply(ADD, e, x)).build().check();
        assertEquals(3, g.nodes().size());
        Graph.Builder bad = Graph.builder();
        Value y = bad.input(DType.FLOAT32, 40_000, 3);
        assertThrows(RuntimeException.class, () -> bad.apply(ADD, y, bad.input(DType.FLOAT32, 4)));
    }

    /** An op record with an array component and no equals of its own: the record's equality compares the array by identity. */
    record CopyTagged(int[] tag) implements Op {
        @Override public String name() { return "copyTagged"; }
        @Override public int[] shape(Tensor[] in) { return in[0].shape(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) { Ops.copyContiguous(in[0].contiguous(), out); }
    }

    @Test
    void opsWithArrayComponentsMergeByContentWithoutTheirOwnEquals() {
        assertNotEquals(new CopyTagged(new int[] {1, 2}), new CopyTagged(new int[] {1, 2}));
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 4);
        Value c1 = b.apply(new CopyTagged(new int[] {1, 2}), x), c2 = b.apply(new CopyTagged(new int[] {1, 2}), x);
        Value c3 = b.apply(new CopyTagged(new int[] {2, 1}), x);
        Graph g = b.output(b.apply(ADD, c1, c2)).output(c3).build().check();
        Graph c = Passes.eliminateCommonSubexpressions(g).check();
        assertEquals(3, c.nodes().size(), c.toString()); // copyTagged [1, 2], copyTagged [2, 1], add
        Tensor xt = Tensor.of(new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {2, 4, 6, 8}, Executable.compile(c).run(List.of(xt)).get(0).toFloatArray());
    }

    @Test
    void constantsFoldWithTheOpsOwnDefinition() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 3);
        Value c1 = b.constant(Tensor.of(new float[] {1, 2, 3})), c2 = b.constant(Tensor.scalar(0.5f));
        Value folded = b.apply(EXP, b.apply(MUL, c1, c2));
        Value view = b.apply(new ViewOps.Unsqueeze(0), folded);
        b.guard(view, Math.exp(0.5f), Math.exp(1), Math.exp(1.5f));
        Value y = b.apply(ADD, x, view);
        Graph f = Passes.foldConstants(b.output(y).build().check()).check();
        assertEquals(1, f.nodes().size(), f.toString());
        assertTrue(f.guards().isEmpty(), "a guard on a const always passes");
        Value fv = f.consts().get(f.consts().size() - 1);
        assertEquals(Kind.CONST, fv.kind());
        assertEquals(view.id(), fv.id());
        Tensor expected = Tensor.of(new float[] {1, 2, 3}).mul(Tensor.scalar(0.5f)).exp().unsqueeze(0);
        assertArrayEquals(expected.toFloatArray(), fv.tensor().toFloatArray());
        Tensor xt = Tensor.of(new float[] {1, 1, 1});
        assertArrayEquals(xt.add(expected).toFloatArray(), Executable.compile(f).run(List.of(xt)).get(0).toFloatArray());
    }

    @Test
    void bufferPlanReusesDeadBuffersButNotOutputsOrLiveViewBases() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 4, 4);
        Value v = x;
        for (int i = 0; i < 10; i++) v = b.apply(i % 2 == 0 ? EXP : NEG, v);
        Value kept = v;                                         // an output: never reused
        Value a = b.apply(NEG, kept);
        Value t = b.apply(new ViewOps.Permute(new int[] {1, 0}, "t"), a);   // keeps a's buffer alive
        Value c = b.apply(EXP, x);
        Value d = b.apply(ADD, t, c);
        Graph g = b.output(kept).output(d).build().check();
        Executable ex = Executable.compile(g);
        // the chain in one buffer (in place), neg(kept), exp(x), and d (t's base is still live)
        assertTrue(ex.bufferCount() <= 4, "a chain of ten runs in place in one buffer: " + ex.bufferCount());
        assertTrue(ex.inPlaceSteps() >= 9, "in place: " + ex.inPlaceSteps());
        Tensor xt = Tensor.arange(16).reshape(4, 4).div(16);
        Tensor e = xt;
        for (int i = 0; i < 10; i++) e = i % 2 == 0 ? e.exp() : e.neg();
        List<Tensor> r = ex.run(List.of(xt));
        assertArrayEquals(e.toFloatArray(), r.get(0).toFloatArray());
        assertArrayEquals(e.neg().t().add(xt.exp()).toFloatArray(), r.get(1).toFloatArray());
        List<Tensor> again = ex.run(List.of(xt.mul(2)));
        assertNotSame(r.get(0), again.get(0));
        assertArrayEquals(e.toFloatArray(), r.get(0).toFloatArray(), "returned tensors are copies");
    }

    static final ViewOps.Permute SWAP = new ViewOps.Permute(new int[] {1, 0}, "t");

    @Test
    void transposedCopyOfAProductBecomesTheSwappedProductBitForBit() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 5, 7), y = b.input(DType.FLOAT32, 6, 7);
        Value w = b.param(Tensor.randn(new io.simdgrad.core.Generator(4), 5, 3));
        Value yt = b.apply(SWAP, y);                                 // [7, 6]: collapses with the new transpose
        Value r1 = b.apply(Ops.Copy.INSTANCE, b.apply(SWAP, b.apply(Ops.Matmul.INSTANCE, x, yt)));   // [6, 5]
        Value xt = b.apply(new ViewOps.Permute(new int[] {-1, -2}, "transpose"), x);                  // [7, 5]
        Value r2 = b.apply(Ops.Copy.INSTANCE, b.apply(SWAP, b.apply(Ops.Matmul.INSTANCE, xt, w)));    // [3, 7]
        Graph g = b.output(r1).output(r2).build().check();
        Graph t = Passes.eliminateDeadCode(Passes.transposeProducts(g)).check();
        assertFalse(t.toString().contains("contiguous"), t.toString());
        assertEquals(2, t.toString().split("matmul", -1).length - 1, t.toString());
        assertTrue(t.toString().contains("matmul(%" + y.id() + ", "), "transpose of a transpose reads y itself: " + t);
        io.simdgrad.core.Generator gen = new io.simdgrad.core.Generator(9);
        Tensor xv = Tensor.randn(gen, 5, 7), yv = Tensor.randn(gen, 6, 7);
        List<Tensor> eager = List.of(xv.matmul(yv.t()).t().contiguous(), xv.t().matmul(w.tensor()).t().contiguous());
        List<Tensor> replayed = Executable.compile(t).run(List.of(xv, yv));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(eager.get(i).shape(), replayed.get(i).shape());
            assertArrayEquals(eager.get(i).toFloatArray(), replayed.get(i).toFloatArray(), "output " + i + " bit for bit");
        }
    }

    @Test
    void transposedProductStaysWhenTheProductIsUsedOrAParamChangesBetween() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 3, 4);
        Value w = b.param(Tensor.ones(4, 2));
        Value m1 = b.apply(Ops.Matmul.INSTANCE, x, w);
        Value c1 = b.apply(Ops.Copy.INSTANCE, b.apply(SWAP, m1));          // m1 is returned too: stays
        Value m2 = b.apply(Ops.Matmul.INSTANCE, x, w);
        b.applyInPlace(new Ops.AddScaled(1), w, w);                          // w changes before the copy
        Value c2 = b.apply(Ops.Copy.INSTANCE, b.apply(SWAP, m2));
        Graph g = b.output(m1).output(c1).output(c2).build().check();
        assertSame(g, Passes.transposeProducts(g));
    }

    @Test
    void sgdUpdateByAProductBecomesOneAddmmInPlaceBitForBit() {
        io.simdgrad.core.Generator gen = new io.simdgrad.core.Generator(11);
        Tensor w0 = Tensor.randn(gen, 6, 5), xv = Tensor.randn(gen, 6, 9), yv = Tensor.randn(gen, 9, 5);
        Tensor w = w0.copy();
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 6, 9), y = b.input(DType.FLOAT32, 9, 5);
        Value pw = b.param(w);
        b.applyInPlace(new Ops.AddScaled(-0.1), pw, b.apply(Ops.Matmul.INSTANCE, x, y));
        Graph g = b.output(x).build().check();
        Graph f = Passes.eliminateDeadCode(Passes.fuseParamUpdates(g)).check();
        assertEquals(1, f.nodes().size(), f.toString());
        assertTrue(f.toString().contains("addmmInPlace(%" + pw.id() + ", %" + x.id() + ", %" + y.id() + ", alpha=-0.1)"), f.toString());
        Executable.compile(f).run(List.of(xv, yv));
        Tensor eager = w0.copy();
        eager.addScaledInPlace(xv.matmul(yv), -0.1);
        assertArrayEquals(eager.toFloatArray(), w.toFloatArray(), "bit for bit");
    }

    @Test
    void sgdUpdateStaysWhenTheProductReadsTheParamOrIsUsedElsewhere() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 4, 4);
        Value w = b.param(Tensor.ones(4, 4)), v = b.param(Tensor.ones(4, 4));
        b.applyInPlace(new Ops.AddScaled(-0.1), w, b.apply(Ops.Matmul.INSTANCE, b.apply(SWAP, w), x)); // reads w
        Value used = b.apply(Ops.Matmul.INSTANCE, x, x);
        b.applyInPlace(new Ops.AddScaled(-0.1), v, used);
        Graph g = b.output(used).build().check();
        assertSame(g, Passes.fuseParamUpdates(g));
    }

    @Test
    void stepsRunInPlaceOnlyOverOperandsThatDieThere() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 3, 4);
        Value e = b.apply(EXP, x);                       // x is an input: never overwritten
        Value sq = b.apply(MUL, e, e);                   // e * e: may overwrite e (same tensor twice)
        Value keep = b.apply(NEG, sq);                   // sq is read again below: not over sq
        Value t = b.apply(SWAP, keep);                   // a view of keep, read later
        Value r = b.apply(ADD, sq, keep);                // sq dies here: r may take sq's buffer
        Value u = b.apply(NEG, r);
        Value out = b.apply(ADD, u, b.apply(Ops.Copy.INSTANCE, b.apply(SWAP, t)));
        Graph g = b.output(out).output(e).build().check();   // e returned: never overwritten either
        Executable ex = Executable.compile(g);
        Tensor xv = Tensor.arange(12).reshape(3, 4).div(10);
        Tensor ev = xv.exp(), sv = ev.mul(ev), kv = sv.neg(), rv = sv.add(kv);
        Tensor expected = rv.neg().add(kv);
        for (int rep = 0; rep < 2; rep++) {
            List<Tensor> res = ex.run(List.of(xv));
            assertArrayEquals(expected.toFloatArray(), res.get(0).toFloatArray());
            assertArrayEquals(ev.toFloatArray(), res.get(1).toFloatArray());
        }
        assertArrayEquals(Tensor.arange(12).reshape(3, 4).div(10).toFloatArray(), xv.toFloatArray(), "the input is untouched");
        assertTrue(ex.inPlaceSteps() >= 2, "r over sq, u over r: " + ex.inPlaceSteps());
    }

    @Test
    void checkerFindsUnboundTwiceAssignedAndWrongShapes() {
        Graph.Builder b = Graph.builder();
        Value x = b.input(DType.FLOAT32, 2, 3);
        Value y = b.apply(EXP, x);
        Graph ok = b.output(y).build();
        assertTrue(ok.problems().isEmpty());
        Value stray = new Value(99, new int[] {2, 3}, DType.FLOAT32, Kind.NODE, null);
        Value wrong = new Value(5, new int[] {3, 2}, DType.FLOAT32, Kind.NODE, null);
        Graph bad = new Graph(List.of(x), List.of(), List.of(), List.of(
                new Graph.Node(y, EXP, new Value[] {x}, false),
                new Graph.Node(y, NEG, new Value[] {x}, false),
                new Graph.Node(wrong, EXP, new Value[] {stray}, false),
                new Graph.Node(new Value(6, new int[] {2, 3}, DType.FLOAT32, Kind.NODE, null), ADD, new Value[] {x, y}, false),
                new Graph.Node(new Value(7, new int[] {3, 2}, DType.FLOAT32, Kind.NODE, null), NEG, new Value[] {x}, false)),
                List.of(stray));
        List<String> p = bad.problems();
        assertEquals(4, p.size(), String.join("\n", p));
        assertTrue(p.get(0).contains("%1 is assigned twice"), p.get(0));
        assertTrue(p.get(1).contains("operand %99 is not defined here"), p.get(1));
        assertTrue(p.get(2).contains("%7 = neg(%0) : f32[3, 2]: the op's shape rule gives f32[2, 3]"), p.get(2));
        assertTrue(p.get(3).contains("return %99: not defined"), p.get(3));
        assertThrows(IllegalStateException.class, bad::check);
    }
}
