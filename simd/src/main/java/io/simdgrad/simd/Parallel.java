package io.simdgrad.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

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
        rethrow(joinAll(tasks, failure));
    }

    /** One item of work, by index. */
    @FunctionalInterface
    public interface Item {
        void run(int index);
    }

    /** Item {@code item} of phase {@code phase}. */
    @FunctionalInterface
    public interface PhaseItem {
        void run(int phase, int item);
    }

    /** How many items a phase has. */
    @FunctionalInterface
    public interface PhaseSizes {
        int items(int phase);
    }

    /**
     * Runs {@code body} for every index in {@code [0, count)} on up to {@code parts} threads (the
     * caller's included) that take the next index from a shared counter. Unlike {@link #run},
     * a helper thread that wakes late (tens of µs on a virtual machine) or runs slower only takes
     * fewer items, so the caller never waits for a fixed share. With {@code parts <= 1} the
     * items run in order on the caller's thread, allocating nothing.
     */
    public static void dynamic(int count, int parts, Item body) {
        if (parts <= 1 || count <= 1) {
            for (int i = 0; i < count; i++) body.run(i);
            return;
        }
        phased(1, p -> count, parts, (p, i) -> body.run(i));
    }

    /**
     * Like {@link #dynamic} over a sequence of phases: every item of a phase finishes before any
     * item of the next one starts (a barrier), while the threads are forked only once. Threads
     * take items from each phase's counter; one that starts late joins the current phase. A
     * thread that runs out of items waits for the others' last items (spinning briefly, then
     * yielding). A failing item stops the rest; the call rethrows the first failure itself.
     * With {@code parts <= 1} everything runs in order on the caller's thread.
     */
    public static void phased(int phases, PhaseSizes sizes, int parts, PhaseItem body) {
        if (parts <= 1) {
            for (int p = 0; p < phases; p++) {
                for (int i = 0, n = sizes.items(p); i < n; i++) body.run(p, i);
            }
            return;
        }
        AtomicIntegerArray next = new AtomicIntegerArray(phases), done = new AtomicIntegerArray(phases);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable take = () -> {
            try {
                for (int p = 0; p < phases && failure.get() == null; p++) {
                    int n = sizes.items(p);
                    for (int i; (i = next.getAndIncrement(p)) < n; ) {
                        body.run(p, i);
                        done.incrementAndGet(p);
                    }
                    for (int spins = 0; done.get(p) < n && failure.get() == null; spins++) {
                        if (spins < 1000) {
                            Thread.onSpinWait();
                        } else {
                            Thread.yield();
                        }
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t); // the others stop waiting and leave after their current item
            }
        };
        @SuppressWarnings("unchecked")
        ForkJoinTask<Void>[] tasks = new ForkJoinTask[parts - 1];
        for (int p = 0; p < tasks.length; p++) tasks[p] = ForkJoinPool.commonPool().submit(take, null);
        take.run();
        Throwable other = joinAll(tasks, null);
        rethrow(failure.get() != null ? failure.get() : other);
    }

    /** Waits for every task; returns {@code failure}, or if null the first task's failure. */
    private static Throwable joinAll(ForkJoinTask<Void>[] tasks, Throwable failure) {
        for (ForkJoinTask<Void> t : tasks) {
            try {
                t.join();
            } catch (Throwable x) {
                if (failure == null) failure = x;
            }
        }
        return failure;
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }
}
