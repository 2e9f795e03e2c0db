package io.simdgrad.benchmarks;

import io.simdgrad.simd.Simd;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Thread cap for the kernels ({@link Simd#setMaxThreads}), 1 and 2; restored after each trial. */
@State(Scope.Thread)
public class ThreadsState {
    @Param({"1", "2"})
    int threads;
    int saved;

    @Setup(Level.Trial)
    public void setup() {
        saved = Simd.maxThreads();
        Simd.setMaxThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Simd.setMaxThreads(saved);
    }
}
