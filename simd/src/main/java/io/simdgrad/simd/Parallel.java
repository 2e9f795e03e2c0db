package io.simdgrad.simd;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits work across simdgrad's helper threads and the caller's thread, capped by
 * {@link Simd#maxThreads()}. Small ranges stay on the caller's thread: below the threshold the
 * hand-off costs more than it saves.
 *
 * <p>The helpers are daemon threads started on first use. After a job a helper spins for the
 * next one for {@value #DEFAULT_SPIN_MICROS} µs (system property {@value #SPIN_PROPERTY}, 0 to
 * park at once) before it parks, as OpenMP runtimes do: a parked thread takes tens of µs to
 * wake on a virtual machine, which made the parallel GEMMs of a replayed training step slower
 * than one thread when a few small ops ran between them. A helper that is busy (another
 * thread's call, or a nested call from inside a job) is not waited for: the caller does the
 * work with the helpers it could take.
 */
public final class Parallel {
    /** Elementwise kernels and reductions split across threads from this many elements on. */
    public static final int ELEMENTWISE_THRESHOLD = 1 << 17;
    /** System property: how long an idle helper spins before it parks, in µs. */
    public static final String SPIN_PROPERTY = "simdgrad.spinMicros";
    /** The default of {@link #SPIN_PROPERTY}. */
    public static final int DEFAULT_SPIN_MICROS = 200;

    private static final long SPIN_NANOS = 1000L * Integer.getInteger(SPIN_PROPERTY, DEFAULT_SPIN_MICROS);

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
     * The caller's thread and the helpers take pieces as {@link #dynamic} takes items, so a
     * helper that starts late only takes fewer. The call returns when all pieces are done and rethrows the first
     * failure.
     */
    public static void run(int n, int parts, int align, Range body) {
        if (parts <= 1 || n <= align) {
            body.run(0, n);
            return;
        }
        long per = ((long) n + parts - 1) / parts;
        int size = (int) ((per + align - 1) / align * align);
        int count = (n + size - 1) / size;
        Job job = Job.acquire();
        job.range = body;
        job.n = n;
        job.size = size;
        job.count = count;
        job.execute(1, null, count, null);
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
     * caller's included) that take indexes from counters, each thread starting on its own
     * contiguous share (the caller on the first) and then taking from the others'. A helper
     * thread that wakes late or runs slower only takes fewer items, so the caller never waits
     * for a fixed share. With {@code parts <= 1} the items run in order on the caller's thread,
     * allocating nothing.
     */
    public static void dynamic(int count, int parts, Item body) {
        if (parts <= 1 || count <= 1) {
            for (int i = 0; i < count; i++) body.run(i);
            return;
        }
        Job job = Job.acquire();
        job.item = body;
        job.count = count;
        job.execute(1, null, parts, null);
    }

    /**
     * Like {@link #dynamic} over a sequence of phases: every item of a phase finishes before any
     * item of the next one starts (a barrier), while the helpers are handed the call only once.
     * Threads take items from each phase's counters; one that starts late joins the current phase. A
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
        Job.acquire().execute(phases, sizes, parts, body);
    }

    /**
     * One parallel call's shared state, reused by the calling thread's next call (a nested call
     * while it is in use gets a fresh one), so a steady-state call allocates nothing. Its
     * {@link #work} is what every thread of the call executes: take items phase by phase.
     */
    private static final class Job {
        private static final ThreadLocal<Job> OWN = ThreadLocal.withInitial(Job::new);

        int phases;
        Parallel.PhaseSizes sizes;
        PhaseItem body;
        // the run and dynamic forms: count pieces of size of the range [0, n), or count items
        Range range;
        Item item;
        int n, size, count;
        /** Per phase and segment, the next item; per phase, the items done. */
        AtomicIntegerArray next = new AtomicIntegerArray(4), done = new AtomicIntegerArray(4);
        int participants;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** How many helpers are inside run; its sign bit closes it once the caller is done. */
        final AtomicInteger gate = new AtomicInteger(Integer.MIN_VALUE);
        Helper[] taken = new Helper[0];
        boolean busy;

        static Job acquire() {
            Job j = OWN.get();
            return j.busy ? new Job() : j;
        }

        void execute(int phases, Parallel.PhaseSizes sizes, int parts, PhaseItem body) {
            busy = true;
            try {
                this.phases = phases;
                this.sizes = sizes;
                this.body = body;
                int got = Helper.take(parts - 1, this);
                int np = participants = 1 + got;
                if (next.length() < phases * np) next = new AtomicIntegerArray(phases * np);
                if (done.length() < phases) done = new AtomicIntegerArray(phases);
                for (int p = 0; p < phases; p++) {
                    int m = items(p);
                    for (int sg = 0; sg < np; sg++) next.set(p * np + sg, (int) ((long) m * sg / np));
                    done.set(p, 0);
                }
                failure.set(null);
                gate.set(0); // opens: the fields above are published to helpers that enter
                for (int h = 0; h < got; h++) taken[h].start(this, gate, h + 1);
                work(0);
                int g;
                while (!gate.compareAndSet(g = gate.get(), g | Integer.MIN_VALUE)) Thread.onSpinWait();
                // a helper that wakes after this skips the job and is never waited for
                for (int spins = 0; (gate.get() & Integer.MAX_VALUE) != 0; spins++) {
                    if (spins < 1000) Thread.onSpinWait();
                    else Thread.yield();
                }
                for (int h = 0; h < got; h++) taken[h] = null;
                rethrow(failure.getAndSet(null));
            } finally {
                this.sizes = null;
                this.body = null;
                this.range = null;
                this.item = null;
                busy = false;
            }
        }

        /** Items of phase p: {@link #count} in the one phase of {@link #run} and {@link #dynamic}. */
        private int items(int p) {
            return sizes == null ? count : sizes.items(p);
        }

        private void runItem(int p, int i) {
            if (range != null) range.run(i * size, (int) Math.min(n, (long) i * size + size));
            else if (item != null) item.run(i);
            else body.run(p, i);
        }

        /**
         * Takes items phase by phase; waits at the end of each phase for the others' last items.
         * Each phase's items are cut into one segment per participant: participant {@code who}
         * drains its own segment first, then takes from the others'. So the same thread tends to
         * get the same part of consecutive calls (the caller the first), and the data it wrote
         * stays in its core's cache (two GEMMs on one weight: ~30 µs of cross-core traffic less
         * on 800 KB); a helper that starts late still only takes less.
         */
        void work(int who) {
            try {
                int np = participants;
                for (int p = 0; p < phases && failure.get() == null; p++) {
                    int m = items(p);
                    for (int k = 0; k < np; k++) {
                        int sg = (who + k) % np, end = (int) ((long) m * (sg + 1) / np);
                        for (int i; (i = next.getAndIncrement(p * np + sg)) < end; ) {
                            runItem(p, i);
                            done.incrementAndGet(p);
                        }
                    }
                    for (int spins = 0; done.get(p) < m && failure.get() == null; spins++) {
                        if (spins < 1000) Thread.onSpinWait();
                        else Thread.yield();
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t); // the others stop waiting and leave after their current item
            }
        }
    }

    /**
     * A helper thread: runs one job at a time, given by {@link #start}; between jobs it spins
     * for {@link #SPIN_NANOS}, then parks.
     */
    private static final class Helper extends Thread {
        private static final Object LOCK = new Object();
        private static volatile Helper[] all = new Helper[0];

        /** Taken by a caller (set by the caller, cleared by the helper after the job). */
        final AtomicBoolean busy = new AtomicBoolean();
        volatile Job job;
        volatile int who;
        volatile AtomicInteger gate;
        volatile boolean sleeping;

        private Helper(int index) {
            super("simdgrad-helper-" + index);
            setDaemon(true);
        }

        /** Takes up to {@code want} idle helpers into {@code job.taken} (fewer when others are busy); returns how many. */
        static int take(int want, Job job) {
            Helper[] hs = all;
            if (hs.length < want) hs = grow(want);
            if (job.taken.length < want) job.taken = new Helper[want];
            int got = 0;
            for (int i = 0; i < hs.length && got < want; i++) {
                if (hs[i].busy.compareAndSet(false, true)) job.taken[got++] = hs[i];
            }
            return got;
        }

        private static Helper[] grow(int want) {
            synchronized (LOCK) {
                Helper[] hs = all;
                if (hs.length >= want) return hs;
                Helper[] more = java.util.Arrays.copyOf(hs, want);
                for (int i = hs.length; i < want; i++) {
                    more[i] = new Helper(i);
                    more[i].start();
                }
                all = more;
                return more;
            }
        }

        /** Hands {@code task} to this (taken) helper as participant {@code who}; it runs it only if {@code gate} is still open. */
        void start(Job task, AtomicInteger gate, int who) {
            this.gate = gate;
            this.who = who;
            job = task;
            // the helper writes sleeping before it reads job, the caller job before sleeping:
            // one of the two sees the other's write, so a job is never left unseen by a parked helper
            if (sleeping) LockSupport.unpark(this);
        }

        @Override public void run() {
            while (true) {
                Job j = awaitJob();
                AtomicInteger g = gate;
                int w = who;
                job = null;
                gate = null;
                boolean entered = false;
                for (int v; !entered && (v = g.get()) >= 0; ) entered = g.compareAndSet(v, v + 1);
                try {
                    if (entered) j.work(w); // jobs record their own failures
                } catch (Throwable ignored) {
                    // a job that lets an exception escape still leaves the gate
                } finally {
                    busy.set(false);
                    if (entered) g.decrementAndGet();
                }
            }
        }

        private Job awaitJob() {
            long spinStart = System.nanoTime();
            for (int spins = 0; ; spins++) {
                Job j = job;
                if (j != null) return j;
                if ((spins & 63) != 0 || System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (job == null) LockSupport.park(this);
                sleeping = false;
                spinStart = System.nanoTime();
            }
        }
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }
}
