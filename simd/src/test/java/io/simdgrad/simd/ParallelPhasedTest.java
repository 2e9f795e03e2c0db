package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link Parallel#phased}, {@link Parallel#dynamic} and {@link Parallel#run}: every item once, phases in order, failures surface, nested and concurrent calls finish. */
class ParallelPhasedTest {
    @Test
    void everyItemRunsOnceAndNoPhaseStartsBeforeThePreviousEnds() {
        int phases = 40;
        int[] sizes = new int[phases];
        for (int p = 0; p < phases; p++) sizes[p] = p % 7 == 3 ? 0 : 1 + p * 13 % 17;
        AtomicIntegerArray runs = new AtomicIntegerArray(phases * 32), finished = new AtomicIntegerArray(phases);
        AtomicIntegerArray early = new AtomicIntegerArray(1);
        for (int parts : new int[] {1, 2, 4}) {
            for (int i = 0; i < runs.length(); i++) runs.set(i, 0);
            for (int p = 0; p < phases; p++) finished.set(p, 0);
            Parallel.phased(phases, p -> sizes[p], parts, (p, i) -> {
                if (p > 0 && finished.get(p - 1) != sizes[p - 1]) early.incrementAndGet(0);
                for (long spin = 0, end = System.nanoTime() + 2_000; System.nanoTime() < end; spin++) {
                    Thread.onSpinWait(); // a little work, so that threads overlap
                }
                runs.incrementAndGet(p * 32 + i);
                finished.incrementAndGet(p);
            });
            for (int p = 0; p < phases; p++) {
                for (int i = 0; i < 32; i++) {
                    assertEquals(i < sizes[p] ? 1 : 0, runs.get(p * 32 + i), "parts " + parts + ", phase " + p + ", item " + i);
                }
            }
            assertEquals(0, early.get(0), "an item started before the previous phase ended");
        }
        AtomicIntegerArray once = new AtomicIntegerArray(1000);
        Parallel.dynamic(1000, 2, i -> once.incrementAndGet(i));
        for (int i = 0; i < 1000; i++) assertEquals(1, once.get(i));
    }

    @Test
    void aFailingItemIsRethrownAndStopsTheRest() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int parts : new int[] {1, 2, 4}) {
            AtomicIntegerArray ran = new AtomicIntegerArray(1);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Parallel.phased(50, p -> 10, parts, (p, i) -> {
                        ran.incrementAndGet(0);
                        if (p == 3 && i == 5) throw boom;
                    }));
            assertSame(boom, e);
            assertTrue(ran.get(0) < 50 * 10, "later phases should not run after a failure, ran " + ran.get(0));
        }
    }

    @Test
    void runCoversTheRangeOnceInAlignedPiecesAlsoNestedAndFromSeveralThreads() throws Exception {
        for (int parts : new int[] {2, 3, 8}) {
            int n = 1000 + parts;
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            Parallel.run(n, parts, 16, (s, e) -> {
                assertEquals(0, s % 16, "piece start " + s);
                for (int i = s; i < e; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "parts " + parts + ", index " + i);
        }
        // a piece that splits again (the helpers are then busy: it runs with what it can take)
        AtomicIntegerArray nested = new AtomicIntegerArray(64 * 64);
        Parallel.run(64, 4, 1, (s, e) -> {
            for (int r = s; r < e; r++) {
                int row = r;
                Parallel.run(64, 4, 1, (s2, e2) -> {
                    for (int c = s2; c < e2; c++) nested.incrementAndGet(row * 64 + c);
                });
            }
        });
        for (int i = 0; i < 64 * 64; i++) assertEquals(1, nested.get(i), "nested, index " + i);
        // several callers at once share the helpers
        AtomicIntegerArray shared = new AtomicIntegerArray(4 * 5000);
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            int base = t * 5000;
            callers[t] = new Thread(() -> {
                for (int rep = 0; rep < 50; rep++) {
                    Parallel.run(5000, 3, 8, (s, e) -> {
                        for (int i = s; i < e; i++) shared.incrementAndGet(base + i);
                    });
                }
            });
            callers[t].start();
        }
        for (Thread t : callers) t.join(60_000);
        for (int i = 0; i < shared.length(); i++) assertEquals(50, shared.get(i), "concurrent callers, index " + i);
    }
}
