package io.simdgrad.simd;

/**
 * Row-wise layer normalisation on {@code float} arrays (PyTorch's {@code native_layer_norm} and
 * {@code native_layer_norm_backward}). A block is {@code rows x cols}, contiguous (row r at
 * {@code off + r*cols}); {@code w} and {@code b} hold {@code cols} values. For row r:
 * {@code mean_r = sum_c x(r,c) / cols}, {@code var_r = sum_c (x(r,c) - mean_r)^2 / cols} (biased,
 * two passes over the row), {@code rstd_r = 1 / sqrt(var_r + eps)},
 * {@code xhat(r,c) = (x(r,c) - mean_r) * rstd_r}. Implementations run on the caller's thread and
 * trust their arguments (only {@code assert}); {@link FloatNorm} validates them and splits rows
 * over threads.
 */
public interface FloatNormKernels {
    /**
     * {@code y(r,c) = xhat(r,c) * w[c] + b[c]}; y may be the input block (in place). When
     * {@code stats} is not null, {@code stats[statsOff + 2r] = mean_r} and
     * {@code stats[statsOff + 2r + 1] = rstd_r}.
     */
    void layerNormRows(float[] x, int xOff, int rows, int cols, float[] w, int wOff, float[] b, int bOff, float eps,
                       float[] y, int yOff, float[] stats, int statsOff);

    /**
     * The gradients of {@link #layerNormRows} for the output gradient g (same block shape):
     * {@code dx(r,c) = rstd_r * (g(r,c) w[c] - (A_r + xhat(r,c) C_r) / cols)} with
     * {@code A_r = sum_c g(r,c) w[c]} and {@code C_r = sum_c g(r,c) w[c] xhat(r,c)}; and, adding
     * to what the arrays hold, row after row in order, {@code dw[c] += g(r,c) xhat(r,c)},
     * {@code db[c] += g(r,c)}. The row statistics are recomputed from x exactly as the forward
     * computes them (the same bits), so nothing needs saving between the two.
     */
    void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, int rows, int cols, float[] w, int wOff, float eps,
                               float[] dx, int dxOff, float[] dw, int dwOff, float[] db, int dbOff);
}
