package io.simdgrad.examples;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;

import java.io.PrintStream;

/**
 * PyTorch's autograd tutorial (the seed document, "Autograd: 자동 미분"), step by step in Java.
 * Each step prints what PyTorch prints there; grad_fn addresses differ, and the random vector of
 * the {@code while} loop comes from simdgrad's seeded {@link Generator}, not from torch's.
 */
public final class Tutorial {
    /**
     * Seed of the loop's random vector: with it the loop doubles 11 times, as in the tutorial's
     * run, so the last gradient prints exactly as there ({@code 2.0480e+02, 2.0480e+03, 2.0480e-01}).
     */
    public static final long DEFAULT_SEED = 20;

    private Tutorial() {}

    /** Runs the tutorial, printing to standard output. */
    public static void main(String[] args) {
        run(System.out, DEFAULT_SEED);
    }

    /** Runs the tutorial, printing to {@code out}; {@code seed} seeds the random vector of the loop. */
    public static void run(PrintStream out, long seed) {
        // Create a variable
        Variable x = new Variable(Tensor.ones(2, 2), true);
        out.println(x);

        Variable y = x.add(2);
        out.println(y);
        // y was created by an op, so it has a grad_fn
        out.println(y.gradFn());

        Variable z = y.mul(y).mul(3);
        Variable o = z.mean();
        out.println(z + " " + o);

        // Gradient: d(out)/dx = 3/2 (x + 2) = 4.5 at x = 1
        o.backward();
        out.println(x.grad());

        // define-by-run: the graph is whatever this loop executed
        Variable v = new Variable(Tensor.randn(new Generator(seed), 3), true);
        Variable w = v.mul(2);
        while (w.data().norm().item() < 1000) {
            w = w.mul(2);
        }
        out.println(w);

        // L2 norm
        Tensor ones3 = Tensor.of(new float[] {1, 1, 1});
        out.println(ones3.norm());
        Tensor a = Tensor.arange(9).sub(4);
        Tensor b = a.reshape(3, 3);
        out.println(a);
        out.println(b);
        out.println(a.norm());
        out.println(b.norm());
        out.println(Tensor.of(new float[] {1, 1}).norm()); // sqrt 2
        out.println(ones3.norm());                       // sqrt 3

        // backward of a non-scalar takes the gradient of some scalar with respect to it
        Tensor gradient = Tensor.of(new float[] {0.1f, 1.0f, 0.0001f});
        w.backward(gradient);
        out.println(v.grad());
    }
}
