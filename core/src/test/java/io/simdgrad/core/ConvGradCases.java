package io.simdgrad.core;

import io.simdgrad.core.nn.Functional;
import io.simdgrad.core.ops.ConvOps;

import java.util.List;
import java.util.Random;

import static io.simdgrad.core.GradCheckProperties.ANY;
import static io.simdgrad.core.GradCheckProperties.DISTINCT;
import static io.simdgrad.core.GradCheckProperties.leaf;
import static io.simdgrad.core.GradCheckProperties.make;
import static io.simdgrad.core.GradCheckProperties.op;

/**
 * The gradcheck table of convolution, pooling and padding ({@link ConvOps}, {@link PoolOps}):
 * random batch, channels, groups (depthwise included), kernel, stride, padding, dilation and
 * spatial sizes that fit, small enough for float64 finite differences of second order.
 */
final class ConvGradCases {
    private ConvGradCases() {}

    /** A spatial size the window fits into: padded size at least the dilated kernel. */
    static int fitting(Random r, int k, int pad, int dilation) {
        int span = dilation * (k - 1) + 1;
        return Math.max(1, span - 2 * pad) + r.nextInt(3);
    }

    static GradCheckProperties.Case conv(Random r, int dims) {
        int groups = 1 + r.nextInt(2), cg = 1 + r.nextInt(2), ocg = 1 + r.nextInt(2), n = 1 + r.nextInt(2);
        boolean depthwise = r.nextInt(4) == 0;
        if (depthwise) {
            cg = 1;
            groups = 1 + r.nextInt(3);
        }
        int[] k = new int[2], s = new int[2], p = new int[2], d = new int[2], sz = new int[2];
        for (int i = 0; i < 2; i++) {
            k[i] = 1 + r.nextInt(3);
            s[i] = 1 + r.nextInt(2);
            p[i] = r.nextInt(3);
            d[i] = 1 + r.nextInt(2);
            sz[i] = fitting(r, k[i], p[i], d[i]);
        }
        boolean same = r.nextInt(4) == 0, bias = r.nextBoolean();
        int c = groups * cg, oc = groups * ocg, gr = groups;
        Variable x = dims == 1 ? leaf(r, ANY, n, c, sz[1] + (same ? d[1] * k[1] : 0)) : leaf(r, ANY, n, c, sz[0] + (same ? d[0] * k[0] : 0), sz[1]
                + (same ? d[1] * k[1] : 0));
        Variable w = dims == 1 ? leaf(r, ANY, oc, cg, k[1]) : leaf(r, ANY, oc, cg, k[0], k[1]);
        Variable b = leaf(r, ANY, oc);
        String params = "groups=" + groups + ", k=" + java.util.Arrays.toString(k) + ", stride=" + java.util.Arrays.toString(s) + ", padding="
                + (same ? "same" : java.util.Arrays.toString(p)) + ", dilation=" + java.util.Arrays.toString(d) + ", bias=" + bias;
        if (dims == 1) {
            return make(params, v -> same ? Functional.conv1d(v.get(0), v.get(1), bias ? v.get(2) : null, 1, "same", d[1], gr)
                    : Functional.conv1d(v.get(0), v.get(1), bias ? v.get(2) : null, s[1], p[1], d[1], gr), x, w, b);
        }
        return make(params, v -> same ? Functional.conv2d(v.get(0), v.get(1), bias ? v.get(2) : null, new int[] {1}, "same", d, gr)
                : Functional.conv2d(v.get(0), v.get(1), bias ? v.get(2) : null, s, p, d, gr), x, w, b);
    }

