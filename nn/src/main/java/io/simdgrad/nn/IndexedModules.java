package io.simdgrad.nn;

/** Children named {@code 0, 1, ...} in order: what {@link Sequential} and {@link ModuleList} share. */
abstract class IndexedModules extends Module {
    final void add(Module m) {
        addModule(Integer.toString(namedChildren().size()), m);
    }

    /** The child at {@code index}. */
    public final Module get(int index) {
        return child(Integer.toString(index));
    }

    /** The number of children. */
    public final int size() {
        return namedChildren().size();
    }
}
