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
        UnaryOp[] ops = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID};
        StringBuilder out = new StringBuilder();
        for (int rep = 0; rep <= warm; rep++) {
            out.setLength(0);
            for (UnaryOp op : ops) {
                fe.unary(op, f, 0, fo, 0, n);
                de.unary(op, d, 0, dOut, 0, n);
                out.append("float ").append(op).append(' ').append(hash(fo)).append('\n');
                out.append("double ").append(op).append(' ').append(hash(dOut)).append('\n');
            }
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
