package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nllLoss and crossEntropy against plain double loops, their gradients against the one-hot formula, and their errors. */
class LossOpsTest {
    /** Cross-entropy per target element by naive loops in double: log(sum(exp(x))) - x[t]. */
    static double[] naiveCrossEntropy(double[] x, int n, int c, int d, long[] t, long ignore) {
        double[] r = new double[n * d];
        for (int i = 0; i < n * d; i++) {
            if (t[i] == ignore) continue;
            int b = i / d, j = i % d;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int k = 0; k < c; k++) max = Math.max(max, x[b * c * d + k * d + j]);
            for (int k = 0; k < c; k++) sum += Math.exp(x[b * c * d + k * d + j] - max);
            r[i] = Math.log(sum) + max - x[b * c * d + (int) t[i] * d + j];
        }
        return r;
    }

    @Property(tries = 200)
    void crossEntropyMatchesNaiveLoopsForEveryReduction(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rank) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(5), c = 1 + r.nextInt(6), d = 1 + r.nextInt(4);
        int[] in = rank == 1 ? new int[] {c} : rank == 2 ? new int[] {n, c} : new int[] {n, c, d};
        int[] ts = rank == 1 ? new int[0] : rank == 2 ? new int[] {n} : new int[] {n, d};
        int nn = rank == 1 ? 1 : n, dd = rank == 3 ? d : 1;
        double[] x = new double[Shapes.numel(in)];
        for (int i = 0; i < x.length; i++) x[i] = 4 * r.nextGaussian();
        long[] t = new long[nn * dd];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(4) == 0 ? -100 : r.nextInt(c);
        double[] per = naiveCrossEntropy(x, nn, c, dd, t, -100);
        Variable logits = new Variable(Tensor.of(x, in), true);
        Tensor targets = ts.length == 0 ? Tensor.scalar(t[0]) : Tensor.of(t, ts);
        Tensor none = Functional.crossEntropy(logits, targets, Reduction.NONE, -100).data();
        assertArrayEquals(per, none.toDoubleArray(), 1e-12);
        double sum = 0;
        int kept = 0;
        for (int i = 0; i < t.length; i++) if (t[i] != -100) { sum += per[i]; kept++; }
        assertEquals(sum, Functional.crossEntropy(logits, targets, Reduction.SUM, -100).item(), 1e-12);
        double mean = Functional.crossEntropy(logits, targets).item();
        if (kept == 0) assertTrue(Double.isNaN(mean), "every target ignored: the mean is NaN, as PyTorch gives");
        else assertEquals(sum / kept, mean, 1e-12);

        // d(mean)/dx = (softmax(x) - onehot(t)) / kept at kept targets, 0 at ignored ones
        Variable loss = Functional.crossEntropy(logits, targets);
        if (kept == 0) return;
        loss.backward();
        double[] g = logits.grad().toDoubleArray();
        for (int i = 0; i < nn * dd; i++) {
            int b = i / dd, j = i % dd;
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int k = 0; k < c; k++) max = Math.max(max, x[b * c * dd + k * dd + j]);
            for (int k = 0; k < c; k++) z += Math.exp(x[b * c * dd + k * dd + j] - max);
            for (int k = 0; k < c; k++) {
                int at = b * c * dd + k * dd + j;
                double want = t[i] == -100 ? 0 : (Math.exp(x[at] - max) / z - (k == t[i] ? 1 : 0)) / kept;
                assertEquals(want, g[at], 1e-12, "gradient at " + at);
            }
        }
    }

    @Test
    void nllLossPicksTheNegatedLogProbabilityOfEachLabel() {
        Variable logp = new Variable(Tensor.of(new float[] {-1, -2, -3, -4, -5, -6}, 2, 3), true);
        Tensor t = Tensor.of(new long[] {2, 0});
        assertEquals(3.5, Functional.nllLoss(logp, t).item(), 0); // (3 + 4) / 2
        Variable l = Functional.nllLoss(logp, t, Reduction.SUM, 0);
        assertEquals(3.0, l.item(), 0); // label 0 ignored: only -(-3)
        assertEquals("NllLossBackward0", l.gradFn().name());
        l.backward();
        assertArrayEquals(new float[] {0, 0, -1, 0, 0, 0}, logp.grad().toFloatArray());
    }

    @Test
    void labelsMustBeInt64IndicesInRangeOfTheRightShape() {
        Variable logits = new Variable(Tensor.zeros(2, 3), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new float[] {0.9f, 1.9f})));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
        IndexOutOfBoundsException o = assertThrows(IndexOutOfBoundsException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {1, 3})));
        assertTrue(o.getMessage().contains("Target 3 is out of bounds"), o.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Functional.nllLoss(logits, Tensor.of(new long[] {-1, 0})));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, Tensor.of(new long[] {1, 2, 0})));
        assertTrue(s.getMessage().contains("[2]") && s.getMessage().contains("[3]"), s.getMessage());
        assertEquals(null, logits.grad());
    }
}
