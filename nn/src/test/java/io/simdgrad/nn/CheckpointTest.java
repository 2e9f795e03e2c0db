package io.simdgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.simdgrad.core.Generator;
import io.simdgrad.core.Tensor;
import io.simdgrad.core.Variable;
import io.simdgrad.optim.Adam;
import io.simdgrad.optim.CosineAnnealingLR;
import io.simdgrad.optim.LRScheduler;
import io.simdgrad.optim.Optimizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resumed checkpoint continues bit for bit: model, Adam's moments and step, the cosine schedule, the epoch, the generator. */
class CheckpointTest {
    record Run(Sequential model, Optimizer opt, LRScheduler sched, Generator gen) {
        static Run fresh(long initSeed) {
            Sequential m = new Sequential(new Linear(8, 16, new Generator(initSeed)), new Tanh(), new Linear(16, 3, new Generator(initSeed + 1)));
            Adam opt = new Adam(m.parameters(), new Adam.Options().lr(0.01).amsgrad(true));
            return new Run(m, opt, new CosineAnnealingLR(opt, 7, 1e-4), new Generator(99));
        }

        void train(int steps) {
            for (int s = 0; s < steps; s++) {
                Tensor x = Tensor.randn(gen, 10, 8).add(Tensor.randn(gen, 1)); // data from the checkpointed generator; 81 normals, so a spare Box-Muller value crosses the save
                long[] y = new long[10];
                for (int i = 0; i < 10; i++) y[i] = (long) (gen.nextDouble() * 3);
                Variable loss = new CrossEntropyLoss().forward(model.forward(x), Tensor.of(y, 10));
                opt.zeroGrad();
                loss.backward();
                opt.step();
                sched.step();
            }
        }
    }

    @Test
    void resumesBitForBitFromSafetensors(@TempDir Path dir) throws Exception {
        resumesBitForBit(dir.resolve("ckpt.safetensors"));
    }

    @Test
    void resumesBitForBitFromNpz(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ckpt.npz");
        resumesBitForBit(f);
        // an ordinary NumPy archive: the entries are there under their names
        java.util.Map<String, Tensor> raw = Npz.load(f);
        assertEquals(12L, raw.get("meta.epoch").toLongArray()[0]);
        assertEquals(3, raw.get("meta.generator").numel());
        org.junit.jupiter.api.Assertions.assertTrue(raw.containsKey("model.0.weight") && raw.containsKey("optimizer.state.0.exp_avg"), raw.keySet().toString());
    }

    private static void resumesBitForBit(Path f) throws Exception {
        Run straight = Run.fresh(1);
        straight.train(25);

        Run first = Run.fresh(1);
        first.train(12);
        Checkpoint.save(f, first.model(), first.opt(), first.sched(), 12, first.gen());
        first.gen().nextDouble(); // a use after saving must not leak into the resumed run

        Run resumed = Run.fresh(5); // other initial weights: everything must come from the file
        assertEquals(12, Checkpoint.load(f, resumed.model(), resumed.opt(), resumed.sched(), resumed.gen()));
        resumed.train(13);

        List<Variable> a = straight.model().parameters(), b = resumed.model().parameters();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).data().toFloatArray(), b.get(i).data().toFloatArray());
        assertEquals(straight.sched().getLastLr(), resumed.sched().getLastLr());
        assertEquals(straight.gen().nextLong(), resumed.gen().nextLong());
    }

    @Test
    void refusesAFileThatIsNoCheckpoint(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("plain.safetensors");
        Run r = Run.fresh(1);
        SafeTensors.save(r.model().stateDict(), f);
        assertThrows(java.io.IOException.class, () -> Checkpoint.load(f, r.model(), r.opt(), r.sched(), r.gen()));
        Path z = dir.resolve("plain.npz");
        Npz.save(r.model().stateDict(), z);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Checkpoint.load(z, r.model(), r.opt(), r.sched(), r.gen()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not a simdgrad checkpoint"), e.getMessage());
    }
}
