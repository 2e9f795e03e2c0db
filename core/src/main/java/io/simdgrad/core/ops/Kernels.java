package io.simdgrad.core.ops;

import io.simdgrad.core.engine.Storage;
import io.simdgrad.simd.ArrayKernels;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.UnaryOp;
import io.simdgrad.simd.UnaryParamOp;

import java.util.Locale;

/**
 * Runs of elementwise work on storages, through the {@link ArrayKernels} of the result's type
 * (picked once per storage, not per call site). Input strides are 0 (a broadcast value) or 1;
 * outputs are contiguous. INT64 has no arithmetic kernels: its comparisons and copies go through
 * plain loops here.
 */
public final class Kernels {
    private Kernels() {}

    public static void fill(Storage o, int off, int n, double v) {
        if (o.k != null) o.k.fill(v, o.array, off, n);
        else java.util.Arrays.fill(o.l, off, off + n, (long) v);
    }

    static void copy(Storage a, int ao, int as, Storage o, int oo, int n) {
        if (as == 0) {
            fill(o, oo, n, a.get(ao));
        } else if (o.k != null) {
            if (as == 1) o.k.copy(a.array, ao, o.array, oo, n);
            else o.k.gather(a.array, ao, as, o.array, oo, n);
        } else {
            for (int i = 0; i < n; i++) o.l[oo + i] = a.l[ao + i * as];
        }
    }

    static void binary(BinaryOp op, Storage a, int ao, int as, Storage b, int bo, int bs, Storage o, int oo, int n) {
        ArrayKernels k = arithmetic(o, op);
        if (as == 1 && bs == 1) {
            k.binary(op, a.array, ao, b.array, bo, o.array, oo, n);
        } else if (as == 1) {
            k.binaryScalar(op, a.array, ao, b.get(bo), o.array, oo, n);
        } else if (bs == 1) {
            k.scalarBinary(op, a.get(ao), b.array, bo, o.array, oo, n);
        } else {
            // both broadcast: one element through the kernel (its bits), then a fill
            k.binaryScalar(op, a.array, ao, b.get(bo), o.array, oo, 1);
            if (n > 1) fill(o, oo + 1, n - 1, o.get(oo));
        }
    }

    static void binaryScalar(BinaryOp op, Storage a, int ao, int as, double s, boolean scalarFirst, Storage o, int oo, int n) {
        ArrayKernels k = arithmetic(o, op);
        int len = as == 0 ? Math.min(n, 1) : n; // a broadcast value: compute one element, then fill
        if (scalarFirst) k.scalarBinary(op, s, a.array, ao, o.array, oo, len);
        else k.binaryScalar(op, a.array, ao, s, o.array, oo, len);
        if (len < n) fill(o, oo + 1, n - 1, o.get(oo));
    }

    static void unary(UnaryOp op, Storage a, int ao, int as, Storage o, int oo, int n) {
        if (o.k == null) {
            // PyTorch's int64 forms: floor, ceil, round and trunc are the identity (a copy), sign is signum
            switch (op) {
                case NEG, ABS, SIGN, FLOOR, CEIL, ROUND, TRUNC -> { }
                default -> throw new IllegalArgumentException(lower(op) + ": not supported for int64 tensors; "
                        + "convert with to(DType.FLOAT32) or to(DType.FLOAT64)");
            }
            for (int i = 0; i < n; i++) {
                long v = a.l[ao + i * as];
                o.l[oo + i] = switch (op) {
                    case NEG -> -v;
                    case ABS -> Math.abs(v);
                    case SIGN -> Long.signum(v);
                    default -> v;
                };
            }
            return;
        }
        int len = as == 0 ? Math.min(n, 1) : n;
        o.k.unary(op, a.array, ao, o.array, oo, len);
        if (len < n) fill(o, oo + 1, n - 1, o.get(oo));
    }

    static void unaryParam(UnaryParamOp op, Storage a, int ao, int as, double p, double q, double r, Storage o, int oo, int n) {
        ArrayKernels k = arithmetic(o, op);
        int len = as == 0 ? Math.min(n, 1) : n;
        k.unaryParam(op, a.array, ao, p, q, r, o.array, oo, len);
        if (len < n) fill(o, oo + 1, n - 1, o.get(oo));
    }

    static void compare(CompareOp op, Storage a, int ao, int as, Storage b, int bo, int bs, Storage o, int oo, int n) {
        if (o.k != null && as == 1 && bs == 1) {
            o.k.compare(op, a.array, ao, b.array, bo, o.array, oo, n);
        } else if (o.k != null && as == 1) {
            o.k.compareScalar(op, a.array, ao, b.get(bo), o.array, oo, n);
        } else {
            // int64, or a broadcast left operand: a plain loop (longs compare as longs, exactly)
            for (int i = 0; i < n; i++) {
                int ia = ao + i * as, ib = bo + i * bs;
                boolean r = o.l != null ? holds(op, Long.compare(a.l[ia], b.l[ib]), false) : holds(op, a.get(ia), b.get(ib));
                o.set(oo + i, r ? 1 : 0);
            }
        }
    }

    /** The result's arithmetic kernels; int64 has none. */
    static ArrayKernels arithmetic(Storage o, Enum<?> op) {
        if (o.k == null) {
            throw new IllegalArgumentException(lower(op) + ": arithmetic on int64 tensors is not supported; "
                    + "convert with to(DType.FLOAT32) or to(DType.FLOAT64)");
        }
        return o.k;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
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
