package io.simdgrad.benchmarks;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Linalg;
import io.simdgrad.core.Tensor;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * f64 Cholesky and LU solve ({@code A X = b}, b one column) at n = 64, 256, 1024: simdgrad's
 * {@link Linalg} on {@link Tensor}s against EJML 0.46.1 (the Java reference: row-major, blocked,
 * one thread) in the same run; PyTorch (MKL) and NumPy (OpenBLAS) are timed on the same shapes
 * by {@code benchmarks/linalg_peers.py}. Both sides copy the input per call (simdgrad writes its
 * result into a new tensor; EJML factors in place, so it gets a fresh copy), as torch does.
 * {@code threads} caps simdgrad's kernels; EJML ignores it.
 *
 * <p>The decompositions (qr: Q and R, reduced; eigh: eigenvalues and vectors of the SPD matrix;
 * svd: U, S, Vᴴ reduced, of the random matrix) are the same against EJML's QR (Householder),
 * symmetric eigen (tridiagonal + QR) and SVD (bidiagonal + QR), each computing the vectors; the
 * issue's size for them is {@code -p n=256}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class LinalgBench {
    @Param({"64", "256", "1024"})
    public int n;

    Tensor spd, a, b;
    DMatrixRMaj spdE, aE, bE, xE;
    CholeskyDecomposition_F64<DMatrixRMaj> chol;
    LinearSolverDense<DMatrixRMaj> lu;
    QRDecomposition<DMatrixRMaj> qrE;
    EigenDecomposition_F64<DMatrixRMaj> eigE;
    SingularValueDecomposition_F64<DMatrixRMaj> svdE;

    @Setup
    public void setup() {
        Generator g = new Generator(7);
        Tensor m = Tensor.randn(DType.FLOAT64, g, n, n);
        spd = m.matmul(m.t()).add(Tensor.eye(DType.FLOAT64, n, n).mul(n));
        a = Tensor.randn(DType.FLOAT64, g, n, n);
        b = Tensor.randn(DType.FLOAT64, g, n, 1);
        spdE = new DMatrixRMaj(n, n, true, spd.toDoubleArray());
        aE = new DMatrixRMaj(n, n, true, a.toDoubleArray());
        bE = new DMatrixRMaj(n, 1, true, b.toDoubleArray());
        xE = new DMatrixRMaj(n, 1);
        chol = DecompositionFactory_DDRM.chol(n, true);
        lu = LinearSolverFactory_DDRM.lu(n);
        qrE = DecompositionFactory_DDRM.qr(n, n);
        eigE = DecompositionFactory_DDRM.eig(n, true, true);
        svdE = DecompositionFactory_DDRM.svd(n, n, true, true, true);
    }

    @Benchmark
    public Tensor choleskySimdgrad(ThreadsState t) {
        return Linalg.cholesky(spd);
    }

    @Benchmark
    public Object choleskyEjml(ThreadsState t) {
        DMatrixRMaj c = spdE.copy();
        if (!chol.decompose(c)) throw new IllegalStateException("not positive-definite");
        return c;
    }

    @Benchmark
    public Tensor solveSimdgrad(ThreadsState t) {
        return Linalg.solve(a, b);
    }

    @Benchmark
    public Object solveEjml(ThreadsState t) {
        DMatrixRMaj c = aE.copy();
        if (!lu.setA(c)) throw new IllegalStateException("singular");
        lu.solve(bE, xE);
        return xE;
    }

    @Benchmark
    public Object qrSimdgrad(ThreadsState t) {
        return Linalg.qr(a);
    }

    @Benchmark
    public Object qrEjml(ThreadsState t) {
        DMatrixRMaj c = aE.copy();
        if (!qrE.decompose(c)) throw new IllegalStateException("qr failed");
        return new Object[] {qrE.getQ(null, true), qrE.getR(null, true)};
    }

    @Benchmark
    public Object eighSimdgrad(ThreadsState t) {
        return Linalg.eigh(spd);
    }

    @Benchmark
    public Object eighEjml(ThreadsState t) {
        DMatrixRMaj c = spdE.copy();
        if (!eigE.decompose(c)) throw new IllegalStateException("eig failed");
        return eigE.getEigenVector(0);
    }

    @Benchmark
    public Object svdSimdgrad(ThreadsState t) {
        return Linalg.svd(a, false);
    }

    @Benchmark
    public Object svdEjml(ThreadsState t) {
        DMatrixRMaj c = aE.copy();
        if (!svdE.decompose(c)) throw new IllegalStateException("svd failed");
        return new Object[] {svdE.getU(null, false), svdE.getW(null), svdE.getV(null, true)};
    }
}
