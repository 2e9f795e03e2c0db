package io.simdgrad.simd;

/** {@link ConvArrayKernels} on {@code float[]}: each method casts once and calls the checked facade. */
final class FloatConvArrayKernels implements ConvArrayKernels {
    static final FloatConvArrayKernels INSTANCE = new FloatConvArrayKernels();

    private FloatConvArrayKernels() {}

    @Override public void forward(ConvGeometry g, Object x, int xo, Object w, int wo, Object y, int yo) {
        FloatConv.forward(g, (float[]) x, xo, (float[]) w, wo, (float[]) y, yo);
    }
    @Override public void backwardInput(ConvGeometry g, Object gy, int gyo, Object w, int wo, Object gx, int gxo) {
        FloatConv.backwardInput(g, (float[]) gy, gyo, (float[]) w, wo, (float[]) gx, gxo);
    }
    @Override public void backwardWeight(ConvGeometry g, Object x, int xo, Object gy, int gyo, Object gw, int gwo) {
        FloatConv.backwardWeight(g, (float[]) x, xo, (float[]) gy, gyo, (float[]) gw, gwo);
    }
    @Override public void im2col(ConvGeometry g, Object x, int xo, Object col, int co) {
        FloatConv.im2col(g, (float[]) x, xo, (float[]) col, co);
    }
    @Override public void col2im(ConvGeometry g, Object col, int co, Object x, int xo) {
        FloatConv.col2im(g, (float[]) col, co, (float[]) x, xo);
    }
    @Override public void maxPoolIndices(Object x, int xo, int planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw,
                                         int ph, int pw, int dh, int dw, long[] idx, int io) {
        FloatPool.maxPoolIndices((float[]) x, xo, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, idx, io);
    }
    @Override public void gatherPlanes(Object x, int xo, int planes, int hw, long[] idx, int io, int m, Object out, int oo) {
        FloatPool.gatherPlanes((float[]) x, xo, planes, hw, idx, io, m, (float[]) out, oo);
    }
    @Override public void scatterAddPlanes(Object g, int go, int planes, int hw, long[] idx, int io, int m, Object out, int oo) {
        FloatPool.scatterAddPlanes((float[]) g, go, planes, hw, idx, io, m, (float[]) out, oo);
    }
    @Override public void windowAverage(Object x, int xo, int planes, int h, int w, int[] ys, int[] ye, int[] hd, int[] xs, int[] xe,
                                        int[] wd, int divisor, Object out, int oo) {
        FloatPool.windowAverage((float[]) x, xo, planes, h, w, ys, ye, hd, xs, xe, wd, divisor, (float[]) out, oo);
    }
    @Override public void windowAverageBackward(Object g, int go, int planes, int h, int w, int[] ys, int[] ye, int[] hd, int[] xs,
                                                int[] xe, int[] wd, int divisor, Object gx, int gxo) {
        FloatPool.windowAverageBackward((float[]) g, go, planes, h, w, ys, ye, hd, xs, xe, wd, divisor, (float[]) gx, gxo);
    }
    @Override public void gatherRowsCols(Object x, int xo, int planes, int h, int w, int[] rows, int[] cols, double fill, Object out, int oo) {
        FloatPool.gatherRowsCols((float[]) x, xo, planes, h, w, rows, cols, (float) fill, (float[]) out, oo);
    }
    @Override public void scatterAddRowsCols(Object g, int go, int planes, int h, int w, int[] rows, int[] cols, Object gx, int gxo) {
        FloatPool.scatterAddRowsCols((float[]) g, go, planes, h, w, rows, cols, (float[]) gx, gxo);
    }
}
