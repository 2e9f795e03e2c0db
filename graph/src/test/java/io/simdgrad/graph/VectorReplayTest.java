package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.simd.Simd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays on the Vector API kernels (a Surefire execution of its own; the other graph tests run
 * on the scalar twins), for programs without transcendental ops, whose vector results do not
 * depend on the JIT tier: training steps replayed 30 times end with the eager parameters bit for
 * bit, through the GEMM rewrites (transposed weight gradients, updates fused into the GEMM),
 * direct steps and, on two threads, the parallel GEMMs.
 */
class VectorReplayTest {
    /** A relu MLP trained on mean squared error with SGD. */
    static final class Net {
        final List<Variable> params = new ArrayList<>();

        Net(long seed, int... widths) {
            Generator g = new Generator(seed);
            for (int i = 0; i + 1 < widths.length; i++) {
                params.add(new Variable(Tensor.randn(g, widths[i + 1], widths[i]).mul(1 / Math.sqrt(widths[i])), true));
                params.add(new Variable(Tensor.randn(g, widths[i + 1]).mul(0.1), true));
            }
        }

        List<Tensor> step(List<Tensor> in) {
            Variable h = new Variable(in.get(0));
            for (int i = 0; i < params.size(); i += 2) {
                h = Functional.linear(h, params.get(i), params.get(i + 1));
                if (i + 2 < params.size()) h = Functional.relu(h);
            }
            Variable loss = Functional.mseLoss(h, new Variable(in.get(1)));
            for (Variable p : params) p.zeroGrad();
            loss.backward();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                for (Variable p : params) p.data().addScaledInPlace(p.grad(), -0.01);
            }
            return List.of(loss.data());
        }
    }

    static void trainsLikeEager(int threads, int batch, int... widths) {
        assertFalse(Simd.SCALAR, "this class runs on the vector kernels");
        int saved = Simd.maxThreads();
        Simd.setMaxThreads(threads);
        try {
            Net eager = new Net(3, widths), compiled = new Net(3, widths);
            CompiledFunction f = Graphs.compile(compiled::step);
            Generator g = new Generator(8);
            for (int i = 0; i < 30; i++) {
                List<Tensor> in = List.of(Tensor.randn(g, batch, widths[0]), Tensor.randn(g, batch, widths[widths.length - 1]));
                assertEquals(eager.step(in).get(0).item(), f.call(in).get(0).item(), "loss at step " + i);
            }
            assertEquals(2, f.captureCount());
            for (int p = 0; p < eager.params.size(); p++) {
                assertArrayEquals(eager.params.get(p).data().toFloatArray(), compiled.params.get(p).data().toFloatArray(), "param " + p);
            }
            assertTrue(f.graph().toString().contains("addmmInPlace("), f.graph().toString());
        } finally {
            Simd.setMaxThreads(saved);
        }
    }

    @Test
    void smallMlpOnOneThread() {
        trainsLikeEager(1, 32, 2, 16, 16, 1);
    }

    @Test
    void mnistSizedMlpOnOneAndTwoThreads() {
        trainsLikeEager(1, 64, 784, 256, 10);
        trainsLikeEager(2, 64, 784, 256, 10);
    }
}
