package io.simdgrad.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every vector kernel uses, chosen from {@link Simd#REQUESTED_BITS}. Only the
 * {@code Vector*} kernel classes (and {@link VectorKernels}) touch this class, so that
 * {@link Simd} and the facades load no {@code jdk.incubator.vector} class when the module is
 * absent. The species are {@code static final} so that the JIT sees them as constants: a species
 * held in a non-constant field makes every Vector API call fall back to its slow Java path.
 * Public for benchmarks that run Vector API baselines of their own.
 */
public final class SimdSpecies {
    /** The float species every vector kernel uses. */
    public static final VectorSpecies<Float> FLOAT;
    /** The double species every vector kernel uses; same bit width as {@link #FLOAT}. */
    public static final VectorSpecies<Double> DOUBLE;

    static {
        VectorShape shape = Simd.REQUESTED_BITS == 0 ? VectorShape.preferredShape()
                : VectorShape.forBitSize(Simd.REQUESTED_BITS);
        FLOAT = FloatVector.SPECIES_PREFERRED.vectorShape() == shape
                ? FloatVector.SPECIES_PREFERRED : VectorSpecies.of(float.class, shape);
        DOUBLE = DoubleVector.SPECIES_PREFERRED.vectorShape() == shape
                ? DoubleVector.SPECIES_PREFERRED : VectorSpecies.of(double.class, shape);
    }

    private SimdSpecies() {}

    /** {@code vector 512-bit (16 float lanes)}. */
    static String describe() {
        return "vector " + FLOAT.vectorBitSize() + "-bit (" + FLOAT.length() + " float lanes)";
    }
}
