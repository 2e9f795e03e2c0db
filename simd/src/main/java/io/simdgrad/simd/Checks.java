package io.simdgrad.simd;

/**
 * Argument checks done once at each public kernel entry, so kernels themselves only assert.
 * Messages give the kernel, the array, the numbers and what was expected.
 */
public final class Checks {
    private Checks() {}

    /** Checks that {@code [off, off + n)} lies inside an array of length {@code length}. */
    public static void range(String kernel, String name, int length, int off, int n) {
        if (n < 0) throw new IllegalArgumentException(kernel + ": length n must be >= 0, got " + n);
        if (off < 0 || (long) off + n > length) {
            throw new IndexOutOfBoundsException(kernel + ": " + name + " range [" + off + ", "
                    + ((long) off + n) + ") is outside the array of length " + length);
        }
    }

    /**
     * Checks a strided range: {@code n} elements starting at {@code off}, {@code stride} apart
     * (stride >= 0), all inside an array of length {@code length}.
     */
    public static void strided(String kernel, String name, int length, int off, int stride, int n) {
        if (n < 0) throw new IllegalArgumentException(kernel + ": length n must be >= 0, got " + n);
        if (stride < 0) throw new IllegalArgumentException(kernel + ": " + name + " stride must be >= 0, got " + stride);
        if (n == 0) return;
        long last = off + (long) stride * (n - 1);
        if (off < 0 || last >= length) {
            throw new IndexOutOfBoundsException(kernel + ": " + name + " elements " + off + ", " + off + "+"
                    + stride + "*k .. " + last + " are outside the array of length " + length);
        }
    }

    /**
     * Checks a 2-D block of {@code rows x cols} starting at {@code off} with row stride
     * {@code ld} and unit column stride (requires {@code ld >= cols} when rows > 1).
     */
    public static void block(String kernel, String name, int length, int off, int rows, int cols, int ld) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(kernel + ": " + name + " block must have rows, cols >= 0, got "
                    + rows + " x " + cols);
        }
        if (rows > 1 && ld < cols) {
            throw new IllegalArgumentException(kernel + ": " + name + " leading dimension " + ld
                    + " is smaller than its " + cols + " columns");
        }
        if (rows == 0 || cols == 0) return;
        long end = off + (long) ld * (rows - 1) + cols;
        if (off < 0 || end > length) {
            throw new IndexOutOfBoundsException(kernel + ": " + name + " block " + rows + " x " + cols
                    + " at offset " + off + " with leading dimension " + ld + " ends at " + end
                    + ", outside the array of length " + length);
        }
    }
}
