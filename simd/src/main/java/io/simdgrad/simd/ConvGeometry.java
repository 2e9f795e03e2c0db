package io.simdgrad.simd;

/**
 * The sizes of one 2-D convolution over a batch, shared by its forward, its two gradients,
 * im2col and col2im: input {@code [n, c, h, w]}, weight {@code [oc, c/groups, kh, kw]}, output
 * {@code [n, oc, oh, ow]} with {@code oh = (h + 2ph - dh(kh-1) - 1) / sh + 1} (likewise ow). A 1-D
 * convolution is the case {@code h = kh = sh = dh = 1, ph = 0}. Validated once here (every size
 * positive, groups dividing both channel counts, the output size as the formula gives it and
 * every element count within an int), so the kernels only assert.
 */
public final class ConvGeometry {
    public final int n, c, h, w, oc, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
    /** Derived: channels per group in and out, the im2col rows (cg*kh*kw), output and input plane sizes. */
    public final int cg, ocg, kk, ohw, hw;

    /**
     * @throws IllegalArgumentException when a size is out of range, the groups do not divide the
     *         channels, the output size does not follow from the others, or a count passes an int
     */
    public ConvGeometry(int n, int c, int h, int w, int oc, int groups, int kh, int kw, int sh, int sw, int ph, int pw,
                        int dh, int dw, int oh, int ow) {
        if (n < 0 || c < 1 || h < 1 || w < 1 || oc < 1 || groups < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0
                || dh < 1 || dw < 1 || oh < 1 || ow < 1 || c % groups != 0 || oc % groups != 0) {
            throw new IllegalArgumentException("ConvGeometry: invalid sizes " + this.describe(n, c, h, w, oc, groups, kh, kw, sh, sw,
                    ph, pw, dh, dw, oh, ow));
        }
        if (outSize(h, kh, sh, ph, dh) != oh || outSize(w, kw, sw, pw, dw) != ow) {
            throw new IllegalArgumentException("ConvGeometry: output " + oh + " x " + ow + " does not follow from "
                    + describe(n, c, h, w, oc, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow));
        }
        this.n = n; this.c = c; this.h = h; this.w = w; this.oc = oc; this.groups = groups;
        this.kh = kh; this.kw = kw; this.sh = sh; this.sw = sw; this.ph = ph; this.pw = pw; this.dh = dh; this.dw = dw;
        this.oh = oh; this.ow = ow;
        this.cg = c / groups;
        this.ocg = oc / groups;
        this.kk = Math.multiplyExact(Math.multiplyExact(cg, kh), kw);
        this.ohw = Math.multiplyExact(oh, ow);
        this.hw = Math.multiplyExact(h, w);
        // every array the kernels index: input, output, weight, one image's columns
        Math.multiplyExact(Math.multiplyExact(n, c), hw);
        Math.multiplyExact(Math.multiplyExact(n, oc), ohw);
        Math.multiplyExact(oc, kk);
        Math.multiplyExact(kk, ohw);
    }

    /** {@code (in + 2 pad - dilation (k - 1) - 1) / stride + 1}, floored (may be below 1 when the kernel does not fit). */
    public static int outSize(int in, int k, int stride, int pad, int dilation) {
        long span = (long) dilation * (k - 1) + 1;
        return (int) Math.floorDiv(in + 2L * pad - span, stride) + 1;
    }

    private String describe(int n, int c, int h, int w, int oc, int groups, int kh, int kw, int sh, int sw, int ph, int pw,
                            int dh, int dw, int oh, int ow) {
        return "input [" + n + ", " + c + ", " + h + ", " + w + "], " + oc + " output channels, groups " + groups + ", kernel "
                + kh + " x " + kw + ", stride " + sh + " x " + sw + ", padding " + ph + " x " + pw + ", dilation " + dh + " x "
                + dw + ", output " + oh + " x " + ow;
    }

    /** Input elements. */
    public int inputSize() { return n * c * hw; }
    /** Output elements. */
    public int outputSize() { return n * oc * ohw; }
    /** Weight elements. */
    public int weightSize() { return oc * kk; }

    @Override public String toString() {
        return describe(n, c, h, w, oc, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }
}
