package io.simdgrad.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.simdgrad.core.io.Npy;
import io.simdgrad.core.ops.Shapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link Npy#read} with Jazzer. In {@code verify} (regression mode) it
 * replays the committed seed corpus in {@code src/test/resources/io/simdgrad/core/NpyFuzzTestInputs/readNpy}
 * (NumPy-made fixtures and hand-made hostile files, {@code make_npy_fuzz_seeds.py}); to fuzz for
 * the set time (see the README):
 *
 * <pre>JAZZER_FUZZ=1 ./mvnw -pl core -am test -Dtest=NpyFuzzTest -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * A crash input Jazzer finds is written into the corpus folder; commit it with the fix.
 */
public class NpyFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void readNpy(byte[] bytes) throws IOException {
        checkRead(bytes);
    }

    /**
     * The contract for any bytes: {@link Npy#read} returns an array whose data fits its shape and
     * dtype, or throws an {@link IOException} that names the file. Anything else (another
     * exception, an error, a hang) is a bug.
     */
    public static void checkRead(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".npy");
        try {
            Files.write(file, bytes);
            Npy.Array a;
            try {
                a = Npy.read(file);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains(file.toString()), () -> "message lacks the file name: " + e.getMessage());
                assertTrue(e.getMessage().length() < 2000, () -> "message of " + e.getMessage().length() + " characters");
                return;
            }
            assertEquals(Shapes.numel(a.shape()), java.lang.reflect.Array.getLength(a.data()));
            Class<?> type = switch (a.dtype()) {
                case FLOAT32 -> float[].class;
                case FLOAT64 -> double[].class;
                case INT64 -> long[].class;
            };
            assertEquals(type, a.data().getClass());
        } finally {
            Files.delete(file);
        }
    }
}
