package io.simdgrad.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tutorial prints what the seed document shows PyTorch printing, line for line. Two parts are
 * not PyTorch's: the grad_fn's address, and the loop's random vector, which comes from
 * simdgrad's generator (its expected line was checked by hand: |v|*2^11 is the first norm above
 * 1000, so the last gradient is exactly the document's).
 */
class TutorialTest {

    @Test
    void printsWhatTheTutorialShows() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Tutorial.run(new PrintStream(buf, true, StandardCharsets.UTF_8), Tutorial.DEFAULT_SEED);
        String actual = buf.toString(StandardCharsets.UTF_8);
        String expected;
        try (InputStream in = TutorialTest.class.getResourceAsStream("/tutorial-expected.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] e = expected.split("\n"), a = actual.split("\n");
        assertEquals(e.length, a.length, "line count\n" + actual);
        for (int i = 0; i < e.length; i++) {
            if (e[i].contains("@ADDRESS@")) {
                String prefix = e[i].substring(0, e[i].indexOf("@ADDRESS@"));
                assertTrue(a[i].startsWith(prefix) && a[i].matches(".*0x[0-9a-f]+>"), "line " + (i + 1) + ": " + a[i]);
            } else {
                assertEquals(e[i], a[i], "line " + (i + 1));
            }
        }
    }
}
