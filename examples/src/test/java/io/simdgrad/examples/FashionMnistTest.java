package io.simdgrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simdgrad.core.Generator;
import io.simdgrad.nn.Sequential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's recipe: one epoch on Fashion-MNIST reaches PyTorch 2.13's accuracy (fashion_mnist_torch.py), compiled equals eager. */
class FashionMnistTest {
    static double torchAccuracy() throws IOException {
        try (InputStream in = FashionMnistTest.class.getResourceAsStream("fashion_mnist_torch.txt")) {
            return Double.parseDouble(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow().trim());
        }
    }

    @Test
    void oneEpochReachesPyTorchsAccuracy() throws IOException {
        FashionMnist.Data d = FashionMnist.load(FashionMnist.DEFAULT_DATA);
        Assumptions.assumeTrue(d != null, "dataset-fashion-mnist is not installed (.ci/run installs it with apt-get)");
        FashionMnist.Result r = FashionMnist.train(d, FashionMnist.mlp(new Generator(0)), 1, true, 42, false);
        double acc = r.testAccuracy().get(0), want = torchAccuracy();
        assertTrue(Math.abs(acc - want) <= 1.5, "test accuracy " + acc + "% vs PyTorch's " + want + "%");
    }

    @Test
    void compiledTrainingEqualsEagerAndWritesThePng(@TempDir Path dir) throws IOException {
        FashionMnist.Data d = FashionMnist.synthetic(1280, 200, new Generator(3));
        FashionMnist.Result compiled = compiledEqualsEager(d, FashionMnist::mlp, 2, 7);
        assertTrue(compiled.testAccuracy().get(1) > 50, "the synthetic classes are learnable: " + compiled.testAccuracy());
        Path png = dir.resolve("f.png");
        FashionMnist.writePng(compiled, png);
        assertTrue(Files.size(png) > 1000);
        assertEquals(137, Files.readAllBytes(png)[0] & 0xff, "a PNG signature");
    }

    @Test
    void compiledCnnTrainingEqualsEager() {
        FashionMnist.Data d = FashionMnist.synthetic(320, 100, new Generator(5));
        compiledEqualsEager(d, FashionMnist::cnn, 1, 9);
        assertEquals(List.of("1.weight", "1.bias", "4.weight", "4.bias", "8.weight", "8.bias"),
                List.copyOf(FashionMnist.cnn(new Generator(0)).stateDict().keySet()));
    }

    /** Trains the model {@code make} builds from seed 0 eagerly and compiled; asserts equal weights and test accuracies bit for bit. */
    static FashionMnist.Result compiledEqualsEager(FashionMnist.Data d, Function<Generator, Sequential> make, int epochs, long seed) {
        Sequential a = make.apply(new Generator(0)), b = make.apply(new Generator(0));
        FashionMnist.Result eager = FashionMnist.train(d, a, epochs, false, seed, false);
        FashionMnist.Result compiled = FashionMnist.train(d, b, epochs, true, seed, false);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i).data().toFloatArray(), b.parameters().get(i).data().toFloatArray());
        }
        assertEquals(eager.testAccuracy(), compiled.testAccuracy());
        return compiled;
    }
}
