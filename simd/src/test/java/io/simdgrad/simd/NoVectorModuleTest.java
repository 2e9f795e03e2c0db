package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * simdgrad without the incubator module: {@link NoVectorModuleMain} runs in a child JVM started
 * without {@code --add-modules jdk.incubator.vector} (this test's own JVM has it), computes on
 * the scalar kernels, and the library logs exactly one notice line, or none when the scalar
 * kernels were asked for with {@code -Dsimdgrad.simd=scalar}.
 */
class NoVectorModuleTest {
    /** The output of one child run. */
    private record Run(int exit, String out, String err) {}

    private static Run run(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NoVectorModuleMain.class.getName()));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        // Both streams are small (a few lines): reading them one after the other cannot block.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Run(p.exitValue(), out, err);
    }

    private static long noticeLines(String err) {
        return err.lines().filter(l -> l.contains(Simd.missingModuleNotice())).count();
    }

    @Test
    void runsOnTheScalarKernelsAndSaysHowToEnableTheVectorOnes() throws Exception {
        Run r = run();
        assertEquals(0, r.exit(), () -> "child failed:\n" + r.out() + r.err());
        assertEquals("ok: scalar, " + Simd.maxThreads() + " threads", r.out().strip(), r.err());
        assertEquals(1, noticeLines(r.err()), () -> "expected one notice line on stderr:\n" + r.err());
    }

    @Test
    void explicitScalarNeedsNoModuleAndLogsNothing() throws Exception {
        Run r = run("-D" + Simd.IMPL_PROPERTY + "=scalar");
        assertEquals(0, r.exit(), () -> "child failed:\n" + r.out() + r.err());
        assertEquals("ok: scalar, " + Simd.maxThreads() + " threads", r.out().strip(), r.err());
        assertEquals("", r.err(), "stderr");
    }
}
