package io.simdgrad.simd;

import java.util.SplittableRandom;

/**
 * Prints one hash per vector kernel of the transcendental family (exp, log, tanh, sigmoid,
 * softmax, log-softmax, logsumexp; float and double) over a fixed input set with the special
 * values, after {@code args[0]} warm-up calls. {@link VectorMathTierTest} runs it in child JVMs
 * in the interpreter, with C1 only and with C2, and compares the lines.
 */
public final class TierMain {
    private TierMain() {}

    public static void main(String[] args) {
        int warm = Integer.parseInt(args[0]);
        int n = 4 * 64 + 7;
        float[] f = new float[n];
        double[] d = new double[n];
        SplittableRandom r = new SplittableRandom(7);
        double[] specials = {0, -0.0, 1, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-40, -1e-40,
            88.7, 89, -87.5, -104, -110, 709.7, 710, -745, -746, 1e-310, 9.01, -9.01, 19.06, 0.17328, 1e30, -1e30};
        for (int i = 0; i < n; i++) {
            double v = i < specials.length ? specials[i] : switch (i % 4) {
                case 0 -> r.nextDouble(-5, 5);
                case 1 -> r.nextDouble(-120, 120);
                case 2 -> r.nextDouble(-800, 800);
                default -> Math.scalb(r.nextDouble(0.5, 1), r.nextInt(-1080, 1024));
            };
            f[i] = (float) v;
            d[i] = v;
        }
        float[] fo = new float[n];
        double[] dOut = new double[n];
        VectorFloatElementwise fe = new VectorFloatElementwise();
        VectorDoubleElementwise de = new VectorDoubleElementwise();
        VectorFloatReductions fr = new VectorFloatReductions();
        VectorDoubleReductions dr = new VectorDoubleReductions();
        UnaryOp[] ops = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU, UnaryOp.GELU_TANH};
        StringBuilder out = new StringBuilder();
        for (int rep = 0; rep <= warm; rep++) {
            out.setLength(0);
            for (UnaryOp op : ops) {
                fe.unary(op, f, 0, fo, 0, n);
                de.unary(op, d, 0, dOut, 0, n);
                out.append("float ").append(op).append(' ').append(hash(fo)).append('\n');
                // the double gelu kernels are the twin (ElementwiseMath, Math.exp in double): not tier-stable, not listed
                if (op != UnaryOp.GELU && op != UnaryOp.GELU_TANH) out.append("double ").append(op).append(' ').append(hash(dOut)).append('\n');
            }
            fusedKernels(fe, f, fo, out);
            // rows of 7 (one masked vector) and of 130 (vector loop and tail)
            for (int cols : new int[] {7, 130}) {
                int rows = n / cols;
                fr.softmaxRows(f, 0, rows, cols, cols, fo, 0, cols);
                dr.softmaxRows(d, 0, rows, cols, cols, dOut, 0, cols);
                out.append("softmax ").append(cols).append(' ').append(hash(fo)).append(' ').append(hash(dOut)).append('\n');
                fr.logSoftmaxRows(f, 0, rows, cols, cols, fo, 0, cols);
                dr.logSoftmaxRows(d, 0, rows, cols, cols, dOut, 0, cols);
                out.append("logSoftmax ").append(cols).append(' ').append(hash(fo)).append(' ').append(hash(dOut)).append('\n');
                fr.logSumExpRows(f, 0, rows, cols, cols, fo, 0);
                dr.logSumExpRows(d, 0, rows, cols, cols, dOut, 0);
                out.append("logSumExp ").append(cols).append(' ').append(hash(fo)).append(' ').append(hash(dOut)).append('\n');
            }
        }
        System.out.print(out);
    }

    /** The hashes of geluBackward and of the layer norm kernels (a method of its own: main's compiled form stays as it was). */
    private static void fusedKernels(VectorFloatElementwise fe, float[] f, float[] fo, StringBuilder out) {
        for (boolean tanh : new boolean[] {false, true}) {
            fe.geluBackward(tanh, f, 0, f, 0, fo, 0, f.length);
            out.append("geluBackward ").append(tanh).append(' ').append(hash(fo)).append('\n');
        }
        // layer norm rows of 130 (vector loop and tail): forward, then dx, dw, db
        VectorFloatNorm fn = new VectorFloatNorm();
        // finite rows (NaN payloads are not specified)
        float[] w = new float[130], dw = new float[130], db = new float[130], xs = new float[260];
        java.util.Arrays.fill(w, (float) 0.75);
        for (int i = 0; i < xs.length; i++) xs[i] = (float) ((i * 37 % 101) / 17.0 - 2); // not Math.sin: its last bit may depend on the tier
        fn.layerNormRows(xs, 130, 1, 130, w, 0, w, 0, (float) 1e-5, fo, 0, null, 0);
        fn.layerNormBackwardRows(xs, 0, xs, 130, 1, 130, w, 0, (float) 1e-5, fo, 130, dw, 0, db, 0);
        out.append("layerNorm ").append(hash(fo)).append(' ').append(hash(dw)).append(' ').append(hash(db)).append('\n');
    }

    private static long hash(float[] a) {
        long h = 1125899906842597L;
        for (float x : a) h = 31 * h + Float.floatToRawIntBits(x);
        return h;
    }

    private static long hash(double[] a) {
        long h = 1125899906842597L;
        for (double x : a) h = 31 * h + Double.doubleToRawLongBits(x);
        return h;
    }
}
