package io.simdgrad.nn;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.optim.LRScheduler;
import io.simdgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file, what PyTorch users {@code torch.save} as a dict
 * of {@code model.state_dict()}, {@code optimizer.state_dict()}, {@code scheduler.state_dict()},
 * the epoch and the RNG state: tensors under {@code model.}, {@code optimizer.} and
 * {@code scheduler.} prefixes, the epoch and the generator's state as metadata. Loading writes
 * every tensor in place (compiled steps keep their references), so training resumes bit for bit.
 */
public final class Checkpoint {
    private Checkpoint() {}

    static final String FORMAT = "simdgrad-checkpoint-1";

    /** Saves the training state; {@code scheduler} and {@code generator} may be null. */
    public static void save(Path path, Module model, Optimizer optimizer, LRScheduler scheduler, long epoch, Generator generator) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> t.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> t.put("optimizer." + k, v));
        if (scheduler != null) scheduler.stateDict().forEach((k, v) -> t.put("scheduler." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("epoch", Long.toString(epoch));
        if (generator != null) {
            long[] s = generator.getState();
            meta.put("generator", s[0] + "," + s[1] + "," + s[2]);
        }
        SafeTensors.save(t, meta, path);
    }

    /**
     * Restores what {@link #save} wrote into the same kinds of objects and returns the epoch.
     * Checks the file's format, then loads the model (strict), the optimiser and the scheduler.
     */
    public static long load(Path path, Module model, Optimizer optimizer, LRScheduler scheduler, Generator generator) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(path);
        if (!FORMAT.equals(c.metadata().get("format"))) throw new IOException("Checkpoint.load: " + path + " is not a simdgrad checkpoint (metadata format " + c.metadata().get("format") + ")");
        long epoch;
        long[] gen = null;
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
        model.loadStateDict(prefixed(c.tensors(), "model."), true);
        optimizer.loadStateDict(prefixed(c.tensors(), "optimizer."));
        if (scheduler != null) scheduler.loadStateDict(prefixed(c.tensors(), "scheduler."));
        if (generator != null) generator.setState(gen);
        return epoch;
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }
}
