package io.simdgrad.jqwik;

import io.simdgrad.core.Tensor;
import java.util.Arrays;
import java.util.List;

/** Text for failure reports: a tensor's dtype, shape, layout and values. */
final class Describe {
    private Describe() {}

    /** {@code f64[2, 3] strides [1, 2] offset 1: tensor([[...]])}; layout only when not contiguous. */
    static String tensor(Tensor t) {
        String layout = t.isContiguous() && t.storageOffset() == 0 ? ""
                : " strides " + Arrays.toString(t.strides()) + " offset " + t.storageOffset();
        return t.dtype().shortName() + Arrays.toString(t.shape()) + layout + ": " + t;
    }

    /** One line per input, {@code [i] } and its description. */
    static String inputs(List<Tensor> inputs) {
        StringBuilder s = new StringBuilder("inputs:");
        for (int i = 0; i < inputs.size(); i++) s.append("\n  [").append(i).append("] ").append(tensor(inputs.get(i)));
        return s.toString();
    }
}
