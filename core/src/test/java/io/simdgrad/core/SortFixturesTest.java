package io.simdgrad.core;

import io.simdgrad.core.ops.IndexOps;
import io.simdgrad.core.ops.SortOps;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sorting, selecting and scanning ops against PyTorch 2.13 where finite differences cannot
 * tell: which index wins at ties (max/min/median/kthvalue/sort), NaN sorted as the largest,
 * -0.0 equal to 0.0, gradients routed to the picked index or shared evenly (amax, median()),
 * prod/cumprod gradients at zeros, scans through infinities and NaN, FLOAT32 scans accumulated in
 * double. Fixtures: {@code core/src/test/python/make_sort_fixtures.py}.
 */
class SortFixturesTest {
    /** One fixture block. */
    record Fixture(String name, String op, String[] args, Tensor input, double[] values, long[] indices, double[] grad) {}

    static List<Fixture> load() throws IOException {
        List<Fixture> r = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(SortFixturesTest.class.getResourceAsStream("/fixtures/sort_fixtures.txt")), StandardCharsets.UTF_8))) {
            String line;
            String[] head = null;
            Tensor input = null;
            double[] values = null, grad = null;
            long[] indices = null;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("#")) continue;
                String[] w = line.split(" ");
                switch (w[0]) {
                    case "case" -> {
                        if (head != null) r.add(new Fixture(head[1], head[2], Arrays.copyOfRange(head, 3, head.length), input, values, indices, grad));
                        head = w;
                        input = null;
                        values = grad = null;
                        indices = null;
                    }
                    case "input" -> {
                        int[] shape = w[2].equals("-") ? new int[0] : Arrays.stream(w[2].split(",")).mapToInt(Integer::parseInt).toArray();
                        double[] v = doubles(w, 3);
                        Tensor t = Tensor.of(v, shape);
                        input = w[1].equals("float32") ? t.to(DType.FLOAT32) : t;
                    }
                    case "values" -> values = doubles(w, 1);
                    case "indices" -> indices = Arrays.stream(w).skip(1).mapToLong(Long::parseLong).toArray();
                    case "grad" -> grad = doubles(w, 1);
                    default -> fail("unknown fixture line " + line);
                }
            }
            if (head != null) r.add(new Fixture(head[1], head[2], Arrays.copyOfRange(head, 3, head.length), input, values, indices, grad));
        }
        return r;
    }

    private static double[] doubles(String[] w, int from) {
        double[] v = new double[w.length - from];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(w[from + i].replace("inf", "Infinity").replace("nan", "NaN"));
        return v;
    }

    /** The op of a fixture on x: values and (or null) indices. */
    static ValuesIndices<Variable> run(Fixture f, Variable x) {
        String[] a = f.args();
        return switch (f.op()) {
            case "max" -> x.max(i(a[0]), b(a[1]));
            case "min" -> x.min(i(a[0]), b(a[1]));
            case "median" -> x.median(i(a[0]), b(a[1]));
            case "sort" -> x.sort(i(a[0]), b(a[1]));
            case "kthvalue" -> x.kthvalue(i(a[0]), i(a[1]), b(a[2]));
            case "topk" -> x.topk(i(a[0]), i(a[1]), b(a[2]), true);
            case "argmin" -> new ValuesIndices<>(x.argmin(i(a[0]), b(a[1])), null);
            case "amax" -> new ValuesIndices<>(x.amax(i(a[0]), b(a[1])), null);
            case "amin01" -> new ValuesIndices<>(x.amin(new int[] {0, 1}, false), null);
            case "maxall" -> new ValuesIndices<>(x.max(), null);
            case "medianall" -> new ValuesIndices<>(x.median(), null);
            case "prod" -> new ValuesIndices<>(x.prod(), null);
            case "prodDim" -> new ValuesIndices<>(x.prod(i(a[0]), b(a[1])), null);
            case "cumprod" -> new ValuesIndices<>(x.cumprod(i(a[0])), null);
            case "cumsum" -> new ValuesIndices<>(x.cumsum(i(a[0])), null);
            case "logcumsumexp" -> new ValuesIndices<>(x.logcumsumexp(i(a[0])), null);
            case "norm" -> new ValuesIndices<>(x.norm(Double.parseDouble(a[0].replace("inf", "Infinity")), i(a[1]), b(a[2])), null);
            default -> throw new AssertionError("unknown op " + f.op());
        };
    }

    private static int i(String s) { return Integer.parseInt(s); }
    private static boolean b(String s) { return s.equals("True"); }

    @TestFactory
    List<DynamicTest> valuesIndicesAndGradientsMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Fixture> all = load();
        assertTrue(all.size() > 200, "fixtures: " + all.size());
        for (Fixture f : all) {
            tests.add(DynamicTest.dynamicTest(f.name() + " " + f.op() + Arrays.toString(f.args()) + " of " + f.input(), () -> check(f)));
        }
        return tests;
    }

    private static void check(Fixture f) {
        boolean floats = f.input().dtype().isFloatingPoint();
        Variable x = new Variable(f.input().copy(), floats && f.grad() != null);
        ValuesIndices<Variable> r = run(f, x);
        double tol = f.input().dtype() == DType.FLOAT32 ? 0 : 1e-13;
        assertClose(f.values(), r.values().data().toDoubleArray(), tol, "values");
        assertSameZeros(f.values(), r.values().data().toDoubleArray());
        if (f.indices() != null) {
            long[] ours = r.indices().data().toLongArray();
            if (f.op().equals("topk")) {
                // topk: PyTorch's order among equal values follows its partial sort; the values picked must agree
                Tensor picked = f.input().op(new IndexOps.Gather(Integer.parseInt(f.args()[1])), r.indices().data());
                assertClose(f.values(), picked.toDoubleArray(), 0, "values at our indices");
            } else {
                assertArrayEquals(f.indices(), ours, "indices");
            }
        }
        if (f.grad() != null) {
            Variable v = r.values();
            Tensor w = Tensor.arange(DType.FLOAT64, 1, v.numel() + 1, 1).reshape(v.shape()).to(v.dtype());
            v.mul(new Variable(w)).sum().backward();
            assertClose(f.grad(), x.grad().toDoubleArray(), 1e-12, "grad");
        }
    }

    /** A picked -0.0 stays -0.0: the op returns the element it picked. */
    private static void assertSameZeros(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == 0) assertEquals(Double.compare(expected[i], 0.0) == 0, Double.compare(actual[i], 0.0) == 0, "sign of zero at " + i);
        }
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a ? Double.compare(e, a) == 0 || e == 0 : Math.abs(e - a) <= tol * Math.max(1, Math.abs(e));
            if (!ok) fail(what + " at " + i + ": expected " + e + " but was " + a + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
        }
    }
}
