package io.simdgrad.jqwik;

import static io.simdgrad.jqwik.GradAssertions.assertGradcheck;
import static io.simdgrad.jqwik.GradAssertions.assertGradgradcheck;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.nn.Functional;
import java.util.List;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * simdgrad's broadcasting binary ops, reductions and the cross-entropy loss, checked with
 * {@link GradAssertions} on the module's own arbitraries (broadcast pairs, non-contiguous views,
 * labels); and the assertion itself failing on a function whose gradient is wrong.
 */
class GradAssertionsProperties {
    /** Operands of shapes that broadcast together, in any layout. */
    @Provide
    Arbitrary<List<Tensor>> pairs() {
        return TensorArbitraries.broadcastingTensors(DType.FLOAT64, TensorArbitraries.broadcastableShapes(2, 3, 1, 4),
                t -> t.values(0.5, 2).anyLayout());
    }

    private static final List<BinaryOperator<Variable>> OPS = List.of(Variable::add, Variable::sub, Variable::mul,
            Variable::div, Variable::pow);

    @Property(tries = 40)
    void broadcastingBinaryOps(@ForAll("pairs") List<Tensor> p) {
        for (BinaryOperator<Variable> op : OPS) {
            assertGradcheck(in -> op.apply(in.get(0), in.get(1)).sum(), p.get(0), p.get(1));
        }
    }

    @Property(tries = 20)
    void secondDerivativesOfProducts(@ForAll("pairs") List<Tensor> p) {
        assertGradgradcheck(in -> in.get(0).mul(in.get(1)).tanh().sum(), p.get(0), p.get(1));
    }

    /** Logits of a batch over 3 classes and a label per row. */
    record Batch(Tensor logits, Tensor labels) {}

    @Provide
    Arbitrary<Batch> batches() {
        return net.jqwik.api.Arbitraries.integers().between(1, 5).flatMap(rows -> Combinators.combine(
                TensorArbitraries.tensors(DType.FLOAT64, rows, 3).anyLayout(),
                TensorArbitraries.labels(rows, 3)).as(Batch::new));
    }

    @Property(tries = 30)
    void crossEntropy(@ForAll("batches") Batch b) {
        assertGradcheck(in -> Functional.crossEntropy(in.get(0), b.labels()), b.logits());
    }

    @Example
    void aWrongGradientFailsNamingTheInputs() {
        Tensor x = Tensor.of(new double[] {0.5, -1.0, 2.0}, 3);
        // x * 3 computed with the factor 2 cut off from the graph: the engine sees d/dx = 1.
        AssertionError e = assertThrows(AssertionError.class, () -> assertGradcheck(
                in -> new Variable(in.get(0).data().mul(2), false).add(in.get(0)).sum(), x));
        assertTrue(e.getMessage().startsWith("gradcheck failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("inputs:\n  [0] f64[3]: tensor([ 0.5000, -1.0000,  2.0000]"), e.getMessage());
    }
}
