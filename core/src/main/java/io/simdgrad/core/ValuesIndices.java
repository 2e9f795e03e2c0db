package io.simdgrad.core;

/**
 * The values an op picked along a dim and their INT64 indices, like PyTorch's named tuples
 * ({@code torch.return_types.max}, {@code sort}, {@code topk}, {@code kthvalue}, {@code median}).
 * The values carry the gradient, to exactly the picked indices.
 *
 * @param values the picked values (a {@link Tensor} or {@link Variable})
 * @param indices where they were, INT64, no gradient
 * @param <T> Tensor or Variable
 */
public record ValuesIndices<T>(T values, T indices) {}
