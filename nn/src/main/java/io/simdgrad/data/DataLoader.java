package io.simdgrad.data;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * Minibatches of a {@link Dataset}, PyTorch's {@code DataLoader(dataset, batch_size, shuffle,
 * generator, drop_last, collate_fn)}: each iteration is one epoch. With a generator the order is a
 * fresh permutation per epoch (Fisher-Yates from the generator, drawn when the epoch starts, so a
 * seeded run repeats exactly); with {@code prefetch > 0} a background thread prepares up to that
 * many batches ahead, as PyTorch's worker prefetching does.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(new TensorDataset(x, y)).batchSize(64).shuffle(new Generator(0)).build();
 * for (List<Tensor> batch : loader) { ... batch.get(0), batch.get(1) ... }
 * }</pre>
 */
public final class DataLoader implements Iterable<List<Tensor>> {
    private final Dataset dataset;
    private final int batchSize;
    private final Generator generator;
    private final boolean dropLast;
    private final Function<List<List<Tensor>>, List<Tensor>> collate;
    private final int prefetch;

    private DataLoader(Builder b) {
        dataset = b.dataset;
        batchSize = b.batchSize;
        generator = b.generator;
        dropLast = b.dropLast;
        collate = b.collate;
        prefetch = b.prefetch;
    }

    /** Options, set fluently. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private Generator generator;
        private boolean dropLast;
        private Function<List<List<Tensor>>, List<Tensor>> collate;
        private int prefetch;

        Builder(Dataset dataset) {
            if (dataset == null) throw new NullPointerException("DataLoader: dataset is null");
            this.dataset = dataset;
        }

        /** Samples per batch (default 1). */
        public Builder batchSize(int n) {
            if (n <= 0) throw new IllegalArgumentException("DataLoader: batch_size should be a positive integer value, but got batch_size=" + n);
            batchSize = n;
            return this;
        }

        /** Reshuffle every epoch from {@code gen} (PyTorch's {@code shuffle=True, generator=gen}). */
        public Builder shuffle(Generator gen) {
            generator = gen;
            return this;
        }

        /** Drop the last incomplete batch (default false). */
        public Builder dropLast(boolean v) {
            dropLast = v;
            return this;
        }

        /** How a list of samples becomes a batch (default: {@link DataLoader#defaultCollate}, or the dataset's own row copy). */
        public Builder collate(Function<List<List<Tensor>>, List<Tensor>> fn) {
            collate = fn;
            return this;
        }

        /** Batches prepared ahead on a background thread (default 0: on the caller's thread). */
        public Builder prefetch(int n) {
            if (n < 0) throw new IllegalArgumentException("DataLoader: prefetch must be >= 0, got " + n);
            prefetch = n;
            return this;
        }

        /** The loader. */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** A builder over {@code dataset}. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** Batches per epoch, PyTorch's {@code len(loader)}. */
    public int size() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Stacks each field of the samples along a new dim 0, PyTorch's {@code default_collate}. */
    public static List<Tensor> defaultCollate(List<List<Tensor>> samples) {
        if (samples.isEmpty()) throw new IllegalArgumentException("defaultCollate: no samples");
        List<Tensor> out = new ArrayList<>();
        for (int f = 0; f < samples.get(0).size(); f++) {
            List<Tensor> field = new ArrayList<>();
            for (List<Tensor> s : samples) field.add(s.get(f));
            out.add(Tensor.stack(field, 0));
        }
        return out;
    }

    private List<Tensor> load(int[] idx) {
        if (collate == null) return dataset.batch(idx);
        List<List<Tensor>> samples = new ArrayList<>();
        for (int i : idx) samples.add(dataset.get(i));
        return collate.apply(samples);
    }

    /** One epoch; the permutation is drawn now, on the caller's thread. */
    @Override
    public Iterator<List<Tensor>> iterator() {
        int n = dataset.size();
        int[] order = permutation(n, generator);
        int batches = size();
        Iterator<int[]> indices = new Iterator<>() {
            int b;

            @Override
            public boolean hasNext() {
                return b < batches;
            }

            @Override
            public int[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                int from = b++ * batchSize;
                return java.util.Arrays.copyOfRange(order, from, Math.min(from + batchSize, n));
            }
        };
        return prefetch == 0 ? new Iterator<>() {
            @Override
            public boolean hasNext() {
                return indices.hasNext();
            }

            @Override
            public List<Tensor> next() {
                return load(indices.next());
            }
        } : new Prefetching(indices, batches);
    }

    /** Loads batches on a daemon thread into a bounded queue; an error there is rethrown by {@code next()}. */
    private final class Prefetching implements Iterator<List<Tensor>> {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(prefetch);
        private int remaining;

        Prefetching(Iterator<int[]> indices, int batches) {
            remaining = batches;
            Thread t = new Thread(() -> {
                try {
                    while (indices.hasNext()) queue.put(load(indices.next()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    try {
                        queue.put(e);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "simdgrad-dataloader");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Tensor> next() {
            if (remaining == 0) throw new NoSuchElementException();
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("DataLoader: interrupted while waiting for a batch", e);
            }
            if (o instanceof RuntimeException e) throw new IllegalStateException("DataLoader: loading a batch failed on the prefetch thread", e);
            if (o instanceof Error e) throw e;
            remaining--;
            return (List<Tensor>) o;
        }
    }

    /**
     * Splits {@code dataset} into non-overlapping subsets of the given lengths (summing to its
     * size) in a random order from {@code gen}, PyTorch's {@code random_split}.
     */
    public static List<Dataset> randomSplit(Dataset dataset, int[] lengths, Generator gen) {
        long sum = 0;
        for (int l : lengths) {
            if (l < 0) throw new IllegalArgumentException("randomSplit: lengths must be >= 0, got " + java.util.Arrays.toString(lengths));
            sum += l;
        }
        if (sum != dataset.size()) throw new IllegalArgumentException("randomSplit: Sum of input lengths does not equal the length of the input dataset!");
        int[] perm = permutation(dataset.size(), gen);
        List<Dataset> out = new ArrayList<>();
        int at = 0;
        for (int l : lengths) {
            out.add(new Subset(dataset, java.util.Arrays.copyOfRange(perm, at, at + l)));
            at += l;
        }
        return out;
    }

    /** {@code 0..n-1} shuffled by Fisher-Yates from {@code gen} (in order when null). */
    static int[] permutation(int n, Generator gen) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (gen != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = (int) Math.floorMod(gen.nextLong(), (long) (i + 1));
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }
}
