package io.simdgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vector transcendentals give the same bits in every JIT tier: {@link TierMain} runs in
 * child JVMs of this JDK in the interpreter ({@code -Xint}), with C1 only
 * ({@code -XX:TieredStopAtLevel=1}) and with C2 only after warm-up ({@code -Xbatch
 * -XX:-TieredCompilation}, compiled synchronously; the test checks in the compilation log that
 * the kernels were compiled), and all three print the same hashes. The JDK's own lanewise EXP
 * and LOG fail this (checked on JDK 25 when the kernels were written).
 */
class VectorMathTierTest {
    private static String run(String warm, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(List.of(flags));
        String simd = System.getProperty("simdgrad.simd");
        if (simd != null) cmd.add("-Dsimdgrad.simd=" + simd);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TierMain.class.getName());
        cmd.add(warm);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "child JVM " + cmd + " failed:\n" + out);
        return out;
    }

    /** The hash lines of a child's output, without the compilation log. */
    private static String hashes(String out) {
        return out.lines().filter(l -> !l.contains("::")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void sameBitsInInterpreterC1AndC2() throws Exception {
        String interpreted = run("0", "-Xint");
        String c1 = run("400", "-Xbatch", "-XX:TieredStopAtLevel=1");
        String c2 = run("3000", "-Xbatch", "-XX:-TieredCompilation", "-XX:CompileThreshold=1000", "-XX:+PrintCompilation");
        // the C2 run must really have compiled the kernels (the log names each compiled method)
        for (String m : List.of("VectorFloatElementwise::unary", "VectorDoubleElementwise::unary",
                "VectorFloatReductions::softmaxRows", "VectorDoubleReductions::logSumExpRows", "VectorFloatNorm::gradSums", "VectorFloatNorm::dxRow")) {
            assertTrue(c2.contains(m), "C2 did not compile " + m + ":\n" + c2);
        }
        assertTrue(interpreted.lines().count() > 10, interpreted);
        assertEquals(interpreted, hashes(c1), "interpreter vs C1");
        assertEquals(interpreted, hashes(c2), "interpreter vs C2");
    }
}
