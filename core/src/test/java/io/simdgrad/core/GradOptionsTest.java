package io.simdgrad.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Autograd#grad(List, List, GradOptions)}: the options by name, as torch.autograd.grad's keywords, against hand-derived derivatives. */
class GradOptionsTest {

    private static Variable leaf(double... v) {
        return new Variable(Tensor.of(v), true);
    }

    @Test
    void createGraphGivesDifferentiableGradientsAndRetainsByDefault() {
        Variable x = leaf(0.5, -1.2);
        Variable y = x.pow(3.0).sum();
        Variable g = Autograd.grad(List.of(y), List.of(x), GradOptions.create().createGraph(true)).get(0);
        assertTrue(g.requiresGrad());
        // retainGraph followed createGraph: a second pass over y's graph works
        Autograd.grad(List.of(y), List.of(x), GradOptions.create());
        Variable h = Autograd.grad(List.of(g.sum()), List.of(x), GradOptions.create()).get(0);
        assertArrayEquals(new double[] {6 * 0.5, 6 * -1.2}, h.data().toDoubleArray(), 1e-12);
    }

    @Test
    void withoutRetainGraphASecondPassFailsWithTheOptionsForm() {
        Variable x = leaf(0.5);
        Variable y = x.exp().sum();
        Autograd.grad(List.of(y), List.of(x), GradOptions.create());
        var e = assertThrows(IllegalStateException.class, () -> Autograd.grad(List.of(y), List.of(x), GradOptions.create()));
        assertTrue(e.getMessage().contains("GradOptions.create().retainGraph(true)"), e.getMessage());
        Variable z = x.exp().sum();
        Autograd.grad(List.of(z), List.of(x), GradOptions.create().retainGraph(true));
        assertEquals(Math.exp(0.5), Autograd.grad(List.of(z), List.of(x), GradOptions.create()).get(0).item(), 1e-12);
    }

    @Test
    void allowUnusedGivesNullAndMaterializeGradsZeros() {
        Variable x = leaf(1, 2), unused = leaf(3);
        Variable y = x.sum();
        List<Variable> g = Autograd.grad(List.of(y), List.of(x, unused), GradOptions.create().allowUnused(true).retainGraph(true));
        assertNull(g.get(1));
        List<Variable> m = Autograd.grad(List.of(y), List.of(x, unused), GradOptions.create().materializeGrads(true).retainGraph(true));
        assertArrayEquals(new double[] {0}, m.get(1).data().toDoubleArray());
        var e = assertThrows(IllegalArgumentException.class, () -> Autograd.grad(List.of(y), List.of(x, unused), GradOptions.create()));
        assertTrue(e.getMessage().contains("GradOptions.create().allowUnused(true)"), e.getMessage());
    }

    @Test
    void gradOutputsWeightTheOutputsAndTheOldOverloadsAgree() {
        Variable x = leaf(0.3, 0.9);
        Variable y = x.sin();
        Tensor v = Tensor.of(new double[] {2, -1});
        Variable a = Autograd.grad(List.of(y), List.of(x), GradOptions.create().gradOutputs(List.of(v)).retainGraph(true)).get(0);
        Variable b = Autograd.grad(List.of(y), List.of(x), List.of(v), true, false).get(0);
        assertArrayEquals(new double[] {2 * Math.cos(0.3), -Math.cos(0.9)}, a.data().toDoubleArray(), 1e-15);
        assertArrayEquals(a.data().toDoubleArray(), b.data().toDoubleArray());
        assertFalse(a.requiresGrad());
    }

    @Test
    void optionsAreImmutableValues() {
        GradOptions base = GradOptions.create();
        GradOptions g = base.createGraph(true);
        assertSame(base, GradOptions.create());
        assertFalse(base.createGraph());
        assertTrue(g.createGraph() && g.retainGraph());
        assertFalse(g.retainGraph(false).retainGraph());
        assertThrows(NullPointerException.class, () -> Autograd.grad(List.of(leaf(1)), List.of(leaf(1)), null));
    }

    @Test
    void gradRunsOnlyTheNodesOnAPathToItsInputs() {
        // grad(z, y) must not run (and free) the graph below y: y's own backward still works after it
        Variable x = leaf(0.4, 0.6);
        Variable y = x.mul(x);
        Variable z = y.exp().sum();
        Variable gy = Autograd.grad(List.of(z), List.of(y), GradOptions.create()).get(0);
        assertArrayEquals(new double[] {Math.exp(0.16), Math.exp(0.36)}, gy.data().toDoubleArray(), 1e-12);
        Variable gx = Autograd.grad(List.of(y.sum()), List.of(x), GradOptions.create()).get(0);
        assertArrayEquals(new double[] {0.8, 1.2}, gx.data().toDoubleArray(), 1e-15);
    }
}
