package io.simdgrad.simd;

/**
 * The convolution, pooling and padding kernels of one primitive type behind {@code Object}
 * arrays ({@link ArrayKernels#conv()}): each forwards to the checked facade {@link FloatConv} /
 * {@link FloatPool} or its double twin.
 */
public interface ConvArrayKernels {
    /** See {@link FloatConv#forward}. */
    void forward(ConvGeometry g, Object x, int xo, Object w, int wo, Object y, int yo);

    /** See {@link FloatConv#backwardInput}. */
    void backwardInput(ConvGeometry g, Object gy, int gyo, Object w, int wo, Object gx, int gxo);

    /** See {@link FloatConv#backwardWeight}. */
    void backwardWeight(ConvGeometry g, Object x, int xo, Object gy, int gyo, Object gw, int gwo);

    /** See {@link FloatConv#im2col}. */
    void im2col(ConvGeometry g, Object x, int xo, Object col, int co);

    /** See {@link FloatConv#col2im}. */
    void col2im(ConvGeometry g, Object col, int co, Object x, int xo);

    /** See {@link FloatPool#maxPoolIndices}. */
    void maxPoolIndices(Object x, int xo, int planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw,
                        int ph, int pw, int dh, int dw, long[] idx, int io);

    /** See {@link FloatPool#gatherPlanes}. */
    void gatherPlanes(Object x, int xo, int planes, int hw, long[] idx, int io, int m, Object out, int oo);

    /** See {@link FloatPool#scatterAddPlanes}. */
    void scatterAddPlanes(Object g, int go, int planes, int hw, long[] idx, int io, int m, Object out, int oo);

    /** See {@link FloatPool#windowAverage}. */
    void windowAverage(Object x, int xo, int planes, int h, int w, int[] ys, int[] ye, int[] hd, int[] xs, int[] xe, int[] wd,
                       int divisor, Object out, int oo);

    /** See {@link FloatPool#windowAverageBackward}. */
    void windowAverageBackward(Object g, int go, int planes, int h, int w, int[] ys, int[] ye, int[] hd, int[] xs, int[] xe, int[] wd,
                               int divisor, Object gx, int gxo);

    /** See {@link FloatPool#gatherRowsCols}. */
    void gatherRowsCols(Object x, int xo, int planes, int h, int w, int[] rows, int[] cols, double fill, Object out, int oo);

    /** See {@link FloatPool#scatterAddRowsCols}. */
    void scatterAddRowsCols(Object g, int go, int planes, int h, int w, int[] rows, int[] cols, Object gx, int gxo);
}
