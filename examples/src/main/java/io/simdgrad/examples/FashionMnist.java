package io.simdgrad.examples;

import io.simdgrad.core.Autograd;
import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.data.DataLoader;
import io.simdgrad.data.Idx;
import io.simdgrad.data.TensorDataset;
import io.simdgrad.graph.CompiledFunction;
import io.simdgrad.graph.Graphs;
import io.simdgrad.nn.Conv2d;
import io.simdgrad.nn.CrossEntropyLoss;
import io.simdgrad.nn.Flatten;
import io.simdgrad.nn.Linear;
import io.simdgrad.nn.MaxPool2d;
import io.simdgrad.nn.Module;
import io.simdgrad.nn.ReLU;
import io.simdgrad.nn.Sequential;
import io.simdgrad.nn.Unflatten;
import io.simdgrad.optim.Adam;
import io.simdgrad.optim.Optimizer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Fashion-MNIST with a 784-256-10 MLP (or, with {@code -Dmodel=cnn}, a small CNN: {@link #cnn}), written as a PyTorch user writes it (Sequential, Adam,
 * CrossEntropyLoss, a shuffled DataLoader) and run as a {@code Graphs.compile}d step (or eagerly
 * with {@code -Deager=true}); a progress bar shows loss, accuracy and samples/s, the test accuracy
 * is printed per epoch, and a PNG with the curves and the confusion matrix is written.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:exec -Dexample=io.simdgrad.examples.FashionMnist [-Ddata=DIR] [-Depochs=2] [-Deager=true] [-Dmodel=cnn]
 * </pre>
 *
 * The data: Debian's {@code dataset-fashion-mnist} package installs it in
 * {@code /usr/share/datasets/fashion-mnist} (the default); {@code -Ddata=DIR} names a folder with
 * the four {@code *-ubyte.gz} files. Without them the demo says how to get them and trains on a
 * small synthetic set instead.
 */
public final class FashionMnist {
    static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");
    static final String[] CLASSES = {"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"};

    private FashionMnist() {}

    /** Images {@code [n, 784]} scaled to [0, 1] and int64 labels. */
    public record Data(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest, boolean real) {}

    /** What one run measured. */
    public record Result(List<double[]> lossCurve, List<Double> testAccuracy, long[][] confusion, double samplesPerSecond) {}

    /** The four files of {@code dir}, or null when one is missing. */
    public static Data load(Path dir) throws IOException {
        String[] names = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
        for (String n : names) if (!Files.isRegularFile(dir.resolve(n))) return null;
        Tensor xTrain = Idx.read(dir.resolve(names[0]), DType.FLOAT32), xTest = Idx.read(dir.resolve(names[2]), DType.FLOAT32);
        return new Data(xTrain.reshape(xTrain.size(0), 784).div(255), Idx.read(dir.resolve(names[1]), DType.INT64),
                xTest.reshape(xTest.size(0), 784).div(255), Idx.read(dir.resolve(names[3]), DType.INT64), true);
    }

    /** Ten random prototype images plus noise: a stand-in with the real data's shapes. */
    public static Data synthetic(int nTrain, int nTest, Generator g) {
        Tensor protos = Tensor.rand(g, 10, 784);
        Tensor[] xs = new Tensor[2], ys = new Tensor[2];
        int[] sizes = {nTrain, nTest};
        for (int s = 0; s < 2; s++) {
            long[] y = new long[sizes[s]];
            float[] x = new float[sizes[s] * 784];
            float[] p = protos.toFloatArray();
            for (int i = 0; i < y.length; i++) {
                y[i] = (long) (g.nextDouble() * 10);
                for (int j = 0; j < 784; j++) x[i * 784 + j] = (float) Math.min(1, Math.max(0, p[(int) y[i] * 784 + j] + 0.6 * g.nextGaussian()));
            }
            xs[s] = Tensor.of(x, sizes[s], 784);
            ys[s] = Tensor.of(y, sizes[s]);
        }
        return new Data(xs[0], ys[0], xs[1], ys[1], false);
    }

    /** PyTorch's {@code nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))}. */
    public static Sequential mlp(Generator g) {
        return new Sequential(new Linear(784, 256, g), new ReLU(), new Linear(256, 10, g));
    }

    /**
     * A small CNN, PyTorch's {@code nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 16, 3,
     * padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
     * nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))}: two conv + pool blocks.
     */
    public static Sequential cnn(Generator g) {
        return new Sequential(new Unflatten(1, 1, 28, 28), new Conv2d(1, 16, 3, 1, 1, 1, 1, true, DType.FLOAT32, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1, 1, 1, true, DType.FLOAT32, g), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(32 * 7 * 7, 10, g));
    }

    /** Trains {@code model} for {@code epochs} with Adam(lr=1e-3), batch 64, shuffled with {@code seed}; compiled or eager. */
    public static Result train(Data d, Module model, int epochs, boolean compiled, long seed, boolean progress) {
        Optimizer opt = new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Function<List<Tensor>, List<Tensor>> step = in -> {
            Variable logits = model.forward(in.get(0));
            Variable loss = lossFn.forward(logits, in.get(1));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            Tensor correct = logits.data().argmax(1).eq(in.get(1)).to(DType.FLOAT32).sum();
            return List.of(loss.data(), correct);
        };
        Function<List<Tensor>, List<Tensor>> run = compiled ? Graphs.compile(step)::call : step;
        DataLoader loader = DataLoader.builder(new TensorDataset(d.xTrain(), d.yTrain())).batchSize(64).shuffle(new Generator(seed))
                .dropLast(true).prefetch(2).build();
        List<double[]> curve = new ArrayList<>();
        List<Double> testAcc = new ArrayList<>();
        long[][] confusion = null;
        long samples = 0, nanos = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            model.train();
            ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(loader.size())
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build() : null;
            double lossSum = 0, correct = 0;
            int seen = 0, b = 0;
            long t0 = System.nanoTime();
            for (List<Tensor> batch : loader) {
                List<Tensor> out = run.apply(batch);
                lossSum += out.get(0).item() * batch.get(1).numel();
                correct += out.get(1).item();
                seen += batch.get(1).numel();
                if (++b % 50 == 0) curve.add(new double[] {epoch - 1 + (double) b / loader.size(), lossSum / seen});
                if (bar != null) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    bar.step();
                    bar.setExtraMessage(String.format(" loss %.4f acc %.1f%% %,.0f samples/s", lossSum / seen, 100 * correct / seen, seen / secs));
                }
            }
            nanos += System.nanoTime() - t0;
            samples += seen;
            if (bar != null) bar.close();
            confusion = confusion(model, d.xTest(), d.yTest());
            long right = 0, all = 0;
            for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) {
                all += confusion[i][j];
                if (i == j) right += confusion[i][j];
            }
            testAcc.add(100.0 * right / all);
            if (progress) System.out.printf("epoch %d: train loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%%n", epoch, lossSum / seen, 100 * correct / seen, testAcc.getLast());
        }
        return new Result(curve, testAcc, confusion, samples / (nanos / 1e9));
    }

    /** {@code confusion[true][predicted]} over the test set, in eval mode without gradients. */
    static long[][] confusion(Module model, Tensor x, Tensor y) {
        model.eval();
        long[][] c = new long[10][10];
        long[] labels = y.toLongArray();
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int from = 0; from < labels.length; from += 1000) {
                int n = Math.min(1000, labels.length - from);
                long[] pred = model.forward(x.narrow(0, from, n)).data().argmax(1).toLongArray();
                for (int i = 0; i < n; i++) c[(int) labels[from + i]][(int) pred[i]]++;
            }
        }
        model.train();
        return c;
    }

    /** The loss curve, test accuracies and confusion matrix side by side in one PNG. */
    static void writePng(Result r, Path file) throws IOException {
        XYSeries loss = new XYSeries("train loss (running mean per epoch)");
        for (double[] p : r.lossCurve()) loss.add(p[0], p[1]);
        XYSeries acc = new XYSeries("test accuracy / 100");
        for (int i = 0; i < r.testAccuracy().size(); i++) acc.add(i + 1, r.testAccuracy().get(i) / 100);
        XYSeriesCollection curves = new XYSeriesCollection(loss);
        curves.addSeries(acc);
        JFreeChart left = ChartFactory.createXYLineChart("Fashion-MNIST MLP", "epoch", "value", curves, PlotOrientation.VERTICAL, true, false, false);
        DefaultXYZDataset cells = new DefaultXYZDataset();
        double[][] xyz = new double[3][100];
        long max = 1;
        for (long[] row : r.confusion()) for (long v : row) max = Math.max(max, v);
        for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) {
            xyz[0][i * 10 + j] = j;
            xyz[1][i * 10 + j] = i;
            xyz[2][i * 10 + j] = r.confusion()[i][j];
        }
        cells.addSeries("confusion", xyz);
        XYBlockRenderer renderer = new XYBlockRenderer();
        double top = max;
        renderer.setPaintScale(new PaintScale() {
            @Override
            public double getLowerBound() {
                return 0;
            }

            @Override
            public double getUpperBound() {
                return top;
            }

            @Override
            public java.awt.Paint getPaint(double value) {
                int level = 255 - (int) Math.round(255 * Math.max(0, Math.min(1, value / top)));
                return new Color(level, level, level);
            }
        });
        XYPlot plot = new XYPlot(cells, new NumberAxis("predicted class"), new NumberAxis("true class"), renderer);
        plot.getRangeAxis().setInverted(true);
        JFreeChart right = new JFreeChart("Confusion matrix (test)", plot);
        right.removeLegend();
        BufferedImage img = new BufferedImage(1400, 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        left.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, 750, 600));
        right.draw(g, new java.awt.geom.Rectangle2D.Double(750, 0, 650, 600));
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(System.getProperty("data", DEFAULT_DATA.toString()));
        int epochs = Integer.getInteger("epochs", 2);
        boolean compiled = !Boolean.getBoolean("eager");
        boolean cnn = "cnn".equals(System.getProperty("model", "mlp"));
        Data d = load(dir);
        if (d == null) {
            System.out.println("Fashion-MNIST not found in " + dir + ". Install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu),\n"
                    + "or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist into a folder and pass -Ddata=DIR.\n"
                    + "Training on a small synthetic set (6000 + 1000 images) instead.");
            d = synthetic(6000, 1000, new Generator(1));
        }
        System.out.printf("%s: %d training and %d test images; %s, Adam lr=1e-3, batch 64, %s%n", d.real() ? "Fashion-MNIST" : "synthetic",
                d.xTrain().size(0), d.xTest().size(0), cnn ? "CNN (two conv+pool blocks)" : "MLP 784-256-10", compiled ? "compiled step (Graphs.compile)" : "eager");
        Result r = train(d, cnn ? cnn(new Generator(0)) : mlp(new Generator(0)), epochs, compiled, 42, true);
        System.out.printf("%,.0f samples/s over %d epochs%n", r.samplesPerSecond(), epochs);
        Path png = Path.of(System.getProperty("out", "target/fashion-mnist.png"));
        writePng(r, png);
        System.out.println("wrote " + png.toAbsolutePath());
    }
}
