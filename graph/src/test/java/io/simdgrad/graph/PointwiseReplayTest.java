package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

/**
 * lerp (tensor and constant weight), addcmul, addcdiv and silu inside compiled functions, forward
 * and backward, f32 and f64 (broadcast operands, lengths past a vector so silu's vector loop and
 * its tail both run; the passes may fuse the chain): every replay, on new input values, equals the
 * eager run bit for bit.
 */
class PointwiseReplayTest {
    @Test
    void threeOperandOpsAndSiluReplayLikeEager() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Function<List<Tensor>, List<Tensor>> step = in -> {
                Variable a = new Variable(in.get(0), true), b = new Variable(in.get(1), true), w = new Variable(in.get(2), true);
                Variable y = a.lerp(b, w).addcmul(b, w, -0.7).addcdiv(a, w.abs().add(0.5), 1.3).lerp(a.silu(), 0.8).silu();
                Variable loss = y.square().sum();
                List<Variable> g = Autograd.grad(List.of(loss), List.of(a, b, w), null, false);
                return List.of(y.data(), g.get(0).data(), g.get(1).data(), g.get(2).data());
            };
            Generator data = new Generator(5);
            IndexReplayTest.assertReplaysLikeEager(step, step, i -> List.of(Tensor.randn(dt, data, 7, 37).mul(4.0),
                    Tensor.randn(dt, data, 37).mul(4.0), Tensor.randn(dt, data, 7, 1)), 8);
        }
    }
}
