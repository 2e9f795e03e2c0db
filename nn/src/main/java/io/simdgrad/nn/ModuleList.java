package io.simdgrad.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Children held in a list, named {@code 0, 1, ...}, PyTorch's {@code nn.ModuleList}: registered
 * (their parameters are the owner's) but not called in order; printed with runs of equal
 * children folded ({@code (0-2): 3 x Linear(...)}) as PyTorch prints it.
 */
public final class ModuleList extends IndexedModules {
    /** The modules in order. */
    public ModuleList(Module... modules) {
        for (Module m : modules) append(m);
    }

    /** Adds {@code m} at the end under the next index; returns this. */
    public ModuleList append(Module m) {
        add(m);
        return this;
    }

    @Override
    List<String> childLines() {
        List<Module> kids = children();
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= kids.size(); i++) {
            String prev = kids.get(start).toString();
            if (i < kids.size() && kids.get(i).toString().equals(prev)) continue;
            String head = start == i - 1 ? "(" + start + "): " : "(" + start + "-" + (i - 1) + "): " + (i - start) + " x ";
            out.add(indent(head + prev));
            start = i;
        }
        return out;
    }

    @Override
    public String toString() {
        return namedChildren().isEmpty() ? name() + "()" : super.toString();
    }
}
