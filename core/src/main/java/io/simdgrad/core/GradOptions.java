package io.simdgrad.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The options of {@link Autograd#grad(List, List, GradOptions)}, by name rather than by position
 * (PyTorch's keyword arguments of {@code torch.autograd.grad}). Immutable: each setter returns a
 * new instance, so a configured instance can be kept in a constant.
 *
 * <pre>{@code
 * List<Variable> g = Autograd.grad(List.of(loss), List.of(theta),
 *         GradOptions.create().createGraph(true));             // retainGraph follows createGraph
 * }</pre>
 */
public final class GradOptions {
    private static final GradOptions DEFAULTS = new GradOptions(null, null, false, false, false);

    private final List<Tensor> gradOutputs;
    /** Null: follows createGraph, as PyTorch's {@code retain_graph=None}. */
    private final Boolean retainGraph;
    private final boolean createGraph;
    private final boolean allowUnused;
    private final boolean materializeGrads;

    private GradOptions(List<Tensor> gradOutputs, Boolean retainGraph, boolean createGraph, boolean allowUnused,
                        boolean materializeGrads) {
        this.gradOutputs = gradOutputs;
        this.retainGraph = retainGraph;
        this.createGraph = createGraph;
        this.allowUnused = allowUnused;
        this.materializeGrads = materializeGrads;
    }

    /** The defaults: no gradOutputs (every output has one element), no graph kept or created, unused inputs fail. */
    public static GradOptions create() {
        return DEFAULTS;
    }

    /**
     * The gradients of some scalar with respect to each output ({@code grad_outputs}), the
     * vector of the vector-Jacobian product; null entries (or no list) for one-element outputs.
     */
    public GradOptions gradOutputs(List<Tensor> gradOutputs) {
        List<Tensor> copy = gradOutputs == null ? null : Collections.unmodifiableList(new ArrayList<>(gradOutputs));
        return new GradOptions(copy, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** Keeps the graph's saved values for another backward ({@code retain_graph}); by default it follows {@link #createGraph}. */
    public GradOptions retainGraph(boolean retainGraph) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** Records the backward pass, so the gradients can be differentiated again ({@code create_graph}). */
    public GradOptions createGraph(boolean createGraph) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** Gives null for an input the outputs do not depend on instead of failing ({@code allow_unused}). */
    public GradOptions allowUnused(boolean allowUnused) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /**
     * Gives zeros of the input's shape for an input the outputs do not depend on
     * ({@code materialize_grads}; implies {@link #allowUnused}).
     */
    public GradOptions materializeGrads(boolean materializeGrads) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** The gradient outputs, or null. */
    public List<Tensor> gradOutputs() {
        return gradOutputs;
    }

    /** Whether the graph is kept: as set, else {@link #createGraph()}. */
    public boolean retainGraph() {
        return retainGraph != null ? retainGraph : createGraph;
    }

    /** Whether the backward pass is recorded. */
    public boolean createGraph() {
        return createGraph;
    }

    /** Whether unused inputs give null (or zeros, with {@link #materializeGrads()}). */
    public boolean allowUnused() {
        return allowUnused || materializeGrads;
    }

    /** Whether unused inputs give zeros. */
    public boolean materializeGrads() {
        return materializeGrads;
    }

    @Override
    public String toString() {
        return "GradOptions[gradOutputs=" + (gradOutputs == null ? "null" : gradOutputs.size() + " tensors") + ", retainGraph="
                + retainGraph() + ", createGraph=" + createGraph + ", allowUnused=" + allowUnused() + ", materializeGrads="
                + materializeGrads + "]";
    }
}
