package io.simdgrad.graph;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Steps the executor runs through bound kernels (elementwise layouts incl. one element per row, matmul incl. size-1 dims, copies) equal eager bit for bit. */
class BoundKernelsTest {
    static List<Tensor> program(List<Tensor> in, Tensor w) {
        Tensor x = in.get(0), row = in.get(1), one = in.get(2), col = in.get(3);
        Tensor a = x.add(row), b = row.mul(x), c = x.sub(one), d = one.div(x.add(3));
        Tensor e = x.exp(), f = x.mul(0.7), g = x.rsub(2);
        Tensor m1 = x.matmul(w), m2 = x.t().matmul(a), m3 = a.matmul(w.t().t()), m4 = w.t().matmul(x.t());
        // one element per row, and products with a dim of size 1
        Tensor h = x.mul(col), k = col.sub(x), p = x.abs().pow(col);
        Tensor m5 = x.matmul(w.narrow(1, 0, 1)), m6 = col.t().matmul(x), m7 = col.t().matmul(col);
        return List.of(a, b, c, d, e, f, g, m1, m2, m3, m4, x.t().contiguous(), x.gt(0.3), x.le(-0.1), x.lt(0.1 + 1e-9),
                h, k, p, m5, m6, m7);
    }

    @Test
    void replayEqualsEagerForFloatAndDouble() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Generator gen = new Generator(5);
            Tensor w = Tensor.randn(gen, 37, 19).to(dt);
            CompiledFunction fn = Graphs.compile(in -> program(in, w));
            for (int i = 0; i < 3; i++) {
                List<Tensor> in = List.of(Tensor.randn(gen, 45, 37).to(dt), Tensor.randn(gen, 37).to(dt), Tensor.randn(gen, 1).to(dt),
                        Tensor.randn(gen, 45, 1).to(dt));
                List<Tensor> eager = program(in, w), replayed = fn.call(in);
                for (int o = 0; o < eager.size(); o++) {
                    assertArrayEquals(eager.get(o).shape(), replayed.get(o).shape(), dt + " output " + o);
                    assertArrayEquals(eager.get(o).toDoubleArray(), replayed.get(o).toDoubleArray(), dt + " output " + o);
                }
            }
            assertArrayEquals(new int[] {2, 1}, new int[] {fn.captureCount(), fn.replayCount()}, fn.warnings().toString());
        }
    }
}
