package io.simdgrad.jqwik;

import io.simdgrad.core.DType;
import io.simdgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for simdgrad, like {@code hypothesis.extra.numpy} for NumPy: shapes (with
 * size-0 and size-1 dims), shapes that broadcast together, tensors of a dtype with values in a
 * range, special values and non-contiguous layouts ({@link TensorArbitrary}), index tensors and
 * class labels. All shrink: shapes towards fewer and smaller dims, values towards 0 (or the end
 * of their range nearest it), layouts towards contiguous.
 *
 * <pre>{@code
 * @Provide Arbitrary<Tensor> matrices() {
 *     return TensorArbitraries.tensors(DType.FLOAT64, TensorArbitraries.shapes(2, 2, 1, 6)).nonContiguous();
 * }
 * }</pre>
 */
public final class TensorArbitraries {
    private TensorArbitraries() {}

    /**
     * Shapes of {@code minDims..maxDims} dims, each of {@code minSide..maxSide} elements. With
     * {@code minSide} 0 or 1, the edge cases 0 and 1 come up often (jqwik tries range ends first).
     *
     * @param minDims fewest dims (0 allows scalars)
     * @param maxDims most dims
     * @param minSide smallest size of a dim (0 allows empty tensors)
     * @param maxSide largest size of a dim
     * @return an arbitrary of fresh arrays
     * @throws IllegalArgumentException for negative or empty ranges
     */
    public static Arbitrary<int[]> shapes(int minDims, int maxDims, int minSide, int maxSide) {
        if (minDims < 0 || maxDims < minDims || minSide < 0 || maxSide < minSide) {
            throw new IllegalArgumentException("shapes: expected 0 <= minDims <= maxDims and 0 <= minSide <= maxSide, got dims "
                    + minDims + ".." + maxDims + ", sides " + minSide + ".." + maxSide);
        }
        return Arbitraries.integers().between(minSide, maxSide).list().ofMinSize(minDims).ofMaxSize(maxDims)
                .map(TensorArbitraries::toArray);
    }

    /**
     * Shapes of 0 to 4 dims of 1 to 5 elements each.
     *
     * @return {@code shapes(0, 4, 1, 5)}
     */
    public static Arbitrary<int[]> shapes() {
        return shapes(0, 4, 1, 5);
    }

    /**
     * {@code count} shapes that broadcast together: a result shape of up to {@code maxDims} dims of
     * {@code minSide..maxSide} elements, and per operand a suffix of it in which some dims are 1
     * (as {@code hypothesis.extra.numpy.mutually_broadcastable_shapes}).
     *
     * @param count how many operands (at least 1)
     * @param maxDims most dims of the result
     * @param minSide smallest size of a result dim (0 allows empty results)
     * @param maxSide largest size of a result dim
     * @return operand shapes and their broadcast shape
     */
    public static Arbitrary<BroadcastShapes> broadcastableShapes(int count, int maxDims, int minSide, int maxSide) {
        if (count < 1) throw new IllegalArgumentException("broadcastableShapes: expected count >= 1, got " + count);
        return shapes(0, maxDims, minSide, maxSide).flatMap(result -> {
            List<Arbitrary<int[]>> operands = new ArrayList<>();
            for (int i = 0; i < count; i++) operands.add(operandOf(result));
            return Combinators.combine(operands).as(list -> new BroadcastShapes(List.copyOf(list), result));
        });
    }

    /** A shape that broadcasts to {@code result}: its last k dims, each kept or set to 1. */
    private static Arbitrary<int[]> operandOf(int[] result) {
        return Arbitraries.integers().between(0, result.length).flatMap(dropped -> {
            int dims = result.length - dropped;
            // Shrinks towards "kept" (false): towards the result's own sizes.
            return Arbitraries.of(false, true).list().ofSize(dims).map(ones -> {
                int[] s = new int[dims];
                for (int i = 0; i < dims; i++) s[i] = ones.get(i) ? 1 : result[dropped + i];
                return s;
            });
        });
    }

    /**
     * Two shapes that broadcast together, sizes 0 to 4 dims of 1 to 5.
     *
     * @return {@code broadcastableShapes(2, 4, 1, 5)}
     */
    public static Arbitrary<BroadcastShapes> broadcastablePairs() {
        return broadcastableShapes(2, 4, 1, 5);
    }

    /**
     * Tensors of {@code dtype} with shapes from {@code shapes}, contiguous, with values in [-2, 2]
     * (integers in [-2, 2] for INT64); configure ranges, special values and layouts on the result.
     *
     * @param dtype the element type
     * @param shapes where shapes come from
     * @return a configurable tensor arbitrary
     */
    public static TensorArbitrary tensors(DType dtype, Arbitrary<int[]> shapes) {
        return new TensorArbitrary(dtype, shapes);
    }

    /**
     * Tensors of one fixed shape.
     *
     * @param dtype the element type
     * @param shape the shape (copied)
     * @return a configurable tensor arbitrary
     */
    public static TensorArbitrary tensors(DType dtype, int... shape) {
        int[] s = shape.clone();
        return new TensorArbitrary(dtype, Arbitraries.just(s).map(int[]::clone));
    }

    /**
     * Operands that broadcast together: for each draw of {@code shapes}, one tensor per operand
     * shape, each from {@code configure} applied to {@link #tensors(DType, int...)} of that shape
     * (e.g. {@code t -> t.values(0.5, 2).anyLayout()}).
     *
     * @param dtype the element type
     * @param shapes where the operand shapes come from
     * @param configure sets ranges, special values and layouts
     * @return lists of operands, in the order of {@link BroadcastShapes#inputs()}
     */
    public static Arbitrary<List<Tensor>> broadcastingTensors(DType dtype, Arbitrary<BroadcastShapes> shapes,
                                                              UnaryOperator<TensorArbitrary> configure) {
        return shapes.flatMap(b -> {
            List<Arbitrary<Tensor>> operands = new ArrayList<>();
            for (int[] shape : b.inputs()) operands.add(configure.apply(tensors(dtype, shape)));
            return Combinators.combine(operands).as(List::copyOf);
        });
    }

    /**
     * INT64 tensors of indices in {@code [0, bound)} (for gathers, {@code select}, embeddings).
     *
     * @param shapes where shapes come from
     * @param bound one more than the largest index (at least 1)
     * @return contiguous INT64 tensors
     */
    public static Arbitrary<Tensor> indexTensors(Arbitrary<int[]> shapes, long bound) {
        if (bound < 1) throw new IllegalArgumentException("indexTensors: expected bound >= 1, got " + bound);
        return new TensorArbitrary(DType.INT64, shapes).values(0, bound - 1);
    }

    /**
     * Class labels for a batch: 1-D INT64 tensors of {@code batch} values in {@code [0, classes)},
     * as {@code crossEntropy} takes them.
     *
     * @param batch the batch size (at least 0)
     * @param classes the number of classes (at least 1)
     * @return labels, shrinking towards class 0
     */
    public static Arbitrary<Tensor> labels(int batch, int classes) {
        if (batch < 0 || classes < 1) {
            throw new IllegalArgumentException("labels: expected batch >= 0 and classes >= 1, got batch " + batch
                    + ", classes " + classes);
        }
        return indexTensors(Arbitraries.just(batch).map(b -> new int[] {b}), classes);
    }

    static int[] toArray(List<Integer> list) {
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }
}
