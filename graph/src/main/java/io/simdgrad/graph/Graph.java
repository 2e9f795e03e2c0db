package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Op;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.engine.Internals;
import io.simdgrad.core.ops.ViewOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A captured program: a flat list of single-assignment steps over {@link Value}s, after JAX's
 * jaxprs and torch.fx graphs. Values are the graph's {@link #inputs()} (fresh tensors each call),
 * {@link #params()} (tensors that existed before the capture, bound by reference: a replay reads
 * their current contents and writes their in-place updates into them), {@link #consts()}
 * (snapshots of tensors created during the capture outside any op) and the results of
 * {@link Node}s, which reference {@code core}'s {@link Op} definitions. {@link Guard}s record
 * values that Java code read during the capture; a replay checks them where they stand.
 *
 * <p>Graphs are immutable; passes ({@link Passes}) return new graphs. {@link #toString()}
 * prints one step per line ({@code %5 = matmul(%1, %2) : f32[64, 256]}), {@link #toDot()}
 * writes Graphviz, {@link #check()} re-derives every shape from the ops' shape rules.
 */
public final class Graph {
    /** Where a value comes from. */
    public enum Kind {
        /** A tensor passed to each call. */
        INPUT,
        /** A tensor that existed before the capture, bound by reference. */
        PARAM,
        /** A snapshot of a tensor created during the capture outside the ops. */
        CONST,
        /** The result of a {@link Node}. */
        NODE
    }

    /** A single-assignment value: id, shape and dtype (and, for params and consts, the tensor). */
    public static final class Value {
        private final int id;
        private final int[] shape;
        private final DType dtype;
        private final Kind kind;
        private final Tensor tensor;

        Value(int id, int[] shape, DType dtype, Kind kind, Tensor tensor) {
            this.id = id;
            this.shape = shape.clone();
            this.dtype = dtype;
            this.kind = kind;
            this.tensor = tensor;
        }

        /** The number printed after {@code %}. */
        public int id() {
            return id;
        }

        /** The sizes, a copy. */
        public int[] shape() {
            return shape.clone();
        }

        int[] shapeRef() {
            return shape;
        }

        /** The element type. */
        public DType dtype() {
            return dtype;
        }

        /** Where the value comes from. */
        public Kind kind() {
            return kind;
        }

        /** The bound tensor of a param, the snapshot of a const; null otherwise. */
        public Tensor tensor() {
            return tensor;
        }

        /** The element count. */
        public int numel() {
            int n = 1;
            for (int s : shape) n *= s;
            return n;
        }

        /** {@code f32[64, 256]}. */
        public String type() {
            StringBuilder sb = new StringBuilder(dtype.shortName()).append('[');
            for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
            return sb.append(']').toString();
        }

        @Override
        public String toString() {
            return "%" + id;
        }
    }

    /** One step: a {@link Node} or a {@link Guard}. */
    public sealed interface Step permits Node, Guard {}

    /**
     * {@code out = op(in...)}. An in-place node ({@link #inPlace()}) writes its result into the
     * tensor of {@code in[0]} (a param or a view of one) and {@code out} names that tensor's new
     * contents; a view node ({@link #isView()}) shares {@code in[0]}'s memory.
     */
    public static final class Node implements Step {
        private final Value out;
        private final Op op;
        private final Value[] in;
        private final boolean inPlace;

        Node(Value out, Op op, Value[] in, boolean inPlace) {
            this.out = out;
            this.op = op;
            this.in = in.clone();
            this.inPlace = inPlace;
        }

        /** The value this node defines. */
        public Value out() {
            return out;
        }

        /** The op definition. */
        public Op op() {
            return op;
        }

        /** The operands, a copy. */
        public List<Value> inputs() {
            return List.of(in);
        }

        Value[] in() {
            return in;
        }

        /** Whether the result is written into {@code in[0]}'s tensor. */
        public boolean inPlace() {
            return inPlace;
        }

        /** Whether the result is a view of {@code in[0]} (no computation). */
        public boolean isView() {
            return op instanceof ViewOps.ViewOp;
        }

        /** {@code %5 = matmul(%1, %2) : f32[64, 256]}. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder().append(out).append(" = ").append(op.name()).append(inPlace ? "InPlace(" : "(");
            for (int i = 0; i < in.length; i++) sb.append(i > 0 ? ", " : "").append(in[i]);
            String attrs = op.attributes();
            if (!attrs.isEmpty()) sb.append(in.length > 0 ? ", " : "").append(attrs);
            return sb.append(") : ").append(out.type()).toString();
        }
    }

    /**
     * Java code read {@code value} during the capture and saw {@code expected} (row-major, as
     * doubles); a replay that computes anything else stops there.
     */
    public static final class Guard implements Step {
        private final Value value;
        private final double[] expected;

        Guard(Value value, double[] expected) {
            this.value = value;
            this.expected = expected.clone();
        }

        /** The value that was read. */
        public Value value() {
            return value;
        }

        /** What the capture saw, a copy. */
        public double[] expected() {
            return expected.clone();
        }

        double[] expectedRef() {
            return expected;
        }

        /** {@code guard %12 == 1.0}. */
        @Override
        public String toString() {
            return "guard " + value + " == " + formatValues(expected);
        }
    }

    static String formatValues(double[] v) {
        if (v.length == 1) return Double.toString(v[0]);
        if (v.length <= 8) return Arrays.toString(v);
        return "[" + v[0] + ", " + v[1] + ", ... (" + v.length + " values)]";
    }

    private final List<Value> inputs;
    private final List<Value> params;
    private final List<Value> consts;
    private final List<Step> steps;
    private final List<Value> outputs;

    Graph(List<Value> inputs, List<Value> params, List<Value> consts, List<Step> steps, List<Value> outputs) {
        this.inputs = List.copyOf(inputs);
        this.params = List.copyOf(params);
        this.consts = List.copyOf(consts);
        this.steps = List.copyOf(steps);
        this.outputs = Collections.unmodifiableList(new ArrayList<>(outputs));
    }

    /** The values each call passes, in order. */
    public List<Value> inputs() {
        return inputs;
    }

    /** Tensors bound by reference (read, or updated in place by {@link Node#inPlace()} nodes). */
    public List<Value> params() {
        return params;
    }

    /** Snapshots of tensors created during the capture. */
    public List<Value> consts() {
        return consts;
    }

    /** Nodes and guards in execution order. */
    public List<Step> steps() {
        return steps;
    }

    /** The nodes, without the guards. */
    public List<Node> nodes() {
        List<Node> r = new ArrayList<>();
        for (Step s : steps) if (s instanceof Node n) r.add(n);
        return r;
    }

    /** The guards, in execution order. */
    public List<Guard> guards() {
        List<Guard> r = new ArrayList<>();
        for (Step s : steps) if (s instanceof Guard g) r.add(g);
        return r;
    }

    /** The returned values, in order (a value may appear more than once). */
    public List<Value> outputs() {
        return outputs;
    }

    /** A builder for hand-made graphs (tests, tools); captures use it too. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Prints the graph, one line per value or step:
     * <pre>
     * input %0 : f32[3]
     * param %1 : f32[16, 2]
     * const %2 : f32[] = 2.0
     * %3 = mul(%0, %2) : f32[3]
     * guard %7 == 1.0
     * return %3
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Value v : inputs) sb.append("input ").append(v).append(" : ").append(v.type()).append('\n');
        for (Value v : params) sb.append("param ").append(v).append(" : ").append(v.type()).append('\n');
        for (Value v : consts) {
            sb.append("const ").append(v).append(" : ").append(v.type());
            if (v.numel() <= 4) sb.append(" = ").append(formatValues(Snapshots.values(v.tensor())));
            sb.append('\n');
        }
        for (Step s : steps) sb.append(s).append('\n');
        sb.append("return ");
        for (int i = 0; i < outputs.size(); i++) sb.append(i > 0 ? ", " : "").append(outputs.get(i));
        return sb.append('\n').toString();
    }

    /** The graph in Graphviz DOT: values as boxes (inputs blue, params green, consts grey), ops as ellipses. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph G {\n  rankdir=TB;\n  node [fontname=\"monospace\", fontsize=10];\n");
        for (Value v : inputs) dotValue(sb, v, "input", "lightblue");
        for (Value v : params) dotValue(sb, v, "param", "palegreen");
        for (Value v : consts) dotValue(sb, v, "const", "lightgrey");
        Set<Value> outs = new HashSet<>(outputs);
        int g = 0;
        for (Step s : steps) {
            if (s instanceof Node n) {
                String attrs = n.op.attributes();
                if (n.op instanceof io.simdgrad.core.ops.Fused) attrs = attrs.replace("), ", "),\\n");  // one link per line
                String label = n.op.name() + (n.inPlace ? "InPlace" : "") + (attrs.isEmpty() ? "" : "(" + attrs + ")");
                sb.append("  v").append(n.out.id).append(" [label=\"").append(escape(n.out + " = " + label + "\\n" + n.out.type()))
                        .append("\", shape=ellipse").append(n.inPlace ? ", style=filled, fillcolor=orange" : "")
                        .append(outs.contains(n.out) ? ", peripheries=2" : "").append("];\n");
                for (int i = 0; i < n.in.length; i++) {
                    sb.append("  v").append(n.in[i].id).append(" -> v").append(n.out.id);
                    if (n.in.length > 1) sb.append(" [label=\"").append(i).append("\"]");
                    sb.append(";\n");
                }
            } else if (s instanceof Guard gd) {
                sb.append("  g").append(g).append(" [label=\"").append(escape("guard == " + formatValues(gd.expected)))
                        .append("\", shape=diamond, style=filled, fillcolor=khaki];\n");
                sb.append("  v").append(gd.value.id).append(" -> g").append(g++).append(" [style=dashed];\n");
            }
        }
        return sb.append("}\n").toString();
    }

    private static void dotValue(StringBuilder sb, Value v, String what, String color) {
        sb.append("  v").append(v.id).append(" [label=\"").append(escape(what + " " + v + "\\n" + v.type()))
                .append("\", shape=box, style=filled, fillcolor=").append(color).append("];\n");
    }

    private static String escape(String s) {
        return s.replace("\"", "\\\"");
    }

    /**
     * Checks the graph: every value defined once before its use, every node's shape and dtype
     * equal to what its op's shape rule derives, in-place nodes keep their target's shape.
     *
     * @return the problems found, empty for a well-formed graph
     */
    public List<String> problems() {
        return Checker.problems(this);
    }

    /**
     * {@link #problems()} as an exception.
     *
     * @throws IllegalStateException listing every problem
     */
    public Graph check() {
        List<String> p = problems();
        if (!p.isEmpty()) throw new IllegalStateException("graph check failed:\n  " + String.join("\n  ", p) + "\n" + this);
        return this;
    }

    /**
     * Builds a graph step by step. {@link #apply} infers shapes by running the op's shape rule
     * on placeholder tensors; {@link #node} takes them as given (captures know them).
     */
    public static final class Builder {
        private int nextId;
        private final List<Value> inputs = new ArrayList<>();
        private final List<Value> params = new ArrayList<>();
        private final List<Value> consts = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private final List<Value> outputs = new ArrayList<>();
        private final java.util.Map<Value, Tensor> placeholders = new java.util.IdentityHashMap<>();

        Builder() {}

        /** A new input. */
        public Value input(DType dtype, int... shape) {
            Value v = new Value(nextId++, shape, dtype, Kind.INPUT, null);
            inputs.add(v);
            return v;
        }

        /** A param bound to {@code t} by reference. */
        public Value param(Tensor t) {
            Value v = new Value(nextId++, t.shape(), t.dtype(), Kind.PARAM, t);
            params.add(v);
            return v;
        }

        /** A constant holding {@code t} (not copied: do not change it afterwards). */
        public Value constant(Tensor t) {
            Value v = new Value(nextId++, t.shape(), t.dtype(), Kind.CONST, t);
            consts.add(v);
            return v;
        }

        /** {@code op(in...)}, its shape and dtype derived by the op's shape rule. */
        public Value apply(Op op, Value... in) {
            Tensor[] ph = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) ph[i] = placeholder(in[i]);
            Value out = node(op, in, op.shape(ph), op.dtype(ph), false);
            placeholders.put(out, op.abstractResult(ph, out.shape, out.dtype));
            return out;
        }

        /** {@code op(target, rest...)} written into {@code target}'s tensor (which must be a param or a view of one). */
        public Value applyInPlace(Op op, Value target, Value... rest) {
            Value[] in = new Value[rest.length + 1];
            in[0] = target;
            System.arraycopy(rest, 0, in, 1, rest.length);
            Value out = node(op, in, target.shape, target.dtype, true);
            placeholders.put(out, placeholder(target));
            return out;
        }

        private Tensor placeholder(Value v) {
            if (v.tensor != null) return v.tensor;
            return placeholders.computeIfAbsent(v, k -> Internals.abstractValue(k.dtype, k.shape));
        }

        /** A node with a known result shape and dtype. */
        Value node(Op op, Value[] in, int[] shape, DType dtype, boolean inPlace) {
            Value out = new Value(nextId++, shape, dtype, Kind.NODE, null);
            steps.add(new Node(out, op, in, inPlace));
            return out;
        }

        /** A guard: {@code v} must equal {@code expected} (row-major) when the replay reaches this point. */
        public Builder guard(Value v, double... expected) {
            steps.add(new Guard(v, expected));
            return this;
        }

        /** Appends a returned value. */
        public Builder output(Value v) {
            outputs.add(v);
            return this;
        }

        /** The graph. */
        public Graph build() {
            return new Graph(inputs, params, consts, steps, outputs);
        }
    }

    static final class Checker {
        private Checker() {}

        static List<String> problems(Graph g) {
            List<String> p = new ArrayList<>();
            java.util.Map<Value, Tensor> ph = new java.util.IdentityHashMap<>();
            Set<Integer> ids = new HashSet<>();
            for (Value v : g.inputs) define(p, ids, ph, v, v.kind == Kind.INPUT ? Internals.abstractValue(v.dtype, v.shape) : null, "input");
            for (Value v : g.params) define(p, ids, ph, v, v.kind == Kind.PARAM ? v.tensor : null, "param");
            for (Value v : g.consts) define(p, ids, ph, v, v.kind == Kind.CONST ? v.tensor : null, "const");
            for (Step s : g.steps) {
                if (s instanceof Guard gd) {
                    if (!ph.containsKey(gd.value)) p.add(gd + ": " + gd.value + " is not defined here");
                    else if (gd.expected.length != gd.value.numel()) {
                        p.add(gd + ": expects " + gd.expected.length + " values for " + gd.value.type());
                    }
                    continue;
                }
                Node n = (Node) s;
                Tensor[] in = new Tensor[n.in.length];
                boolean ok = true;
                for (int i = 0; i < in.length; i++) {
                    in[i] = ph.get(n.in[i]);
                    if (in[i] == null) {
                        p.add(n + ": operand " + n.in[i] + " is not defined here");
                        ok = false;
                    }
                }
                if (n.out.kind != Kind.NODE) p.add(n + ": defines a value of kind " + n.out.kind);
                Tensor result = null;
                if (ok) {
                    try {
                        int[] shape = n.op.shape(in);
                        DType dtype = n.op.dtype(in);
                        if (n.inPlace) {
                            if (!Arrays.equals(shape, in[0].shape())) {
                                p.add(n + ": in-place result shape " + Arrays.toString(shape) + " differs from its target " + n.in[0].type());
                            }
                            shape = in[0].shape();
                        }
                        if (!Arrays.equals(shape, n.out.shape) || dtype != n.out.dtype) {
                            p.add(n + ": the op's shape rule gives " + new Value(-1, shape, dtype, Kind.NODE, null).type());
                        }
                        result = n.inPlace ? in[0] : n.op.abstractResult(in, n.out.shape, n.out.dtype);
                    } catch (RuntimeException e) {
                        p.add(n + ": the op's shape rule fails: " + e.getMessage());
                    }
                }
                define(p, ids, ph, n.out, result != null ? result : Internals.abstractValue(n.out.dtype, n.out.shape), n.toString());
            }
            for (Value v : g.outputs) if (!ph.containsKey(v)) p.add("return " + v + ": not defined");
            return p;
        }

        private static void define(List<String> p, Set<Integer> ids, java.util.Map<Value, Tensor> ph, Value v, Tensor t, String where) {
            if (!ids.add(v.id)) p.add(where + ": " + v + " is assigned twice");
            if (t == null) {
                p.add(where + ": " + v + " has kind " + v.kind + (v.tensor == null && v.kind != Kind.INPUT && v.kind != Kind.NODE ? " but no tensor" : ""));
                t = Internals.abstractValue(v.dtype, v.shape);
            } else if (!Arrays.equals(t.shape(), v.shape) || t.dtype() != v.dtype) {
                p.add(where + ": " + v + " is declared " + v.type() + " but its tensor is " + t.dtype().shortName() + Arrays.toString(t.shape()));
            }
            ph.put(v, t);
        }
    }
}
