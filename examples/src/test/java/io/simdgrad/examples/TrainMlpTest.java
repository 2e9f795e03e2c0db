package io.simdgrad.examples;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compiled training loop follows the same loss curve as the same loop run eagerly, and learns. */
class TrainMlpTest {
    @Test
    void compiledLoopTracksTheEagerLoopAndSeparatesTheRings() {
        int steps = 400;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double[] compiled = TrainMlp.run(new PrintStream(buf, true, StandardCharsets.UTF_8), steps);
        // oracle: the same step run eagerly on fresh parameters
        List<Tensor> data = TrainMlp.rings(1);
        List<Variable> params = TrainMlp.init(2);
        for (int i = 0; i < steps; i++) {
            double eager = TrainMlp.step(params, data, 0.1).get(0).item();
            // exp and log may differ in the last bit between JIT tiers: a tolerance, not bits
            assertEquals(eager, compiled[i], 1e-4 * Math.max(1, Math.abs(eager)), "loss at step " + i);
        }
        assertTrue(compiled[steps - 1] < 0.5 * compiled[0], "the loss falls: " + compiled[0] + " -> " + compiled[steps - 1]);
        assertTrue(TrainMlp.accuracy(params, data) > 0.9, "the rings are told apart");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("(2 captured, " + (steps - 2) + " replayed)"), out); // a capture and its check
        assertTrue(out.contains("its first lines:\n  input %0 : f32[256, 2]\n  input %1 : i64[256]\n"), out);
    }
}
