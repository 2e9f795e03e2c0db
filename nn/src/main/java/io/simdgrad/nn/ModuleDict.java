package io.simdgrad.nn;

/** Children held by name in insertion order, PyTorch's {@code nn.ModuleDict}. */
public final class ModuleDict extends Module {
    /** An empty dict. */
    public ModuleDict() {}

    /** Adds {@code m} under {@code key}; returns this. */
    public ModuleDict put(String key, Module m) {
        addModule(key, m);
        return this;
    }

    /** The child under {@code key}. */
    public Module get(String key) {
        return child(key);
    }

    /** The number of children. */
    public int size() {
        return namedChildren().size();
    }
}
