package io.simdgrad.jqwik;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.ArbitraryDecorator;

/**
 * Tensors of one dtype: shapes from a given arbitrary, values in a range, optionally mixed with
 * special values, laid out contiguously or as strided views into a larger storage. Made by
 * {@link TensorArbitraries#tensors}; each method returns a new arbitrary.
 *
 * <p>A non-contiguous tensor is a view ({@link Tensor#asStrided}) of a storage whose gaps hold
 * values too, so a kernel that reads a gap computes a wrong result: its dims lie in memory in a
 * random order (transposed and permuted views), the innermost one with a step of 1 to 3,
 * rows padded by 0 to 2 elements, at a storage offset of 0 to 3. Views never overlap themselves
 * (so {@link GradAssertions} can perturb their elements one at a time).
 */
public final class TensorArbitrary extends ArbitraryDecorator<Tensor> {
    private enum Layout { CONTIGUOUS, ANY, NON_CONTIGUOUS }

    private final DType dtype;
    private final Arbitrary<int[]> shapes;
    private final double lo;
    private final double hi;
    private final boolean special;
    private final Layout layout;

    TensorArbitrary(DType dtype, Arbitrary<int[]> shapes) {
        this(dtype, shapes, -2, 2, false, Layout.CONTIGUOUS);
    }

    private TensorArbitrary(DType dtype, Arbitrary<int[]> shapes, double lo, double hi, boolean special, Layout layout) {
        if (dtype == null || shapes == null) throw new NullPointerException("tensors: dtype and shapes must not be null");
        if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("tensors: expected a finite range lo <= hi, got [" + lo + ", " + hi + "]");
        }
        if (special && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("tensors: special values need a floating-point dtype, got " + dtype);
        }
        this.dtype = dtype;
        this.shapes = shapes;
        this.lo = lo;
        this.hi = hi;
        this.special = special;
        this.layout = layout;
    }

    /**
     * Values in {@code [lo, hi]} (for INT64 the integers in it).
     *
     * @param lo the smallest value
     * @param hi the largest value
     * @return a new arbitrary
     */
    public TensorArbitrary values(double lo, double hi) {
        return new TensorArbitrary(dtype, shapes, lo, hi, special, layout);
    }

    /**
     * About one element in eight replaced by a special value of the dtype: NaN, +-inf, +-0, the
     * smallest subnormal, the smallest normal and the largest finite value (+-).
     *
     * @return a new arbitrary
     */
    public TensorArbitrary withSpecialValues() {
        return new TensorArbitrary(dtype, shapes, lo, hi, true, layout);
    }

    /**
     * Only strided views that are not contiguous (where the shape allows one: some dim larger than 1).
     *
     * @return a new arbitrary
     */
    public TensorArbitrary nonContiguous() {
        return new TensorArbitrary(dtype, shapes, lo, hi, special, Layout.NON_CONTIGUOUS);
    }

    /**
     * Contiguous tensors and strided views, mixed; shrinks towards contiguous.
     *
     * @return a new arbitrary
     */
    public TensorArbitrary anyLayout() {
        return new TensorArbitrary(dtype, shapes, lo, hi, special, Layout.ANY);
    }

    @Override
    protected Arbitrary<Tensor> arbitrary() {
        return shapes.flatMap(shape -> views(shape).flatMap(this::filled));
    }

    /** Where a tensor of {@code shape} lies in its storage. */
    private record View(int[] shape, int[] strides, int offset, int storageSize) {
        Tensor over(Tensor storage) {
            return storage.asStrided(shape, strides, offset);
        }
    }

    private Arbitrary<View> views(int[] shape) {
        boolean strideable = false;
        for (int s : shape) strideable |= s > 1;
        Arbitrary<View> contiguous = Arbitraries.just(shape).map(s -> strided(s, identity(s.length), 1, 0, 0));
        if (layout == Layout.CONTIGUOUS || !strideable) return contiguous;
        Arbitrary<View> strided = Combinators.combine(
                Arbitraries.shuffle(identityList(shape.length)),
                Arbitraries.integers().between(layout == Layout.NON_CONTIGUOUS ? 2 : 1, 3),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3))
                .as((order, step, pad, offset) -> strided(shape, TensorArbitraries.toArray(order), step, pad, offset));
        if (layout == Layout.NON_CONTIGUOUS) return strided;
        return Arbitraries.frequencyOf(Tuple.of(1, contiguous), Tuple.of(1, strided));
    }

    /**
     * Dims laid out in memory in {@code order} (outermost first), the innermost with {@code step},
     * each outer row followed by {@code pad} unused elements, starting at {@code offset}.
     */
    private static View strided(int[] shape, int[] order, int step, int pad, int offset) {
        int[] strides = new int[shape.length];
        long span = step;
        for (int k = order.length - 1; k >= 0; k--) {
            int d = order[k];
            strides[d] = Math.toIntExact(span);
            span = Math.addExact(Math.multiplyExact(span, Math.max(shape[d], 1)), pad);
        }
        long last = offset;
        boolean empty = false;
        for (int d = 0; d < shape.length; d++) {
            empty |= shape[d] == 0;
            last += (long) (shape[d] - 1) * strides[d];
        }
        int size = Math.toIntExact(empty ? offset : last + 1);
        return new View(shape.clone(), strides, offset, size);
    }

    private static int[] identity(int n) {
        return TensorArbitraries.toArray(identityList(n));
    }

    private static List<Integer> identityList(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(i);
        return l;
    }

    /** The view over a storage of random elements (gaps included). */
    private Arbitrary<Tensor> filled(View v) {
        int n = v.storageSize();
        return switch (dtype) {
            case INT64 -> Arbitraries.longs().between((long) Math.ceil(lo), (long) Math.floor(hi)).list().ofSize(n)
                    .map(l -> v.over(Tensor.of(l.stream().mapToLong(Long::longValue).toArray())));
            case FLOAT64 -> element().list().ofSize(n)
                    .map(l -> v.over(Tensor.of(l.stream().mapToDouble(Double::doubleValue).toArray())));
            case FLOAT32 -> element().list().ofSize(n).map(l -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) (double) l.get(i);
                return v.over(Tensor.of(f));
            });
        };
    }

    /** One floating-point element: in the range, or now and then a special value. */
    private Arbitrary<Double> element() {
        // Uniform: the default distribution piles values near the shrinking target 0 at this scale.
        Arbitrary<Double> range = Arbitraries.doubles().between(lo, hi).ofScale(15).withDistribution(RandomDistribution.uniform());
        if (!special) return range;
        Arbitrary<Double> specials = dtype == DType.FLOAT32
                ? Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                        (double) Float.MIN_VALUE, (double) Float.MIN_NORMAL, (double) Float.MAX_VALUE, (double) -Float.MAX_VALUE)
                : Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                        Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE);
        return Arbitraries.frequencyOf(Tuple.of(7, range), Tuple.of(1, specials));
    }
}
