package io.simdgrad.jqwik;

import java.util.Arrays;
import java.util.List;

/**
 * Shapes that broadcast together, and the shape they broadcast to (NumPy/PyTorch rules: align
 * at the last dim; each pair of sizes is equal or one of them is 1; missing leading dims count
 * as 1).
 *
 * @param inputs the operand shapes
 * @param result the broadcast shape
 */
public record BroadcastShapes(List<int[]> inputs, int[] result) {
    /**
     * The i-th operand shape.
     *
     * @param i the operand index
     * @return a copy of its shape
     */
    public int[] input(int i) {
        return inputs.get(i).clone();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int[] in : inputs) s.append(s.isEmpty() ? "" : " & ").append(Arrays.toString(in));
        return s.append(" -> ").append(Arrays.toString(result)).toString();
    }
}
