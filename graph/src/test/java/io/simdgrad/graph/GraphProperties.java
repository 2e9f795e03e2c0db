package io.simdgrad.graph;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random programs (elementwise ops with broadcasting, scalar ops, reductions, matmul, views,
 * reused values, then backward) compiled on one set of inputs and replayed on fresh ones give
 * exactly the values and gradients of eager execution, with elementwise fusion on (the default).
 */
class GraphProperties {
    /** A program: the seed that picks its ops and the input shapes. */
    record Program(long seed, int steps, int m, int n, int k) {
        /** Runs the program eagerly on {@code in} (three tensors), with backward; returns values and gradients. */
        List<Tensor> run(List<Tensor> in) {
            Random r = new Random(seed);
            List<Variable> leaves = new ArrayList<>();
            List<Variable> pool = new ArrayList<>();
            for (Tensor t : in) {
                Variable v = new Variable(t, true);
                leaves.add(v);
                pool.add(v);
            }
            for (int s = 0; s < steps; s++) {
                Variable a = pool.get(r.nextInt(pool.size()));
                Variable b = pool.get(r.nextInt(pool.size()));
                Variable out = switch (r.nextInt(11)) {
                    case 0 -> a.tanh();
                    case 1 -> a.sigmoid();
                    case 2 -> a.relu().add(0.25);
                    case 3 -> a.mul(1.5).sub(0.5);
                    case 4 -> broadcasts(a, b) ? a.add(b) : a.neg();
                    case 5 -> broadcasts(a, b) ? a.mul(b) : a.square();
                    case 6 -> broadcasts(a, b) ? a.sub(b).abs() : a.exp();
                    case 7 -> a.dim() >= 1 ? a.sum(r.nextInt(a.dim()), r.nextBoolean()) : a.mul(2);
                    case 8 -> a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(0) ? a.matmul(b) : a.mean();
                    case 9 -> a.dim() == 2 ? a.t() : a.unsqueeze(0);
                    default -> a.dim() == 2 ? a.reshape(-1) : a.sin();
                };
                pool.add(out);
            }
            Variable loss = pool.get(pool.size() - 1).sum();
            for (int i = 0; i < 3; i++) loss = loss.add(pool.get(r.nextInt(pool.size())).square().mean());
            loss.backward();
            List<Tensor> outs = new ArrayList<>();
            outs.add(loss.data());
            outs.add(pool.get(pool.size() - 2).data());
            for (Variable v : leaves) outs.add(v.grad() != null ? v.grad() : Tensor.zeros(1));
            return outs;
        }

        List<Tensor> inputs(long dataSeed) {
            Generator g = new Generator(dataSeed);
            return List.of(Tensor.randn(g, m, n), Tensor.randn(g, n, k), Tensor.randn(g, 1, n));
        }
    }

    static boolean broadcasts(Variable a, Variable b) {
        int[] x = a.shape(), y = b.shape();
        for (int i = 1; i <= Math.min(x.length, y.length); i++) {
            int p = x[x.length - i], q = y[y.length - i];
            if (p != q && p != 1 && q != 1) return false;
        }
        return true;
    }

    @Property(tries = 60)
    void replayEqualsEager(@ForAll long seed, @ForAll @IntRange(min = 1, max = 24) int steps,
                           @ForAll @IntRange(min = 1, max = 7) int m, @ForAll @IntRange(min = 1, max = 7) int n,
                           @ForAll @IntRange(min = 1, max = 7) int k) {
        check(new Program(seed, steps, m, n, k));
    }

    /**
     * The same with operands of 900 to 5400 elements, so fused chains (on by default) run over
     * several 2048-element tiles with a ragged last one: still bit for bit.
     */
    @Property(tries = 40)
    void fusedReplayEqualsEagerOverSeveralTiles(@ForAll long seed, @ForAll @IntRange(min = 4, max = 24) int steps,
                                               @ForAll @IntRange(min = 30, max = 90) int m, @ForAll @IntRange(min = 30, max = 60) int n,
                                               @ForAll @IntRange(min = 1, max = 5) int k) {
        check(new Program(seed, steps, m, n, k));
    }

    static void check(Program p) {
        long seed = p.seed();
        CompiledFunction f = Graphs.compile(p::run);
        f.call(p.inputs(seed));
        for (int i = 1; i <= 3; i++) {
            List<Tensor> in = p.inputs(seed + i);
            List<Tensor> replayed = f.call(in);
            List<Tensor> eager = p.run(p.inputs(seed + i));
            assertEquals(eager.size(), replayed.size());
            for (int o = 0; o < eager.size(); o++) {
                assertArrayEquals(eager.get(o).shape(), replayed.get(o).shape(), "output " + o);
                float[] e = eager.get(o).toFloatArray(), r = replayed.get(o).toFloatArray();
                if (!Arrays.equals(e, r)) {
                    throw new AssertionError("output " + o + " differs: eager " + Arrays.toString(e) + ", replay " + Arrays.toString(r)
                            + "\n" + f.graph());
                }
            }
        }
        assertEquals(2, f.captureCount(), "no guards, one signature: a capture and its check");
        assertEquals(2, f.replayCount());
        f.graph().check();
        f.capturedGraph().check();
        boolean fused = false;
        for (Graph.Node node : f.graph().nodes()) fused |= node.op() instanceof io.simdgrad.core.ops.Fused;
        Statistics.label("graph has a fused chain").collect(fused);
    }
}
