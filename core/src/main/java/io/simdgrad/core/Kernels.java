package io.simdgrad.core;

import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.DoubleElementwise;
import io.simdgrad.simd.DoubleLayout;
import io.simdgrad.simd.FloatElementwise;
import io.simdgrad.simd.FloatLayout;
import io.simdgrad.simd.UnaryOp;

/**
 * Runs of elementwise work on storages, dispatched once per run to the float or double simd
 * kernel. Input strides are 0 (a broadcast value) or 1; outputs are contiguous. INT64 has no
 * arithmetic kernels: its comparisons and copies go through plain loops here.
 */
final class Kernels {
    private Kernels() {}

    static void fill(Storage o, int off, int n, double v) {
        if (o.f != null) FloatElementwise.fill((float) v, o.f, off, n);
        else if (o.d != null) DoubleElementwise.fill(v, o.d, off, n);
        else java.util.Arrays.fill(o.l, off, off + n, (long) v);
    }

    static void copy(Storage a, int ao, int as, Storage o, int oo, int n) {
        if (as == 0) {
            fill(o, oo, n, a.get(ao));
        } else if (o.f != null) {
            if (as == 1) FloatLayout.copy(a.f, ao, o.f, oo, n);
            else FloatLayout.gather(a.f, ao, as, o.f, oo, n);
        } else if (o.d != null) {
            if (as == 1) DoubleLayout.copy(a.d, ao, o.d, oo, n);
            else DoubleLayout.gather(a.d, ao, as, o.d, oo, n);
        } else {
            for (int i = 0; i < n; i++) o.l[oo + i] = a.l[ao + i * as];
        }
    }

    static void binary(BinaryOp op, Storage a, int ao, int as, Storage b, int bo, int bs, Storage o, int oo, int n) {
        if (o.f != null) {
            if (as == 1 && bs == 1) FloatElementwise.binary(op, a.f, ao, b.f, bo, o.f, oo, n);
            else if (as == 1) FloatElementwise.binaryScalar(op, a.f, ao, b.f[bo], o.f, oo, n);
            else if (bs == 1) FloatElementwise.scalarBinary(op, a.f[ao], b.f, bo, o.f, oo, n);
            else FloatElementwise.fill(applyFloat(op, a.f[ao], b.f[bo]), o.f, oo, n);
        } else if (o.d != null) {
            if (as == 1 && bs == 1) DoubleElementwise.binary(op, a.d, ao, b.d, bo, o.d, oo, n);
            else if (as == 1) DoubleElementwise.binaryScalar(op, a.d, ao, b.d[bo], o.d, oo, n);
            else if (bs == 1) DoubleElementwise.scalarBinary(op, a.d[ao], b.d, bo, o.d, oo, n);
            else DoubleElementwise.fill(applyDouble(op, a.d[ao], b.d[bo]), o.d, oo, n);
        } else {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": arithmetic on int64 tensors is not supported; "
                    + "convert with to(DType.FLOAT32) or to(DType.FLOAT64)");
        }
    }

    /** One element of a binary op, through the kernel so that the result is the kernel's bit for bit. */
    private static float applyFloat(BinaryOp op, float a, float b) {
        float[] r = {a};
        FloatElementwise.binaryScalar(op, r, 0, b, r, 0, 1);
        return r[0];
    }

    private static double applyDouble(BinaryOp op, double a, double b) {
        double[] r = {a};
        DoubleElementwise.binaryScalar(op, r, 0, b, r, 0, 1);
        return r[0];
    }

    static void binaryScalar(BinaryOp op, Storage a, int ao, int as, double s, boolean scalarFirst, Storage o, int oo, int n) {
        if (as == 0) {
            // a broadcast value: compute one element, then fill
            binaryScalar(op, a, ao, 1, s, scalarFirst, o, oo, 1);
            if (n > 1) fill(o, oo + 1, n - 1, o.get(oo));
            return;
        }
        if (o.f != null) {
            if (scalarFirst) FloatElementwise.scalarBinary(op, (float) s, a.f, ao, o.f, oo, n);
            else FloatElementwise.binaryScalar(op, a.f, ao, (float) s, o.f, oo, n);
        } else if (o.d != null) {
            if (scalarFirst) DoubleElementwise.scalarBinary(op, s, a.d, ao, o.d, oo, n);
            else DoubleElementwise.binaryScalar(op, a.d, ao, s, o.d, oo, n);
        } else {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": arithmetic on int64 tensors is not supported; "
                    + "convert with to(DType.FLOAT32) or to(DType.FLOAT64)");
        }
    }

    static void unary(UnaryOp op, Storage a, int ao, int as, Storage o, int oo, int n) {
        if (as == 0) {
            unary(op, a, ao, 1, o, oo, 1);
            if (n > 1) fill(o, oo + 1, n - 1, o.get(oo));
        } else if (o.f != null) {
            FloatElementwise.unary(op, a.f, ao, o.f, oo, n);
        } else if (o.d != null) {
            DoubleElementwise.unary(op, a.d, ao, o.d, oo, n);
        } else if (op == UnaryOp.NEG || op == UnaryOp.ABS) {
            for (int i = 0; i < n; i++) o.l[oo + i] = op == UnaryOp.NEG ? -a.l[ao + i] : Math.abs(a.l[ao + i]);
        } else {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": not supported for int64 tensors; "
                    + "convert with to(DType.FLOAT32) or to(DType.FLOAT64)");
        }
    }

    static void compare(CompareOp op, Storage a, int ao, int as, Storage b, int bo, int bs, Storage o, int oo, int n) {
        if (o.f != null && as == 1 && bs == 1) {
            FloatElementwise.compare(op, a.f, ao, b.f, bo, o.f, oo, n);
        } else if (o.f != null && as == 1) {
            FloatElementwise.compareScalar(op, a.f, ao, b.f[bo], o.f, oo, n);
        } else if (o.d != null && as == 1 && bs == 1) {
            DoubleElementwise.compare(op, a.d, ao, b.d, bo, o.d, oo, n);
        } else if (o.d != null && as == 1) {
            DoubleElementwise.compareScalar(op, a.d, ao, b.d[bo], o.d, oo, n);
        } else {
            // int64, or a broadcast left operand: a plain loop (longs compare as longs, exactly)
            for (int i = 0; i < n; i++) {
                int ia = ao + i * as, ib = bo + i * bs;
                boolean r = o.l != null ? holds(op, Long.compare(a.l[ia], b.l[ib]), false) : holds(op, a.get(ia), b.get(ib));
                o.set(oo + i, r ? 1 : 0);
            }
        }
    }

    /** IEEE comparison of doubles: NaN is unordered, -0.0 equals 0.0. */
    private static boolean holds(CompareOp op, double x, double y) {
        boolean unordered = Double.isNaN(x) || Double.isNaN(y);
        return holds(op, x < y ? -1 : x > y ? 1 : 0, unordered);
    }

    /** Whether {@code op} holds for a comparison result {@code cmp} (sign of x - y). */
    private static boolean holds(CompareOp op, int cmp, boolean unordered) {
        if (unordered) return op == CompareOp.NE;
        return switch (op) {
            case GT -> cmp > 0;
            case LT -> cmp < 0;
            case GE -> cmp >= 0;
            case LE -> cmp <= 0;
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
        };
    }
}
