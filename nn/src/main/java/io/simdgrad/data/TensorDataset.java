package io.simdgrad.data;

import io.simdgrad.core.Tensor;
import io.simdgrad.core.ops.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples are the rows (dim 0) of tensors of equal first size, PyTorch's {@code TensorDataset(*tensors)}.
 * The values are copied once into Java arrays, from which batches are copied row by row.
 */
public final class TensorDataset implements Dataset {
    private final List<Tensor> tensors;
    private final List<Rows> rows = new ArrayList<>();

    /** Rows of {@code tensors}, which must agree in size(0). */
    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("TensorDataset: at least one tensor is needed");
        for (Tensor t : tensors) {
            if (t.dim() == 0 || t.size(0) != tensors[0].size(0)) {
                throw new IllegalArgumentException("TensorDataset: Size mismatch between tensors: " + Shapes.str(tensors[0].shape()) + " and " + Shapes.str(t.shape()));
            }
        }
        List<Tensor> c = new ArrayList<>();
        for (Tensor t : tensors) c.add(t.contiguous());
        this.tensors = List.copyOf(c);
        for (Tensor t : c) rows.add(new Rows(t));
    }

    @Override
    public int size() {
        return tensors.get(0).size(0);
    }

    @Override
    public List<Tensor> get(int index) {
        checkIndex(index);
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) out.add(t.select(0, index));
        return out;
    }

    /** The rows {@code indices} of each tensor copied into new contiguous batch tensors. */
    @Override
    public List<Tensor> batch(int[] indices) {
        for (int i : indices) checkIndex(i);
        List<Tensor> out = new ArrayList<>();
        for (Rows r : rows) out.add(r.gather(indices));
        return out;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException("TensorDataset: index " + index + " is out of bounds for size " + size());
    }
}
