package io.simdgrad.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits a range of work across the common {@link ForkJoinPool}, the caller's thread included,
 * capped by {@link Simd#maxThreads()}. Small ranges stay on the caller's thread: below the
 * threshold the hand-off costs more than it saves.
 */
public final class Parallel {
    /** Elementwise kernels and reductions split across threads from this many elements on. */
    public static final int ELEMENTWISE_THRESHOLD = 1 << 17;

    private Parallel() {}

    /** Work on the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface Range {
        void run(int start, int end);
    }

    /**
     * How many parts to split {@code n} units of work into, given that one part should hold at
     * least {@code minPerPart} units: 1 when single-threaded or small.
     */
    public static int parts(long n, long minPerPart) {
        int threads = Simd.maxThreads();
        if (threads <= 1 || n < 2 * minPerPart) return 1;
        return (int) Math.min(threads, n / minPerPart);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in {@code parts} contiguous pieces whose boundaries
     * are multiples of {@code align} (so vector loops see full vectors except at the very end).
     * Piece 0 runs on the caller's thread; the call returns when all pieces are done and
     * rethrows the first failure.
     */
    public static void run(int n, int parts, int align, Range body) {
        if (parts <= 1 || n <= align) {
            body.run(0, n);
            return;
        }
        long per = ((long) n + parts - 1) / parts;
        per = (per + align - 1) / align * align;
        int count = (int) ((n + per - 1) / per);
        @SuppressWarnings("unchecked")
        ForkJoinTask<Void>[] tasks = new ForkJoinTask[count - 1];
        for (int p = 1; p < count; p++) {
            int s = (int) (p * per);
            int e = (int) Math.min(n, s + per);
            tasks[p - 1] = ForkJoinPool.commonPool().submit(() -> body.run(s, e), null);
        }
        Throwable failure = null;
        try {
            body.run(0, (int) Math.min(n, per));
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<Void> t : tasks) {
            try {
                t.join();
            } catch (Throwable x) {
                if (failure == null) failure = x;
            }
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }
}
