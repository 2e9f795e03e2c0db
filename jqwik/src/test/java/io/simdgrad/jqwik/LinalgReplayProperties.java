package io.simdgrad.jqwik;

import static io.simdgrad.jqwik.ReplayAssertions.assertReplayEqualsEager;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Linalg;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Compiled replays of linear-algebra programs (a Gaussian-process style log-likelihood through
 * cholesky, choleskySolve and logdet; solve, inv, det, slogdet and the LU factors), forward and
 * backward, in f32 and f64, batched, with sizes across the kernels' panel width, equal eager
 * execution bit for bit: the factorizations are ops like any other, with pivots read only in
 * their forwards. The decompositions (qr, eigh, svd, pinv, lstsq) replay the same way.
 */
class LinalgReplayProperties {
    @Property(tries = 12)
    void linalgProgramsReplayAsEager(@ForAll @IntRange(min = 1, max = 70) int n, @ForAll boolean f64, @ForAll boolean batched,
                                     @ForAll long seed) {
        DType dt = f64 ? DType.FLOAT64 : DType.FLOAT32;
        Generator g = new Generator(seed);
        int[] shape = batched ? new int[] {2, n, n} : new int[] {n, n};
        int[] rhs = batched ? new int[] {2, n, 3} : new int[] {n, 3};
        Tensor x = Tensor.randn(dt, g, shape), y = Tensor.randn(dt, g, rhs);
        assertReplayEqualsEager(in -> {
            Variable m = new Variable(in.get(0), true), b = new Variable(in.get(1), true);
            Variable eye = new Variable(Tensor.eye(dt, n, n).mul(n));
            Variable a = m.matmul(Linalg.mT(m)).add(eye);
            Variable l = Linalg.cholesky(a);
            Variable alpha = Linalg.choleskySolve(b, l);
            Variable nll = b.mul(alpha).sum().mul(0.5).add(Linalg.logdet(a).sum());
            Variable d = m.add(eye);
            Linalg.LuFactors<Variable> f = Linalg.luFactor(d);
            Variable other = Linalg.solve(d, b).sum().add(Linalg.inv(d).sum()).add(Linalg.slogdet(d).logabsdet().sum())
                    .add(Linalg.luSolve(f.LU(), f.pivots(), b).sum()).add(Linalg.lu(d).U().sum());
            Variable loss = nll.add(other);
            loss.backward();
            return List.of(loss.data(), l.data(), f.pivots().data(), m.grad(), b.grad());
        }, x, y);
    }

    @Property(tries = 10)
    void decompositionProgramsReplayAsEager(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll boolean f64, @ForAll boolean batched,
                                            @ForAll long seed) {
        DType dt = f64 ? DType.FLOAT64 : DType.FLOAT32;
        Generator g = new Generator(seed);
        int[] shape = batched ? new int[] {2, n + 2, n} : new int[] {n + 2, n};
        Tensor x = Tensor.randn(dt, g, shape);
        assertReplayEqualsEager(in -> {
            Variable m = new Variable(in.get(0), true);
            Linalg.QR<Variable> qr = Linalg.qr(m);
            Variable sym = Linalg.mT(m).matmul(m);
            Linalg.Eigh<Variable> e = Linalg.eigh(sym);
            Variable sv = Linalg.svdvals(m);
            Variable loss = qr.R().sum().add(e.eigenvalues().sum()).add(sv.sum()).add(Linalg.pinv(m).sum())
                    .add(Linalg.svd(m, false).U().square().sum()).add(Linalg.matrixNorm(m, "nuc").sum());
            loss.backward();
            return List.of(loss.data(), qr.Q().data(), e.eigenvectors().data(), m.grad());
        }, x);
    }
}
