package io.simdgrad.simd;

import java.util.Optional;

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
 * The Vector API kernels need the incubator module: {@code --add-modules jdk.incubator.vector}
 * on the {@code java} command line. Without it simdgrad runs the scalar twins (same results up to
 * the documented ulps, several times slower) and logs one line through {@link System.Logger}
 * saying so, as Lucene's vectorization provider does; no class of {@code jdk.incubator.vector}
 * is loaded then. With {@code -Dsimdgrad.simd=scalar} nothing is logged.
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
    /** The module the vector kernels need. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** True when the Vector API module is in the boot layer and readable by simdgrad. */
    public static final boolean VECTOR_API_AVAILABLE;
    /** True when the scalar twins run instead of the Vector API kernels. */
    public static final boolean SCALAR;
    /**
     * Requested vector width in bits, 0 for the preferred one; read by {@link SimdSpecies} only
     * when the vector kernels run.
     */
    static final int REQUESTED_BITS;

    private static volatile int maxThreads;

    static {
        String impl = System.getProperty(IMPL_PROPERTY, "preferred").trim().toLowerCase(java.util.Locale.ROOT);
        REQUESTED_BITS = switch (impl) {
            case "preferred", "", "scalar" -> 0;
            case "512" -> 512;
            case "256" -> 256;
            case "128" -> 128;
            default -> throw new IllegalArgumentException(
                    IMPL_PROPERTY + "=" + impl + ": expected preferred, 512, 256, 128 or scalar");
        };
        VECTOR_API_AVAILABLE = vectorModuleReadable();
        SCALAR = impl.equals("scalar") || !VECTOR_API_AVAILABLE;
        if (!VECTOR_API_AVAILABLE && !impl.equals("scalar")) {
            System.getLogger(Simd.class.getPackageName()).log(System.Logger.Level.WARNING, missingModuleNotice());
        }
        String t = System.getProperty(THREADS_PROPERTY);
        int cores = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1;
        maxThreads = t == null ? Math.max(1, Math.min(cores, Runtime.getRuntime().availableProcessors()))
                : parseThreads(t);
    }

    private Simd() {}

    /** Whether {@value #VECTOR_MODULE} was resolved at startup; a named module gets a read edge to it. */
    private static boolean vectorModuleReadable() {
        Optional<Module> vector = ModuleLayer.boot().findModule(VECTOR_MODULE);
        if (vector.isEmpty()) return false;
        Module self = Simd.class.getModule();
        if (!self.canRead(vector.get())) self.addReads(vector.get());
        return self.canRead(vector.get());
    }

    /** The one line logged when the vector kernels cannot run. */
    static String missingModuleNotice() {
        return "simdgrad: module " + VECTOR_MODULE + " is not available, running the scalar kernels;"
                + " add the JVM option --add-modules " + VECTOR_MODULE + " to run the Vector API ones"
                + " (or -D" + IMPL_PROPERTY + "=scalar to choose the scalar kernels without this notice)";
    }

    /**
     * Throws unless the Vector API kernels can run (for the {@code vector()} accessors of tests and
     * benchmarks).
     *
     * @throws UnsupportedOperationException naming {@code what} and the missing JVM option
     */
    static void requireVectorApi(String what) {
        if (!VECTOR_API_AVAILABLE) {
            throw new UnsupportedOperationException(what + ": the Vector API kernels need the JVM option --add-modules "
                    + VECTOR_MODULE);
        }
    }

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
     * @param n the most threads, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setMaxThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("setMaxThreads: expected n >= 1, got " + n);
        maxThreads = n;
    }

    /**
     * A one-line description such as {@code vector 512-bit (16 float lanes), 2 threads} or
     * {@code scalar, 2 threads}.
     *
     * @return the implementation, its width and the thread cap
     */
    public static String describe() {
        return (SCALAR ? "scalar" : SimdSpecies.describe()) + ", " + maxThreads + " threads";
    }
}
