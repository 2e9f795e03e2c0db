package io.simdgrad.simd;

import java.util.SplittableRandom;

/**
 * A small program run by {@link NoVectorModuleTest} in a JVM without
 * {@code --add-modules jdk.incubator.vector}: it calls each facade (elementwise, reductions over
 * several chunks, layout, GEMM, float and double) and checks the results against loops written
 * here in double. Any {@code jdk.incubator.vector} class touched on the way would throw
 * {@link NoClassDefFoundError}. Prints {@code ok: } and {@link Simd#describe()}; exits with 1 and
 * the reason otherwise.
 */
final class NoVectorModuleMain {
    private NoVectorModuleMain() {}

    public static void main(String[] args) {
        try {
            run();
            System.out.println("ok: " + Simd.describe());
        } catch (AssertionError e) {
            System.out.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run() {
        check(!Simd.VECTOR_API_AVAILABLE && Simd.SCALAR, "expected the scalar kernels, got " + Simd.describe());
        SplittableRandom r = new SplittableRandom(13);
        int n = 3 * FloatReductions.CHUNK + 5;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
            b[i] = (float) r.nextDouble(-1, 1);
        }
        float[] out = new float[n];
        FloatElementwise.binary(BinaryOp.ADD, a, 0, b, 0, out, 0, n);
        for (int i = 0; i < n; i++) check(out[i] == a[i] + b[i], "add at " + i);
        FloatElementwise.unary(UnaryOp.EXP, a, 0, out, 0, n);
        for (int i = 0; i < n; i++) check(out[i] == (float) Math.exp(a[i]), "exp at " + i);

        double sum = 0, dot = 0, abs = 0, absDot = 0;
        for (int i = 0; i < n; i++) {
            sum += a[i];
            dot += (double) a[i] * b[i];
            abs += Math.abs(a[i]);
            absDot += Math.abs((double) a[i] * b[i]);
        }
        double tol = (n + 2.0 * FloatReductions.PARTIALS) * Math.ulp(1f);
        check(Math.abs(FloatReductions.reduce(ReduceOp.SUM, a, 0, 1, n) - sum) <= tol * abs, "sum");
        check(Math.abs(FloatReductions.dot(a, 0, b, 0, n) - dot) <= tol * absDot, "dot");

        int rows = 37, cols = 29, k = 41;
        float[] t = new float[rows * cols];
        FloatLayout.transpose(a, 0, rows, cols, cols, t, 0, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) check(t[j * rows + i] == a[i * cols + j], "transpose at " + i + "," + j);
        }
        float[] c = new float[rows * cols];
        FloatGemm.gemm(false, false, rows, cols, k, 1, a, 0, k, b, 0, cols, 0, c, 0, cols);
        double[] ad = new double[rows * k];
        double[] bd = new double[k * cols];
        for (int i = 0; i < ad.length; i++) ad[i] = a[i];
        for (int i = 0; i < bd.length; i++) bd[i] = b[i];
        double[] cd = new double[rows * cols];
        DoubleGemm.gemm(false, false, rows, cols, k, 1, ad, 0, k, bd, 0, cols, 0, cd, 0, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double exact = 0, bound = 0;
                for (int p = 0; p < k; p++) {
                    exact += ad[i * k + p] * bd[p * cols + j];
                    bound += Math.abs(ad[i * k + p] * bd[p * cols + j]);
                }
                check(Math.abs(c[i * cols + j] - exact) <= k * Math.ulp(1f) * bound, "float gemm at " + i + "," + j);
                check(Math.abs(cd[i * cols + j] - exact) <= k * Math.ulp(1.0) * bound, "double gemm at " + i + "," + j);
            }
        }
        try {
            FloatElementwise.vector();
            check(false, "FloatElementwise.vector() returned without the module");
        } catch (UnsupportedOperationException expected) {
            check(expected.getMessage().contains("--add-modules jdk.incubator.vector"), expected.getMessage());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
