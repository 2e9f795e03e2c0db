package io.simdgrad.graph;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Reduction;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

/**
 * Adaptive max pooling, circular padding and the cosine embedding loss inside compiled functions:
 * forward, indices and input gradient of every replay on new data equal the eager run bit for bit
 * (the argmax moves with the data, so a replay that kept the captured indices would fail).
 */
class PoolReplayTest {
    @Test
    void adaptiveMaxPoolCircularPadAndCosineEmbeddingLossReplayLikeEager() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Function<List<Tensor>, List<Tensor>> step = in -> {
                Variable x = new Variable(in.get(0), true);
                Functional.MaxPoolResult p = Functional.adaptiveMaxPool2dWithIndices(Functional.pad(x, new int[] {2, 1, 1, 3}, "circular", 0), new int[] {3, 2});
                Variable flat = p.values().reshape(2, -1);
                Variable loss = Functional.cosineEmbeddingLoss(flat, flat.flip(0), new Variable(in.get(1)), 0.1, Reduction.MEAN)
                        .add(p.values().square().sum());
                List<Variable> g = Autograd.grad(List.of(loss), List.of(x), null, false);
                return List.of(loss.data(), g.get(0).data(), p.indices());
            };
            Generator data = new Generator(5);
            IndexReplayTest.assertReplaysLikeEager(step, step, i -> List.of(Tensor.randn(data, 2, 3, 7, 5).to(dt),
                    Tensor.randint(data, 0, 2, 2).to(dt).mul(2.0).sub(1.0)), 8);
        }
    }
}
