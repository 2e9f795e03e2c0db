package io.simdgrad.simd;

/**
 * The reductions that {@code FloatReductions.reduce}, {@code reduceRows}, {@code reduceColumns}
 * (and {@code argReduce*}, MAX and MIN) and {@link ArrayKernels#reduceRows} select.
 */
public enum ReduceOp {
    /** Sum, in the fixed summation order of the reduction kernels. */
    SUM,
    /** Largest element; NaN if any is NaN. */
    MAX,
    /** Smallest element; NaN if any is NaN. */
    MIN;

    /** The kernels' names in messages, made once: a reduction call must not build a string. */
    private final String[] names = names(name().toLowerCase(java.util.Locale.ROOT));

    /** Layouts of the reduction kernels, the index into {@link #names}. */
    static final int FLAT = 0, STRIDED = 1, ROWS = 2, COLUMNS = 3;

    private static String[] names(String k) {
        return new String[] {k, k + "Strided", k + "Rows", k + "Columns", "arg" + k, "arg" + k + "Strided", "arg" + k + "Rows", "arg" + k + "Columns"};
    }

    /** The kernel's name in messages ({@code sumRows}, {@code argmaxStrided}, ...) for a layout ({@link #FLAT}, ...). */
    String kernelName(int layout, boolean arg) {
        return names[layout + (arg ? 4 : 0)];
    }
}
