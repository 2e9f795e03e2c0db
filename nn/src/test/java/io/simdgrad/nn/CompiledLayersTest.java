package io.simdgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import io.simdgrad.optim.SGD;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A compiled training step through the layers (Conv2d, BatchNorm2d's in-place running stats and
 * batch count, Dropout's generator, pooling) equals the eager one bit for bit, buffers included,
 * and never trips compile's changed-constant detection.
 */
class CompiledLayersTest {
    static Sequential cnn(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, 1, 1, true, DType.FLOAT32, g), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 4, 3, 1, 1, 1, 2, false, DType.FLOAT32, g), new LayerNorm(4, 4), new GELU(), new AvgPool2d(2), new Flatten(),
                new Dropout(0.25, new Generator(seed + 1)), new Linear(16, 3, g), new LeakyReLU(0.1));
    }

    static Function<List<Tensor>, List<Tensor>> step(Sequential m, SGD opt) {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        return in -> {
            Variable loss = ce.forward(m.forward(in.get(0)), in.get(1));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            return List.of(loss.data());
        };
    }

    @Test
    void compiledCnnStepEqualsEagerWithBuffers() {
        Sequential e = cnn(3), c = cnn(3);
        Function<List<Tensor>, List<Tensor>> eager = step(e, new SGD(e.parameters(), 0.05));
        CompiledFunction compiled = Graphs.compile(step(c, new SGD(c.parameters(), 0.05)));
        Generator data = new Generator(9);
        for (int i = 0; i < 12; i++) {
            List<Tensor> batch = List.of(Tensor.randn(data, 6, 1, 8, 8), Tensor.of(new long[] {0, 1, 2, 0, 1, 2}, 6));
            assertArrayEquals(eager.apply(batch).get(0).toFloatArray(), compiled.call(batch).get(0).toFloatArray(), "step " + i);
        }
        Map<String, Tensor> es = e.stateDict(), cs = c.stateDict();
        assertEquals(es.keySet(), cs.keySet());
        es.forEach((k, t) -> assertArrayEquals(t.toDoubleArray(), cs.get(k).toDoubleArray(), k));
        assertEquals(12, cs.get("1.num_batches_tracked").toLongArray()[0]);
        assertEquals(List.of(), compiled.warnings());
        assertEquals(10, compiled.replayCount());
    }

    @Test
    void compiledStepWithTheNewerLayersEqualsEager() {
        java.util.function.IntFunction<Sequential> make = seed -> {
            Generator g = new Generator(seed);
            return new Sequential(new ConvTranspose2d(1, 4, 3, 2, 1, 1, 1, true, 1, DType.FLOAT32, g), new GroupNorm(2, 4), new ReLU(),
                    new Flatten(2, -1), new Conv1d(4, 4, 5, 4, 0, 1, 2, true, DType.FLOAT32, g), new RMSNorm(63), new Flatten(),
                    new Linear(252, 3, g));
        };
        Sequential e = make.apply(4), c = make.apply(4);
        Function<List<Tensor>, List<Tensor>> eager = step(e, new SGD(e.parameters(), 0.05));
        CompiledFunction compiled = Graphs.compile(step(c, new SGD(c.parameters(), 0.05)));
        Generator data = new Generator(10);
        for (int i = 0; i < 8; i++) {
            List<Tensor> batch = List.of(Tensor.randn(data, 6, 1, 8, 8), Tensor.of(new long[] {0, 1, 2, 0, 1, 2}, 6));
            assertArrayEquals(eager.apply(batch).get(0).toFloatArray(), compiled.call(batch).get(0).toFloatArray(), "step " + i);
        }
        e.stateDict().forEach((k, t) -> assertArrayEquals(t.toDoubleArray(), c.stateDict().get(k).toDoubleArray(), k));
        assertEquals(List.of(), compiled.warnings());
        assertEquals(6, compiled.replayCount());
    }
}
