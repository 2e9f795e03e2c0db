package io.simdgrad.data;

import io.simdgrad.core.Tensor;
import java.util.List;

/** A map-style dataset, PyTorch's {@code torch.utils.data.Dataset}: {@link #size()} samples, each a list of tensors (features, label, ...). */
public interface Dataset {
    /** The number of samples, PyTorch's {@code __len__}. */
    int size();

    /** Sample {@code index}, PyTorch's {@code __getitem__}. */
    List<Tensor> get(int index);

    /**
     * Samples {@code indices} collated into batch tensors (each field stacked along a new dim 0),
     * PyTorch's {@code default_collate}; datasets that hold tensors override it to copy rows directly.
     */
    default List<Tensor> batch(int[] indices) {
        List<List<Tensor>> samples = new java.util.ArrayList<>();
        for (int i : indices) samples.add(get(i));
        return DataLoader.defaultCollate(samples);
    }
}
