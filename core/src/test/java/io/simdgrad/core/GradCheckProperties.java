package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.LossOps;
import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.Shapes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Every differentiable op of {@link Variable} passes {@link GradCheck#gradcheck},
 * {@link GradCheck#gradgradcheck} and {@link GradCheck#forwardGradcheck} (its JVP) on random small FLOAT64 shapes (broadcast pairs, size-1 dims,
 * up to 4 dims, strided inputs) with values in the op's domain and off its kinks; so do random
 * programs of 2 to 6 ops over shared inputs.
 *
 * <p>Each property draws one seed per try and runs every op of its table on a case built from
 * it, so every op runs on every try; a failure names the op, the case and the seed (the seed
 * reproduces it: {@code new Random(seed ^ name.hashCode())}). An op's test is one table line.
 */
class GradCheckProperties {

    // ------------------------------------------------------------------ values in an op's domain

    /** Draws {@code n} values. */
    interface Values {
        double[] draw(Random r, int n);
    }

    static Values uniform(double lo, double hi) {
        return (r, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
            return v;
        };
    }

    static final Values ANY = uniform(-2, 2);
    static final Values POSITIVE = uniform(0.3, 2.5);
    /** Magnitudes in [0.3, 2] with random signs: off the kinks of abs and relu, off the poles of 1/x. */
    static final Values NONZERO = (r, n) -> {
        double[] v = uniform(0.3, 2).draw(r, n);
        for (int i = 0; i < n; i++) if (r.nextBoolean()) v[i] = -v[i];
        return v;
    };
    /** Values at least 0.2 apart: max and min have no ties. */
    static final Values DISTINCT = (r, n) -> {
        double[] v = new double[n];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        Collections.shuffle(order, r);
        for (int i = 0; i < n; i++) v[i] = (order.get(i) - n / 2.0) * 0.3 + 0.1 * r.nextDouble();
        return v;
    };
    /** Distinct magnitudes at least 0.2 apart, none near 0, random signs. */
    static final Values DISTINCT_MAGNITUDES = (r, n) -> {
        double[] v = DISTINCT.draw(r, n);
        for (int i = 0; i < n; i++) v[i] = (r.nextBoolean() ? 1 : -1) * (0.3 + v[i] - DISTINCT_MIN(n));
        return v;
    };

    /** The smallest value {@link #DISTINCT} can draw for n values. */
    static double DISTINCT_MIN(int n) {
        return -n / 2.0 * 0.3;
    }

    /** Values of {@code base} at least 0.1 away from {@code lo} and {@code hi}. */
    static Values offBounds(double lo, double hi) {
        return (r, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                do {
                    v[i] = ANY.draw(r, 1)[0];
                } while (Math.abs(v[i] - lo) < 0.1 || Math.abs(v[i] - hi) < 0.1);
            }
            return v;
        };
    }

    /** Values at least 0.15 from an integer: off the jumps of floor, ceil, trunc and frac (and, shifted by 0.5, of round). */
    static final Values OFF_INTEGERS = (r, n) -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (r.nextInt(5) - 2) + 0.15 + 0.7 * r.nextDouble();
        return v;
    };

    // ------------------------------------------------------------------ the op tables

    static final List<OpTest> ELEMENTWISE = List.of(
            op("add", r -> binary(r, ANY, ANY, Variable::add)),
            op("sub", r -> binary(r, ANY, ANY, Variable::sub)),
            op("mul", r -> binary(r, ANY, ANY, Variable::mul)),
            op("div", r -> binary(r, ANY, NONZERO, Variable::div)),
            op("pow", r -> binary(r, POSITIVE, ANY, Variable::pow)),
            op("maximum", r -> distinctPair(r, Variable::maximum)),
            op("atan2", r -> binary(r, NONZERO, NONZERO, Variable::atan2)),
            op("hypot", r -> binary(r, NONZERO, NONZERO, Variable::hypot)),
            op("rpow(double)", r -> withScalar(r, ANY, (x, s) -> x.rpow(Math.abs(s) + 0.5))),
            op("minimum", r -> distinctPair(r, Variable::minimum)),
            op("add(double)", r -> withScalar(r, ANY, (x, s) -> x.add(s))),
            op("sub(double)", r -> withScalar(r, ANY, (x, s) -> x.sub(s))),
            op("mul(double)", r -> withScalar(r, ANY, (x, s) -> x.mul(s))),
            op("div(double)", r -> withScalar(r, ANY, (x, s) -> x.div(s + Math.copySign(0.5, s)))),
            op("rsub(double)", r -> withScalar(r, ANY, (x, s) -> x.rsub(s))),
            op("rdiv(double)", r -> withScalar(r, NONZERO, (x, s) -> x.rdiv(s))),
            op("pow(double)", r -> withScalar(r, POSITIVE, (x, s) -> x.pow(s * 1.5))),
            op("pow(integer)", r -> unary(r, ANY, x -> x.pow(3.0))),
            op("pow(0)", r -> unary(r, ANY, x -> x.pow(0.0))),
            op("maximum(double)", r -> withScalarAway(r, (x, s) -> x.maximum(s))),
            op("minimum(double)", r -> withScalarAway(r, (x, s) -> x.minimum(s))),
            op("neg", r -> unary(r, ANY, Variable::neg)),
            op("exp", r -> unary(r, ANY, Variable::exp)),
            op("log", r -> unary(r, POSITIVE, Variable::log)),
            op("sqrt", r -> unary(r, POSITIVE, Variable::sqrt)),
            op("abs", r -> unary(r, NONZERO, Variable::abs)),
            op("square", r -> unary(r, ANY, Variable::square)),
            op("reciprocal", r -> unary(r, NONZERO, Variable::reciprocal)),
            op("tanh", r -> unary(r, ANY, Variable::tanh)),
            op("sigmoid", r -> unary(r, ANY, Variable::sigmoid)),
            op("relu", r -> unary(r, NONZERO, Variable::relu)),
            op("sin", r -> unary(r, ANY, Variable::sin)),
            op("cos", r -> unary(r, ANY, Variable::cos)),
            op("clamp", r -> unary(r, offBounds(-0.7, 0.9), x -> x.clamp(-0.7, 0.9))),
            op("where", GradCheckProperties::where),
            // --- activations and math functions (ElementwiseOps)
            op("gelu", r -> unary(r, ANY, Variable::gelu)),
            op("gelu(tanh)", r -> unary(r, ANY, x -> x.gelu("tanh"))),
            op("silu", r -> unary(r, ANY, Variable::silu)),
            op("mish", r -> unary(r, ANY, Variable::mish)),
            op("softplus", r -> unary(r, ANY, Variable::softplus)),
            op("softplus(beta, threshold)", r -> unary(r, offBounds(-0.75, 0.75), x -> x.softplus(2, 1.5))),
            op("elu", r -> unary(r, NONZERO, x -> x.elu(0.7))),
            op("selu", r -> unary(r, NONZERO, Variable::selu)),
            op("leakyRelu", r -> unary(r, NONZERO, x -> x.leakyRelu(0.2))),
            op("hardtanh", r -> unary(r, offBounds(-0.8, 1.2), x -> x.hardtanh(-0.8, 1.2))),
            op("hardswish", r -> unary(r, uniform(-2.9, 2.9), Variable::hardswish)),
            op("hardsigmoid", r -> unary(r, uniform(-2.9, 2.9), Variable::hardsigmoid)),
            op("logsigmoid", r -> unary(r, ANY, Variable::logsigmoid)),
            op("log1p", r -> unary(r, uniform(-0.7, 2), Variable::log1p)),
            op("expm1", r -> unary(r, ANY, Variable::expm1)),
            op("log2", r -> unary(r, POSITIVE, Variable::log2)),
            op("log10", r -> unary(r, POSITIVE, Variable::log10)),
            op("exp2", r -> unary(r, ANY, Variable::exp2)),
            op("erf", r -> unary(r, ANY, Variable::erf)),
            op("erfc", r -> unary(r, ANY, Variable::erfc)),
            op("erfinv", r -> unary(r, uniform(-0.9, 0.9), Variable::erfinv)),
            op("tan", r -> unary(r, uniform(-1.2, 1.2), Variable::tan)),
            op("asin", r -> unary(r, uniform(-0.9, 0.9), Variable::asin)),
            op("acos", r -> unary(r, uniform(-0.9, 0.9), Variable::acos)),
            op("atan", r -> unary(r, ANY, Variable::atan)),
            op("sinh", r -> unary(r, ANY, Variable::sinh)),
            op("cosh", r -> unary(r, ANY, Variable::cosh)),
            op("asinh", r -> unary(r, ANY, Variable::asinh)),
            op("acosh", r -> unary(r, uniform(1.2, 3), Variable::acosh)),
            op("atanh", r -> unary(r, uniform(-0.9, 0.9), Variable::atanh)),
            op("sign", r -> unary(r, NONZERO, Variable::sign)),
            op("floor", r -> unary(r, OFF_INTEGERS, Variable::floor)),
            op("ceil", r -> unary(r, OFF_INTEGERS, Variable::ceil)),
            op("round", r -> unary(r, OFF_INTEGERS, x -> x.add(0.5).round())),
            op("trunc", r -> unary(r, OFF_INTEGERS, Variable::trunc)),
            op("frac", r -> unary(r, OFF_INTEGERS, Variable::frac)),
            op("fmod", r -> modPair(r, Variable::fmod)),
            op("remainder", r -> modPair(r, Variable::remainder)),
            op("fmod(double)", r -> unary(r, OFF_INTEGERS, x -> x.fmod(-1.0))),
            op("remainder(double)", r -> unary(r, OFF_INTEGERS, x -> x.remainder(-1.0))),
            op("nanToNum", r -> unary(r, ANY, Variable::nanToNum)),
            op("lerp", r -> ternary(r, ANY, ANY, ANY, Variable::lerp)),
            op("lerp(double)", r -> {
                double w = new double[] {0.3, 0.8, -0.6, 1.7}[r.nextInt(4)]; // both of torch's branches
                return binary(r, ANY, ANY, (a, b) -> a.lerp(b, w));
            }),
            op("addcmul", r -> ternary(r, ANY, ANY, ANY, (a, b, c) -> a.addcmul(b, c, -0.7))),
            op("addcdiv", r -> ternary(r, ANY, ANY, NONZERO, (a, b, c) -> a.addcdiv(b, c, 1.3))));

    interface TernaryFn {
        Variable apply(Variable a, Variable b, Variable c);
    }

    /** Three operands: a broadcast pair and a third broadcastable to their result. */
    static Case ternary(Random r, Values va, Values vb, Values vc, TernaryFn f) {
        int[][] ab = broadcastPair(r);
        int[] out = Naive.broadcastShape(ab[0], ab[1]);
        int[] cs = r.nextBoolean() ? out : TensorProperties.broadcastable(r, out);
        return make("", xs -> f.apply(xs.get(0), xs.get(1), xs.get(2)), leaf(r, va, ab[0]), leaf(r, vb, ab[1]), leaf(r, vc, cs));
    }


    /** fmod/remainder on equal shapes: b away from 0, a / b at least 0.15 away from an integer (off the jumps). */
    static Case modPair(Random r, BinaryOperator<Variable> f) {
        int[] s = shape(r);
        double[] b = NONZERO.draw(r, Shapes.numel(s)), a = OFF_INTEGERS.draw(r, b.length);
        for (int i = 0; i < a.length; i++) a[i] *= b[i];
        return make("", xs -> f.apply(xs.get(0), xs.get(1)), leaf(r, a, s, false), leaf(r, b, s, false));
    }

    static final List<OpTest> REDUCTIONS = List.of(
            op("sum", r -> unary(r, ANY, Variable::sum)),
            op("sum(dim)", r -> alongDim(r, ANY, 1, Variable::sum)),
            op("mean", r -> unary(r, ANY, Variable::mean)),
            op("mean(dim)", r -> alongDim(r, ANY, 1, Variable::mean)),
            op("max", r -> unary(r, DISTINCT, Variable::max)),
            op("max(dim)", r -> alongDim(r, DISTINCT, 1, (x, d, k) -> x.max(d, k).values())),
            op("min", r -> unary(r, DISTINCT, Variable::min)),
            op("min(dim)", r -> alongDim(r, DISTINCT, 1, (x, d, k) -> x.min(d, k).values())),
            op("norm", r -> unary(r, NONZERO, Variable::norm)),
            op("norm(1)", r -> unary(r, NONZERO, x -> x.norm(1))),
            op("norm(inf)", r -> unary(r, DISTINCT_MAGNITUDES, x -> x.norm(Double.POSITIVE_INFINITY))),
            op("var", r -> unaryMinNumel(r, ANY, 2, Variable::var)),
            op("var(dim)", r -> alongDim(r, ANY, 2, Variable::var)),
            op("std", r -> unaryMinNumel(r, DISTINCT, 2, Variable::std)),
            op("std(dim)", r -> alongDim(r, DISTINCT, 2, Variable::std)),
            op("logsumexp(dim)", r -> alongDim(r, ANY, 1, Variable::logsumexp)),
            op("softmax", r -> alongDim(r, ANY, 1, (x, d, k) -> x.softmax(d))),
            op("logSoftmax", r -> alongDim(r, ANY, 1, (x, d, k) -> x.logSoftmax(d))));

    static final List<OpTest> LINEAR_ALGEBRA = List.of(
            op("matmul", GradCheckProperties::matmul),
            op("dot", r -> {
                int k = 1 + r.nextInt(4);
                return make("", xs -> xs.get(0).dot(xs.get(1)), leaf(r, ANY, k), leaf(r, ANY, k));
            }),
            op("linear", r -> {
                int in = 1 + r.nextInt(3), out = 1 + r.nextInt(3);
                int[] xs = r.nextBoolean() ? new int[] {in} : new int[] {1 + r.nextInt(3), in};
                Variable x = leaf(r, ANY, xs), w = leaf(r, ANY, out, in), b = leaf(r, ANY, out);
                boolean bias = r.nextBoolean();
                return make("bias=" + bias, v -> Functional.linear(v.get(0), v.get(1), bias ? v.get(2) : null), x, w, b);
            }),
            op("mseLoss", r -> binary(r, shape(r), ANY, ANY, Functional::mseLoss)),
            op("crossEntropy", r -> lossCase(r, true)),
            op("nllLoss", r -> lossCase(r, false)),
            op("to(FLOAT32)", r -> tolerances(unary(r, ANY, x -> x.to(DType.FLOAT32)), 1e-2, 1e-4, 1e-3)),
            op("to(FLOAT64) of FLOAT32", r -> {
                int[] s = shape(r);
                Variable x = new Variable(leaf(r, ANY, s).data().to(DType.FLOAT32), true);
                return tolerances(make("", v -> v.get(0).to(DType.FLOAT64).mul(v.get(0).to(DType.FLOAT64)), x), 0x1p-7, 1e-4, 1e-3);
            }));

    static final List<OpTest> VIEWS = List.of(
            op("reshape", r -> unary(r, ANY, x -> x.reshape(otherShape(r, x.shape())))),
            op("view", r -> contiguousUnary(r, x -> x.view(otherShape(r, x.shape())))),
            op("transpose", r -> unaryMinRank(r, 1, x -> x.transpose(dim(r, x.dim()), dim(r, x.dim())))),
            op("t", r -> unaryMaxRank(r, 2, Variable::t)),
            op("permute", r -> unary(r, ANY, x -> x.permute(TensorProperties.randomPermutation(r, x.dim())))),
            op("unsqueeze", r -> unary(r, ANY, x -> x.unsqueeze(r.nextInt(2 * x.dim() + 2) - x.dim() - 1))),
            op("squeeze", r -> unary(r, ANY, Variable::squeeze)),
            op("squeeze(dim)", r -> unaryMinRank(r, 1, x -> x.squeeze(dim(r, x.dim())))),
            op("expand", r -> unary(r, ANY, x -> x.expand(expandedShape(r, x.shape())))),
            op("narrow", r -> unaryMinRank(r, 1, x -> {
                int d = dim(r, x.dim()), size = x.size(d), start = r.nextInt(size);
                return x.narrow(d, start, 1 + r.nextInt(size - start));
            })),
            op("select", r -> unaryMinRank(r, 1, x -> {
                int d = dim(r, x.dim());
                return x.select(d, r.nextInt(x.size(d)) - (r.nextBoolean() ? x.size(d) : 0));
            })),
            op("contiguous", r -> unaryMinRank(r, 2, x -> x.transpose(0, -1).contiguous())));

    static final List<OpTest> JOINS = List.of(
            op("cat", GradCheckProperties::cat),
            op("stack", r -> {
                int[] s = shape(r);
                int n = 1 + r.nextInt(3), d = r.nextInt(2 * s.length + 2) - s.length - 1;
                Variable[] in = new Variable[n];
                for (int i = 0; i < n; i++) in[i] = leaf(r, ANY, s);
                return make("dim=" + d, xs -> Variable.stack(xs, d), in);
            }),
            op("split", r -> unaryMinRank(r, 1, x -> {
                int d = dim(r, x.dim());
                return weightedCat(x.split(1 + r.nextInt(x.size(d)), d), d);
            })),
            op("chunk", r -> unaryMinRank(r, 1, x -> {
                int d = dim(r, x.dim());
                return weightedCat(x.chunk(1 + r.nextInt(x.size(d) + 1), d), d);
            })));

    // --- reductions over several dims, sorting and selection, scans, flip/roll/tril (ReduceOps, SortOps, ScanOps)
    static final List<OpTest> SORTS_AND_SCANS = List.of(
            op("sum(dims)", r -> overDims(r, ANY, 0, Variable::sum)),
            op("mean(dims)", r -> overDims(r, ANY, 1, Variable::mean)),
            op("amax(dims)", r -> overDims(r, DISTINCT, 1, Variable::amax)),
            op("amin(dims)", r -> overDims(r, DISTINCT, 1, Variable::amin)),
            op("logsumexp(dims)", r -> overDims(r, ANY, 1, Variable::logsumexp)),
            op("prod", r -> unary(r, ANY, Variable::prod)),
            op("prod(dim)", r -> alongDim(r, ANY, 0, Variable::prod)),
            op("norm(p, dims)", r -> {
                double[] ps = {1, 2, 3, 1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0};
                double p = ps[r.nextInt(ps.length)];
                Values v = Double.isInfinite(p) ? DISTINCT_MAGNITUDES : NONZERO;
                Case c = overDims(r, v, 1, (x, d, k) -> x.norm(p, d, k));
                return make("p=" + p + ", " + c.params(), c.fn(), c.inputs());
            }),
            op("var(dims, correction)", r -> {
                double corr = r.nextInt(3) * 0.5;
                Case c = overDims(r, ANY, 2, (x, d, k) -> x.var(d, corr, k));
                return make("correction=" + corr + ", " + c.params(), c.fn(), c.inputs());
            }),
            op("std(dims, correction)", r -> {
                double corr = r.nextInt(2);
                Case c = overDims(r, DISTINCT, 2, (x, d, k) -> x.std(d, corr, k));
                return make("correction=" + corr + ", " + c.params(), c.fn(), c.inputs());
            }),
            op("squeeze(dims)", r -> overDims(r, ANY, 0, (x, d, k) -> x.squeeze(d))),
            op("median", r -> unary(r, DISTINCT, Variable::median)),
            op("median(dim)", r -> alongDim(r, DISTINCT, 1, (x, d, k) -> x.median(d, k).values())),
            op("kthvalue", r -> alongDim(r, DISTINCT, 1, (x, d, k) -> x.kthvalue(1 + (x.dim() == 0 ? 0 : x.size(d) / 2), d, k).values())),
            op("sort", r -> alongDim(r, DISTINCT, 0, (x, d, k) -> x.sort(d, k).values())),
            op("topk", r -> alongDim(r, DISTINCT, 0, (x, d, k) -> x.topk(x.dim() == 0 ? 1 : (x.size(d) + 1) / 2, d, k, true).values())),
            op("cumsum", r -> alongDim(r, ANY, 0, (x, d, k) -> x.cumsum(d))),
            op("cumprod", r -> alongDim(r, NONZERO, 0, (x, d, k) -> x.cumprod(d))),
            op("cumprod with zeros (gradcheck only)", r -> {
                int[] s = shapeOfRank(r, 1, 3);
                double[] v = ANY.draw(r, Shapes.numel(s));
                for (int i = 0; i < v.length; i++) if (r.nextInt(3) == 0) v[i] = 0;
                int d = dim(r, s.length);
                return firstOrder(make("dim=" + d + ", values=" + Arrays.toString(v), xs -> xs.get(0).cumprod(d), leaf(r, v, s, false)));
            }),
            op("prod with zeros (gradcheck only)", r -> {
                int[] s = shapeOfRank(r, 1, 3);
                double[] v = ANY.draw(r, Shapes.numel(s));
                for (int i = 0; i < v.length; i++) if (r.nextInt(3) == 0) v[i] = 0;
                int d = dim(r, s.length);
                return firstOrder(make("dim=" + d + ", values=" + Arrays.toString(v), xs -> xs.get(0).prod(d, false), leaf(r, v, s, false)));
            }),
            op("logcumsumexp", r -> alongDim(r, ANY, 0, (x, d, k) -> x.logcumsumexp(d))),
            op("flip", r -> overDims(r, ANY, 0, (x, d, k) -> x.flip(d))),
            op("roll", r -> unaryMinRank(r, 1, x -> {
                int d = dim(r, x.dim());
                return x.roll(r.nextInt(7) - 3, d);
            })),
            op("roll(flat)", r -> unary(r, ANY, x -> x.roll(r.nextInt(7) - 3))),
            op("tril", r -> unaryMinRank(r, 2, x -> x.tril(r.nextInt(5) - 2))),
            op("triu", r -> unaryMinRank(r, 2, x -> x.triu(r.nextInt(5) - 2))));

    interface DimsOp {
        Variable apply(Variable x, int[] dims, boolean keepdim);
    }

    /** A reduction over a random set of dims (in random order, negative forms too; empty means all), each reduced slice of at least {@code minCount} elements. */
    static Case overDims(Random r, Values values, int minCount, DimsOp f) {
        while (true) {
            int[] s = shape(r);
            List<Integer> ds = new ArrayList<>();
            for (int i = 0; i < s.length; i++) if (r.nextBoolean()) ds.add(r.nextBoolean() ? i : i - s.length);
            Collections.shuffle(ds, r);
            int[] dims = ds.stream().mapToInt(Integer::intValue).toArray();
            long count = 1;
            if (dims.length == 0) count = Shapes.numel(s);
            for (int d : dims) count *= s[d < 0 ? d + s.length : d];
            if (count < minCount) continue;
            boolean keep = r.nextBoolean();
            return make("dims=" + Arrays.toString(dims) + ", keepdim=" + keep, xs -> f.apply(xs.get(0), dims, keep), leaf(r, values, s));
        }
    }

    /** A case checked by gradcheck only (its second derivative is not continuous there, as PyTorch's at zeros). */
    static Case firstOrder(Case c) {
        return new Case(c.params(), c.fn(), c.inputs(), new double[] {Double.NaN}); // one entry: check() runs gradcheck only
    }

    /**
     * crossEntropy or nllLoss on a random [C], [N, C] or [N, C, d] input with random labels
     * (some set to the ignored index), and a random reduction.
     */
    static Case lossCase(Random r, boolean crossEntropy) {
        int rank = 1 + r.nextInt(3), n = 1 + r.nextInt(3), c = 1 + r.nextInt(4), d = 1 + r.nextInt(3);
        int[] in = rank == 1 ? new int[] {c} : rank == 2 ? new int[] {n, c} : new int[] {n, c, d};
        int[] ts = rank == 1 ? new int[0] : rank == 2 ? new int[] {n} : new int[] {n, d};
        long[] t = new long[Shapes.numel(ts)];
        Reduction red = Reduction.values()[r.nextInt(3)];
        long ignore = r.nextBoolean() || c == 1 ? LossOps.DEFAULT_IGNORE_INDEX : r.nextInt(c);
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(5) == 0 ? ignore : r.nextInt(c);
        if (red == Reduction.MEAN && t.length > 0) t[0] = ignore < 0 ? r.nextInt(c) : (ignore + 1) % c; // at least one kept target: the mean is defined
        Tensor targets = ts.length == 0 ? Tensor.scalar(t[0]) : Tensor.of(t, ts);
        String params = "targets=" + Arrays.toString(t) + ", reduction=" + red + ", ignore=" + ignore;
        if (crossEntropy) return make(params, v -> Functional.crossEntropy(v.get(0), targets, red, ignore), leaf(r, ANY, in));
        // log-probabilities from a log-softmax keep the values realistic; any values are valid
        return make(params, v -> Functional.nllLoss(v.get(0), targets, red, ignore), leaf(r, ANY, in));
    }

    // ------------------------------------------------------------------ the properties

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void elementwiseOpsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        checkAll(ELEMENTWISE, seed);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void reductionsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        checkAll(REDUCTIONS, seed);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void linearAlgebraAndNnPassGradcheckAndGradgradcheck(@ForAll long seed) {
        checkAll(LINEAR_ALGEBRA, seed);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void viewsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        checkAll(VIEWS, seed);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void joinsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        checkAll(JOINS, seed);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void sortsAndScansPassGradcheckAndGradgradcheck(@ForAll long seed) {
        checkAll(SORTS_AND_SCANS, seed);
    }

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void randomProgramsPassGradcheckAndGradgradcheck(@ForAll long seed) {
        Program p = Program.random(new Random(seed));
        check("program (seed " + seed + ")\n" + p.text(), p.test());
    }

    // ------------------------------------------------------------------ checking

    /** One op under test: its name and how to build a case from a random source. */
    record OpTest(String name, Function<Random, Case> build) {}

    /** A function, its inputs and the gradcheck step and tolerances (null: the defaults). */
    record Case(String params, Function<List<Variable>, Variable> fn, Variable[] inputs, double[] tolerances) {}

    static OpTest op(String name, Function<Random, Case> build) {
        return new OpTest(name, build);
    }

    static Case make(String params, Function<List<Variable>, Variable> fn, Variable... inputs) {
        return new Case(params, fn, inputs, null);
    }

    static Case tolerances(Case c, double eps, double atol, double rtol) {
        return new Case(c.params(), c.fn(), c.inputs(), new double[] {eps, atol, rtol});
    }

    static void checkAll(List<OpTest> ops, long seed) {
        for (OpTest t : ops) {
            Case c = t.build().apply(new Random(seed ^ t.name().hashCode()));
            check(t.name() + "(" + c.params() + ") on " + shapes(c.inputs()) + " -> " + outputShape(c) + " (seed " + seed + ")", c);
        }
    }

    /** gradcheck then gradgradcheck; a failure is rethrown naming the case. */
    static void check(String what, Case c) {
        double[] tol = c.tolerances();
        String stage = "gradcheck";
        try {
            if (tol != null && tol.length == 1) {
                GradCheck.gradcheck(c.fn(), c.inputs()); // firstOrder: no gradgradcheck
            } else if (tol == null) {
                GradCheck.gradcheck(c.fn(), c.inputs());
                stage = "gradgradcheck";
                GradCheck.gradgradcheck(c.fn(), c.inputs());
                stage = "forwardGradcheck";
                GradCheck.forwardGradcheck(c.fn(), c.inputs());
            } else {
                GradCheck.gradcheck(c.fn(), tol[0], tol[1], tol[2], c.inputs());
                stage = "gradgradcheck";
                GradCheck.gradgradcheck(c.fn(), tol[0], tol[1], tol[2], c.inputs());
                stage = "forwardGradcheck";
                GradCheck.forwardGradcheck(c.fn(), tol[0], tol[1], tol[2], c.inputs());
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(stage + " of " + what + " failed:\n" + e.getMessage(), e);
        }
    }

    static String outputShape(Case c) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            return Shapes.str(c.fn().apply(List.of(c.inputs())).shape());
        } catch (RuntimeException e) {
            return "(fails: " + e + ")";
        }
    }

    static String shapes(Variable[] in) {
        StringBuilder b = new StringBuilder();
        for (Variable v : in) {
            b.append(b.length() == 0 ? "" : ", ").append(Shapes.str(v.shape()));
            if (!v.data().isContiguous()) b.append("(strided)");
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ shapes and inputs

    /** A random shape of rank 0 to 4, sizes 1 to 4 (1 often), at most 36 elements. */
    static int[] shape(Random r) {
        while (true) {
            int rank = r.nextInt(5);
            int[] s = new int[rank];
            for (int i = 0; i < rank; i++) s[i] = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(4);
            if (Shapes.numel(s) <= 36) return s;
        }
    }

    static int[] shapeOfRank(Random r, int minRank, int maxRank) {
        while (true) {
            int[] s = shape(r);
            if (s.length >= minRank && s.length <= maxRank) return s;
        }
    }

    /** Two shapes that broadcast together: one random, the other with dims dropped or set to 1, in random order. */
    static int[][] broadcastPair(Random r) {
        int[] out = shape(r);
        int[] other = r.nextInt(3) == 0 ? out.clone() : TensorProperties.broadcastable(r, out);
        return r.nextBoolean() ? new int[][] {out, other} : new int[][] {other, out};
    }

    /**
     * A FLOAT64 leaf that requires grad with the given values: contiguous, or a permuted view, or
     * a narrowed view with an offset (GradCheck perturbs strided inputs in place).
     */
    static Variable leaf(Random r, double[] values, int[] shape, boolean contiguous) {
        Tensor t = Tensor.of(values.clone(), shape);
        return new Variable(contiguous ? t : inRandomLayout(r, t), true);
    }

    /** The same values as {@code t} in a random layout: contiguous, a permuted view, or a narrowed view with an offset. */
    static Tensor inRandomLayout(Random r, Tensor t) {
        int[] shape = t.shape();
        int layout = shape.length == 0 ? 0 : r.nextInt(3);
        if (layout == 1) {
            int[] p = TensorProperties.randomPermutation(r, shape.length);
            return t.permute(p).contiguous().permute(Ops.inverse(p));
        } else if (layout == 2) {
            int last = shape.length - 1;
            int[] wide = shape.clone();
            wide[last] += 2;
            Tensor view = Tensor.zeros(t.dtype(), wide).narrow(last, 1, shape[last]);
            view.copyInPlace(t);
            return view;
        }
        return t;
    }

    static Variable leaf(Random r, Values values, int... shape) {
        return leaf(r, values.draw(r, Shapes.numel(shape)), shape, false);
    }

    static int dim(Random r, int rank) {
        return rank == 0 ? (r.nextBoolean() ? 0 : -1) : r.nextInt(2 * rank) - rank;
    }

    // ------------------------------------------------------------------ case builders

    static Case unary(Random r, Values values, UnaryOperator<Variable> f) {
        Variable x = leaf(r, values, shape(r));
        return make("", replaying(r, f), x);
    }

    /**
     * {@code f} may draw from {@code r} (a view's dims, a split size): every call reseeds r with
     * one seed drawn now, so that all of gradcheck's calls make the same choices.
     */
    static Function<List<Variable>, Variable> replaying(Random r, UnaryOperator<Variable> f) {
        long seed = r.nextLong();
        return xs -> {
            r.setSeed(seed);
            return f.apply(xs.get(0));
        };
    }

    static Case unaryMinNumel(Random r, Values values, int minNumel, UnaryOperator<Variable> f) {
        int[] s;
        do {
            s = shape(r);
        } while (Shapes.numel(s) < minNumel);
        return make("", xs -> f.apply(xs.get(0)), leaf(r, values, s));
    }

    static Case unaryMinRank(Random r, int minRank, UnaryOperator<Variable> f) {
        Variable x = leaf(r, ANY, shapeOfRank(r, minRank, 4));
        return make("", replaying(r, f), x);
    }

    static Case unaryMaxRank(Random r, int maxRank, UnaryOperator<Variable> f) {
        Variable x = leaf(r, ANY, shapeOfRank(r, 0, maxRank));
        return make("", replaying(r, f), x);
    }

    static Case contiguousUnary(Random r, UnaryOperator<Variable> f) {
        int[] s = shape(r);
        Variable x = leaf(r, ANY.draw(r, Shapes.numel(s)), s, true);
        return make("", replaying(r, f), x);
    }

    static Case binary(Random r, Values va, Values vb, BinaryOperator<Variable> f) {
        int[][] s = broadcastPair(r);
        return make("", xs -> f.apply(xs.get(0), xs.get(1)), leaf(r, va, s[0]), leaf(r, vb, s[1]));
    }

    static Case binary(Random r, int[] shape, Values va, Values vb, BinaryOperator<Variable> f) {
        return make("", xs -> f.apply(xs.get(0), xs.get(1)), leaf(r, va, shape), leaf(r, vb, shape));
    }

    /** maximum/minimum: both operands from one pool of distinct values, so no broadcast pair ties. */
    static Case distinctPair(Random r, BinaryOperator<Variable> f) {
        int[][] s = broadcastPair(r);
        int na = Shapes.numel(s[0]), nb = Shapes.numel(s[1]);
        double[] pool = DISTINCT.draw(r, na + nb);
        return make("", xs -> f.apply(xs.get(0), xs.get(1)), leaf(r, Arrays.copyOfRange(pool, 0, na), s[0], false),
                leaf(r, Arrays.copyOfRange(pool, na, na + nb), s[1], false));
    }

    interface ScalarOp {
        Variable apply(Variable x, double s);
    }

    static Case withScalar(Random r, Values values, ScalarOp f) {
        double s = Math.round(ANY.draw(r, 1)[0] * 8) / 8.0 + 0.0625;
        return make("s=" + s, xs -> f.apply(xs.get(0), s), leaf(r, values, shape(r)));
    }

    /** With a scalar the values stay at least 0.1 away from (maximum, minimum: no ties with s). */
    static Case withScalarAway(Random r, ScalarOp f) {
        double s = Math.round(ANY.draw(r, 1)[0] * 8) / 8.0 + 0.0625;
        int[] shape = shape(r);
        double[] v = ANY.draw(r, Shapes.numel(shape));
        for (int i = 0; i < v.length; i++) {
            while (Math.abs(v[i] - s) < 0.1) v[i] = ANY.draw(r, 1)[0];
        }
        return make("s=" + s, xs -> f.apply(xs.get(0), s), leaf(r, v, shape, false));
    }

    interface DimOp {
        Variable apply(Variable x, int dim, boolean keepdim);
    }

    /** A reduction or softmax along a random dim (negative dims too) with random keepdim; the dim has at least {@code minSize} elements. */
    static Case alongDim(Random r, Values values, int minSize, DimOp f) {
        int[] s;
        int d;
        do {
            s = shape(r);
            d = dim(r, s.length);
        } while ((s.length == 0 ? 1 : s[d < 0 ? d + s.length : d]) < minSize);
        boolean keep = r.nextBoolean();
        int fd = d;
        return make("dim=" + d + ", keepdim=" + keep, xs -> f.apply(xs.get(0), fd, keep), leaf(r, values, s));
    }

    static Case where(Random r) {
        int[][] ab = broadcastPair(r);
        int[] out = Naive.broadcastShape(ab[0], ab[1]);
        int[] ms = r.nextBoolean() ? out : TensorProperties.broadcastable(r, out);
        double[] m = new double[Shapes.numel(ms)];
        for (int i = 0; i < m.length; i++) m[i] = r.nextBoolean() ? 1 : 0;
        Variable mask = new Variable(Tensor.of(m, ms));
        return make("mask=" + Arrays.toString(m), xs -> Variable.where(xs.get(0), xs.get(1), xs.get(2)),
                mask, leaf(r, ANY, ab[0]), leaf(r, ANY, ab[1]));
    }

    /** torch.matmul's forms: 1-D x 1-D, 1-D x 2-D, 2-D x 1-D, 2-D x 2-D, batched with broadcast batch dims, 1-D x n-D, n-D x 1-D. */
    static Case matmul(Random r) {
        int m = 1 + r.nextInt(3), k = 1 + r.nextInt(3), n = 1 + r.nextInt(3), b = 1 + r.nextInt(3), c = 1 + r.nextInt(2);
        int[][] forms = {
                {k}, {k},
                {k}, {k, n},
                {m, k}, {k},
                {m, k}, {k, n},
                {b, m, k}, {k, n},
                {m, k}, {b, k, n},
                {b, m, k}, {b, k, n},
                {b, 1, m, k}, {c, k, n},
                {k}, {b, k, n},
                {b, m, k}, {k},
        };
        int f = r.nextInt(forms.length / 2);
        int[] sa = forms[2 * f], sb = forms[2 * f + 1];
        return make("", xs -> xs.get(0).matmul(xs.get(1)), leaf(r, ANY, sa), leaf(r, ANY, sb));
    }

    static Case cat(Random r) {
        int[] s = shapeOfRank(r, 1, 4);
        int d = dim(r, s.length), n = 1 + r.nextInt(3);
        Variable[] in = new Variable[n];
        for (int i = 0; i < n; i++) {
            int[] si = s.clone();
            si[d < 0 ? d + s.length : d] = 1 + r.nextInt(3);
            in[i] = leaf(r, ANY, si);
        }
        return make("dim=" + d, xs -> Variable.cat(xs, d), in);
    }

    /** The pieces multiplied by 1, 2, 3, ... and joined again, so that each piece's gradient differs. */
    static Variable weightedCat(List<Variable> pieces, int d) {
        List<Variable> w = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) w.add(pieces.get(i).mul(i + 1.0));
        return Variable.cat(w, d);
    }

    /** The same elements in another shape: reversed dims, flattened, or with a 1 inserted. */
    static int[] otherShape(Random r, int[] s) {
        int n = Shapes.numel(s);
        return switch (r.nextInt(4)) {
            case 0 -> new int[] {n};
            case 1 -> new int[] {1, n};
            case 2 -> {
                int[] rev = new int[s.length];
                for (int i = 0; i < s.length; i++) rev[i] = s[s.length - 1 - i];
                yield rev;
            }
            default -> new int[] {n, 1, 1};
        };
    }

    /** A shape {@code s} expands to: leading dims added, size-1 dims grown. */
    static int[] expandedShape(Random r, int[] s) {
        int lead = r.nextInt(2);
        int[] e = new int[lead + s.length];
        for (int i = 0; i < lead; i++) e[i] = 1 + r.nextInt(2);
        for (int i = 0; i < s.length; i++) e[lead + i] = s[i] == 1 ? 1 + r.nextInt(3) : s[i];
        return e;
    }

    // ------------------------------------------------------------------ random programs

    /**
     * A straight-line program of 2 to 6 ops over 2 or 3 inputs; each op reads the inputs or
     * earlier results (so values are reused: diamonds). The program is fixed when built: each
     * op is chosen so that its operands, at the inputs' values, lie in its domain and at least a
     * margin away from its kinks (ties of max/min, 0 for abs/relu, clamp bounds).
     */
    record Program(String text, List<Step> steps, Variable[] inputs) {

        /** One op: reads values of the pool by index. */
        record Step(String text, Function<List<Variable>, Variable> apply) {}

        Case test() {
            return make("", xs -> {
                List<Variable> pool = new ArrayList<>(xs);
                for (Step s : steps) pool.add(s.apply().apply(pool));
                return pool.get(pool.size() - 1);
            }, inputs);
        }

        static Program random(Random r) {
            int n = 1 + r.nextInt(3);
            int[][] inputShapes = {{n, n}, r.nextBoolean() ? new int[] {n, n} : new int[] {n}, r.nextBoolean() ? new int[] {} : new int[] {n, 1}};
            int nIn = 2 + r.nextInt(2);
            Variable[] in = new Variable[nIn];
            List<Variable> pool = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < nIn; i++) {
                in[i] = leaf(r, uniform(-1.5, 1.5), inputShapes[i]);
                pool.add(in[i]);
                text.append("%").append(i).append(" = input ").append(Shapes.str(inputShapes[i])).append('\n');
            }
            int nOps = 2 + r.nextInt(5);
            List<Step> steps = new ArrayList<>();
            while (steps.size() < nOps) {
                Step s = candidate(r, pool);
                Variable v;
                try {
                    v = s == null ? null : s.apply().apply(pool);
                } catch (IllegalArgumentException shapesDoNotFit) {
                    v = null;
                }
                if (v == null || !finite(v)) continue;
                steps.add(s);
                text.append("%").append(pool.size()).append(" = ").append(s.text()).append("  ").append(Shapes.str(v.shape())).append('\n');
                pool.add(v);
            }
            return new Program(text.toString(), steps, in);
        }

        /** An operand index: the latest value half of the time, else any value (reuse makes diamonds). */
        static int pick(Random r, List<Variable> pool) {
            return r.nextBoolean() ? pool.size() - 1 : r.nextInt(pool.size());
        }

        /** A random op whose operands are in its domain, or null to draw again. */
        static Step candidate(Random r, List<Variable> pool) {
            int a = pick(r, pool), b = pick(r, pool);
            double[] x = pool.get(a).data().toDoubleArray();
            double lo = min(x), hi = max(x), minAbs = minAbs(x), margin = 0.05 * (1 + maxAbs(x));
            String ta = "%" + a, tb = "%" + b;
            switch (r.nextInt(30)) {
                case 0: return un("neg", a, Variable::neg);
                case 1: return hi < 4 ? un("exp", a, Variable::exp) : null;
                case 2: return lo > 0.2 ? un("log", a, Variable::log) : null;
                case 3: return lo > 0.2 ? un("sqrt", a, Variable::sqrt) : null;
                case 4: return minAbs > margin ? un("abs", a, Variable::abs) : null;
                case 5: return maxAbs(x) < 30 ? un("square", a, Variable::square) : null;
                case 6: return minAbs > 0.3 ? un("reciprocal", a, Variable::reciprocal) : null;
                case 7: return un("tanh", a, Variable::tanh);
                case 8: return un("sigmoid", a, Variable::sigmoid);
                case 9: return minAbs > margin ? un("relu", a, Variable::relu) : null;
                case 10: return un("sin", a, Variable::sin);
                case 11: return un("cos", a, Variable::cos);
                case 12: return minDistance(x, 0.5) > margin && minDistance(x, -0.5) > margin ? un("clamp(-0.5, 0.5)", a, v -> v.clamp(-0.5, 0.5)) : null;
                case 13: return lo > 0.2 && hi < 20 ? un("pow(1.5)", a, v -> v.pow(1.5)) : null;
                case 14: return minAbs > 0.3 ? un("rdiv(2)", a, v -> v.rdiv(2.0)) : null;
                case 15: return un("mul(-1.5).add(0.5)", a, v -> v.mul(-1.5).add(0.5));
                case 16: return bin("add", a, b, Variable::add);
                case 17: return bin("sub", a, b, Variable::sub);
                case 18: return bin("mul", a, b, Variable::mul);
                case 19: return minAbs(pool.get(b).data().toDoubleArray()) > 0.3 ? bin("div", a, b, Variable::div) : null;
                case 20: return lo > 0.2 && hi < 20 && maxAbs(pool.get(b).data().toDoubleArray()) < 3 ? bin("pow", a, b, Variable::pow) : null;
                case 21: {
                    boolean big = r.nextBoolean();
                    return apart(pool, a, b) ? bin(big ? "maximum" : "minimum", a, b, big ? Variable::maximum : Variable::minimum) : null;
                }
                case 22: return apart(pool, a, b) ? new Step("where(" + ta + " > " + tb + ", " + ta + ", " + tb + ")",
                        p -> Variable.where(p.get(a).gt(p.get(b)), p.get(a), p.get(b))) : null;
                case 23: return pool.get(a).dim() == 2 && pool.get(b).dim() == 2 ? bin("matmul", a, b, Variable::matmul) : null;
                case 24: return pool.get(a).dim() == 2 ? un("transpose(0, 1)", a, v -> v.transpose(0, 1)) : null;
                case 25: {
                    int d = pool.get(a).dim() == 0 ? 0 : r.nextInt(pool.get(a).dim());
                    return switch (r.nextInt(5)) {
                        case 0 -> un("sum(" + d + ", true)", a, v -> v.sum(d, true));
                        case 1 -> un("mean(" + d + ", true)", a, v -> v.mean(d, true));
                        case 2 -> un("logsumexp(" + d + ", true)", a, v -> v.logsumexp(d, true));
                        case 3 -> un("softmax(" + d + ")", a, v -> v.softmax(d));
                        default -> un("logSoftmax(" + d + ")", a, v -> v.logSoftmax(d));
                    };
                }
                case 26: {
                    int d = pool.get(a).dim() == 0 ? 0 : r.nextInt(pool.get(a).dim());
                    boolean big = r.nextBoolean();
                    return allApart(x) ? un((big ? "max(" : "min(") + d + ", true)", a, big ? v -> v.max(d, true).values() : v -> v.min(d, true).values()) : null;
                }
                case 27: return switch (r.nextInt(3)) {
                    case 0 -> un("sum()", a, Variable::sum);
                    case 1 -> un("mean()", a, Variable::mean);
                    default -> maxAbs(x) > 0.1 ? un("norm()", a, Variable::norm) : null;
                };
                case 28: return pool.get(a).dim() == 1 ? un("unsqueeze(0)", a, v -> v.unsqueeze(0)) : null;
                default: return bin("mul", a, b, (u, v) -> u.mul(v).tanh());
            }
        }

        static Step un(String name, int a, UnaryOperator<Variable> f) {
            return new Step(name + "(%" + a + ")", p -> f.apply(p.get(a)));
        }

        static Step bin(String name, int a, int b, BinaryOperator<Variable> f) {
            return new Step(name + "(%" + a + ", %" + b + ")", p -> f.apply(p.get(a), p.get(b)));
        }

        /** No broadcast pair of a and b is within the margin of a tie. */
        static boolean apart(List<Variable> pool, int a, int b) {
            if (a == b) return false;
            Variable d;
            try {
                d = pool.get(a).sub(pool.get(b));
            } catch (IllegalArgumentException noBroadcast) {
                return false;
            }
            double scale = 1 + Math.max(maxAbs(pool.get(a).data().toDoubleArray()), maxAbs(pool.get(b).data().toDoubleArray()));
            return minAbs(d.data().toDoubleArray()) > 0.05 * scale;
        }

        static boolean allApart(double[] x) {
            double margin = 0.05 * (1 + maxAbs(x));
            for (int i = 0; i < x.length; i++) for (int j = i + 1; j < x.length; j++) if (Math.abs(x[i] - x[j]) < margin) return false;
            return true;
        }

        static boolean finite(Variable v) {
            for (double d : v.data().toDoubleArray()) if (!Double.isFinite(d) || Math.abs(d) > 1e4) return false;
            return true;
        }

        static double minDistance(double[] x, double c) {
            double m = Double.POSITIVE_INFINITY;
            for (double d : x) m = Math.min(m, Math.abs(d - c));
            return m;
        }

        static double min(double[] x) {
            return Arrays.stream(x).min().orElse(0);
        }

        static double max(double[] x) {
            return Arrays.stream(x).max().orElse(0);
        }

        static double minAbs(double[] x) {
            return minDistance(x, 0);
        }

        static double maxAbs(double[] x) {
            return Arrays.stream(x).map(Math::abs).max().orElse(0);
        }
    }
}
