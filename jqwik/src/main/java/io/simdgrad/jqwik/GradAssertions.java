package io.simdgrad.jqwik;

import io.simdgrad.core.GradCheck;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Gradient assertions for property tests, on top of {@link GradCheck} (like
 * {@code torch.autograd.gradcheck} and {@code gradgradcheck}): a failure is an
 * {@link AssertionError} that names the mismatching Jacobian entry and prints every input
 * (dtype, shape, layout, values), and jqwik adds the shrunk sample and the seed.
 *
 * <p>The tensor overloads wrap each floating-point input in a {@link Variable} that requires grad
 * and each INT64 input (indices, labels) in one that does not. The default tolerances (eps 1e-6,
 * atol 1e-5, rtol 1e-3) need FLOAT64 inputs; pass tolerances to check FLOAT32 ones.
 *
 * <pre>{@code
 * @Property
 * void tanhHasTheRightGradient(@ForAll("matrices") Tensor x) {
 *     GradAssertions.assertGradcheck(in -> in.get(0).tanh().sum(), x);
 * }
 * }</pre>
 */
public final class GradAssertions {
    private GradAssertions() {}

    /**
     * Asserts that the gradients of {@code fn} at {@code inputs} match central differences, with
     * the default tolerances.
     *
     * @param fn the function of the inputs, as {@link Variable}s in the order given
     * @param inputs the point; floating-point ones require grad and must be FLOAT64
     * @throws AssertionError naming the first mismatching entry and listing the inputs
     */
    public static void assertGradcheck(Function<List<Variable>, Variable> fn, Tensor... inputs) {
        check("gradcheck", fn, inputs, v -> GradCheck.gradcheck(fn, v));
    }

    /**
     * {@link #assertGradcheck(Function, Tensor...)} with the caller's step and tolerances (FLOAT32
     * inputs accepted).
     *
     * @param fn the function of the inputs
     * @param eps the step of the central differences
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numerical value
     * @param inputs the point
     */
    public static void assertGradcheck(Function<List<Variable>, Variable> fn, double eps, double atol, double rtol,
                                       Tensor... inputs) {
        check("gradcheck", fn, inputs, v -> GradCheck.gradcheck(fn, eps, atol, rtol, v));
    }

    /**
     * Asserts that the second derivatives of {@code fn} at {@code inputs} match central
     * differences of its gradients ({@link GradCheck#gradgradcheck(Function, Variable...)}), with
     * the default tolerances.
     *
     * @param fn the function of the inputs
     * @param inputs the point; floating-point ones require grad and must be FLOAT64
     * @throws AssertionError naming the first mismatching entry and listing the inputs
     */
    public static void assertGradgradcheck(Function<List<Variable>, Variable> fn, Tensor... inputs) {
        check("gradgradcheck", fn, inputs, v -> GradCheck.gradgradcheck(fn, v));
    }

    /**
     * {@link #assertGradgradcheck(Function, Tensor...)} with the caller's step and tolerances.
     *
     * @param fn the function of the inputs
     * @param eps the step of the central differences
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numerical value
     * @param inputs the point
     */
    public static void assertGradgradcheck(Function<List<Variable>, Variable> fn, double eps, double atol,
                                           double rtol, Tensor... inputs) {
        check("gradgradcheck", fn, inputs, v -> GradCheck.gradgradcheck(fn, eps, atol, rtol, v));
    }

    /** The check behind every overload: {@code run} is one of GradCheck's methods. */
    private static void check(String what, Function<List<Variable>, Variable> fn, Tensor[] inputs,
                              Function<Variable[], Boolean> run) {
        if (fn == null) throw new NullPointerException(what + ": fn is null");
        List<Tensor> tensors = List.of(inputs);
        // Described before the check: GradCheck perturbs elements in place (and restores them).
        String described = Describe.inputs(tensors);
        List<Variable> variables = new ArrayList<>();
        for (Tensor t : tensors) variables.add(new Variable(t, t.dtype().isFloatingPoint()));
        try {
            run.apply(variables.toArray(Variable[]::new));
        } catch (GradCheck.GradcheckError e) {
            throw new AssertionError(what + " failed: " + e.getMessage() + "\n" + described, e);
        }
    }
}
