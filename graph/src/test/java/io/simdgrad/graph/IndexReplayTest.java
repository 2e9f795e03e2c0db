package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Indexing ops, dropout and the generator ops inside compiled functions: every replay takes new
 * index values as inputs and equals the eager run bit for bit; dropout, randperm and randint draw
 * from their generator on every replay exactly as the eager code does with a generator of the
 * same seed (none is merged, folded or removed by the passes).
 */
class IndexReplayTest {

    /** Runs {@code step} eagerly and compiled on the same inputs {@code calls} times, checking the outputs bit for bit. */
    static CompiledFunction assertReplaysLikeEager(Function<List<Tensor>, List<Tensor>> eager, Function<List<Tensor>, List<Tensor>> compiled,
                                                   Function<Integer, List<Tensor>> inputs, int calls) {
        CompiledFunction f = Graphs.compile(compiled);
        for (int i = 0; i < calls; i++) {
            List<Tensor> in = inputs.apply(i);
            List<Tensor> e = eager.apply(in), c = f.call(in);
            assertEquals(e.size(), c.size());
            for (int k = 0; k < e.size(); k++) {
                assertArrayEquals(e.get(k).shape(), c.get(k).shape(), "call " + i + ", output " + k);
                assertArrayEquals(e.get(k).toDoubleArray(), c.get(k).toDoubleArray(), "call " + i + ", output " + k);
            }
        }
        assertTrue(f.replayCount() >= calls - 2, "replays: " + f.replayCount());
        assertTrue(f.warnings().isEmpty(), f.warnings().toString());
        return f;
    }

    @Test
    void indexOpsForwardAndBackwardReplayOnNewIndices() {
        Tensor w0 = Tensor.randn(new Generator(3), 5, 4).to(DType.FLOAT64);
        Function<List<Tensor>, List<Tensor>> step = in -> {
            Variable w = new Variable(w0, true);
            Tensor idx = in.get(0), rows = in.get(1), mask = in.get(2);
            Variable e = Functional.embedding(rows, w, 1);
            Variable g = w.gather(1, new Variable(idx));
            Variable s = w.scatterAdd(1, new Variable(idx), g.mul(2.0)).indexSelect(0, new Variable(rows));
            Variable loss = e.sum().add(s.maskedFill(new Variable(mask), 0.5).square().sum());
            List<Variable> grads = Autograd.grad(List.of(loss), List.of(w), null, false);
            return List.of(loss.data(), grads.get(0).data(), Functional.oneHot(rows, 5));
        };
        Generator data = new Generator(9);
        assertReplaysLikeEager(step, step, i -> List.of(Tensor.randint(data, 0, 4, 5, 3), Tensor.randint(data, 0, 5, 6),
                Tensor.randint(data, 0, 2, 6, 4)), 12);
    }

    @Test
    void dropoutRandpermRandintAndMultinomialDrawAfreshOnEveryReplayAsEagerDoes() {
        Generator ge = new Generator(42), gc = new Generator(42);
        Function<Generator, Function<List<Tensor>, List<Tensor>>> make = gen -> in -> {
            Variable x = new Variable(in.get(0), true);
            Variable y = x.dropout(0.4, true, gen);
            Variable z = x.dropout(0.4, true, gen); // the same op on the same input: must not be merged
            x.dropout(0.5, true, gen); // unused: must still draw
            Variable loss = y.mul(z).sum();
            loss.backward();
            Tensor perm = Tensor.randperm(gen, 7);
            Tensor ints = Tensor.randint(gen, -2, 9, 3);
            // multinomial of the input's (non-negative) values: new weights and new draws each call
            Tensor w = in.get(0).abs();
            return List.of(y.data(), z.data(), x.grad(), perm, ints, w.multinomial(gen, 3, true), w.multinomial(gen, 4, false));
        };
        Generator data = new Generator(1);
        CompiledFunction f = assertReplaysLikeEager(make.apply(ge), make.apply(gc), i -> List.of(Tensor.randn(data, 6, 5)), 30);
        assertEquals(28, f.replayCount());
        assertEquals(ge.nextLong(), gc.nextLong(), "both generators advanced alike");
    }

    @Test
    void batchNormRunningStatsAreUpdatedOnEveryReplay() {
        Tensor rmE = Tensor.zeros(3), rvE = Tensor.ones(3), rmC = Tensor.zeros(3), rvC = Tensor.ones(3);
        Variable w = new Variable(Tensor.of(new float[] {1, 2, 3}), true), b = new Variable(Tensor.of(new float[] {0, 1, 0}), true);
        Function<Tensor[], Function<List<Tensor>, List<Tensor>>> make = stats -> in -> {
            Variable y = Functional.batchNorm(new Variable(in.get(0)), stats[0], stats[1], w, b, true, 0.1, 1e-5);
            return List.of(y.data());
        };
        Generator data = new Generator(4);
        List<Tensor> outs = new ArrayList<>();
        assertReplaysLikeEager(make.apply(new Tensor[] {rmE, rvE}), make.apply(new Tensor[] {rmC, rvC}), i -> {
            Tensor x = Tensor.randn(data, 8, 3, 2).add((double) i);
            outs.add(x);
            return List.of(x);
        }, 10);
        assertArrayEquals(rmE.toFloatArray(), rmC.toFloatArray());
        assertArrayEquals(rvE.toFloatArray(), rvC.toFloatArray());
        assertTrue(rmE.toFloatArray()[0] > 1, "the running mean moved toward the later batches' means");
    }

    @Test
    void captureRefusesOpsWhoseShapeDependsOnData() {
        CompiledFunction f = Graphs.compile(in -> List.of(in.get(0).maskedSelect(in.get(0).gt(0.0))));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> f.call(List.of(Tensor.of(new float[] {1, -1, 2}))));
        assertTrue(e.getMessage().contains("maskedSelect has a result whose shape depends on the values of its input"), e.getMessage());
        assertArrayEquals(new float[] {1, 2}, Tensor.of(new float[] {1, -1, 2}).maskedSelect(Tensor.of(new float[] {1, 0, 1})).toFloatArray(),
                "eagerly it works");
    }

    @Test
    void aReplayThatFailsAtAGuardAfterADropoutLeavesTheGeneratorAsEagerCodeWould() {
        Generator ge = new Generator(7), gc = new Generator(7);
        Function<Generator, Function<List<Tensor>, List<Tensor>>> make = gen -> in -> {
            Tensor y = in.get(0).dropout(0.5, true, gen);
            boolean positive = in.get(0).sum().gt(0.0).item() != 0; // a guard after the dropout
            return List.of(positive ? y.mul(2.0) : y.mul(3.0));
        };
        Function<List<Tensor>, List<Tensor>> eager = make.apply(ge);
        CompiledFunction f = Graphs.compile(make.apply(gc));
        for (int i = 0; i < 12; i++) {
            double sign = i % 3 == 2 ? -1 : 1; // every third call takes the other path: a failed guard, then a capture
            List<Tensor> in = List.of(Tensor.ones(16).mul(sign));
            assertArrayEquals(eager.apply(in).get(0).toFloatArray(), f.call(in).get(0).toFloatArray(), "call " + i);
        }
        assertEquals(ge.nextLong(), gc.nextLong());
    }
}
