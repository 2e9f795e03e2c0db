package io.simdgrad.examples;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A training loop written eagerly and run compiled: a 2-16-16-2 MLP learns to tell two noisy
 * rings apart (cross-entropy, plain SGD). The step function is ordinary eager code (forward,
 * {@code backward()}, an update under {@code noGrad}); {@link Graphs#compile} captures it on the
 * first call and replays it afterwards. Run it with
 * {@code ./mvnw -q -pl examples -am compile exec:exec -Dexample=io.simdgrad.examples.TrainMlp}.
 */
public final class TrainMlp {
    /** Points per ring. */
    static final int PER_RING = 128;

    private TrainMlp() {}

    /** The network's parameters: weights [out, in] and biases, as {@code linear} takes them. */
    static List<Variable> init(long seed) {
        Generator g = new Generator(seed);
        int[] widths = {2, 16, 16, 2};
        List<Variable> params = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            params.add(new Variable(Tensor.randn(g, widths[i + 1], widths[i]).mul(Math.sqrt(2.0 / widths[i])), true));
            params.add(new Variable(Tensor.zeros(widths[i + 1]), true));
        }
        return params;
    }

    static Variable logits(List<Variable> p, Tensor x) {
        Variable h = Functional.relu(Functional.linear(new Variable(x), p.get(0), p.get(1)));
        h = Functional.relu(Functional.linear(h, p.get(2), p.get(3)));
        return Functional.linear(h, p.get(4), p.get(5));
    }

    /** One SGD step on the batch (points, labels); returns the loss before the update. */
    static List<Tensor> step(List<Variable> p, List<Tensor> batch, double lr) {
        Variable loss = Functional.crossEntropy(logits(p, batch.get(0)), batch.get(1));
        for (Variable v : p) v.zeroGrad();
        loss.backward();
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Variable v : p) v.data().addScaledInPlace(v.grad(), -lr);
        }
        return List.of(loss.data());
    }

    /** Two rings, radius 1 (label 0) and 2 (label 1), with Gaussian noise of 0.15. */
    static List<Tensor> rings(long seed) {
        Generator g = new Generator(seed);
        int n = 2 * PER_RING;
        double[] angle = Tensor.rand(DType.FLOAT64, g, n).mul(2 * Math.PI).toDoubleArray();
        double[] noise = Tensor.randn(DType.FLOAT64, g, n, 2).mul(0.15).toDoubleArray();
        float[] xy = new float[2 * n];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            int ring = i % 2;
            double r = 1 + ring;
            xy[2 * i] = (float) (r * Math.cos(angle[i]) + noise[2 * i]);
            xy[2 * i + 1] = (float) (r * Math.sin(angle[i]) + noise[2 * i + 1]);
            labels[i] = ring;
        }
        return List.of(Tensor.of(xy).reshape(n, 2), Functional.labels(labels));
    }

    /** The fraction of points whose largest logit is their label. */
    static double accuracy(List<Variable> p, List<Tensor> data) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            long[] predicted = logits(p, data.get(0)).data().argmax(1).toLongArray();
            long[] labels = data.get(1).toLongArray();
            int right = 0;
            for (int i = 0; i < labels.length; i++) right += predicted[i] == labels[i] ? 1 : 0;
            return right / (double) labels.length;
        }
    }

    /** Trains for {@code steps} compiled steps, printing the loss every 250; returns the losses. */
    static double[] run(PrintStream out, int steps) {
        List<Tensor> data = rings(1);
        List<Variable> params = init(2);
        CompiledFunction compiled = Graphs.compile(batch -> step(params, batch, 0.1));
        double[] losses = new double[steps];
        for (int i = 0; i < steps; i++) {
            losses[i] = compiled.call(data).get(0).item();
            if (i % 250 == 0 || i == steps - 1) out.printf("step %4d  loss %.4f%n", i, losses[i]);
        }
        // speed is measured with JMH in benchmarks (GraphBench, GraphCompileBench), not here
        out.printf("accuracy %.3f after %d steps (%d captured, %d replayed)%n",
                accuracy(params, data), steps, compiled.captureCount(), compiled.replayCount());
        out.println(compiled.graph().nodes().size() + " steps in the compiled graph; its first lines:");
        String[] lines = compiled.graph().toString().split("\n");
        for (int i = 0; i < Math.min(12, lines.length); i++) out.println("  " + lines[i]);
        return losses;
    }

    public static void main(String[] args) {
        run(System.out, 3000);
    }
}
