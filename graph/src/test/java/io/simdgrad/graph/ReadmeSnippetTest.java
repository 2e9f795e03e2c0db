package io.simdgrad.graph;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Compile and replay" snippet, as written there. */
class ReadmeSnippetTest {
    @Test
    void snippetRunsAsDocumented() {
        CompiledFunction f = Graphs.compile(in -> {
            Variable x = new Variable(in.get(0), true);
            Variable y = x.mul(2);
            while (y.data().norm().lt(1000).item() != 0) y = y.mul(2);  // each read becomes a guard
            y.backward(in.get(1));
            return List.of(y.data(), x.grad());
        });
        Tensor gradient = Tensor.of(new float[] {0.1f, 1.0f, 0.0001f});
        f.call(Tensor.of(new float[] {1, 2, 3}), gradient);
        assertTrue(f.graph().toString().startsWith("input %0 : f32[3]\ninput %1 : f32[3]\n%2 = mul(%0, scalar=2.0) : f32[3]\n"));
        assertTrue(f.graph().toString().contains("guard %4 == 1.0"));
        f.call(Tensor.of(new float[] {1.1f, -2, 2.9f}), gradient);   // same trip count: the check, same program
        List<Tensor> r = f.call(Tensor.of(new float[] {1.2f, 2, 2.8f}), gradient);  // replays
        assertEquals(2, r.size());
        f.call(Tensor.of(new float[] {10, 20, 30}), gradient);
        assertEquals("2 cached, 3 captures, 1 replays", f.cacheSize() + " cached, " + f.captureCount() + " captures, " + f.replayCount() + " replays");
    }

    /**
     * Writes the DOT of the snippet's compiled graph (first input {1, 2, 3}) to
     * {@code graph/target/tutorial-graph.dot}; the README's picture is made from it with
     * {@code dot -Tsvg graph/target/tutorial-graph.dot -o docs/tutorial-graph.svg} (Graphviz 2.43+).
     */
    @Test
    void writesTheSnippetGraphAsDot() throws java.io.IOException {
        CompiledFunction f = Graphs.compile(in -> {
            Variable x = new Variable(in.get(0), true);
            Variable y = x.mul(2);
            while (y.data().norm().lt(1000).item() != 0) y = y.mul(2);
            y.backward(in.get(1));
            return List.of(y.data(), x.grad());
        });
        f.call(Tensor.of(new float[] {1, 2, 3}), Tensor.of(new float[] {0.1f, 1.0f, 0.0001f}));
        String dot = f.graph().toDot();
        assertTrue(dot.startsWith("digraph G {") && dot.contains("guard == 1.0"), dot);
        java.nio.file.Path out = java.nio.file.Path.of("target", "tutorial-graph.dot");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, dot);
    }
}
