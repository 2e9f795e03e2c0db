package io.simdgrad.jqwik;

import static io.simdgrad.jqwik.ReplayAssertions.assertReplayEqualsEager;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The activations and math ops (ElementwiseOps) forward and backward replay bit for bit as eager
 * code, on broadcasting FLOAT32 operands in any layout. The ops whose vector kernels are the JDK's
 * lanewise transcendentals (log1p, expm1, log10, tan, asin, acos, atan, sinh, cosh) are left
 * out: like sin and cos their last bit may change between JIT tiers, in eager code as in replays.
 */
class ElementwiseReplayProperties {
    @Provide
    Arbitrary<List<Tensor>> pairs() {
        return TensorArbitraries.broadcastingTensors(DType.FLOAT32, TensorArbitraries.broadcastableShapes(2, 3, 0, 5),
                TensorArbitrary::anyLayout);
    }

    @Property(tries = 40)
    void activationsReplayAsEager(@ForAll("pairs") List<Tensor> p) {
        assertReplayEqualsEager(in -> {
            Variable a = new Variable(in.get(0), true), b = new Variable(in.get(1), true);
            Variable h = a.gelu().add(b.gelu("tanh")).mul(a.silu()).add(b.mish()).add(a.softplus(2, 3).mul(b.elu(0.5)))
                    .add(a.selu().mul(b.leakyRelu(0.1))).add(a.hardtanh(-0.5, 0.5)).add(b.hardswish().mul(a.hardsigmoid()))
                    .add(a.logsigmoid()).add(b.erf().mul(a.erfc())).add(a.tanh().mul(0.5).erfinv());
            h.sum().backward();
            return List.of(h.data(), a.grad(), b.grad());
        }, p.get(0), p.get(1));
    }

    @Property(tries = 40)
    void mathOpsReplayAsEager(@ForAll("pairs") List<Tensor> p) {
        assertReplayEqualsEager(in -> {
            Variable a = new Variable(in.get(0), true), b = new Variable(in.get(1), true);
            Variable h = a.fmod(b.add(3.0)).add(a.remainder(b.sub(2.0))).add(a.mul(3.0).round()).add(b.frac().mul(a.floor()))
                    .add(a.ceil().mul(b.trunc())).add(a.sign().mul(b.exp2())).add(a.abs().add(1.0).log2()).add(b.asinh())
                    .add(a.abs().add(1.5).acosh()).add(b.tanh().mul(0.9).atanh()).add(a.remainder(0.75)).add(b.nanToNum());
            h.sum().backward();
            return List.of(h.data(), a.grad(), b.grad(), a.data().isnan(), b.data().isfinite());
        }, p.get(0), p.get(1));
    }
}
