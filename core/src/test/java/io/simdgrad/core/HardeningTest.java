package io.simdgrad.core;

import io.simdgrad.core.ops.Shapes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One regression test per finding of the hardening issue (size overflow, bounds, 0-d dims,
 * conversions, in-place overlap, empty views, nulls): each bad call fails at once naming the op
 * and the values, or gives PyTorch 2.13's result, and leaves its inputs as they were.
 */
public class HardeningTest {
    private static final int M = Integer.MAX_VALUE;

    public static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    // 1: element counts past the long range, past the int range, and their views

    @Test
    void elementCountsThatOverflowAreRefused() {
        int[][] shapes = {{65536, 65536, 65536, 65536}, {65535, 65537, 641, 6700417}, {6, 1084627487, 1986453983}, {46341, 46341}};
        String[] counts = {"18446744073709551616", "18446744073709551615", "12927375549734584326", "2147488281"};
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(s));
            assertMessage(e, "zeros", "Storage size calculation overflowed", Shapes.str(s), counts[i]);
            assertThrows(IllegalArgumentException.class, () -> Tensor.ones(s));
            assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], s));
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.ones(1).expand(s)), "expand", counts[i]);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).reshape(s)), "reshape");
            assertThrows(IllegalArgumentException.class, () -> new Variable(Tensor.ones(1), true).expand(s));
        }
        // the largest Java array is the limit: one element more is refused before any allocation
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(Shapes.MAX_NUMEL + 1)), "2147483640");
    }

    @Test
    void zeroElementShapesWithHugeSizesAreFine() {
        Tensor t = Tensor.zeros(0, 65536, 65536, 65536);
        assertEquals(0, t.numel());
        assertEquals(0, t.sum().item());
        assertEquals(0, Tensor.zeros(0).reshape(65536, 0, 65536).numel());
        assertEquals(0, t.permute(3, 2, 1, 0).unsqueeze(0).contiguous().numel());
    }

    // 2: narrow's bounds in long arithmetic

    @Test
    void narrowPastTheIntRangeIsRefused() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(3).narrow(0, 1, M));
        assertMessage(e, "narrow", "start (1) + length (2147483647) exceeds dimension size (3)");
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(3).narrow(0, -1, M));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(3).narrow(0, M, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> new Variable(Tensor.ones(3), true).narrow(0, 1, M));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3).narrow(0, 1, -1));
        assertEquals(List.of(3), List.of(Tensor.ones(3).split(M, 0).get(0).size(0)));
    }

    // 3: arange's count

    @Test
    void arangeTooLongIsAnIllegalArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1e10, 1));
        assertMessage(e, "arange", "10000000000");
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 1e-300));
    }

    // 4: dims of a 0-d tensor

    @Test
    void dimsOfAZeroDimTensor() {
        Tensor s = Tensor.scalar(1f);
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> s.size(0)), "size",
                "Dimension specified as 0 but tensor has no dimensions");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.split(1, 0)), "split", "1-dimensional");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.chunk(2, 0)), "chunk", "1-dimensional");
        Variable v = new Variable(s, true);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> v.split(1, 0)), "split");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> v.chunk(1, 0)), "chunk");
        // PyTorch: the unbiased variance of one element is nan; dims 0 and -1 of a 0-d tensor reduce over it
        assertTrue(Double.isNaN(s.var(0, false).item()));
        assertTrue(Double.isNaN(s.std(-1, false).item()));
        assertTrue(Double.isNaN(v.var(0, false).item()));
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).var(2, false)), "var:");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).std(5, false)), "std:");
    }

    // 9: conversions that would change a value

    @Test
    void valuesThatDoNotFitTheDtypeAreRefused() {
        for (double v : new double[] {Double.NaN, 1e30, -1e30, Double.POSITIVE_INFINITY, 0x1p63}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Tensor.full(DType.INT64, v, 2));
            assertMessage(e, "full", "cannot be converted to type INT64 without overflow");
            Tensor t = Tensor.zeros(DType.INT64, 2);
            assertThrows(IllegalArgumentException.class, () -> t.fillInPlace(v));
            assertEquals(0, t.version());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.full(DType.FLOAT32, 1e300, 2));
        assertArrayEquals(new long[] {-0x8000000000000000L, 2}, Tensor.of(new long[] {-0x8000000000000000L, 2}).toLongArray());
        assertArrayEquals(new long[] {-7, -7}, Tensor.full(DType.INT64, -7.9, 2).toLongArray()); // truncated, as PyTorch
        assertTrue(Float.isInfinite(Tensor.full(DType.FLOAT32, Double.NEGATIVE_INFINITY, 1).toFloatArray()[0]));
    }

    @Test
    void int64ClampWithAFloatBoundPromotes() {
        Tensor x = Tensor.of(new long[] {1, 20});
        Tensor r = x.clamp(Double.NaN, 10);
        assertEquals(DType.FLOAT32, r.dtype());
        assertTrue(Double.isNaN(r.get(0)) && Double.isNaN(r.get(1)));
        assertArrayEquals(new float[] {1.5f, 10}, x.clamp(1.5, 10).toFloatArray());
        assertEquals(DType.INT64, x.clamp(0, 10).dtype());
        assertArrayEquals(new long[] {1, 10}, x.clamp(0, 10).toLongArray());
        assertEquals(DType.FLOAT32, new Variable(x).clamp(0, Double.POSITIVE_INFINITY).dtype());
    }

    @Test
    void int64ComparedWithAValueNoInt64HoldsComparesAsFloats() {
        Tensor x = Tensor.of(new long[] {-1, 0, 1, 2});
        double[] values = {Double.NaN, 0.5, -0.5, 1e30, Double.NEGATIVE_INFINITY};
        for (double s : values) {
            long[] gt = new long[4], le = new long[4], ne = new long[4];
            for (int i = 0; i < 4; i++) {
                double v = x.toLongArray()[i];
                gt[i] = v > s ? 1 : 0;
                le[i] = v <= s ? 1 : 0;
                ne[i] = v != s ? 1 : 0;
            }
            assertArrayEquals(gt, x.gt(s).toLongArray(), "gt " + s);
            assertArrayEquals(le, x.le(s).toLongArray(), "le " + s);
            assertArrayEquals(ne, x.ne(s).toLongArray(), "ne " + s);
            assertEquals(DType.INT64, x.gt(s).dtype());
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(DType.INT64, Double.NaN)), "scalar");
    }

    // 12: in-place writes into a tensor whose elements share memory

    @Test
    void inPlaceIntoAnExpandedViewIsRefused() {
        Tensor b = Tensor.ones(1);
        Tensor e3 = b.expand(3);
        String text = "unsupported operation: more than one element of the written-to tensor refers to a single memory location."
                + " Please clone() the tensor before performing the operation.";
        assertMessage(assertThrows(IllegalArgumentException.class, () -> e3.addInPlace(Tensor.of(new float[] {1, 2, 3}))), "addInPlace", text);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> e3.copyInPlace(Tensor.of(new float[] {1, 2, 3}))), "copyInPlace", text);
        assertThrows(IllegalArgumentException.class, () -> e3.mulInPlace(2));
        assertThrows(IllegalArgumentException.class, () -> e3.addScaledInPlace(Tensor.ones(3), 1));
        assertThrows(IllegalArgumentException.class, () -> new Variable(e3).subInPlace(new Variable(Tensor.ones(3))));
        Tensor overlapping = Tensor.zeros(4).asStrided(new int[] {3, 2}, new int[] {1, 1}, 0);
        assertThrows(IllegalArgumentException.class, () -> overlapping.addInPlace(1));
        assertArrayEquals(new float[] {1}, b.toFloatArray());
        assertEquals(0, b.version());
        // fill is idempotent, so PyTorch allows it on an expanded view (fill_ skips the overlap check)
        e3.fillInPlace(5);
        assertArrayEquals(new float[] {5}, b.toFloatArray());
        // a stride layout without overlap that no sort of the strides proves: still allowed
        Tensor t = Tensor.zeros(8).asStrided(new int[] {3, 2}, new int[] {2, 3}, 0);
        t.addInPlace(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        assertArrayEquals(new float[] {1, 0, 3, 2, 5, 4, 0, 6}, t.asStrided(new int[] {8}, new int[] {1}, 0).toFloatArray());
    }

    // 13: empty views taken past the end of an empty storage

    @Test
    void emptyViewsPastTheEndBehaveAsEmpty() {
        Tensor z = Tensor.zeros(DType.FLOAT64, 4, 0);
        for (Tensor v : new Tensor[] {z.select(0, 2), z.narrow(0, 2, 1), z.select(0, 3), z.narrow(0, 4, 0), z.t().select(1, 3)}) {
            assertEquals(0, v.toDoubleArray().length);
            assertEquals(0, v.toFloatArray().length);
            assertEquals(0, v.toLongArray().length);
            assertEquals(0.0, v.sum().item());
            assertTrue(v.toString().startsWith("tensor([]"), v.toString());
            assertEquals(0, v.exp().numel());
            assertEquals(0, v.add(v).numel());
            assertEquals(0, v.copy().numel());
        }
        Tensor empty = z.select(0, 2);
        assertEquals(0.0, empty.dot(Tensor.zeros(DType.FLOAT64, 0)).item());
        assertEquals(0.0, Tensor.zeros(DType.FLOAT64, 0).dot(empty).item());
        Variable x = new Variable(z, true);
        x.select(0, 2).sum().backward();
        assertArrayEquals(new int[] {4, 0}, x.grad().shape());
        Variable y = new Variable(Tensor.zeros(3, 0, 2), true);
        List<Variable> parts = y.narrow(0, 1, 2).split(1, 0);
        assertEquals(2, parts.size());
        Variable.cat(parts, 0).sum().backward();
        assertArrayEquals(new int[] {3, 0, 2}, y.grad().shape());
    }

    // 14: nulls name the op and the argument

    @Test
    void nullArgumentsNameTheOp() {
        Tensor a = Tensor.ones(2);
        assertMessage(assertThrows(NullPointerException.class, () -> a.add((Tensor) null)), "add", "argument 1");
        assertMessage(assertThrows(NullPointerException.class, () -> a.addInPlace((Tensor) null)), "addInPlace", "argument 1");
        assertMessage(assertThrows(NullPointerException.class, () -> Tensor.where(a, null, a)), "where", "argument 1");
        assertMessage(assertThrows(NullPointerException.class, () -> new Variable(a).mul((Variable) null)), "mul", "argument 1");
        assertMessage(assertThrows(NullPointerException.class, () -> new Variable(a).addInPlace((Variable) null)), "addInPlace",
                "argument 1");
        assertMessage(assertThrows(NullPointerException.class, () -> Tensor.cat(java.util.Arrays.asList(a, null), 0)), "cat",
                "argument 1");
        assertMessage(assertThrows(NullPointerException.class, () -> Tensor.of((float[]) null)), "of", "data");
        assertMessage(assertThrows(NullPointerException.class, () -> Tensor.zeros((int[]) null)), "zeros", "shape");
    }

    @Test
    void powFollowsIeee754WhereJavaDiffers() {
        double inf = Double.POSITIVE_INFINITY, nan = Double.NaN;
        // IEEE 754 pow (and C99's, and PyTorch's): pow(+1, y) = 1 for any y, pow(-1, +-inf) = 1
        double[] x = {1, 1, 1, -1, -1, 2, nan, 0.5};
        double[] y = {nan, inf, -inf, inf, -inf, nan, 0, inf};
        double[] want = {1, 1, 1, 1, 1, nan, 1, 0};
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor base = Tensor.of(x).to(dt), exp = Tensor.of(y).to(dt);
            assertArrayEquals(want, base.pow(exp).toDoubleArray(), dt.toString());
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[i], base.narrow(0, i, 1).pow(y[i]).item(), dt + " pow(" + x[i] + ", " + y[i] + ")");
                assertEquals(want[i], base.narrow(0, i, 1).expand(5).pow(exp.narrow(0, i, 1)).get(4));
            }
        }
    }
}
