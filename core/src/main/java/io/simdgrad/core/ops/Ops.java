package io.simdgrad.core.ops;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.ForwardAD;
import io.simdgrad.core.Kernel;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Dispatch;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.simd.ArrayKernels;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.FloatGemm;
import io.simdgrad.simd.ReduceOp;
import io.simdgrad.simd.UnaryOp;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The op definitions: one record or class per op, holding its attributes, its shape and dtype
 * rule and its forward. {@link Tensor}'s methods are thin calls of these through
 * {@link Dispatch}.
 */
public final class Ops {
    private Ops() {}

    /** The {@code dim} value meaning "over all elements". */
    public static final int ALL = Integer.MIN_VALUE;

    /** Lower-case constant names per enum class, computed once: op names are read on every call. */
    private static final ClassValue<String[]> LOWER_NAMES = new ClassValue<>() {
        @Override protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] names = new String[constants.length];
            for (int i = 0; i < names.length; i++) names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
            return names;
        }
    };

    private static String lower(Enum<?> e) {
        return LOWER_NAMES.get(e.getDeclaringClass())[e.ordinal()];
    }


    /** A constant (no gradient) variable. */
    private static Variable constant(Tensor t) {
        return new Variable(t, false);
    }

    /** 1 where x > y, 0.5 where x == y, 0 elsewhere: how maximum/minimum share the gradient at ties, like torch. */
    private static Tensor winnerMask(Tensor x, Tensor y) {
        return x.gt(y).add(x.eq(y).mul(0.5));
    }

    /** {@code g} with the reduced dim {@code d} put back (when keepdim was false), broadcast to {@code shape}. */
    private static Variable unreduce(Variable g, int d, boolean keepdim, int[] shape) {
        Variable k = keepdim || shape.length == 0 ? g : g.unsqueeze(d);
        return k.expand(shape);
    }

    // ------------------------------------------------------------------ copies and conversion

    /** A contiguous copy of the input. */
    public static final class Copy implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /** The one instance. */
        public static final Copy INSTANCE = new Copy();

        private Copy() {}

        @Override public String name() { return "contiguous"; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) { CopyInto.copy(in[0], out); }
        /** A contiguous operand of the result's dtype, in other memory: one copy kernel call. */
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            Tensor a = in[0];
            if (a.isContiguous() && out.isContiguous() && a.dtype() == out.dtype() && !a.sharesStorageWith(out)) return (i, o) -> copyContiguous(i[0], o);
            return this::forward;
        }
        @Override public String gradFnName(Tensor[] in) { return "CloneBackward0"; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g}; }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return t[0]; }
    }

    /**
     * Copies contiguous {@code a} into contiguous {@code out} of its dtype and element count: one
     * copy kernel (int64 by arraycopy), nothing allocated. For executors that move tensors into
     * and out of their buffers.
     *
     * @throws IllegalArgumentException when the operands do not fit
     */
    public static void copyContiguous(Tensor a, Tensor out) {
        if (!a.isContiguous() || !out.isContiguous() || a.dtype() != out.dtype() || a.numel() != out.numel()) {
            throw new IllegalArgumentException("copyContiguous: expected two contiguous tensors of one dtype and size, got "
                    + a.dtype().shortName() + Shapes.str(Internals.shape(a)) + " and " + out.dtype().shortName() + Shapes.str(Internals.shape(out)));
        }
        Storage o = Internals.storage(out);
        int n = out.numel();
        if (o.k != null) o.k.copy(Internals.storage(a).array, Internals.offset(a), o.array, Internals.offset(out), n);
        else System.arraycopy(Internals.storage(a).l, Internals.offset(a), o.l, Internals.offset(out), n);
    }

    /** {@code self.copy_(src)}: src broadcast to self's shape and converted to its dtype. */
    public static final class CopyInto implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /** The one instance. */
        public static final CopyInto INSTANCE = new CopyInto();

        private CopyInto() {}

        @Override public String name() { return "copy"; }
        @Override public int[] shape(Tensor[] in) {
            int[] s = Shapes.broadcast("copy", Internals.shape(in[0]), Internals.shape(in[1]));
            return s;
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) { copy(in[1], out); }

        /**
         * Copies {@code src} (broadcast to dst's shape, converted to dst's dtype) into {@code dst},
         * which may be any strided view. A transposed 2-D layout goes through the blocked
         * transpose kernel.
         */
        public static void copy(Tensor src, Tensor dst) {
            Tensor s = src.dtype() == dst.dtype() ? src.expand(Internals.shape(dst)) : convert(src, dst.dtype()).expand(Internals.shape(dst));
            int r = dst.dim();
            // a transposed layout has a column stride of at least the row count; an expanded one (stride 0) does not
            if (r >= 2 && dst.isContiguous() && Internals.strides(s)[r - 1] != 1 && Internals.strides(s)[r - 1] >= Internals.shape(s)[r - 2]
                    && Internals.strides(s)[r - 2] == 1 && Internals.shape(s)[r - 1] > 1 && Internals.storage(s) != Internals.storage(dst)) {
                transposeCopy(s, dst);
                return;
            }
            if (Internals.storage(s) == Internals.storage(dst) && overlaps(s, dst)) s = s.copy();
            Tensor fs = s;
            Loops.iterate(Internals.shape(dst), new Tensor[] {fs, dst}, (offs, st, n) -> {
                if (st[1] == 1) {
                    Kernels.copy(Internals.storage(fs), offs[0], st[0], Internals.storage(dst), offs[1], n);
                } else {
                    for (int i = 0; i < n; i++) Internals.storage(dst).set(offs[1] + i * st[1], Internals.storage(fs).get(offs[0] + i * st[0]));
                }
            });
        }

        private static boolean overlaps(Tensor a, Tensor b) {
            return !(Internals.offset(a) == Internals.offset(b) && Arrays.equals(Internals.strides(a), Internals.strides(b)));
        }

        private static void transposeCopy(Tensor s, Tensor dst) {
            int r = dst.dim();
            int rows = Internals.shape(s)[r - 2], cols = Internals.shape(s)[r - 1], ld = Internals.strides(s)[r - 1];
            // iterate the outer dims by viewing the last two as one element
            int[] outerShape = Arrays.copyOf(Internals.shape(dst), r - 2);
            Tensor so = Internals.newTensor(Internals.storage(s), outerShape, Arrays.copyOf(Internals.strides(s), r - 2), Internals.offset(s));
            Tensor d0 = Internals.newTensor(Internals.storage(dst), outerShape, Arrays.copyOf(Internals.strides(dst), r - 2), Internals.offset(dst));
            Loops.iterate(outerShape, new Tensor[] {so, d0}, (offs, st, n) -> {
                for (int i = 0; i < n; i++) {
                    int so0 = offs[0] + i * st[0], do0 = offs[1] + i * st[1];
                    if (Internals.storage(dst).k != null) Internals.storage(dst).k.transpose(Internals.storage(s).array, so0, cols, rows, ld, Internals.storage(dst).array, do0, cols);
                    else {
                        for (int x = 0; x < rows; x++) {
                            for (int y = 0; y < cols; y++) Internals.storage(dst).l[do0 + x * cols + y] = Internals.storage(s).l[so0 + x + y * ld];
                        }
                    }
                }
            });
        }
    }

    private static Tensor convert(Tensor src, DType to) {
        Tensor out = Internals.empty(to, Internals.shape(src));
        new Convert(to).forward(new Tensor[] {src}, out);
        return out;
    }

    /** A contiguous run through the simd conversion kernels; false when the pair has none (same dtype). */
    private static boolean convertRun(Storage a, int ao, Storage o, int oo, int n) {
        if (a.f != null && o.d != null) io.simdgrad.simd.Convert.toDouble(a.f, ao, o.d, oo, n);
        else if (a.d != null && o.f != null) io.simdgrad.simd.Convert.toFloat(a.d, ao, o.f, oo, n);
        else if (a.l != null && o.f != null) io.simdgrad.simd.Convert.toFloat(a.l, ao, o.f, oo, n);
        else if (a.l != null && o.d != null) io.simdgrad.simd.Convert.toDouble(a.l, ao, o.d, oo, n);
        else if (a.f != null && o.l != null) io.simdgrad.simd.Convert.toLong(a.f, ao, o.l, oo, n);
        else if (a.d != null && o.l != null) io.simdgrad.simd.Convert.toLong(a.d, ao, o.l, oo, n);
        else return false;
        return true;
    }

    /** Conversion to another dtype (floats to int64 truncate toward zero, like torch). */
    public record Convert(DType to) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        @Override public String name() { return "to"; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return to; }
        @Override public String attributes() { return "dtype=" + to.torchName(); }
        @Override public String gradFnName(Tensor[] in) { return "ToCopyBackward0"; }
        @Override public boolean differentiable() { return to.isFloatingPoint(); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) { return new Variable[] {g.to(s.inputDtype(0))}; }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return t[0].to(to); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor src = in[0];
            Loops.iterate(Internals.shape(out), new Tensor[] {src, out}, (offs, st, n) -> {
                Storage a = Internals.storage(src), o = Internals.storage(out);
                if (st[0] == 1 && convertRun(a, offs[0], o, offs[1], n)) return;
                for (int i = 0; i < n; i++) {
                    int ia = offs[0] + i * st[0];
                    if (o.l != null) o.l[offs[1] + i] = a.l != null ? a.l[ia] : (long) a.get(ia);
                    else o.set(offs[1] + i, a.get(ia));
                }
            });
        }
    }

    // ------------------------------------------------------------------ elementwise

    /** {@code a op b} with broadcasting. */
    public record Binary(BinaryOp kind) implements ElementwiseOp {
        private static final Map<BinaryOp, Binary> ALL_KINDS = new EnumMap<>(BinaryOp.class);

        static {
            for (BinaryOp k : BinaryOp.values()) ALL_KINDS.put(k, new Binary(k));
        }

        /** The shared definition of one kind. */
        public static Binary of(BinaryOp kind) {
            return ALL_KINDS.get(kind);
        }

        @Override public String name() {
            return switch (kind) {
                case MAX -> "maximum";
                case MIN -> "minimum";
                default -> lower(kind);
            };
        }
        @Override public int[] shape(Tensor[] in) { return Shapes.broadcast(name(), Internals.shape(in[0]), Internals.shape(in[1])); }
        @Override public DType dtype(Tensor[] in) { return DType.promote(in[0].dtype(), in[1].dtype()); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Kernels.binary(kind, s[0], o[0], st[0], s[1], o[1], st[1], s[2], o[2], n);
        }
        @Override public String gradFnName(Tensor[] in) {
            return switch (kind) {
                case POW -> "PowBackward1";
                case FMOD -> "FmodBackward1";
                case REMAINDER -> "RemainderBackward1";
                default -> ElementwiseOp.super.gradFnName(in);
            };
        }
        @Override public boolean savesInput(int i) { return kind != BinaryOp.ADD && kind != BinaryOp.SUB; }
        @Override public boolean savesOutput() { return kind == BinaryOp.POW || kind == BinaryOp.HYPOT; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return switch (kind) {
                case ADD -> new Variable[] {g, g};
                case SUB -> new Variable[] {g, s.needsGrad(1) ? g.neg() : null};
                case MUL -> new Variable[] {s.needsGrad(0) ? g.mul(s.input(1)) : null, s.needsGrad(1) ? g.mul(s.input(0)) : null};
                case DIV -> {
                    Variable a = s.input(0), b = s.input(1);
                    yield new Variable[] {s.needsGrad(0) ? g.div(b) : null, s.needsGrad(1) ? g.mul(a).div(b.square()).neg() : null};
                }
                case POW -> {
                    Variable a = s.input(0), b = s.input(1);
                    yield new Variable[] {s.needsGrad(0) ? g.mul(b).mul(a.pow(b.sub(1.0))) : null,
                            s.needsGrad(1) ? g.mul(s.output()).mul(a.log()) : null};
                }
                case MAX, MIN -> {
                    Tensor a = s.input(0).data(), b = s.input(1).data();
                    Tensor m = kind == BinaryOp.MAX ? winnerMask(a, b) : winnerMask(b, a);
                    yield new Variable[] {g.mul(constant(m)), g.mul(constant(m.rsub(1)))};
                }
                case ATAN2 -> {
                    // d atan2(a, b) = (b da - a db) / (a^2 + b^2)
                    Variable a = s.input(0), b = s.input(1), r2 = a.square().add(b.square());
                    yield new Variable[] {s.needsGrad(0) ? g.mul(b).div(r2) : null, s.needsGrad(1) ? g.mul(a).div(r2).neg() : null};
                }
                case HYPOT -> new Variable[] {s.needsGrad(0) ? g.mul(s.input(0)).div(s.output()) : null,
                        s.needsGrad(1) ? g.mul(s.input(1)).div(s.output()) : null};
                case FMOD, REMAINDER -> new Variable[] {g,
                        s.needsGrad(1) ? g.mul(constant(ElementwiseOps.quotient(kind, s.input(0).data(), s.input(1).data()))).neg() : null};
            };
        }
    }

    /** {@code a op s} or, reversed, {@code s op a}, for a constant {@code s}. */
    public record BinaryScalar(BinaryOp kind, double scalar, boolean reversed) implements ElementwiseOp {
        @Override public String name() {
            String base = Binary.of(kind).name();
            return reversed ? "r" + base : base;
        }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public String attributes() { return "scalar=" + scalar; }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Kernels.binaryScalar(kind, s[0], o[0], st[0], scalar, reversed, s[1], o[1], n);
        }
        @Override public String gradFnName(Tensor[] in) {
            if (reversed) {
                return switch (kind) {
                    case SUB -> "RsubBackward1";
                    case DIV -> "MulBackward0"; // torch computes s / x as reciprocal(x) * s
                    case POW -> "PowBackward1";
                    default -> ElementwiseOp.super.gradFnName(in);
                };
            }
            return switch (kind) {
                case MAX -> "ClampMinBackward0";
                case MIN -> "ClampMaxBackward0";
                default -> ElementwiseOp.super.gradFnName(in);
            };
        }
        @Override public boolean savesInput(int i) {
            return kind == BinaryOp.MAX || kind == BinaryOp.MIN || (kind == BinaryOp.POW && !reversed) || (kind == BinaryOp.DIV && reversed)
                    || kind == BinaryOp.ATAN2 || kind == BinaryOp.HYPOT
                    || (reversed && (kind == BinaryOp.FMOD || kind == BinaryOp.REMAINDER));
        }
        @Override public boolean savesOutput() { return (kind == BinaryOp.POW && reversed) || kind == BinaryOp.HYPOT; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable r = switch (kind) {
                case ADD -> g;
                case SUB -> reversed ? g.neg() : g;
                case MUL -> g.mul(scalar);
                case DIV -> reversed ? g.mul(s.input(0).square().rdiv(-scalar)) : g.div(scalar);
                case POW -> reversed ? g.mul(s.output()).mul(Math.log(scalar))
                        : scalar == 0 ? g.mul(0.0) : g.mul(s.input(0).pow(scalar - 1).mul(scalar));
                case MAX, MIN -> {
                    Tensor x = s.input(0).data(), c = Tensor.scalar(x.dtype(), scalar);
                    yield g.mul(constant(kind == BinaryOp.MAX ? winnerMask(x, c) : winnerMask(c, x)));
                }
                case ATAN2 -> {
                    // atan2(x, s): s / (x^2 + s^2); reversed, atan2(s, x): -s / (s^2 + x^2)
                    Variable r2 = s.input(0).square().add(scalar * scalar);
                    yield g.mul(reversed ? -scalar : scalar).div(r2);
                }
                case HYPOT -> g.mul(s.input(0)).div(s.output());
                // a fmod s: 1; s fmod a: -trunc(s / a) (remainder: floor), as torch's fmod/remainder gradients
                case FMOD, REMAINDER -> reversed
                        ? g.mul(constant(ElementwiseOps.quotient(kind, Tensor.scalar(s.input(0).dtype(), scalar), s.input(0).data()))).neg()
                        : g;
            };
            return new Variable[] {r};
        }
    }

    /** A unary elementwise op. */
    public record Unary(UnaryOp kind) implements ElementwiseOp {
        private static final Map<UnaryOp, Unary> ALL_KINDS = new EnumMap<>(UnaryOp.class);

        static {
            for (UnaryOp k : UnaryOp.values()) ALL_KINDS.put(k, new Unary(k));
        }

        /** The shared definition of one kind. */
        public static Unary of(UnaryOp kind) {
            return ALL_KINDS.get(kind);
        }

        @Override public String name() { return kind == UnaryOp.GELU_TANH ? "gelu" : lower(kind); }
        @Override public String attributes() { return kind == UnaryOp.GELU_TANH ? "approximate=tanh" : ""; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Kernels.unary(kind, s[0], o[0], st[0], s[1], o[1], n);
        }
        /** isnan, isinf and isfinite give 0/1 masks, like the comparisons. */
        @Override public boolean differentiable() {
            return kind != UnaryOp.ISNAN && kind != UnaryOp.ISINF && kind != UnaryOp.ISFINITE;
        }
        @Override public String gradFnName(Tensor[] in) {
            return switch (kind) {
                case SQUARE -> "PowBackward0";
                case LOG1P -> "Log1PBackward0";
                case LOGSIGMOID -> "LogSigmoidBackward0";
                default -> ElementwiseOp.super.gradFnName(in);
            };
        }
        @Override public boolean savesInput(int i) {
            return switch (kind) {
                case LOG, ABS, SQUARE, SIN, COS -> true;
                case GELU, GELU_TANH, SILU, MISH, HARDSWISH, HARDSIGMOID, LOGSIGMOID, LOG1P, LOG2, LOG10, ERF, ERFC,
                        ASIN, ACOS, ATAN, SINH, COSH, ASINH, ACOSH, ATANH -> true;
                default -> false;
            };
        }
        @Override public boolean savesOutput() {
            return switch (kind) {
                case EXP, SQRT, RECIPROCAL, TANH, SIGMOID, RELU, EXPM1, EXP2, ERFINV, TAN -> true;
                default -> false;
            };
        }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable r = switch (kind) {
                case NEG -> g.neg();
                case EXP -> g.mul(s.output());
                case LOG -> g.div(s.input(0));
                case SQRT -> g.div(s.output().mul(2.0));
                case ABS -> {
                    Tensor x = s.input(0).data();
                    yield g.mul(constant(x.gt(0.0).sub(x.lt(0.0))));
                }
                case SQUARE -> g.mul(s.input(0).mul(2.0));
                case RECIPROCAL -> g.mul(s.output().square()).neg();
                // without createGraph one pass of the fused kernel (ElementwiseOps.UnaryBackward), with it ops
                case TANH -> fusedBackward(g, s.output()) ? fused(s, g) : g.mul(s.output().square().rsub(1.0));
                case SIGMOID -> fusedBackward(g, s.output()) ? fused(s, g) : g.mul(s.output().mul(s.output().rsub(1.0)));
                case RELU -> fusedBackward(g, s.output()) ? fused(s, g) : g.mul(constant(s.output().data().gt(0.0)));
                case SIN -> g.mul(s.input(0).cos());
                case COS -> g.mul(s.input(0).sin()).neg();
                default -> ElementwiseOps.unaryVjp(kind, s, g);
            };
            return new Variable[] {r};
        }

        private Variable fused(Op.Saved s, Variable g) {
            return Variable.apply(new ElementwiseOps.UnaryBackward(kind), s.output(), g);
        }
    }

    /** {@code min(max(x, lo), hi)}. */
    public record Clamp(double min, double max) implements ElementwiseOp {
        @Override public String name() { return "clamp"; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public String attributes() { return "min=" + min + ", max=" + max; }
        @Override public String gradFnName(Tensor[] in) { return "ClampBackward1"; }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Tensor x = s.input(0).data();
            return new Variable[] {g.mul(constant(x.ge(min).mul(x.le(max))))};
        }
        @Override public void run(Storage[] s, int[] offs, int[] st, int n) {
            clamp(min, max, s, offs, st, n);
        }

        /** The clamp run, shared with {@code hardtanh} (the same values, another gradient at the bounds). */
        static void clamp(double min, double max, Storage[] s, int[] offs, int[] st, int n) {
            Storage a = s[0], o = s[1];
            if (st[0] == 0) {
                double v = Math.min(Math.max(a.get(offs[0]), min), max);
                Kernels.fill(o, offs[1], n, Double.isNaN(a.get(offs[0])) ? Double.NaN : v);
            } else if (o.k != null) {
                o.k.clamp(a.array, offs[0], min, max, o.array, offs[1], n);
            } else {
                for (int i = 0; i < n; i++) o.l[offs[1] + i] = (long) Math.min(Math.max(a.l[offs[0] + i], min), max);
            }
        }
    }

    /** A comparison giving a 0/1 mask in the promoted dtype. */
    public record Compare(CompareOp kind) implements ElementwiseOp {
        private static final Map<CompareOp, Compare> ALL_KINDS = new EnumMap<>(CompareOp.class);

        static {
            for (CompareOp k : CompareOp.values()) ALL_KINDS.put(k, new Compare(k));
        }

        /** The shared definition of one kind. */
        public static Compare of(CompareOp kind) {
            return ALL_KINDS.get(kind);
        }

        @Override public String name() { return lower(kind); }
        @Override public int[] shape(Tensor[] in) { return Shapes.broadcast(name(), Internals.shape(in[0]), Internals.shape(in[1])); }
        @Override public DType dtype(Tensor[] in) { return DType.promote(in[0].dtype(), in[1].dtype()); }
        @Override public boolean differentiable() { return false; }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Kernels.compare(kind, s[0], o[0], st[0], s[1], o[1], st[1], s[2], o[2], n);
        }
    }

    /** A comparison with a constant, giving a 0/1 mask in the input's dtype. */
    public record CompareScalar(CompareOp kind, double scalar) implements ElementwiseOp {
        @Override public String name() { return lower(kind); }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public String attributes() { return "scalar=" + scalar; }
        @Override public boolean differentiable() { return false; }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            if (s[1].k != null && st[0] == 1) {
                s[1].k.compareScalar(kind, s[0].array, o[0], scalar, s[1].array, o[1], n);
            } else {
                // int64 (compares as longs) or a broadcast element: the constant as an element of the dtype
                Storage c = Internals.storage(Tensor.scalar(s[1].dtype, scalar));
                Kernels.compare(kind, s[0], o[0], st[0], c, 0, 0, s[1], o[1], n);
            }
        }
    }

    /** {@code mask != 0 ? a : b}, broadcasting all three. */
    public static final class Where implements ElementwiseOp {
        /** The one instance. */
        public static final Where INSTANCE = new Where();

        private Where() {}

        @Override public String name() { return "where"; }
        @Override public int[] shape(Tensor[] in) {
            return Shapes.broadcast("where", Internals.shape(in[0]), Shapes.broadcast("where", Internals.shape(in[1]), Internals.shape(in[2])));
        }
        @Override public DType dtype(Tensor[] in) { return DType.promote(in[1].dtype(), in[2].dtype()); }
        @Override public boolean savesInput(int i) { return i == 0; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Tensor m = s.input(0).data().to(g.dtype()).ne(0.0);
            return new Variable[] {null, g.mul(constant(m)), g.mul(constant(m.rsub(1)))};
        }
        @Override public void run(Storage[] s, int[] offs, int[] st, int n) {
            Storage m = s[0], a = s[1], b = s[2], o = s[3];
            if (st[0] == 1 && st[1] == 1 && st[2] == 1 && o.k != null) {
                o.k.where(m.array, offs[0], a.array, offs[1], b.array, offs[2], o.array, offs[3], n);
            } else if (o.l != null) {
                for (int i = 0; i < n; i++) {
                    o.l[offs[3] + i] = m.l[offs[0] + i * st[0]] != 0 ? a.l[offs[1] + i * st[1]] : b.l[offs[2] + i * st[2]];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    o.set(offs[3] + i, m.get(offs[0] + i * st[0]) != 0 ? a.get(offs[1] + i * st[1]) : b.get(offs[2] + i * st[2]));
                }
            }
        }
    }

    /** {@code self + alpha * other}: the optimisers' update, one pass. */
    public record AddScaled(double alpha) implements ElementwiseOp {
        @Override public String name() { return "addScaled"; }
        /** Only in place (the optimisers' update, under noGrad): no gradient. */
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) { return Shapes.broadcast(name(), Internals.shape(in[0]), Internals.shape(in[1])); }
        @Override public DType dtype(Tensor[] in) { return DType.promote(in[0].dtype(), in[1].dtype()); }
        @Override public String attributes() { return "alpha=" + alpha; }
        /** Not over {@code other}: the run copies {@code self} into the result first, then adds. */
        @Override public boolean writesOverOperand(int k) { return k == 0; }
        @Override public void run(Storage[] s, int[] offs, int[] st, int n) {
            Storage a = s[0], b = s[1], o = s[2];
            if (o.k == null) throw new IllegalArgumentException("addScaled: arithmetic on int64 tensors is not supported");
            if (st[1] == 0) {
                Kernels.binaryScalar(BinaryOp.ADD, a, offs[0], st[0], alpha * b.get(offs[1]), false, o, offs[2], n);
                return;
            }
            if (a != o || offs[0] != offs[2] || st[0] != 1) Kernels.copy(a, offs[0], st[0], o, offs[2], n);
            o.k.axpy(alpha, b.array, offs[1], o.array, offs[2], n);
        }
    }

    /** Every element set to a constant (in place on its input). */
    public record Fill(double value) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /** Writing one value twice is harmless, so PyTorch's fill_ allows an expanded target too. */
        @Override public boolean overlappingTargetAllowed() { return true; }
        @Override public String name() { return "fill"; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public String attributes() { return "value=" + value; }
        @Override public void forward(Tensor[] in, Tensor out) { Kernels.fill(Internals.storage(out), Internals.offset(out), out.numel(), value); }
    }

    // ------------------------------------------------------------------ reductions

    /** What a {@link Reduce} computes. */
    public enum ReduceKind { SUM, MEAN, MAX, MIN, ARGMAX, NORM2 }

    /** A reduction over all elements ({@code dim == ALL}) or over one dim. */
    public record Reduce(ReduceKind kind, int dim, boolean keepdim) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        @Override public String name() { return kind == ReduceKind.NORM2 ? "norm" : lower(kind); }
        @Override public String attributes() {
            return dim == ALL ? "" : "dim=" + dim + (keepdim ? ", keepdim=True" : "");
        }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0];
            if (x.dtype() == DType.INT64 && kind != ReduceKind.SUM && kind != ReduceKind.MAX && kind != ReduceKind.MIN && kind != ReduceKind.ARGMAX) {
                throw new IllegalArgumentException(name() + ": not supported for int64 tensors; convert with to(DType.FLOAT32)");
            }
            if (dim == ALL) {
                if (x.numel() == 0 && (kind == ReduceKind.MAX || kind == ReduceKind.MIN || kind == ReduceKind.ARGMAX)) {
                    throw new IllegalArgumentException(name() + ": Expected reduction dim to be specified for input.numel() == 0 (shape "
                            + Shapes.str(Internals.shape(x)) + ")");
                }
                return new int[0];
            }
            int d = Shapes.dim(name(), dim, x.dim());
            if (x.dim() == 0) return new int[0];
            if (Internals.shape(x)[d] == 0 && (kind == ReduceKind.MAX || kind == ReduceKind.MIN || kind == ReduceKind.ARGMAX)) {
                throw new IllegalArgumentException(name() + ": Expected reduction dim " + d + " to have non-zero size (shape "
                        + Shapes.str(Internals.shape(x)) + ")");
            }
            return reducedShape(Internals.shape(x), d, keepdim);
        }
        @Override public DType dtype(Tensor[] in) { return kind == ReduceKind.ARGMAX ? DType.INT64 : in[0].dtype(); }
        @Override public boolean differentiable() { return kind != ReduceKind.ARGMAX; }
        @Override public String gradFnName(Tensor[] in) {
            boolean all = dim == ALL;
            return switch (kind) {
                case SUM -> all ? "SumBackward0" : "SumBackward1";
                case MEAN -> all ? "MeanBackward0" : "MeanBackward1";
                case MAX -> all ? "MaxBackward1" : "MaxBackward0";
                case MIN -> all ? "MinBackward1" : "MinBackward0";
                case NORM2 -> "NormBackward1";
                case ARGMAX -> "ArgmaxBackward0";
            };
        }
        @Override public boolean savesInput(int i) { return kind == ReduceKind.MAX || kind == ReduceKind.MIN || kind == ReduceKind.NORM2; }
        @Override public boolean savesOutput() { return savesInput(0); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            boolean all = dim == ALL || shape.length == 0;
            int d = all ? 0 : Shapes.dim(name(), dim, shape.length);
            Variable ge = all ? g.expand(shape) : unreduce(g, d, keepdim, shape);
            Variable r = switch (kind) {
                case SUM -> ge;
                case MEAN -> ge.div(all ? Shapes.numel(shape) : shape[d]);
                case MAX, MIN -> {
                    // ties share the gradient evenly (torch does so for the full reduction; along a dim it
                    // picks one index, which only differs at ties, where the function has a kink)
                    Tensor x = s.input(0).data(), out = s.output().data();
                    Tensor best = all || keepdim ? out : out.unsqueeze(d);
                    Tensor hit = x.eq(best);
                    Tensor count = all ? hit.sum() : hit.sum(d, true);
                    yield ge.mul(constant(hit.div(count)));
                }
                case NORM2 -> {
                    // d|x|/dx = x/|x|; at |x| = 0 (then x = 0) the denominator gets 1 so the gradient is 0, like torch
                    Tensor out = s.output().data();
                    yield ge.mul(s.input(0)).div(s.output().add(constant(out.eq(0.0))));
                }
                case ARGMAX -> throw new AssertionError("argmax has no gradient");
            };
            return new Variable[] {r};
        }
        /** Sums and means are linear (the same reduction of the tangent); max, min and norm take the default. */
        @Override public Variable jvp(Op.Saved s, Variable[] t) {
            return kind == ReduceKind.SUM || kind == ReduceKind.MEAN ? Internals.forwardADLinear(this, s, t) : Op.super.jvp(s, t);
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0].contiguous();
            if (x.dtype() == DType.INT64) {
                boolean all = dim == ALL || x.dim() == 0;
                int d = all ? 0 : Shapes.dim(name(), dim, x.dim()), size = all ? x.numel() : Internals.shape(x)[d], inner = 1, outer = 1;
                for (int i = d + 1; !all && i < x.dim(); i++) inner *= Internals.shape(x)[i];
                for (int i = 0; !all && i < d; i++) outer *= Internals.shape(x)[i];
                longAlong(x, out, outer, size, inner);
                return;
            }
            if (dim == ALL || x.dim() == 0) {
                int n = x.numel();
                double v = all(x, n);
                Internals.storage(out).set(Internals.offset(out), v);
                return;
            }
            int d = Shapes.dim(name(), dim, x.dim());
            int size = Internals.shape(x)[d], inner = 1, outer = 1;
            for (int i = d + 1; i < x.dim(); i++) inner *= Internals.shape(x)[i];
            for (int i = 0; i < d; i++) outer *= Internals.shape(x)[i];
            along(x, out, outer, size, inner);
        }

        private double all(Tensor x, int n) {
            Storage s = Internals.storage(x);
            int o = Internals.offset(x);
            if (s.l != null) {
                long best = s.l[o];
                int at = 0;
                for (int i = 1; i < n; i++) {
                    long v = s.l[o + i];
                    if (kind == ReduceKind.MIN ? v < best : v > best) {
                        best = v;
                        at = i;
                    }
                }
                return kind == ReduceKind.ARGMAX ? at : best;
            }
            boolean f = s.f != null;
            Object a = s.array;
            return switch (kind) {
                case SUM -> s.k.reduce(ReduceOp.SUM, a, o, n);
                case MEAN -> meanOf(s.k.reduce(ReduceOp.SUM, a, o, n), n, f);
                case MAX -> s.k.reduce(ReduceOp.MAX, a, o, n);
                case MIN -> s.k.reduce(ReduceOp.MIN, a, o, n);
                case ARGMAX -> s.k.argReduce(ReduceOp.MAX, a, o, n);
                case NORM2 -> f ? (float) Math.sqrt(s.k.sumSquares(a, o, n)) : Math.sqrt(s.k.sumSquares(a, o, n));
            };
        }

        private static double meanOf(double sum, int n, boolean isFloat) {
            return isFloat ? (float) sum / (float) n : sum / n;
        }

        private void along(Tensor x, Tensor out, int outer, int size, int inner) {
            Storage s = Internals.storage(x), o = Internals.storage(out);
            int xo = Internals.offset(x);
            if (s.l != null || kind == ReduceKind.NORM2) {
                alongPlain(x, out, outer, size, inner);
                return;
            }
            // [outer, size, inner]: inner == 1 reduces the rows of one [outer, size] block;
            // otherwise each outer index is a [size, inner] block reduced down its columns
            if (kind == ReduceKind.ARGMAX) {
                argAlong(ReduceOp.MAX, x, out, outer, size, inner);
                return;
            }
            ReduceOp r = switch (kind) {
                case SUM, MEAN -> ReduceOp.SUM;
                case MAX -> ReduceOp.MAX;
                case MIN -> ReduceOp.MIN;
                default -> throw new AssertionError(kind);
            };
            if (inner == 1) {
                s.k.reduceRows(r, s.array, xo, outer, size, size, o.array, Internals.offset(out));
            } else {
                for (int b = 0; b < outer; b++) s.k.reduceColumns(r, s.array, xo + b * size * inner, size, inner, inner, o.array, Internals.offset(out) + b * inner);
            }
            if (kind == ReduceKind.MEAN) Kernels.binaryScalar(BinaryOp.DIV, o, Internals.offset(out), 1, size, false, o, Internals.offset(out), outer * inner);
        }

        /**
         * int64 sum/max/min/argmax of contiguous {@code [outer, size, inner]} along the middle dim, in
         * long arithmetic (exact beyond 2^53; sums wrap on overflow as PyTorch's int64 sums do).
         */
        private void longAlong(Tensor x, Tensor out, int outer, int size, int inner) {
            long[] a = Internals.storage(x).l, o = Internals.storage(out).l;
            for (int b = 0; b < outer; b++) {
                for (int j = 0; j < inner; j++) {
                    int base = Internals.offset(x) + b * size * inner + j;
                    long best = size == 0 ? 0 : a[base], acc = 0;
                    int at = 0;
                    for (int i = 0; i < size; i++) {
                        long v = a[base + i * inner];
                        acc += v;
                        if (kind == ReduceKind.MIN ? v < best : v > best) {
                            best = v;
                            at = i;
                        }
                    }
                    o[Internals.offset(out) + b * inner + j] = kind == ReduceKind.SUM ? acc : kind == ReduceKind.ARGMAX ? at : best;
                }
            }
        }

        /** float norm along a dim: a plain loop. */
        private void alongPlain(Tensor x, Tensor out, int outer, int size, int inner) {
            Storage s = Internals.storage(x), o = Internals.storage(out);
            for (int b = 0; b < outer; b++) {
                for (int j = 0; j < inner; j++) {
                    int base = Internals.offset(x) + b * size * inner + j;
                    double best = s.get(base), acc = 0;
                    int at = 0;
                    for (int i = 0; i < size; i++) {
                        double v = s.get(base + i * inner);
                        acc += v * v;
                        if (kind == ReduceKind.MIN ? v < best : v > best) {
                            best = v;
                            at = i;
                        }
                    }
                    double r = kind == ReduceKind.ARGMAX ? at : kind == ReduceKind.NORM2 ? Math.sqrt(acc) : best;
                    o.set(Internals.offset(out) + b * inner + j, r);
                }
            }
        }
    }

    /**
     * The INT64 index of the first largest (MAX) or smallest (MIN) element, or first NaN, along
     * the middle dim of a contiguous float tensor read as {@code [outer, size, inner]} (size >= 1):
     * the row kernels for inner == 1, else the column kernels per outer block.
     */
    public static void argAlong(ReduceOp kind, Tensor x, Tensor out, int outer, int size, int inner) {
        Storage s = Internals.storage(x);
        int xo = Internals.offset(x), oo = Internals.offset(out);
        int[] idx = new int[Math.multiplyExact(outer, inner)];
        if (inner == 1) s.k.argReduceRows(kind, s.array, xo, outer, size, size, idx, 0);
        else for (int b = 0; b < outer; b++) s.k.argReduceColumns(kind, s.array, xo + b * size * inner, size, inner, inner, idx, b * inner);
        long[] o = Internals.storage(out).l;
        for (int i = 0; i < idx.length; i++) o[oo + i] = idx[i];
    }

    public static int[] reducedShape(int[] shape, int d, boolean keepdim) {
        if (keepdim) {
            int[] r = shape.clone();
            r[d] = 1;
            return r;
        }
        int[] r = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) r[j++] = shape[i];
        return r;
    }

    /**
     * Brings {@code dim} of {@code x} last and makes it contiguous, so that row kernels apply;
     * returns the permutation used (null when dim already is last and x contiguous).
     */
    private static int[] lastDimPermutation(int d, int rank) {
        int[] perm = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) if (i != d) perm[j++] = i;
        perm[rank - 1] = d;
        return perm;
    }

    /** Softmax or log-softmax over one dim, stable. */
    public record Softmax(int dim, boolean log) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        @Override public String name() { return log ? "logSoftmax" : "softmax"; }
        @Override public String attributes() { return "dim=" + dim; }
        @Override public String gradFnName(Tensor[] in) { return log ? "LogSoftmaxBackward0" : "SoftmaxBackward0"; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable y = s.output();
            if (s.inputShape(0).length == 0) return new Variable[] {g.mul(0.0)};
            int d = Shapes.dim(name(), dim, s.inputShape(0).length);
            // the last dim without createGraph: one pass per row (LogSoftmaxBackward); else the ops, differentiable again
            if (log && d == s.inputShape(0).length - 1 && fusedBackward(g, y)) {
                return new Variable[] {Variable.apply(LogSoftmaxBackward.INSTANCE, g, y)};
            }
            Variable r = log ? g.sub(y.exp().mul(g.sum(d, true))) : y.mul(g.sub(g.mul(y).sum(d, true)));
            return new Variable[] {r};
        }
        /** {@code y (t - sum(y t))}; for log-softmax {@code t - sum(softmax t)}. */
        @Override public Variable jvp(Op.Saved s, Variable[] t) {
            Variable y = s.output();
            if (s.inputShape(0).length == 0) return null;
            int d = Shapes.dim(name(), dim, s.inputShape(0).length);
            return log ? t[0].sub(y.exp().mul(t[0]).sum(d, true)) : y.mul(t[0].sub(y.mul(t[0]).sum(d, true)));
        }
        @Override public int[] shape(Tensor[] in) {
            requireFloat(name(), in[0]);
            Shapes.dim(name(), dim, in[0].dim());
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0];
            if (x.dim() == 0) {
                Kernels.fill(Internals.storage(out), Internals.offset(out), 1, log ? 0 : 1);
                return;
            }
            int d = Shapes.dim(name(), dim, x.dim());
            boolean direct = d == x.dim() - 1;
            // the last dim of a contiguous tensor is already rows: no permuted view to build
            int[] perm = direct && x.isContiguous() ? null : lastDimPermutation(d, x.dim());
            Tensor xp = perm == null ? x : x.permute(perm).contiguous();
            int cols = Internals.shape(x)[d], rows = cols == 0 ? 0 : x.numel() / cols;
            Tensor target = direct ? out : Internals.empty(out.dtype(), Internals.shape(xp));
            Storage s = Internals.storage(xp), o = Internals.storage(target);
            if (rows > 0) s.k.softmaxRows(log, s.array, Internals.offset(xp), rows, cols, cols, o.array, Internals.offset(target), cols);
            if (!direct) CopyInto.copy(target.permute(inverse(perm)), out);
        }
    }

    /**
     * The gradient of log-softmax over the last dim as one op, PyTorch's
     * {@code _log_softmax_backward_data}: operands the output gradient g and the output y (same
     * shape), {@code g - exp(y) sum(g)} per row, each row's exp, sum and update while it is in L1.
     * Used by {@link Softmax}'s VJP without createGraph; with it the VJP is written with ops, so
     * this op is not differentiable itself.
     */
    public static final class LogSoftmaxBackward implements Op {
        /** The one instance. */
        public static final LogSoftmaxBackward INSTANCE = new LogSoftmaxBackward();
        private LogSoftmaxBackward() {}
        @Override public String name() { return "logSoftmaxBackward"; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            if (!Arrays.equals(Internals.shape(in[0]), Internals.shape(in[1])) || in[0].dim() == 0 || !in[1].dtype().isFloatingPoint()
                    || in[0].dtype() != in[1].dtype()) {
                throw new IllegalArgumentException("logSoftmaxBackward: expected a gradient and an output of one floating point dtype and shape (at least 1-D), got "
                        + in[0].dtype() + Shapes.str(Internals.shape(in[0])) + " and " + in[1].dtype() + Shapes.str(Internals.shape(in[1])));
            }
            return Internals.shape(in[1]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[1].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor g = in[0].contiguous(), y = in[1].contiguous();
            int cols = Internals.shape(y)[y.dim() - 1], rows = cols == 0 ? 0 : y.numel() / cols;
            Storage gs = Internals.storage(g), ys = Internals.storage(y), o = Internals.storage(out);
            ArrayKernels k = o.k;
            int go = Internals.offset(g), yo = Internals.offset(y), oo = Internals.offset(out);
            for (int r = 0; r < rows; r++, go += cols, yo += cols, oo += cols) {
                double sum = k.reduce(ReduceOp.SUM, gs.array, go, cols);
                k.unary(UnaryOp.EXP, ys.array, yo, o.array, oo, cols);
                k.binaryScalar(BinaryOp.MUL, o.array, oo, -sum, o.array, oo, cols);
                k.binary(BinaryOp.ADD, o.array, oo, gs.array, go, o.array, oo, cols);
            }
        }
    }

    /** {@code log(sum(exp(x), dim))}, stable. */
    public record LogSumExp(int dim, boolean keepdim) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        @Override public String name() { return "logsumexp"; }
        @Override public String gradFnName(Tensor[] in) { return "LogsumexpBackward0"; }
        @Override public boolean savesInput(int i) { return true; }
        @Override public boolean savesOutput() { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int[] shape = s.inputShape(0);
            if (shape.length == 0) return new Variable[] {g};
            int d = Shapes.dim(name(), dim, shape.length);
            Variable out = keepdim ? s.output() : s.output().unsqueeze(d);
            Variable gk = keepdim ? g : g.unsqueeze(d);
            return new Variable[] {gk.mul(s.input(0).sub(out).exp())};
        }
        /** {@code sum(t softmax(x))} over the dim. */
        @Override public Variable jvp(Op.Saved s, Variable[] t) {
            int[] shape = s.inputShape(0);
            if (shape.length == 0) return t[0];
            int d = Shapes.dim(name(), dim, shape.length);
            Variable out = keepdim ? s.output() : s.output().unsqueeze(d);
            return t[0].mul(s.input(0).sub(out).exp()).sum(d, keepdim);
        }
        @Override public String attributes() { return "dim=" + dim + (keepdim ? ", keepdim=True" : ""); }
        @Override public int[] shape(Tensor[] in) {
            requireFloat(name(), in[0]);
            int d = Shapes.dim(name(), dim, in[0].dim());
            return in[0].dim() == 0 ? new int[0] : reducedShape(Internals.shape(in[0]), d, keepdim);
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0];
            if (x.dim() == 0) {
                Kernels.copy(Internals.storage(x), Internals.offset(x), 1, Internals.storage(out), Internals.offset(out), 1);
                return;
            }
            int d = Shapes.dim(name(), dim, x.dim());
            Tensor xp = d == x.dim() - 1 && x.isContiguous() ? x : x.permute(lastDimPermutation(d, x.dim())).contiguous();
            int cols = Internals.shape(x)[d], rows = out.numel();
            if (cols == 0) {
                Kernels.fill(Internals.storage(out), Internals.offset(out), rows, Double.NEGATIVE_INFINITY);
                return;
            }
            Storage s = Internals.storage(xp), o = Internals.storage(out);
            s.k.logSumExpRows(s.array, Internals.offset(xp), rows, cols, cols, o.array, Internals.offset(out));
        }
    }

    /** The product rule of a bilinear op {@code op(a, b)}: {@code op(ta, b) + op(a, tb)}. */
    private static Variable bilinear(Op op, Op.Saved s, Variable[] t) {
        Variable a = t[0] == null ? null : Variable.apply(op, t[0], s.input(1));
        Variable b = t[1] == null ? null : Variable.apply(op, s.input(0), t[1]);
        return a == null ? b : b == null ? a : a.add(b);
    }

    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    /**
     * Whether a VJP may take its one-pass fused form (a non-differentiable op such as
     * {@link ElementwiseOps.UnaryBackward}): only when no graph of the backward is being recorded
     * (no createGraph) and none of the operands carries a forward-mode tangent
     * (forward-over-reverse: {@code hessian}, {@code jvp} of a {@code grad}), which only the
     * op-written form would carry on.
     */
    static boolean fusedBackward(Variable... operands) {
        if (Autograd.isGradEnabled()) return false;
        for (Variable v : operands) if (ForwardAD.hasTangent(v)) return false;
        return true;
    }

    private static void requireFloat(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point tensor, got " + t.dtype());
        }
    }

    // ------------------------------------------------------------------ linear algebra

    /** Inner product of two 1-D tensors. */
    public static final class Dot implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /** The one instance. */
        public static final Dot INSTANCE = new Dot();

        private Dot() {}

        @Override public String name() { return "dot"; }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {s.needsGrad(0) ? g.mul(s.input(1)) : null, s.needsGrad(1) ? g.mul(s.input(0)) : null};
        }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return bilinear(this, s, t); }
        @Override public int[] shape(Tensor[] in) {
            Tensor a = in[0], b = in[1];
            if (a.dim() != 1 || b.dim() != 1) {
                throw new IllegalArgumentException("dot: 1D tensors expected, but got " + a.dim() + "D and " + b.dim()
                        + "D tensors (shapes " + Shapes.str(Internals.shape(a)) + " and " + Shapes.str(Internals.shape(b)) + ")");
            }
            if (Internals.shape(a)[0] != Internals.shape(b)[0]) {
                throw new IllegalArgumentException("dot: inconsistent tensor size, expected tensor " + Shapes.str(Internals.shape(a))
                        + " and src " + Shapes.str(Internals.shape(b)) + " to have the same number of elements, but got "
                        + Internals.shape(a)[0] + " and " + Internals.shape(b)[0] + " elements respectively");
            }
            requireFloat("dot", a);
            requireFloat("dot", b);
            return new int[0];
        }
        @Override public DType dtype(Tensor[] in) { return DType.promote(in[0].dtype(), in[1].dtype()); }
        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor a = in[0].to(out.dtype()).contiguous(), b = in[1].to(out.dtype()).contiguous();
            int n = a.numel();
            double v = Internals.storage(out).k.dot(Internals.storage(a).array, Internals.offset(a), Internals.storage(b).array, Internals.offset(b), n);
            Internals.storage(out).set(Internals.offset(out), v);
        }
    }

    /** torch.matmul: 1-D x 1-D, 1-D x 2-D, 2-D x 1-D, 2-D x 2-D and batched n-D with broadcast batch dims. */
    public static final class Matmul implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /** The one instance. */
        public static final Matmul INSTANCE = new Matmul();

        private Matmul() {}

        @Override public String name() { return "matmul"; }
        @Override public String gradFnName(Tensor[] in) {
            int a = in[0].dim(), b = in[1].dim();
            if (a == 1 && b == 1) return "DotBackward0";
            if (a == 2 && b == 2) return "MmBackward0";
            if (a == 2 && b == 1) return "MvBackward0";
            if (a == 1 && b == 2) return "SqueezeBackward3";
            return "UnsafeViewBackward0";
        }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable a = s.input(0), b = s.input(1);
            if (a.dim() == 1 && b.dim() == 1) return Dot.INSTANCE.vjp(s, g);
            Variable a2 = a.dim() == 1 ? a.unsqueeze(0) : a, b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
            Variable g2 = g;
            if (a.dim() == 1) g2 = g2.unsqueeze(-2);
            if (b.dim() == 1) g2 = g2.unsqueeze(-1);
            // As PyTorch's mm backward: the gradient of a 2-D operand stored transposed (w.t(), as
            // linear passes its weight) is computed in that layout, (g^T a)^T rather than a^T g, so
            // it reaches the weight as a contiguous product, not a transposed copy (bit for bit
            // the same numbers: a product's factors commute exactly)
            boolean twoD = a.dim() == 2 && b.dim() == 2;
            Variable ga = !s.needsGrad(0) ? null : twoD && storedTransposed(a)
                    ? b2.matmul(g2.transpose(-1, -2)).transpose(-1, -2) : g2.matmul(b2.transpose(-1, -2));
            Variable gb = !s.needsGrad(1) ? null : twoD && storedTransposed(b)
                    ? g2.transpose(-1, -2).matmul(a2).transpose(-1, -2) : a2.transpose(-1, -2).matmul(g2);
            if (ga != null && a.dim() == 1) ga = ga.sumToSize(a2.shape()).reshape(a.shape());
            if (gb != null && b.dim() == 1) gb = gb.sumToSize(b2.shape()).reshape(b.shape());
            return new Variable[] {ga, gb};
        }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return bilinear(this, s, t); }

        /** Whether a 2-D operand with both sizes above 1 lies in memory as the transpose of a row-major matrix. */
        private static boolean storedTransposed(Variable v) {
            Tensor t = v.data();
            return Internals.shape(t)[0] > 1 && Internals.shape(t)[1] > 1 && Internals.strides(t)[0] == 1 && Internals.strides(t)[1] != 1;
        }

        @Override public int[] shape(Tensor[] in) {
            Tensor a = in[0], b = in[1];
            if (a.dim() == 0 || b.dim() == 0) {
                throw new IllegalArgumentException("matmul: both arguments to matmul need to be at least 1D, but they are "
                        + a.dim() + "D and " + b.dim() + "D");
            }
            requireFloat("matmul", a);
            requireFloat("matmul", b);
            if (a.dim() == 1 && b.dim() == 1) return Dot.INSTANCE.shape(in);
            int k1 = Internals.shape(a)[a.dim() - 1], k2 = b.dim() == 1 ? Internals.shape(b)[0] : Internals.shape(b)[b.dim() - 2];
            if (k1 != k2) {
                throw new IllegalArgumentException("matmul: shapes " + Shapes.str(Internals.shape(a)) + " and " + Shapes.str(Internals.shape(b))
                        + " cannot be multiplied (" + k1 + " != " + k2 + ")");
            }
            int[] batch = Shapes.broadcast("matmul", batchShape(a), batchShape(b));
            int m = a.dim() == 1 ? -1 : Internals.shape(a)[a.dim() - 2];
            int n = b.dim() == 1 ? -1 : Internals.shape(b)[b.dim() - 1];
            int extra = (m >= 0 ? 1 : 0) + (n >= 0 ? 1 : 0);
            int[] r = Arrays.copyOf(batch, batch.length + extra);
            int i = batch.length;
            if (m >= 0) r[i++] = m;
            if (n >= 0) r[i] = n;
            return r;
        }

        private static int[] batchShape(Tensor t) {
            return t.dim() <= 2 ? new int[0] : Arrays.copyOf(Internals.shape(t), t.dim() - 2);
        }

        @Override public DType dtype(Tensor[] in) { return DType.promote(in[0].dtype(), in[1].dtype()); }

        /** Two matrices, each row-major or transposed in memory, bind to one GEMM call (flags and leading dims resolved). */
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            Kernel k = in[0].dim() == 2 && in[1].dim() == 2 ? Gemm.of(in, 0, out, 1, 0) : null;
            return k != null ? k : this::general;
        }

        @Override public void forward(Tensor[] in, Tensor out) {
            bind(in, out).run(in, out);
        }

        private void general(Tensor[] in, Tensor out) {
            if (in[0].dim() == 1 && in[1].dim() == 1) {
                Dot.INSTANCE.forward(in, out);
                return;
            }
            Tensor a = in[0].to(out.dtype()), b = in[1].to(out.dtype());
            if (a.dim() == 1) a = a.unsqueeze(0);
            if (b.dim() == 1) b = b.unsqueeze(1);
            int m = Internals.shape(a)[a.dim() - 2], k = Internals.shape(a)[a.dim() - 1], n = Internals.shape(b)[b.dim() - 1];
            int[] batch = Shapes.broadcast("matmul", batchShape(a), batchShape(b));
            int count = Shapes.numel(batch);
            if (count == 0 || m == 0 || n == 0) return;
            Operand pa = Operand.of(a, batch, m, k), pb = Operand.of(b, batch, k, n);
            Internals.storage(out).k.gemmBatched(pa.trans, pb.trans, count, m, n, k, 1, Internals.storage(pa.t).array, Internals.offset(pa.t), pa.batchStride, pa.ld,
                    Internals.storage(pb.t).array, Internals.offset(pb.t), pb.batchStride, pb.ld, 0, Internals.storage(out).array, Internals.offset(out), m * n, n);
        }
    }

    /**
     * {@code self + alpha * (mat1 @ mat2)} for 2-D operands, as PyTorch's {@code addmm} with
     * {@code beta = 1}: one GEMM that adds its product into {@code self} ({@code C = alpha*AB + C}).
     * Compiled graphs turn an SGD step on a weight gradient that is a product,
     * {@code w.addScaledInPlace(x @ y, alpha)}, into it: the gradient is never written to memory
     * and read back. Bit for bit the same as the two steps whenever {@link FloatGemm#updatesOnce}
     * holds for k: each element is then {@code fma(acc, alpha, self)}, as the axpy of the update
     * computes it from the product {@code acc}. It has no derivative.
     */
    public record Addmm(double alpha) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        /**
         * Whether {@code addmm} of this dtype with inner dimension {@code k} gives the same bits as
         * the product followed by {@code addScaled} (one k chunk of the GEMM, {@link FloatGemm#updatesOnce}):
         * the condition under which a compiled graph may fuse the two.
         */
        public static boolean exactForUpdate(DType dtype, int k) {
            return (dtype == DType.FLOAT32 ? ArrayKernels.FLOAT : ArrayKernels.DOUBLE).gemmUpdatesOnce(k);
        }

        @Override public String name() { return "addmm"; }
        @Override public String attributes() { return "alpha=" + alpha; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            Tensor self = in[0], a = in[1], b = in[2];
            if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0)
                    || !Arrays.equals(Internals.shape(self), new int[] {a.size(0), b.size(1)})
                    || a.dtype() != self.dtype() || b.dtype() != self.dtype() || !self.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("addmm: expected self [m, n] and matrices [m, k], [k, n] of one floating point dtype, got "
                        + self.dtype().shortName() + Shapes.str(Internals.shape(self)) + ", " + a.dtype().shortName()
                        + Shapes.str(Internals.shape(a)) + ", " + b.dtype().shortName() + Shapes.str(Internals.shape(b)));
            }
            return Internals.shape(self).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }

        /** In place ({@code out} is {@code in[0]}) on matrices GEMM reads where they lie: one GEMM with {@code beta = 1}. */
        @Override public Kernel bind(Tensor[] in, Tensor out) {
            Kernel k = in[0] == out ? Gemm.of(in, 1, out, alpha, 1) : null;
            return k != null ? k : this::forward;
        }

        /** {@code out = in[0] + alpha * in[1] @ in[2]}; {@code out} contiguous. */
        @Override public void forward(Tensor[] in, Tensor out) {
            if (in[0] != out) CopyInto.copy(in[0], out);
            Tensor[] ops = {out, Gemm.ld(in[1]) == 0 ? in[1].contiguous() : in[1], Gemm.ld(in[2]) == 0 ? in[2].contiguous() : in[2]};
            Kernel gemm = Gemm.of(ops, 1, out, alpha, 1);
            if (gemm != null) gemm.run(ops, out); // null: a size is 0, nothing to add
        }
    }

    /**
     * {@code x @ weight^T + bias} for a 2-D input [M, K], weight [N, K] and bias [N] of one floating
     * point dtype: torch.nn.functional.linear as PyTorch runs it on 2-D input, one {@code addmm}
     * (grad_fn {@code AddmmBackward0}). The bias rows are written first and one GEMM adds the
     * product onto them when {@link FloatGemm#updatesOnce} holds for K, so each element is
     * {@code fma(acc, 1, b)}: the same bits as {@code x.matmul(weight.t()).add(bias)} without the
     * intermediate product; for longer K the product is written and the bias added after, for the
     * same reason. Gradients as the two ops': {@code g @ weight}, {@code g^T @ x} (contiguous, the
     * weight's own layout) and {@code g.sum(0)}.
     */
    public static final class Linear implements Op {
        /** The one instance. */
        public static final Linear INSTANCE = new Linear();

        private Linear() {}

        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        @Override public String name() { return "linear"; }
        @Override public String gradFnName(Tensor[] in) { return "AddmmBackward0"; }
        @Override public boolean savesInput(int i) { return i < 2; }
        /** Whether the op takes these operands (else {@code Functional.linear} runs matmul and add, with their errors). */
        public static boolean takes(Tensor x, Tensor w, Tensor b) {
            return x.dim() == 2 && w.dim() == 2 && b.dim() == 1 && x.size(1) == w.size(1) && b.size(0) == w.size(0)
                    && x.dtype().isFloatingPoint() && w.dtype() == x.dtype() && b.dtype() == x.dtype();
        }
        @Override public int[] shape(Tensor[] in) {
            Tensor x = in[0], w = in[1], b = in[2];
            if (!takes(x, w, b)) {
                throw new IllegalArgumentException("linear: expected input [M, K], weight [N, K] and bias [N] of one floating point dtype, got "
                        + x.dtype().shortName() + Shapes.str(Internals.shape(x)) + ", " + w.dtype().shortName() + Shapes.str(Internals.shape(w))
                        + ", " + b.dtype().shortName() + Shapes.str(Internals.shape(b)));
            }
            return new int[] {x.size(0), w.size(0)};
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }

        @Override public void forward(Tensor[] in, Tensor out) {
            Tensor x = in[0], wt = in[1].t(), b = in[2];
            if (out.numel() == 0) return;
            if (x.size(1) == 0) { // an empty sum: the bias alone
                CopyInto.copy(b, out);
                return;
            }
            Tensor[] ops = {out, Gemm.ld(x) == 0 ? x.contiguous() : x, Gemm.ld(wt) == 0 ? wt.contiguous() : wt};
            boolean once = Internals.storage(out).k.gemmUpdatesOnce(x.size(1));
            if (once) CopyInto.copy(b, out);
            Gemm.of(ops, 1, out, 1, once ? 1 : 0).run(ops, out);
            if (!once) out.addInPlace(b);
        }

        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable x = s.input(0), w = s.input(1);
            return new Variable[] {
                s.needsGrad(0) ? g.matmul(w) : null,
                s.needsGrad(1) ? g.t().matmul(x) : null,
                s.needsGrad(2) ? g.sum(0) : null};
        }

        @Override public Variable jvp(Op.Saved s, Variable[] t) {
            Variable x = s.input(0), w = s.input(1), r = null;
            if (t[0] != null) r = t[0].matmul(w.t());
            if (t[1] != null) r = r == null ? x.matmul(t[1].t()) : r.add(x.matmul(t[1].t()));
            if (t[2] != null) r = r == null ? t[2].expand(x.size(0), w.size(0)) : r.add(t[2]);
            return r;
        }
    }

    /**
     * {@code out = alpha * in[first] @ in[first + 1] + beta * out} for 2-D operands bound to one
     * GEMM call: transpose flags and leading dims from the operands' strides by {@link #ld}, the
     * rule batched matmul's {@link Operand} uses too.
     */
    static final class Gemm implements Kernel {
        final boolean ta, tb;
        final int first, m, n, k, lda, ldb;
        final double alpha, beta;

        private Gemm(int first, boolean ta, boolean tb, int m, int n, int k, int lda, int ldb, double alpha, double beta) {
            this.first = first;
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.lda = lda;
            this.ldb = ldb;
            this.alpha = alpha;
            this.beta = beta;
        }

        /** The bound GEMM, or null when a size is 0, a dtype differs from out's, out is strided, or an operand has no leading dim. */
        static Gemm of(Tensor[] in, int first, Tensor out, double alpha, double beta) {
            Tensor a = in[first], b = in[first + 1];
            if (a.dim() != 2 || b.dim() != 2 || !out.isContiguous() || Internals.storage(out).k == null
                    || a.dtype() != out.dtype() || b.dtype() != out.dtype()) return null;
            int m = a.size(0), k = a.size(1), n = b.size(1);
            if (m == 0 || k == 0 || n == 0) return null;
            int lda = ld(a), ldb = ld(b);
            if (lda == 0 || ldb == 0) return null;
            return new Gemm(first, lda < 0, ldb < 0, m, n, k, Math.abs(lda), Math.abs(ldb), alpha, beta);
        }

        /** The leading dim of a 2-D operand for GEMM: positive row-major, negative transposed, 0 neither. */
        static int ld(Tensor t) {
            return ld(Internals.shape(t)[0], Internals.shape(t)[1], Internals.strides(t)[0], Internals.strides(t)[1]);
        }

        /**
         * The leading dim of a rows x cols matrix with strides (rs, cs): positive row-major,
         * negative transposed, 0 neither (rows broadcast from 1, stride 0, have none). The one
         * rule for 2-D GEMM operands and the batched matmul's.
         */
        static int ld(int rows, int cols, int rs, int cs) {
            if ((cs == 1 || cols <= 1) && (rows <= 1 || rs >= cols)) return Math.max(rows <= 1 ? cols : rs, 1);
            if ((rs == 1 || rows <= 1) && (cols <= 1 || cs >= rows)) return -Math.max(cols <= 1 ? rows : cs, 1);
            return 0;
        }

        @Override public void run(Tensor[] in, Tensor out) {
            Tensor a = in[first], b = in[first + 1];
            Internals.storage(out).k.gemmBatched(ta, tb, 1, m, n, k, alpha, Internals.storage(a).array, Internals.offset(a), 0, lda,
                    Internals.storage(b).array, Internals.offset(b), 0, ldb, beta, Internals.storage(out).array, Internals.offset(out), m * n, n);
        }
    }

    /** A matmul operand as GEMM sees it: a batch of row-major or transposed matrices with one batch stride. */
    private record Operand(Tensor t, boolean trans, int ld, int batchStride) {
        static Operand of(Tensor x, int[] batch, int rows, int cols) {
            int[] full = Arrays.copyOf(batch, batch.length + 2);
            full[batch.length] = rows;
            full[batch.length + 1] = cols;
            Tensor e = x.expand(full);
            Operand op = tryView(e, batch, rows, cols);
            if (op != null) return op;
            // a batch dim broadcast from 1 (stride 0) cannot merge with the others into one batch stride: materialise
            return tryView(e.contiguous(), batch, rows, cols);
        }

        private static Operand tryView(Tensor e, int[] batch, int rows, int cols) {
            int count = Shapes.numel(batch);
            Tensor v = Internals.viewOrNull(e, count, rows, cols);
            if (v == null) return null;
            int ld = Gemm.ld(rows, cols, Internals.strides(v)[1], Internals.strides(v)[2]);
            if (ld == 0) return null; // e.g. rows broadcast from 1: the caller materialises them
            return new Operand(v, ld < 0, Math.abs(ld), count > 1 ? Internals.strides(v)[0] : 0);
        }
    }

    // ------------------------------------------------------------------ joining

    /** Concatenation along a dim. */
    public record Cat(int dim) implements Op {
        /** Cannot throw on any values (shapes and dtypes were checked when it was called). */
        @Override public boolean throwsOnValues(Tensor[] in) { return false; }
        @Override public String name() { return "cat"; }
        @Override public String attributes() { return "dim=" + dim; }
        @Override public Variable jvp(Op.Saved s, Variable[] t) { return Internals.forwardADLinear(this, s, t); }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            int d = Shapes.dim("cat", dim, g.dim());
            Variable[] r = new Variable[g.data().dim() == 0 ? 0 : s.inputCount()];
            int at = 0;
            for (int i = 0; i < r.length; i++) {
                int size = s.inputShape(i)[d];
                r[i] = s.needsGrad(i) ? g.narrow(d, at, size) : null;
                at += size;
            }
            return r;
        }
        @Override public int[] shape(Tensor[] in) {
            if (in.length == 0) throw new IllegalArgumentException("cat: expected a non-empty list of Tensors");
            int[] ref = Internals.shape(in[0]);
            if (ref.length == 0) throw new IllegalArgumentException("cat: zero-dimensional tensor (at position 0) cannot be concatenated");
            int d = Shapes.dim("cat", dim, ref.length);
            int[] r = ref.clone();
            r[d] = 0;
            for (int i = 0; i < in.length; i++) {
                int[] s = Internals.shape(in[i]);
                boolean ok = s.length == ref.length;
                for (int j = 0; ok && j < s.length; j++) ok = j == d || s[j] == ref[j];
                if (!ok) {
                    throw new IllegalArgumentException("cat: Sizes of tensors must match except in dimension " + d
                            + ". Expected " + Shapes.str(ref) + " (entry 0) but got " + Shapes.str(s) + " for tensor number " + i + " in the list");
                }
                r[d] += s[d];
            }
            return r;
        }
        @Override public DType dtype(Tensor[] in) {
            DType t = in[0].dtype();
            for (Tensor x : in) t = DType.promote(t, x.dtype());
            return t;
        }
        @Override public void forward(Tensor[] in, Tensor out) {
            int d = Shapes.dim("cat", dim, out.dim());
            int at = 0;
            for (Tensor x : in) {
                CopyInto.copy(x, out.narrow(d, at, Internals.shape(x)[d]));
                at += Internals.shape(x)[d];
            }
        }
    }
}
