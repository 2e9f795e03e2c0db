package io.simdgrad.nn;

import io.simdgrad.core.DType;
import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.optim.LRScheduler;
import io.simdgrad.optim.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one file, what PyTorch users {@code torch.save} as a dict of
 * {@code model.state_dict()}, {@code optimizer.state_dict()}, {@code scheduler.state_dict()}, the
 * epoch and the RNG state: tensors under {@code model.}, {@code optimizer.} and
 * {@code scheduler.} prefixes. In safetensors (the default) the epoch and the generator's state
 * are metadata; in {@code .npz} (a path ending in {@code .npz}, readable by NumPy) they are int64
 * entries {@code meta.epoch} and {@code meta.generator}, beside the marker {@code meta.format}.
 * Loading writes every tensor in place (compiled steps keep their references), so training
 * resumes bit for bit.
 */
public final class Checkpoint {
    private Checkpoint() {}

    static final String FORMAT = "simdgrad-checkpoint-1";
    /** The {@code .npz} form's marker entry, {@code meta.format = 1}. */
    static final long NPZ_FORMAT = 1;

    /**
     * Saves the training state, as {@code .npz} when the file name ends in {@code .npz} and as
     * safetensors otherwise; {@code scheduler} and {@code generator} may be null.
     */
    public static void save(Path path, Module model, Optimizer optimizer, LRScheduler scheduler, long epoch, Generator generator) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> t.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> t.put("optimizer." + k, v));
        if (scheduler != null) scheduler.stateDict().forEach((k, v) -> t.put("scheduler." + k, v));
        long[] gen = generator == null ? null : generator.getState();
        if (path.getFileName().toString().endsWith(".npz")) {
            t.put("meta.format", Tensor.of(new long[] {NPZ_FORMAT}, 1).reshape()); // 0-d int64 (scalar() holds a double)
            t.put("meta.epoch", Tensor.of(new long[] {epoch}, 1).reshape());
            if (gen != null) t.put("meta.generator", Tensor.of(gen, gen.length));
            Npz.save(t, path);
            return;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("epoch", Long.toString(epoch));
        if (gen != null) meta.put("generator", gen[0] + "," + gen[1] + "," + gen[2]);
        SafeTensors.save(t, meta, path);
    }

    /**
     * Restores what {@link #save} wrote (either form, told apart by the file's first bytes) into
     * the same kinds of objects and returns the epoch. Checks the file's format, then loads the
     * model (strict), the optimiser and the scheduler.
     */
    public static long load(Path path, Module model, Optimizer optimizer, LRScheduler scheduler, Generator generator) throws IOException {
        Map<String, Tensor> tensors;
        long epoch;
        long[] gen = null;
        if (isZip(path)) {
            tensors = new LinkedHashMap<>(Npz.load(path));
            Tensor format = tensors.remove("meta.format"), e = tensors.remove("meta.epoch"), g = tensors.remove("meta.generator");
            if (!isInt64(format, 1) || format.toLongArray()[0] != NPZ_FORMAT) {
                throw new IOException("Checkpoint.load: " + path + " is not a simdgrad checkpoint (no int64 meta.format = " + NPZ_FORMAT + ")");
            }
            if (!isInt64(e, 1) || (generator != null && !isInt64(g, 3))) {
                throw new IOException("Checkpoint.load: " + path + " has malformed meta.epoch or meta.generator entries");
            }
            epoch = e.toLongArray()[0];
            if (generator != null) gen = g.toLongArray();
        } else {
            SafeTensors.Contents c = SafeTensors.read(path);
            if (!FORMAT.equals(c.metadata().get("format"))) throw new IOException("Checkpoint.load: " + path + " is not a simdgrad checkpoint (metadata format " + c.metadata().get("format") + ")");
            tensors = c.tensors();
            try {
                epoch = Long.parseLong(c.metadata().get("epoch"));
                if (generator != null) {
                    String[] p = c.metadata().get("generator").split(",", -1);
                    if (p.length != 3) throw new NumberFormatException("generator state of " + p.length + " values");
                    gen = new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])};
                }
            } catch (NumberFormatException | NullPointerException e) {
                throw new IOException("Checkpoint.load: " + path + " has malformed epoch or generator metadata", e);
            }
        }
        model.loadStateDict(prefixed(tensors, "model."), true);
        optimizer.loadStateDict(prefixed(tensors, "optimizer."));
        if (scheduler != null) scheduler.loadStateDict(prefixed(tensors, "scheduler."));
        if (generator != null) generator.setState(gen);
        return epoch;
    }

    private static boolean isZip(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    private static boolean isInt64(Tensor t, int numel) {
        return t != null && t.dtype() == DType.INT64 && t.numel() == numel;
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}
