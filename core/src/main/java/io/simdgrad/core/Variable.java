package io.simdgrad.core;

import io.simdgrad.core.ops.Ops;
import io.simdgrad.core.ops.Shapes;
import io.simdgrad.core.ops.ViewOps;
import io.simdgrad.simd.BinaryOp;
import io.simdgrad.simd.CompareOp;
import io.simdgrad.simd.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A tensor that records the ops applied to it, PyTorch's autograd {@code Variable}: {@link #data()}
 * is the raw tensor, {@link #grad()} accumulates gradients, {@link #gradFn()} is the node that
 * produced it (null for a variable the user created).
 *
 * <p>Every {@link Tensor} op exists here with the same name and arguments; a {@code double}
 * operand stays a constant. Ops record a node only when gradients are enabled
 * ({@link Autograd#noGrad()} turns them off) and some input requires grad.
 *
 * <p>{@code data()} is the same tensor the graph uses, not a detached copy: writing into it in
 * place bumps its version, and a backward that needs the old value fails with PyTorch's message
 * rather than computing a wrong gradient.
 */
public final class Variable implements OpMethods<Variable> {
    private final Tensor data;
    private final boolean requiresGrad;
    final Node gradFn;
    private volatile Tensor grad;
    private Variable gradVariable;
    private Node accumulator;
    private boolean retainsGrad;

    /** A leaf wrapping {@code data}; {@code requiresGrad} makes backward compute its gradient. */
    public Variable(Tensor data, boolean requiresGrad) {
        if (data == null) throw new NullPointerException("Variable: data is null");
        if (requiresGrad && !data.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Variable: only Tensors of floating point dtype can require gradients, got " + data.dtype());
        }
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.gradFn = null;
    }

    /** A leaf that does not require grad. */
    public Variable(Tensor data) {
        this(data, false);
    }

    /** The result of an op, produced by {@code gradFn}. */
    Variable(Tensor data, Node gradFn) {
        this.data = data;
        this.requiresGrad = true;
        this.gradFn = gradFn;
    }

    Variable(Tensor data, Op op, Variable[] in, Tensor[] inData) {
        this.data = data;
        this.requiresGrad = true;
        this.gradFn = new Node(op, in, inData, this);
    }

    // ------------------------------------------------------------------ autograd state

    /** The raw tensor. */
    public Tensor data() {
        return data;
    }

    /** The accumulated gradient, or null until a backward reaches this variable. */
    public Tensor grad() {
        return grad;
    }

    /** The node that produced this variable, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** Whether gradients flow to this variable. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for variables the user created (and results of ops that needed no gradient). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Makes a non-leaf keep its {@link #grad()} during backward (leaves always do). */
    public Variable retainGrad() {
        if (!requiresGrad) throw new IllegalStateException("retainGrad: can't retain the grad of a Variable that has requiresGrad=false");
        if (gradFn != null && !retainsGrad) {
            retainsGrad = true;
            gradFn.addPreHook(g -> {
                Autograd.accumulateLater(this, g, false);
                return null;
            });
        }
        return this;
    }

    /** A leaf sharing this variable's data that does not require grad: gradients stop here. */
    public Variable detach() {
        return new Variable(data, false);
    }

    /** Sets the gradient to null, like PyTorch's {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        synchronized (this) {
            grad = null;
            gradVariable = null;
        }
    }

    /**
     * Registers a hook called with the gradient of this variable each time one is computed; a
     * non-null result replaces the gradient.
     */
    public Variable registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) throw new IllegalStateException("registerHook: cannot register a hook on a Variable that doesn't require gradient (requiresGrad=false)");
        gradEdge().addPreHook(g -> {
            Tensor r = hook.apply(g.data);
            return r == null || r == g.data ? null : new Variable(r, false);
        });
        return this;
    }

    /** The node gradients of this variable flow into: its grad_fn, or its AccumulateGrad node. */
    synchronized Node gradEdge() {
        if (gradFn != null) return gradFn;
        if (accumulator == null) accumulator = new Node(this);
        return accumulator;
    }

    /** Adds {@code g} into {@code .grad}; thread-safe, so two threads may accumulate into one leaf. */
    void accumulate(Variable g, boolean keepGraph) {
        synchronized (this) {
            Tensor cur = grad;
            if (cur == null) {
                Tensor copy = g.data.dtype() == data.dtype() ? g.data.copy() : g.data.to(data.dtype());
                grad = copy;
                gradVariable = keepGraph ? g : null;
            } else if (keepGraph) {
                Variable sum = (gradVariable != null ? gradVariable : new Variable(cur, false)).add(g);
                gradVariable = sum;
                grad = sum.data;
            } else {
                grad = cur.add(g.data.to(cur.dtype()));
            }
        }
    }

    /** The gradient as a variable (with a graph when backward ran with createGraph), or null. */
    public Variable gradVariable() {
        Tensor g = grad;
        if (g == null) return null;
        Variable v = gradVariable;
        return v != null ? v : new Variable(g, false);
    }

    // ------------------------------------------------------------------ backward

    /** Backward from a one-element variable: fills the {@code .grad} of every leaf that requires grad. */
    public void backward() {
        backward(null, false, false);
    }

    /** Backward with the gradient of some scalar with respect to this variable (a vector-Jacobian product). */
    public void backward(Tensor gradient) {
        backward(gradient, false, false);
    }

    /**
     * Backward with options: {@code retainGraph} keeps saved values for another backward,
     * {@code createGraph} records the backward itself so that gradients can be differentiated.
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradient, retainGraph, createGraph);
    }

    // ------------------------------------------------------------------ reading out

    /** The sizes, a copy. */
    public int[] shape() {
        return data.shape();
    }

    /** The size of one dim. */
    public int size(int dim) {
        return data.size(dim);
    }

    /** The number of dims. */
    public int dim() {
        return data.dim();
    }

    /** The number of elements. */
    public int numel() {
        return data.numel();
    }

    /** The element type. */
    public DType dtype() {
        return data.dtype();
    }

    /** The value of a one-element variable. */
    public double item() {
        return data.item();
    }

    /** As PyTorch prints it: {@code tensor([...], grad_fn=<AddBackward0>)} or {@code ..., requires_grad=True)}. */
    @Override
    public String toString() {
        if (gradFn != null) return data.format(List.of("grad_fn=<" + gradFn.name() + ">"));
        if (requiresGrad) return data.format(List.of("requires_grad=True"));
        return data.toString();
    }

    // ------------------------------------------------------------------ ops

    /**
     * Runs {@code op} on {@code in} and, when grad mode is on and an input requires grad,
     * records its node: the one entry every op method of this class goes through (ops defined
     * outside this class, such as losses, use it too).
     */
    public static Variable apply(Op op, Variable... in) {
        return Autograd.apply(op, in);
    }

    /** Runs the one-operand {@code op} on this variable, recording it for autograd. */
    @Override
    public Variable op(Op op) {
        return apply(op, this);
    }

    /** Runs the two-operand {@code op} on this variable and {@code other}, recording it for autograd. */
    @Override
    public Variable op(Op op, Variable other) {
        return apply(op, this, other);
    }

    /** This variable (for the op methods written once in {@link OpMethods}). */
    @Override
    public Variable self() {
        return this;
    }

    /** Runs the three-operand {@code op} on this, {@code second} and {@code third}, recording a node when one requires grad. */
    @Override
    public Variable op(Op op, Variable second, Variable third) {
        return apply(op, this, second, third);
    }

    /** {@code mask != 0 ? a : b}, broadcasting; gradients flow to a and b. */
    public static Variable where(Variable mask, Variable a, Variable b) {
        return apply(Ops.Where.INSTANCE, mask, a, b);
    }

    /** Converted to another dtype (gradients convert back). */
    public Variable to(DType dtype) {
        return dtype == dtype() ? this : apply(new Ops.Convert(dtype), this);
    }

    // views

    /** Reshape (a view when possible). */
    public Variable reshape(int... shape) { return apply(new ViewOps.Reshape(shape.clone(), false), this); }
    /** View with another shape (fails when no view is possible). */
    public Variable view(int... shape) { return apply(new ViewOps.Reshape(shape.clone(), true), this); }
    /** Swaps two dims. */
    public Variable transpose(int dim0, int dim1) {
        int r = dim();
        int a = Shapes.dim("transpose", dim0, r), b = Shapes.dim("transpose", dim1, r);
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        if (r > 0) {
            p[a] = b;
            p[b] = a;
        }
        return apply(new ViewOps.Permute(p, "transpose"), this);
    }
    /** Matrix transpose (0-d and 1-d unchanged). */
    public Variable t() {
        data.t(); // validates the rank
        if (dim() < 2) return apply(new ViewOps.Permute(dim() == 0 ? new int[0] : new int[] {0}, "t"), this);
        return apply(new ViewOps.Permute(new int[] {1, 0}, "t"), this);
    }
    /** Reorders dims. */
    public Variable permute(int... dims) { return apply(new ViewOps.Permute(dims.clone(), "permute"), this); }
    /** Inserts a size-1 dim. */
    public Variable unsqueeze(int dim) { return apply(new ViewOps.Unsqueeze(dim), this); }
    /** Removes all size-1 dims. */
    public Variable squeeze() { return apply(new ViewOps.Squeeze(Ops.ALL), this); }
    /** Removes a size-1 dim. */
    public Variable squeeze(int dim) { return apply(new ViewOps.Squeeze(dim), this); }
    /** Broadcasts without copying. */
    public Variable expand(int... shape) { return apply(new ViewOps.Expand(shape.clone()), this); }
    /** A slice along a dim. */
    public Variable narrow(int dim, int start, int length) { return apply(new ViewOps.Narrow(dim, start, length), this); }
    /** The slice at an index along a dim, that dim removed. */
    public Variable select(int dim, int index) { return apply(new ViewOps.Select(dim, index), this); }
    /** Contiguous (a copy only when needed). */
    public Variable contiguous() { return data.isContiguous() ? this : apply(Ops.Copy.INSTANCE, this); }

    /** Concatenates along a dim. */
    public static Variable cat(List<Variable> vs, int dim) {
        return Autograd.apply(new Ops.Cat(dim), vs.toArray(new Variable[0]));
    }

    /** Stacks along a new dim. */
    public static Variable stack(List<Variable> vs, int dim) {
        if (vs.isEmpty()) throw new IllegalArgumentException("stack: expects a non-empty list of tensors");
        Tensor.stack(List.of(vs.get(0).data), dim); // validates dim
        List<Variable> u = new ArrayList<>(vs.size());
        int d = Shapes.dim("stack", dim, vs.get(0).dim() + 1);
        for (int i = 0; i < vs.size(); i++) {
            if (!java.util.Arrays.equals(vs.get(i).data.shape, vs.get(0).data.shape)) {
                throw new IllegalArgumentException("stack: stack expects each tensor to be equal size, but got "
                        + Shapes.str(vs.get(0).data.shape) + " at entry 0 and " + Shapes.str(vs.get(i).data.shape) + " at entry " + i);
            }
            u.add(vs.get(i).unsqueeze(d));
        }
        return cat(u, d);
    }

    // in place: allowed where autograd cannot be fooled (no grad needed, or inside noGrad)

    /** The data of an in-place op's operand, failing with the op's name when it is null. */
    private static Tensor dataOf(String op, Variable v) {
        if (v == null) throw new NullPointerException(op + ": argument 1 is null (expected a Variable)");
        return v.data;
    }

    private Variable inPlace(String op) {
        if (requiresGrad && Autograd.isGradEnabled()) {
            if (isLeaf()) throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation.");
            throw new IllegalStateException(op + ": in-place ops on a Variable that requires grad are not supported "
                    + "(use the out-of-place op, or run it inside Autograd.noGrad())");
        }
        return this;
    }

    /** {@code this += other}. */
    public Variable addInPlace(Variable other) { inPlace("addInPlace").data.addInPlace(dataOf("addInPlace", other)); return this; }
    /** {@code this += s}. */
    public Variable addInPlace(double s) { inPlace("addInPlace").data.addInPlace(s); return this; }
    /** {@code this -= other}. */
    public Variable subInPlace(Variable other) { inPlace("subInPlace").data.subInPlace(dataOf("subInPlace", other)); return this; }
    /** {@code this *= other}. */
    public Variable mulInPlace(Variable other) { inPlace("mulInPlace").data.mulInPlace(dataOf("mulInPlace", other)); return this; }
    /** {@code this *= s}. */
    public Variable mulInPlace(double s) { inPlace("mulInPlace").data.mulInPlace(s); return this; }
    /** {@code this *= s}. */
    public Variable scaleInPlace(double s) { return mulInPlace(s); }
    /** {@code this += alpha * other}. */
    public Variable addScaledInPlace(Variable other, double alpha) {
        inPlace("addScaledInPlace").data.addScaledInPlace(dataOf("addScaledInPlace", other), alpha);
        return this;
    }
    /** Sets all elements to 0. */
    public Variable zeroInPlace() { inPlace("zeroInPlace").data.zeroInPlace(); return this; }
    /** Sets all elements to v. */
    public Variable fillInPlace(double v) { inPlace("fillInPlace").data.fillInPlace(v); return this; }
    /** Copies src into this. */
    public Variable copyInPlace(Variable src) { inPlace("copyInPlace").data.copyInPlace(dataOf("copyInPlace", src)); return this; }
}
