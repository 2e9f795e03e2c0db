package io.simdgrad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use simdgrad in your project" shows the consumer project that maven-invoker-plugin
 * builds in this module: its pom (with this build's version), its program and its property test
 * are the files of {@code src/it/consumer}, as written there.
 */
class ReadmeConsumerTest {
    private static final Path CONSUMER = Path.of("src", "it", "consumer");

    /** The README's fenced blocks of a language, without their fences. */
    private static List<String> blocks(String language) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (block == null && line.equals("```" + language)) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static String blockWith(String language, String marker) throws IOException {
        return blocks(language).stream().filter(b -> b.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("README has no ```" + language + " block with " + marker));
    }

    @Test
    void theReadmePomIsTheConsumerPom() throws IOException {
        String pom = Files.readString(CONSUMER.resolve("pom.xml"))
                .replace("@project.version@", System.getProperty("simdgrad.version"));
        String body = pom.substring(pom.indexOf('\n') + 1);  // the README leaves out the XML declaration
        assertEquals(body, blockWith("xml", "<artifactId>simdgrad-consumer</artifactId>"));
    }

    @Test
    void theReadmeProgramIsTheConsumerProgram() throws IOException {
        assertEquals(Files.readString(CONSUMER.resolve("src/main/java/com/example/Train.java")),
                blockWith("java", "public class Train"));
    }

    @Test
    void theReadmePropertyTestIsInTheConsumerTests() throws IOException {
        String test = Files.readString(CONSUMER.resolve("src/test/java/com/example/TanhTest.java"));
        String example = blockWith("java", "tanhHasTheRightGradient");
        for (String line : example.strip().split("\n")) {
            assertTrue(test.contains(line), () -> "not in the consumer's TanhTest: " + line);
        }
    }
}
