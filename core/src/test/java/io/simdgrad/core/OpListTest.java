package io.simdgrad.core;

import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Tracer;
import io.simdgrad.core.ops.ConvOps;
import io.simdgrad.core.ops.ElementwiseOps;
import io.simdgrad.core.ops.Fused;
import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.LinalgOps;
import io.simdgrad.core.ops.LossOps;
import io.simdgrad.core.ops.NormOps;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.PoolOps;
import io.simdgrad.core.ops.ReduceOps;
import io.simdgrad.core.ops.ScanOps;
import io.simdgrad.core.ops.SortOps;
import io.simdgrad.core.ops.ViewOps;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The op list is tested as a list: every op definition in core (each class implementing
 * {@link Op} in {@link Ops}, {@link ViewOps}, {@link LossOps}, and every kind of the unary and
 * binary families) runs in the gradcheck/gradgradcheck tables of {@link GradCheckProperties},
 * or is listed here as not differentiable, with the reason. An op cannot land untested.
 */
class OpListTest {
    /** Op classes that have no gradient to check, and why (their values are tested elsewhere). */
    static final Map<Class<?>, String> NOT_DIFFERENTIABLE = merged(merged(IndexGradCheckProperties.NOT_DIFFERENTIABLE, Map.of(
            PoolOps.MaxPoolIndices.class, "max pooling's int64 argmax (ConvProperties checks it against naive loops)",
            PoolOps.AdaptiveMaxPoolIndices.class, "adaptive max pooling's int64 argmax (ConvTorchFixturesTest's tied case checks where PyTorch sends the gradient)",
            SortOps.IndexOf.class, "INT64 indices of argmin/argsort/topk/kthvalue/median (SortFixturesTest and ReduceScanProperties check them)",
            LinalgOps.LuPivots.class, "int64 pivots of luFactor (LinalgProperties checks luSolve with them against solve)")), Map.of(
            Ops.Compare.class, "comparisons give 0/1 masks (TensorProperties checks their values)",
            Ops.CompareScalar.class, "comparisons give 0/1 masks",
            Ops.Fill.class, "an in-place fill of constants",
            Ops.AddScaled.class, "the optimisers' in-place update self += alpha * other (addScaledInPlace), run under noGrad",
            Ops.CopyInto.class, "in-place copy_; its gradient-carrying form is contiguous/copy",
            Ops.Addmm.class, "compile-time fusion of addScaled(matmul) in graphs (PassesTest checks it equals the two steps)",
            LossOps.NllLossBackward.class, "the gradient of nllLoss; gradgradcheck of nllLoss differentiates it",
            Ops.LogSoftmaxBackward.class, "logSoftmax's first-order gradient (gradcheck of logSoftmax runs it; gradgradcheck the op-written form)",
            Fused.class, "compile-time fusion of elementwise chains (FusionTest checks it equals the ops one by one)"));

    private static Map<Class<?>, String> merged(Map<Class<?>, String> a, Map<Class<?>, String> b) {
        Map<Class<?>, String> r = new java.util.HashMap<>(a);
        r.putAll(b);
        return Map.copyOf(r);
    }

    /** Unary kinds that give 0/1 masks, like the comparisons (ElementwiseFixturesTest checks their values against PyTorch). */
    static final Set<UnaryOp> MASK_KINDS = Set.of(UnaryOp.ISNAN, UnaryOp.ISINF, UnaryOp.ISFINITE);

    /** Records the class and name of every op that passes the dispatch point. */
    static final class Recorder implements Tracer {
        final Set<Class<?>> classes = new HashSet<>();
        final Set<String> kinds = new HashSet<>();

        @Override public void onOp(Op op, Tensor[] in, Tensor out) {
            classes.add(op.getClass());
            if (op instanceof Ops.Unary u) kinds.add("unary " + u.kind());
            if (op instanceof Ops.Binary b) kinds.add("binary " + b.kind());
            if (op instanceof ElementwiseOps.Ternary t) kinds.add("ternary " + t.kind());
        }

        @Override public void onInPlace(Op op, Tensor self, Tensor[] rest) {
            classes.add(op.getClass());
        }

        @Override public void onRead(Tensor t) {}
    }

    static List<Class<?>> opClasses() {
        List<Class<?>> r = new ArrayList<>();
        for (Class<?> holder : new Class<?>[] {Ops.class, ViewOps.class, LossOps.class, ElementwiseOps.class, IndexOps.class, LinalgOps.class,
                ReduceOps.class, SortOps.class, ScanOps.class, ConvOps.class, PoolOps.class, NormOps.class}) {
            for (Class<?> c : holder.getDeclaredClasses()) {
                if (Op.class.isAssignableFrom(c) && !c.isInterface() && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())) r.add(c);
            }
        }
        r.add(Fused.class);
        return r;
    }

    @Test
    void everyOpDefinitionRunsInTheGradcheckTablesOrIsMarkedNotDifferentiable() {
        Recorder rec = new Recorder();
        List<List<GradCheckProperties.OpTest>> tables = new ArrayList<>(List.of(GradCheckProperties.ELEMENTWISE, GradCheckProperties.REDUCTIONS,
                GradCheckProperties.LINEAR_ALGEBRA, GradCheckProperties.VIEWS, GradCheckProperties.JOINS));
        tables.addAll(IndexGradCheckProperties.tables());
        tables.add(LinalgGradCheckProperties.LINALG);
        tables.add(LinalgGradCheckProperties.DECOMPOSITIONS);
        tables.add(GradCheckProperties.SORTS_AND_SCANS);
        tables.add(ConvGradCases.CONV);
        try (var tracing = Dispatch.trace(rec)) {
            for (long seed = 0; seed < 20; seed++) {
                for (List<GradCheckProperties.OpTest> table : tables) GradCheckProperties.checkAll(table, seed);
            }
        }
        Set<String> missing = new TreeSet<>();
        for (Class<?> c : opClasses()) {
            if (!rec.classes.contains(c) && !NOT_DIFFERENTIABLE.containsKey(c)) missing.add(c.getName());
        }
        for (UnaryOp k : UnaryOp.values()) if (!rec.kinds.contains("unary " + k) && !MASK_KINDS.contains(k)) missing.add("unary " + k);
        for (BinaryOp k : BinaryOp.values()) if (!rec.kinds.contains("binary " + k)) missing.add("binary " + k);
        for (ElementwiseOps.TernaryKind k : ElementwiseOps.TernaryKind.values()) if (!rec.kinds.contains("ternary " + k)) missing.add("ternary " + k);
        assertTrue(missing.isEmpty(), "op definitions with no line in GradCheckProperties' tables (add one, or mark them here with a reason): "
                + missing);
        for (Class<?> c : NOT_DIFFERENTIABLE.keySet()) assertTrue(opClasses().contains(c), "stale entry " + c);
    }

    @Test
    void aMissingOpIsReported() {
        // the check can fail: an op class no table runs is found
        Recorder rec = new Recorder();
        try (var tracing = Dispatch.trace(rec)) {
            GradCheckProperties.checkAll(GradCheckProperties.VIEWS, new Random(1).nextLong());
        }
        assertTrue(!rec.classes.contains(Ops.Matmul.class) && rec.classes.contains(ViewOps.Narrow.class), rec.classes.toString());
    }
}
