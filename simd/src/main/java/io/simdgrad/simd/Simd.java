package io.simdgrad.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Process-wide configuration of the kernels: which implementation runs (Vector API or the scalar
 * twins), at which vector width, and on how many threads.
 *
 * <p>The implementation is chosen once, when this class initialises, from the system property
 * {@value #IMPL_PROPERTY}:
 * <ul>
 *   <li>{@code preferred} (default) — Vector API kernels at {@code SPECIES_PREFERRED};</li>
 *   <li>{@code 512}, {@code 256}, {@code 128} — Vector API kernels forced to that width in bits
 *       (for tests and comparisons; a width above the hardware's still runs, slowly);</li>
 *   <li>{@code scalar} — the plain-loop twins (debugging, baselines).</li>
 * </ul>
 * Species are {@code static final} so that the JIT sees them as constants: a species held in a
 * non-constant field makes every Vector API call fall back to its slow Java path.
 *
 * <p>The number of threads used by large kernels is capped by {@value #THREADS_PROPERTY}
 * (default: the common pool's parallelism + 1, i.e. all cores) and can be changed at run time
 * with {@link #setMaxThreads(int)}.
 */
public final class Simd {
    /** System property that selects the kernel implementation: preferred, 512, 256, 128 or scalar. */
    public static final String IMPL_PROPERTY = "simdgrad.simd";
    /** System property that caps the threads a single kernel call may use (1 = no parallelism). */
    public static final String THREADS_PROPERTY = "simdgrad.threads";

    /** True when the scalar twins run instead of the Vector API kernels. */
    public static final boolean SCALAR;
    /** The float species every vector kernel uses. */
    public static final VectorSpecies<Float> FLOAT_SPECIES;
    /** The double species every vector kernel uses; same bit width as {@link #FLOAT_SPECIES}. */
    public static final VectorSpecies<Double> DOUBLE_SPECIES;

    private static volatile int maxThreads;

    static {
        String impl = System.getProperty(IMPL_PROPERTY, "preferred").trim().toLowerCase(java.util.Locale.ROOT);
        VectorShape shape = switch (impl) {
            case "preferred", "", "scalar" -> VectorShape.preferredShape();
            case "512" -> VectorShape.S_512_BIT;
            case "256" -> VectorShape.S_256_BIT;
            case "128" -> VectorShape.S_128_BIT;
            default -> throw new IllegalArgumentException(
                    IMPL_PROPERTY + "=" + impl + ": expected preferred, 512, 256, 128 or scalar");
        };
        SCALAR = impl.equals("scalar");
        FLOAT_SPECIES = FloatVector.SPECIES_PREFERRED.vectorShape() == shape
                ? FloatVector.SPECIES_PREFERRED : VectorSpecies.of(float.class, shape);
        DOUBLE_SPECIES = DoubleVector.SPECIES_PREFERRED.vectorShape() == shape
                ? DoubleVector.SPECIES_PREFERRED : VectorSpecies.of(double.class, shape);
        String t = System.getProperty(THREADS_PROPERTY);
        int cores = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1;
        maxThreads = t == null ? Math.max(1, Math.min(cores, Runtime.getRuntime().availableProcessors()))
                : parseThreads(t);
    }

    private Simd() {}

    private static int parseThreads(String t) {
        try {
            int n = Integer.parseInt(t.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + "=" + t + ": expected a positive integer");
    }

    /** The most threads one kernel call may use (the caller's thread included). */
    public static int maxThreads() {
        return maxThreads;
    }

    /**
     * Caps the threads one kernel call may use; 1 keeps every kernel on the caller's thread.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setMaxThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("setMaxThreads: expected n >= 1, got " + n);
        maxThreads = n;
    }

    /** A one-line description such as {@code vector 512-bit (16 float lanes), 2 threads}. */
    public static String describe() {
        return (SCALAR ? "scalar" : "vector " + FLOAT_SPECIES.vectorBitSize() + "-bit ("
                + FLOAT_SPECIES.length() + " float lanes)") + ", " + maxThreads + " threads";
    }
}
