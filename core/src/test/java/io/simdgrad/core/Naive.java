package io.simdgrad.core;

import java.util.function.DoubleBinaryOperator;

/** Naive reference computations over row-major double arrays with explicit index arithmetic: the oracle. */
final class Naive {
    private Naive() {}

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Multi-index of flat row-major position {@code p}. */
    static int[] unravel(int p, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = shape[i] == 0 ? 0 : p % shape[i];
            p = shape[i] == 0 ? 0 : p / shape[i];
        }
        return idx;
    }

    /** Row-major position in {@code shape} of the broadcast index {@code outIdx} (aligned at the right). */
    static int ravelBroadcast(int[] outIdx, int[] shape) {
        int p = 0;
        int lead = outIdx.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            int ix = shape[i] == 1 ? 0 : outIdx[i + lead];
            p = p * shape[i] + ix;
        }
        return p;
    }

    static int[] broadcastShape(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            int ia = i - (n - a.length), ib = i - (n - b.length);
            int da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    static double[] binary(double[] a, int[] sa, double[] b, int[] sb, DoubleBinaryOperator f) {
        int[] out = broadcastShape(sa, sb);
        double[] r = new double[numel(out)];
        for (int p = 0; p < r.length; p++) {
            int[] idx = unravel(p, out);
            r[p] = f.applyAsDouble(a[ravelBroadcast(idx, sa)], b[ravelBroadcast(idx, sb)]);
        }
        return r;
    }

    /** Reduces dim d of a row-major array with an accumulator function and a start value. */
    static double[] reduce(double[] a, int[] shape, int d, DoubleBinaryOperator f, double init) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        double[] r = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double acc = init;
                for (int i = 0; i < shape[d]; i++) acc = f.applyAsDouble(acc, a[(o * shape[d] + i) * inner + j]);
                r[o * inner + j] = acc;
            }
        }
        return r;
    }

    static double[] matmul(double[] a, double[] b, int batch, int m, int k, int n, boolean bcastA, boolean bcastB) {
        double[] c = new double[batch * m * n];
        for (int t = 0; t < batch; t++) {
            int ao = bcastA ? 0 : t * m * k, bo = bcastB ? 0 : t * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int x = 0; x < k; x++) s += a[ao + i * k + x] * b[bo + x * n + j];
                    c[t * m * n + i * n + j] = s;
                }
            }
        }
        return c;
    }
}
