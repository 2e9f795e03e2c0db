package io.simdgrad.graph;

import io.simdgrad.graph.Graph.Guard;
import io.simdgrad.graph.Graph.Node;
import io.simdgrad.graph.Graph.Step;
import io.simdgrad.graph.Graph.Value;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How two captures of one function on inputs of one signature differ, if they do. A Java value
 * used as an op operand (a learning rate, a step count) is a constant of the graph: if it changes
 * between calls, replaying the first graph would silently compute with the old value. Comparing
 * the first two captures finds such values before anything replays.
 */
record GraphDiff(Kind kind, String message) {
    /** What differs. */
    enum Kind {
        /** A guard saw other values first: Java code took another path, so the graphs are two guarded variants. */
        GUARD,
        /** An op attribute, a constant's values or a param's tensor differ in the same program: a Java value changed. */
        CONSTANT,
        /** The programs differ with no guard to tell them apart: Java control flow changed without reading tensors. */
        STRUCTURE
    }

    /** The first difference between {@code a} and {@code b} (captured in that order), or null when they are the same program. */
    static GraphDiff between(Graph a, Graph b) {
        Map<Value, Value> map = new IdentityHashMap<>();
        if (a.inputs().size() != b.inputs().size()) return structure("the number of inputs", a.inputs().size(), b.inputs().size());
        for (int i = 0; i < a.inputs().size(); i++) map.put(b.inputs().get(i), a.inputs().get(i));
        if (a.params().size() != b.params().size()) return structure("the number of params", a.params().size(), b.params().size());
        for (int i = 0; i < a.params().size(); i++) {
            Value pa = a.params().get(i), pb = b.params().get(i);
            if (!sameMemory(pa.tensor(), pb.tensor())) {
                return new GraphDiff(Kind.CONSTANT, "param " + pa + " " + pa.type() + " is another tensor on the second call (a tensor made "
                        + "outside the function anew for each call is bound by reference to the first one): pass it as an input");
            }
            map.put(pb, pa);
        }
        if (a.consts().size() != b.consts().size()) return structure("the number of constants", a.consts().size(), b.consts().size());
        String constDiff = null;
        for (int i = 0; i < a.consts().size(); i++) {
            Value ca = a.consts().get(i), cb = b.consts().get(i);
            if (ca.dtype() != cb.dtype() || !Arrays.equals(ca.shapeRef(), cb.shapeRef())) {
                return structure("constant " + ca, ca.type(), cb.type());
            }
            double[] va = Snapshots.values(ca.tensor()), vb = Snapshots.values(cb.tensor());
            if (constDiff == null && !Arrays.equals(va, vb)) {
                constDiff = "constant " + ca + " " + ca.type() + " (a tensor made inside the function outside any op) is "
                        + Graph.formatValues(va) + " on the first call and " + Graph.formatValues(vb) + " on the second";
            }
            map.put(cb, ca);
        }
        List<Step> sa = a.steps(), sb = b.steps();
        for (int i = 0; i < Math.min(sa.size(), sb.size()); i++) {
            Step x = sa.get(i), y = sb.get(i);
            if (x instanceof Guard ga && y instanceof Guard gb) {
                if (map.get(gb.value()) != ga.value()) return structure("step " + i, ga, gb);
                if (!Arrays.equals(ga.expectedRef(), gb.expectedRef())) {
                    return new GraphDiff(Kind.GUARD, "guard " + ga.value() + " saw " + Graph.formatValues(ga.expectedRef()) + ", then "
                            + Graph.formatValues(gb.expectedRef()));
                }
                continue;
            }
            if (!(x instanceof Node na) || !(y instanceof Node nb)) return structure("step " + i, x, y);
            if (na.op().getClass() != nb.op().getClass() || !na.op().name().equals(nb.op().name()) || na.inPlace() != nb.inPlace()
                    || na.in().length != nb.in().length || !Arrays.equals(na.out().shapeRef(), nb.out().shapeRef())) {
                return structure("step " + i, na, nb);
            }
            for (int k = 0; k < na.in().length; k++) if (map.get(nb.in()[k]) != na.in()[k]) return structure("step " + i, na, nb);
            if (!na.op().attributes().equals(nb.op().attributes())) {
                return new GraphDiff(Kind.CONSTANT, "op " + na.op().name() + " at " + na + ": its Java operands (" + na.op().attributes()
                        + ") are (" + nb.op().attributes() + ") on the second call");
            }
            map.put(nb.out(), na.out());
        }
        if (sa.size() != sb.size()) return structure("the number of steps", sa.size(), sb.size());
        if (constDiff != null) return new GraphDiff(Kind.CONSTANT, constDiff);
        for (int i = 0; i < a.outputs().size(); i++) {
            if (i >= b.outputs().size() || map.get(b.outputs().get(i)) != a.outputs().get(i)) return structure("output " + i, "", "");
        }
        return a.outputs().size() == b.outputs().size() ? null : structure("the number of outputs", a.outputs().size(), b.outputs().size());
    }

    /** The same elements of the same storage (views made anew per call of one tensor are the same param). */
    private static boolean sameMemory(io.simdgrad.core.Tensor a, io.simdgrad.core.Tensor b) {
        return a == b || (a.sharesStorageWith(b) && a.storageOffset() == b.storageOffset() && Arrays.equals(a.shape(), b.shape())
                && Arrays.equals(a.strides(), b.strides()));
    }

    private static GraphDiff structure(String what, Object first, Object second) {
        return new GraphDiff(Kind.STRUCTURE, what + " differs: " + first + " on the first call, " + second + " on the second");
    }
}
