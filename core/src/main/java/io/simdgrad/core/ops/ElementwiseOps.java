package io.simdgrad.core.ops;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.engine.Storage;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.UnaryOp;
import io.simdgrad.simd.UnaryParamOp;

/**
 * The activations and math functions beyond the first unary family: the gradients of
 * {@link Ops.Unary}'s kinds from GELU on, the parametrised activations ({@link UnaryParam}:
 * leaky ReLU, ELU/SELU, softplus, nan_to_num) and {@link Hardtanh}. Gradients follow PyTorch's
 * conventions where finite differences cannot see them (ElementwiseFixturesTest holds them to
 * PyTorch-made fixtures): leaky ReLU at 0 has slope {@code p}, ELU at 0 {@code alpha * scale}
 * (its negative branch), hardtanh and hardsigmoid 0 at their bounds, hardswish {@code x/3 + 1/2}
 * on [-3, 3], sign, floor, ceil, round and trunc 0 everywhere, nan_to_num 0 at the values it
 * replaces.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_K = 0.044715;

    private static Variable constant(Tensor t) {
        return new Variable(t, false);
    }

    /** 0/1 masks of both comparisons' conjunction. */
    private static Tensor between(Tensor x, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        return (loInclusive ? x.ge(lo) : x.gt(lo)).mul(hiInclusive ? x.le(hi) : x.lt(hi));
    }

    /** The gradient of the unary kinds from GELU on, written with ops (so their double backward works). */
    static Variable unaryVjp(UnaryOp kind, Op.Saved s, Variable g) {
        return switch (kind) {
            case GELU -> {
                Variable x = s.input(0);
                // without createGraph or tangents one pass of the fused kernel; with them the same gradient in ops
                if (Ops.fusedBackward(x, g)) yield Variable.apply(new UnaryBackward(UnaryOp.GELU), x, g);
                // Phi(x) + x phi(x), Phi from erfc for accuracy at negative x
                yield g.mul(x.mul(-SQRT1_2).erfc().mul(0.5).add(x.mul(x.square().mul(-0.5).exp().mul(INV_SQRT_2PI))));
            }
            case GELU_TANH -> {
                // x * sigmoid(w), w = 2 sqrt(2/pi) (x + k x^3): sigmoid(w) + x sigmoid(w) (1 - sigmoid(w)) w'
                Variable x = s.input(0);
                if (Ops.fusedBackward(x, g)) yield Variable.apply(new UnaryBackward(UnaryOp.GELU_TANH), x, g);
                // x^2 * x, not pow(x, 3): the vector pow is the JDK's lanewise POW, most of this backward's time
                Variable sg = x.add(x.square().mul(x).mul(GELU_K)).mul(2 * SQRT_2_OVER_PI).sigmoid();
                Variable dw = x.square().mul(6 * SQRT_2_OVER_PI * GELU_K).add(2 * SQRT_2_OVER_PI);
                yield g.mul(sg.add(x.mul(sg).mul(sg.rsub(1.0)).mul(dw)));
            }
            case SILU -> {
                Variable x = s.input(0), sg = x.sigmoid();
                yield g.mul(sg.mul(x.mul(sg.rsub(1.0)).add(1.0)));
            }
            case MISH -> {
                Variable x = s.input(0), t = x.softplus(1, Double.POSITIVE_INFINITY).tanh();
                yield g.mul(t.add(x.mul(x.sigmoid()).mul(t.square().rsub(1.0))));
            }
            case HARDSWISH -> {
                // torch: 0 up to -3 (inclusive), x/3 + 1/2 strictly inside, 1 from 3 on
                Variable x = s.input(0);
                Tensor xd = x.data();
                Tensor outside = Tensor.where(xd.isnan(), xd, xd.ge(3.0)); // NaN stays NaN, as torch
                Variable inside = Variable.where(constant(between(xd, -3, false, 3, false)), x.div(3.0).add(0.5), constant(outside));
                yield g.mul(inside);
            }
            case HARDSIGMOID -> g.mul(constant(between(s.input(0).data(), -3, false, 3, false).div(6.0)));
            case LOGSIGMOID -> g.mul(s.input(0).neg().sigmoid());
            case LOG1P -> g.div(s.input(0).add(1.0));
            case EXPM1 -> g.mul(s.output().add(1.0));
            case LOG2 -> g.div(s.input(0).mul(Math.log(2)));
            case LOG10 -> g.div(s.input(0).mul(Math.log(10)));
            case EXP2 -> g.mul(s.output().mul(Math.log(2)));
            case ERF -> g.mul(s.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI));
            case ERFC -> g.mul(s.input(0).square().neg().exp().mul(-TWO_OVER_SQRT_PI));
            case ERFINV -> g.mul(s.output().square().exp().mul(1 / TWO_OVER_SQRT_PI));
            case TAN -> g.mul(s.output().square().add(1.0));
            case ASIN -> g.div(s.input(0).square().rsub(1.0).sqrt());
            case ACOS -> g.div(s.input(0).square().rsub(1.0).sqrt()).neg();
            case ATAN -> g.div(s.input(0).square().add(1.0));
            case SINH -> g.mul(s.input(0).cosh());
            case COSH -> g.mul(s.input(0).sinh());
            case ASINH -> g.div(s.input(0).square().add(1.0).sqrt());
            case ACOSH -> g.div(s.input(0).square().sub(1.0).sqrt());
            case ATANH -> g.div(s.input(0).square().rsub(1.0));
            // piecewise constant: torch gives zeros (not g * 0, which would be NaN for an infinite g)
            case SIGN, FLOOR, CEIL, ROUND, TRUNC -> constant(Tensor.zeros(g.dtype(), g.shape()));
            case FRAC -> g;
            case ISNAN, ISINF, ISFINITE -> throw new AssertionError(kind + " has no gradient");
            default -> throw new AssertionError("no gradient rule for " + kind);
        };
    }

    /**
     * Minus the gradient of {@code a op b} in b: trunc(a / b) for fmod, and for remainder Python's
     * floor division {@code a // b} as torch computes it, {@code (a - fmod(a, b)) / b}, less 1 when
     * the remainder's sign was corrected, rounded to an integer ({@code -5.5 // inf == -1},
     * {@code inf // 2} is NaN, where floor(a / b) gives 0 and inf), and {@code a / b} for b = 0.
     */
    static Tensor quotient(BinaryOp kind, Tensor a, Tensor b) {
        if (kind == BinaryOp.FMOD) return a.div(b).trunc();
        Tensor mod = a.fmod(b);
        Tensor corrected = mod.ne(0.0).mul(b.lt(0.0).ne(mod.lt(0.0)));
        Tensor q = a.sub(mod).div(b).sub(corrected);
        Tensor fl = q.floor();
        return Tensor.where(b.eq(0.0), a.div(b), fl.add(q.sub(fl).gt(0.5))); // torch: a / 0 for a zero divisor
    }

    /**
     * A unary activation with constant parameters (see {@link UnaryParamOp}): {@code leakyRelu(p)},
     * {@code elu(alpha, scale, inputScale)} (selu is elu with SELU's constants), {@code softplus(beta,
     * threshold)}, {@code nanToNum(nan, posinf, neginf)}.
     */
    public record UnaryParam(UnaryParamOp kind, double p, double q, double r) implements ElementwiseOp {
        @Override public String name() {
            return switch (kind) {
                case LEAKY_RELU -> "leakyRelu";
                case ELU -> "elu";
                case SOFTPLUS -> "softplus";
                case NAN_TO_NUM -> "nanToNum";
            };
        }
        @Override public String attributes() {
            return switch (kind) {
                case LEAKY_RELU -> "negativeSlope=" + p;
                case ELU -> "alpha=" + p + ", scale=" + q + ", inputScale=" + r;
                case SOFTPLUS -> "beta=" + p + ", threshold=" + q;
                case NAN_TO_NUM -> "nan=" + p + ", posinf=" + q + ", neginf=" + r;
            };
        }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Kernels.unaryParam(kind, s[0], o[0], st[0], p, q, r, s[1], o[1], n);
        }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            Variable xv = s.input(0);
            Tensor x = xv.data();
            Variable d = switch (kind) {
                case LEAKY_RELU -> g.mul(constant(x.gt(0.0).mul(1 - p).add(p))); // p at 0, as torch
                // where, not masks times branches: the unused branch may be infinite (exp(r x) at x = +inf)
                case ELU -> { // x <= 0 (0 included, as torch): r p q exp(r x)
                    Tensor pos = x.gt(0.0);
                    yield g.mul(Variable.where(constant(pos), constant(pos.mul(q)), xv.mul(r).exp().mul(r * p * q)));
                }
                case SOFTPLUS -> {
                    Tensor linear = x.mul(p).gt(q);
                    yield g.mul(Variable.where(constant(linear), constant(linear), xv.mul(p).sigmoid()));
                }
                case NAN_TO_NUM -> g.mul(constant(x.isfinite()));
            };
            return new Variable[] {d};
        }
    }

    /** {@code min(max(x, min), max)} with torch.nn.functional.hardtanh's gradient: 1 strictly inside, 0 at and past the bounds. */
    public record Hardtanh(double min, double max) implements ElementwiseOp {
        @Override public String name() { return "hardtanh"; }
        @Override public String attributes() { return "min=" + min + ", max=" + max; }
        @Override public int[] shape(Tensor[] in) { return Internals.shape(in[0]).clone(); }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) { Ops.Clamp.clamp(min, max, s, o, st, n); }
        @Override public boolean savesInput(int i) { return true; }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {g.mul(constant(between(s.input(0).data(), min, false, max, false)))};
        }
    }

    /**
     * An activation's first-order gradient as one pass, {@code g * f'} by {@code simd}'s fused
     * backward kernels: PyTorch's {@code gelu_backward} (GELU, GELU_TANH: operands the input x and
     * g), {@code threshold_backward} (RELU: {@code y > 0 ? g : 0}, so 0 where the output is 0,
     * even for a NaN g, as PyTorch), {@code sigmoid_backward} ({@code g y (1 - y)}) and
     * {@code tanh_backward} ({@code g (1 - y^2)}), those three from the output y. Used by the
     * activations' VJPs without createGraph, one pass and one tensor instead of two or three; with
     * it the VJPs are written with ops, so this op is not differentiable itself.
     */
    public record UnaryBackward(UnaryOp kind) implements ElementwiseOp {
        public UnaryBackward {
            switch (kind) {
                case GELU, GELU_TANH, RELU, SIGMOID, TANH -> { }
                default -> throw new IllegalArgumentException("UnaryBackward: no fused backward for " + kind);
            }
        }
        @Override public String name() {
            return switch (kind) {
                case GELU, GELU_TANH -> "geluBackward";
                default -> kind.name().toLowerCase(java.util.Locale.ROOT) + "Backward";
            };
        }
        @Override public String attributes() { return kind == UnaryOp.GELU_TANH ? "approximate=tanh" : ""; }
        @Override public boolean differentiable() { return false; }
        @Override public int[] shape(Tensor[] in) {
            if (!java.util.Arrays.equals(Internals.shape(in[0]), Internals.shape(in[1])) || !in[0].dtype().isFloatingPoint() || in[0].dtype() != in[1].dtype()) {
                throw new IllegalArgumentException(name() + ": expected " + (kind == UnaryOp.GELU || kind == UnaryOp.GELU_TANH ? "an input" : "an output")
                        + " and a gradient of one floating point dtype and shape, got "
                        + in[0].dtype() + Shapes.str(Internals.shape(in[0])) + " and " + in[1].dtype() + Shapes.str(Internals.shape(in[1])));
            }
            return Internals.shape(in[0]).clone();
        }
        @Override public DType dtype(Tensor[] in) { return in[0].dtype(); }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            if (st[0] == 1 && st[1] == 1) {
                s[2].k.unaryBackward(kind, s[0].array, o[0], s[1].array, o[1], s[2].array, o[2], n);
            } else {
                for (int i = 0; i < n; i++) s[2].k.unaryBackward(kind, s[0].array, o[0] + i * st[0], s[1].array, o[1] + i * st[1], s[2].array, o[2] + i, 1);
            }
        }
    }

    /** The kinds of {@link Ternary}. */
    public enum TernaryKind {
        /** {@code start + weight * (end - start)} (torch.lerp). */
        LERP,
        /** {@code self + value * t1 * t2} (torch.addcmul). */
        ADDCMUL,
        /** {@code self + value * t1 / t2} (torch.addcdiv). */
        ADDCDIV
    }

    /**
     * The three-operand pointwise ops, broadcasting all three operands (float dtypes only):
     * {@code lerp(start, end, weight)}, computed as torch does, {@code start + w (end - start)} for
     * {@code |w| < 0.5} and {@code end - (end - start)(1 - w)} otherwise, so that it is exact at
     * {@code w = 0} and {@code w = 1}; {@code addcmul(self, t1, t2, value) = self + value t1 t2} and
     * {@code addcdiv(self, t1, t2, value) = self + value t1 / t2}. Each element is computed in double
     * and rounded once. Gradients: lerp {@code (1 - w, w, end - start)}, addcmul
     * {@code (1, value t2, value t1)}, addcdiv {@code (1, value / t2, -value t1 / t2^2)}.
     */
    public record Ternary(TernaryKind kind, double value) implements ElementwiseOp {
        @Override public String name() { return kind.name().toLowerCase(java.util.Locale.ROOT); }
        @Override public String attributes() { return kind == TernaryKind.LERP ? "" : "value=" + value; }
        @Override public int[] shape(Tensor[] in) {
            return Shapes.broadcast(name(), Internals.shape(in[0]), Shapes.broadcast(name(), Internals.shape(in[1]), Internals.shape(in[2])));
        }
        /**
         * PyTorch 2.13's rules: lerp wants one dtype for all three (and no int64); addcmul promotes
         * (int64 included, the value truncated toward zero); addcdiv promotes but refuses two integer
         * tensors.
         */
        @Override public DType dtype(Tensor[] in) {
            return switch (kind) {
                case LERP -> lerpDtype(in, "lerp_kernel_tensor");
                case ADDCMUL -> {
                    DType t = DType.promote(in[0].dtype(), DType.promote(in[1].dtype(), in[2].dtype()));
                    if (t == DType.INT64) Storage.checkConvertible(name(), t, value);
                    yield t;
                }
                case ADDCDIV -> {
                    if (in[1].dtype() == DType.INT64 && in[2].dtype() == DType.INT64) {
                        throw new IllegalArgumentException(name() + ": Integer division with addcdiv is no longer supported, and in a future  "
                                + "release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
                                + "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                                + "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
                                + "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
                    }
                    yield DType.promote(in[0].dtype(), DType.promote(in[1].dtype(), in[2].dtype()));
                }
            };
        }
        @Override public boolean savesInput(int i) { return kind == TernaryKind.LERP || i > 0; }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Storage a = s[0], b = s[1], c = s[2], out = s[3];
            if (out.l != null) {
                // int64 addcmul in long arithmetic, as PyTorch (exact beyond 2^53, wrapping on overflow)
                long v = (long) value;
                for (int i = 0; i < n; i++) out.l[o[3] + i] = a.l[o[0] + i * st[0]] + v * b.l[o[1] + i * st[1]] * c.l[o[2] + i * st[2]];
                return;
            }
            for (int i = 0; i < n; i++) {
                double x = a.get(o[0] + i * st[0]), y = b.get(o[1] + i * st[1]), z = c.get(o[2] + i * st[2]);
                out.set(o[3] + i, switch (kind) {
                    case LERP -> lerp(x, y, z);
                    case ADDCMUL -> x + value * y * z;
                    case ADDCDIV -> x + value * y / z;
                });
            }
        }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return switch (kind) {
                case LERP -> {
                    Variable w = s.input(2);
                    yield new Variable[] {s.needsGrad(0) ? g.mul(w.rsub(1.0)) : null, s.needsGrad(1) ? g.mul(w) : null,
                            s.needsGrad(2) ? g.mul(s.input(1).sub(s.input(0))) : null};
                }
                case ADDCMUL -> new Variable[] {g, s.needsGrad(1) ? g.mul(s.input(2)).mul(value) : null,
                        s.needsGrad(2) ? g.mul(s.input(1)).mul(value) : null};
                case ADDCDIV -> {
                    Variable t1 = s.input(1), t2 = s.input(2);
                    yield new Variable[] {g, s.needsGrad(1) ? g.div(t2).mul(value) : null,
                            s.needsGrad(2) ? g.mul(t1).div(t2.square()).mul(-value) : null};
                }
            };
        }
    }

    /** {@code lerp(start, end, weight)} with a constant weight (torch.lerp with a Number weight); see {@link Ternary}. */
    public record LerpScalar(double weight) implements ElementwiseOp {
        @Override public String name() { return "lerp"; }
        @Override public String attributes() { return "weight=" + weight; }
        @Override public int[] shape(Tensor[] in) { return Shapes.broadcast(name(), Internals.shape(in[0]), Internals.shape(in[1])); }
        @Override public DType dtype(Tensor[] in) { return lerpDtype(in, "lerp_kernel_scalar"); }
        @Override public boolean savesInput(int i) { return false; }
        @Override public void run(Storage[] s, int[] o, int[] st, int n) {
            Storage a = s[0], b = s[1], out = s[2];
            for (int i = 0; i < n; i++) out.set(o[2] + i, lerp(a.get(o[0] + i * st[0]), b.get(o[1] + i * st[1]), weight));
        }
        @Override public Variable[] vjp(Op.Saved s, Variable g) {
            return new Variable[] {s.needsGrad(0) ? g.mul(1 - weight) : null, s.needsGrad(1) ? g.mul(weight) : null};
        }
    }

    /** torch's lerp: exact at both ends ({@code w = 0} gives start, {@code w = 1} end). */
    static double lerp(double start, double end, double w) {
        double diff = end - start;
        return Math.abs(w) < 0.5 ? start + w * diff : end - diff * (1 - w);
    }

    /** lerp's dtype rule (PyTorch's checks and texts): end and weight of start's dtype, and a float dtype. */
    private static DType lerpDtype(Tensor[] in, String kernel) {
        DType t = in[0].dtype();
        String[] names = {"end", "weight"};
        for (int i = 1; i < in.length; i++) {
            if (in[i].dtype() != t) {
                throw new IllegalArgumentException("lerp: expected dtype " + cName(t) + " for `" + names[i - 1] + "` but got dtype " + cName(in[i].dtype()));
            }
        }
        if (t == DType.INT64) throw new IllegalArgumentException("lerp: \"" + kernel + "\" not implemented for 'Long'");
        return t;
    }

    /** The C type name PyTorch's dtype checks print. */
    private static String cName(DType t) {
        return switch (t) {
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case INT64 -> "long int";
        };
    }
}
