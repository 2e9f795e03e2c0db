package io.simdgrad.simd;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.Tuple;

/**
 * Test data for the reduction kernels: lengths weighted to vector and partial-block tails, and
 * arrays of several kinds (moderate, wide magnitudes, special values, ties) inside NaN margins,
 * so that a kernel reading outside its range returns NaN and fails.
 */
final class FloatReductionData {
    static final int LANES = SimdSpecies.FLOAT.length();
    /** P of the summation order, derived here independently of the code under test. */
    static final int P = 4 * (512 / Float.SIZE);
    static final float ULP1 = Math.ulp((float) 1);

    /** Value kinds: moderate [-1, 1), magnitudes 1e-15..1e15, sprinkled specials, small-integer ties. */
    static final int MODERATE = 0, MAGNITUDES = 1, SPECIALS = 2, TIES = 3, KINDS = 4;

    private static final float[] SPECIAL_VALUES = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, -(float) 0,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL / 3, (float) 1e15, -(float) 1e15, 1, -1, // 1, -1: pow
    };

    private FloatReductionData() {}

    /** Lengths 0..~5000, mostly small and around multiples of the lane count and of P. */
    static Arbitrary<Integer> lengths() {
        int l = LANES;
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(0, 1, 2, l - 1, l, l + 1, 2 * l + 1, 4 * l - 1, 4 * l + 3, 13,
                        P - 1, P, P + 1, 2 * P - 1, 3 * P + 7, 207, 4095, 4098)),
                Tuple.of(3, Arbitraries.integers().between(0, 140)),
                Tuple.of(2, Arbitraries.integers().between(0, 5000)));
    }

    static Arbitrary<Integer> offsets() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0)),
                Tuple.of(3, Arbitraries.integers().between(0, 40)));
    }

    static Arbitrary<Integer> kinds() {
        return Arbitraries.integers().between(0, KINDS - 1);
    }

    /** Suppliers for {@code @ForAll(supplier = ...)}, shared by the test classes. */
    static final class Lengths implements ArbitrarySupplier<Integer> {
        @Override
        public Arbitrary<Integer> get() {
            return lengths();
        }
    }

    static final class Offsets implements ArbitrarySupplier<Integer> {
        @Override
        public Arbitrary<Integer> get() {
            return offsets();
        }
    }

    static final class Kinds implements ArbitrarySupplier<Integer> {
        @Override
        public Arbitrary<Integer> get() {
            return kinds();
        }
    }

    static float value(SplittableRandom r, int kind) {
        switch (kind) {
            case MAGNITUDES -> {
                float m = (float) r.nextDouble(-1, 1);
                return m * (float) Math.pow(10, r.nextInt(-15, 16));
            }
            case SPECIALS -> {
                if (r.nextInt(40) == 0) return SPECIAL_VALUES[r.nextInt(SPECIAL_VALUES.length)];
                return (float) r.nextDouble(-1, 1);
            }
            case TIES -> {
                int t = r.nextInt(5);
                return t == 4 ? -(float) 0 : t - 2;
            }
            default -> {
                return (float) r.nextDouble(-1, 1);
            }
        }
    }

    /** An array of {@code off + n + margin} elements: n values of a kind at off, NaN around them. */
    static float[] array(long seed, int kind, int off, int n, int margin) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[off + n + margin];
        java.util.Arrays.fill(a, Float.NaN);
        for (int i = 0; i < n; i++) a[off + i] = value(r, kind);
        return a;
    }

    /** A rows x cols block with row stride ld at off (NaN between rows and around it). */
    static float[] block(long seed, int kind, int off, int rows, int cols, int ld) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[off + rows * ld + 3];
        java.util.Arrays.fill(a, Float.NaN);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) a[off + i * ld + j] = value(r, kind);
        }
        return a;
    }
}