    static GradCheckProperties.Case convTranspose(Random r) {
        while (true) {
            int groups = 1 + r.nextInt(2), cg = 1 + r.nextInt(2), ocg = 1 + r.nextInt(2), n = 1 + r.nextInt(2);
            int[] k = new int[2], s = new int[2], p = new int[2], d = new int[2], op = new int[2], in = new int[2];
            boolean ok = true;
            for (int i = 0; i < 2; i++) {
                k[i] = 1 + r.nextInt(3);
                s[i] = 1 + r.nextInt(3);
                p[i] = r.nextInt(2);
                d[i] = 1 + r.nextInt(2);
                op[i] = r.nextInt(s[i]);
                in[i] = 1 + r.nextInt(3);
                ok &= (in[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1 >= 1;
            }
            if (!ok) continue;
            boolean bias = r.nextBoolean();
            Variable x = leaf(r, ANY, n, groups * cg, in[0], in[1]);
            Variable w = leaf(r, ANY, groups * cg, ocg, k[0], k[1]);
            Variable b = leaf(r, ANY, groups * ocg);
            String params = "groups=" + groups + ", k=" + java.util.Arrays.toString(k) + ", stride=" + java.util.Arrays.toString(s)
                    + ", padding=" + java.util.Arrays.toString(p) + ", outputPadding=" + java.util.Arrays.toString(op) + ", dilation="
                    + java.util.Arrays.toString(d);
            return make(params, v -> Functional.convTranspose2d(v.get(0), v.get(1), bias ? v.get(2) : null, s, p, op, groups, d), x, w, b);
        }
    }

    /** Pooling window parameters: k, stride, padding (at most half the window), dilation, an input size it fits. */
    static int[] window(Random r, boolean dilated) {
        int k = 1 + r.nextInt(3), s = 1 + r.nextInt(2), d = dilated ? 1 + r.nextInt(2) : 1;
        int p = r.nextInt((d * (k - 1) + 1) / 2 + 1);
        int size = Math.max(1, d * (k - 1) + 1 - 2 * p) + r.nextInt(3);
        return new int[] {k, s, p, d, size};
    }

    static GradCheckProperties.Case maxPool(Random r, int dims) {
        int[] a = nonEmptyWindow(r), b = nonEmptyWindow(r);
        boolean ceil = r.nextBoolean();
        int n = 1 + r.nextInt(2), c = 1 + r.nextInt(2);
        String params = "h=" + java.util.Arrays.toString(a) + ", w=" + java.util.Arrays.toString(b) + ", ceil=" + ceil;
        if (dims == 1) {
            return make(params, v -> Functional.maxPool1d(v.get(0), b[0], b[1], b[2], b[3], ceil), leaf(r, DISTINCT, n, c, b[4]));
        }
        return make(params, v -> Functional.maxPool2d(v.get(0), new int[] {a[0], b[0]}, new int[] {a[1], b[1]}, new int[] {a[2], b[2]},
                new int[] {a[3], b[3]}, ceil), leaf(r, DISTINCT, n, c, a[4], b[4]));
    }

    static int[] nonEmptyWindow(Random r) {
        while (true) {
            int[] a = window(r, true);
            if (!emptyWindow(a)) return a;
        }
    }

    /** Whether some max-pool window (ceil mode included) has no element inside the input: its value is -inf. */
    static boolean emptyWindow(int[] a) {
        int k = a[0], s = a[1], p = a[2], d = a[3], in = a[4];
        for (int out = 0; out < in + 2 * p + s; out++) {
            int start = out * s - p;
            if (start >= in + p) break;
            boolean any = false;
            for (int j = 0; j < k; j++) any |= start + j * d >= 0 && start + j * d < in;
            if (!any) return true;
        }
        return false;
    }

    static GradCheckProperties.Case avgPool(Random r, int dims) {
        int[] a = window(r, false), b = window(r, false);
        boolean ceil = r.nextBoolean(), include = r.nextBoolean();
        int divisor = r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 0;
        int n = 1 + r.nextInt(2), c = 1 + r.nextInt(2);
        String params = "h=" + java.util.Arrays.toString(a) + ", w=" + java.util.Arrays.toString(b) + ", ceil=" + ceil + ", countIncludePad="
                + include + ", divisor=" + divisor;
        if (dims == 1) {
            return make(params, v -> Functional.avgPool1d(v.get(0), b[0], b[1], b[2], ceil, include), leaf(r, ANY, n, c, b[4]));
        }
        return make(params, v -> Functional.avgPool2d(v.get(0), new int[] {a[0], b[0]}, new int[] {a[1], b[1]}, new int[] {a[2], b[2]}, ceil,
                include, divisor), leaf(r, ANY, n, c, a[4], b[4]));
    }

    static final List<GradCheckProperties.OpTest> CONV = List.of(
            op("conv2d", r -> conv(r, 2)),
            op("conv1d", r -> conv(r, 1)),
            op("convTranspose2d", ConvGradCases::convTranspose),
            op("maxPool2d", r -> maxPool(r, 2)),
            op("maxPool1d", r -> maxPool(r, 1)),
            op("avgPool2d", r -> avgPool(r, 2)),
            op("avgPool1d", r -> avgPool(r, 1)),
            op("adaptiveAvgPool2d", r -> {
                int h = 1 + r.nextInt(5), w = 1 + r.nextInt(5), oh = 1 + r.nextInt(h + 1), ow = 1 + r.nextInt(w + 1);
                return make("out=" + oh + "x" + ow, v -> Functional.adaptiveAvgPool2d(v.get(0), new int[] {oh, ow}),
                        leaf(r, ANY, 1 + r.nextInt(2), 1 + r.nextInt(2), h, w));
            }),
            op("adaptiveMaxPool2d", r -> { // distinct values: no ties, so finite differences see one argmax per window
                int h = 1 + r.nextInt(5), w = 1 + r.nextInt(5), oh = 1 + r.nextInt(h + 1), ow = 1 + r.nextInt(w + 1);
                return make("out=" + oh + "x" + ow, v -> Functional.adaptiveMaxPool2d(v.get(0), new int[] {oh, ow}),
                        leaf(r, DISTINCT, 1 + r.nextInt(2), 1 + r.nextInt(2), h, w));
            }),
            op("pad", r -> {
                String mode = new String[] {"constant", "reflect", "replicate", "circular"}[r.nextInt(4)];
                int h = 1 + r.nextInt(3), w = 1 + r.nextInt(3);
                boolean two = r.nextBoolean();
                int lo = mode.equals("constant") ? -1 : 0;
                int[] pads = new int[two ? 4 : 2];
                for (int i = 0; i < pads.length; i++) {
                    int size = i < 2 ? w : h;
                    int max = mode.equals("reflect") ? size - 1 : mode.equals("circular") ? size : 2;
                    pads[i] = mode.equals("constant") ? lo + r.nextInt(4) : r.nextInt(max + 1);
                }
                if (mode.equals("constant")) { // keep the output non-empty
                    if (w + pads[0] + pads[1] < 1) pads[0] = pads[1] = 0;
                    if (two && h + pads[2] + pads[3] < 1) pads[2] = pads[3] = 0;
                }
                double value = mode.equals("constant") ? 0.5 : 0;
                return make("mode=" + mode + ", pad=" + java.util.Arrays.toString(pads), v -> Functional.pad(v.get(0), pads, mode, value),
                        leaf(r, ANY, 1 + r.nextInt(2), h, w));
            }),
            op("unfold/fold", r -> {
                int[] a = window(r, true), b = window(r, true);
                int[] k = {a[0], b[0]}, s = {a[1], b[1]}, p = {a[2], b[2]}, d = {a[3], b[3]};
                int h = a[4], w = b[4];
                boolean fold = r.nextBoolean();
                int c = 1 + r.nextInt(2);
                if (!fold) {
                    return make("unfold h=" + java.util.Arrays.toString(a) + ", w=" + java.util.Arrays.toString(b),
                            v -> Functional.unfold(v.get(0), k, d, p, s), leaf(r, ANY, 1 + r.nextInt(2), c, h, w));
                }
                int oh = new ConvOps.Axis(k[0], s[0], p[0], d[0]).out(h);
                int ow = new ConvOps.Axis(k[1], s[1], p[1], d[1]).out(w);
                return make("fold h=" + java.util.Arrays.toString(a) + ", w=" + java.util.Arrays.toString(b),
                        v -> Functional.fold(v.get(0), new int[] {h, w}, k, d, p, s), leaf(r, ANY, 1 + r.nextInt(2), c * k[0] * k[1], oh * ow));
            }));
}
