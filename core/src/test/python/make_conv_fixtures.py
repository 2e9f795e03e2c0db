#!/usr/bin/python3
"""Writes core/src/test/resources/fixtures/conv_fixtures.txt: PyTorch 2.13's values, gradients and (for
some cases) second derivatives of conv/pool/pad/unfold functions in float64, in the format of
make_grad_fixtures.py (case/input/out/gout/grad/vec/gg records), plus the error messages of bad calls
("error <name> : <message>", first line of the RuntimeError). The max-pool cases hold equal values
on purpose: which element of a tied window gets the gradient is a convention finite differences cannot
see. ConvTorchFixturesTest computes each case, by name, with simdgrad.

Run with the PyTorch 2.13 venv: /tmp/peers/bin/python core/src/test/python/make_conv_fixtures.py
"""
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "conv_fixtures.txt")
gen = torch.Generator().manual_seed(20261202)
D = torch.float64
records = []


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=D)


def ints(lo, hi, *shape):
    return torch.randint(lo, hi, tuple(shape), generator=gen).to(D)


def shape_str(t):
    return "scalar" if t.dim() == 0 else "x".join(str(s) for s in t.shape)


def values(t):
    return " ".join(repr(float(v)) for v in t.detach().reshape(-1).tolist())


def case(name, fn, inputs, second=False):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = fn(*xs)
    v = randn(*y.shape)
    grads = torch.autograd.grad(y, xs, v, create_graph=second, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
    lines = ["case " + name]
    lines += ["input %d grad %s : %s" % (i, shape_str(x), values(x)) for i, x in enumerate(xs)]
    lines += ["out %s : %s" % (shape_str(y), values(y)), "gout %s : %s" % (shape_str(v), values(v))]
    lines += ["grad %d %s : %s" % (i, shape_str(g), values(g)) for i, g in enumerate(grads)]
    if second:
        vecs = [randn(*x.shape) for x in xs]
        s = sum((g * u).sum() for g, u in zip(grads, vecs) if g.requires_grad)
        gg = torch.autograd.grad(s, xs, allow_unused=True)
        for i, (u, h) in enumerate(zip(vecs, gg)):
            lines.append("vec %d %s : %s" % (i, shape_str(u), values(u)))
            lines.append("gg %d %s : %s" % (i, shape_str(u), values(torch.zeros_like(u) if h is None else h)))
    records.append("\n".join(lines))


def error(name, fn, prefix=""):
    """prefix: torch's function name heading the message, which simdgrad's camelCase op name replaces."""
    try:
        fn()
    except (RuntimeError, NotImplementedError) as e:
        text = str(e).split("\n")[0]
        assert text.startswith(prefix), text
        records.append("error %s : %s" % (name, text[len(prefix):]))
        return
    raise AssertionError(name + " did not fail")


case("conv2d_basic", lambda x, w, b: F.conv2d(x, w, b), [randn(2, 3, 6, 5), randn(4, 3, 3, 2), randn(4)], second=True)
case("conv2d_stride_pad_dil_groups", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
     [randn(2, 4, 7, 6), randn(6, 2, 3, 3), randn(6)], second=True)
case("conv2d_depthwise", lambda x, w: F.conv2d(x, w, None, 1, 1, 1, 3), [randn(1, 3, 5, 5), randn(6, 1, 3, 3)])
case("conv2d_same_even", lambda x, w: F.conv2d(x, w, padding="same", dilation=(1, 3)), [randn(1, 2, 5, 6), randn(3, 2, 2, 2)])
case("conv2d_1x1", lambda x, w: F.conv2d(x, w), [randn(2, 3, 4, 4), randn(5, 3, 1, 1)])
case("conv2d_unbatched", lambda x, w: F.conv2d(x, w, stride=2), [randn(2, 5, 5), randn(3, 2, 3, 3)])
case("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2), [randn(2, 4, 9), randn(4, 2, 3), randn(4)],
     second=True)
case("conv1d_same", lambda x, w: F.conv1d(x, w, padding="same"), [randn(1, 2, 7), randn(3, 2, 4)])
case("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2,
                                                              dilation=(1, 2)), [randn(2, 4, 3, 3), randn(4, 3, 3, 2), randn(6)], second=True)
case("conv_transpose1d", lambda x, w: F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1), [randn(1, 2, 4), randn(2, 3, 3)])
case("max_pool2d_ties", lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), [ints(0, 3, 2, 2, 7, 6)])
case("max_pool2d_dilation", lambda x: F.max_pool2d(x, (2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1)), [ints(-2, 2, 1, 2, 6, 7)])
case("max_pool1d_ties", lambda x: F.max_pool1d(x, 3, stride=1, padding=1), [ints(0, 2, 2, 3, 8)])
case("max_pool2d_overlap_sum", lambda x: F.max_pool2d(x, 2, stride=1), [ints(0, 2, 1, 1, 4, 4)])
case("avg_pool2d_include", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True), [randn(2, 2, 7, 6)],
     second=True)
case("avg_pool2d_exclude", lambda x: F.avg_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 1), ceil_mode=True, count_include_pad=False),
     [randn(1, 2, 6, 5)])
case("avg_pool2d_divisor", lambda x: F.avg_pool2d(x, 2, divisor_override=3), [randn(1, 1, 4, 6)])
case("avg_pool1d", lambda x: F.avg_pool1d(x, 4, stride=3, padding=2, ceil_mode=True, count_include_pad=False), [randn(2, 2, 11)])
case("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), [randn(2, 2, 7, 5)])
case("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4), [randn(1, 3, 10)])
case("pad_constant", lambda x: F.pad(x, (1, 2, -1, 1), value=0.5), [randn(2, 3, 4, 4)])
case("pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), [randn(1, 2, 4, 3)])
case("pad_replicate", lambda x: F.pad(x, (3, 1, 0, 2), mode="replicate"), [randn(1, 2, 3, 2)])
case("pad_reflect_1d", lambda x: F.pad(x, (3, 2), mode="reflect"), [randn(2, 2, 5)])
case("unfold", lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1)), [randn(2, 2, 5, 6)])
case("fold", lambda x: F.fold(x, (5, 6), (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1)), [randn(2, 12, 6)])
# adaptive max pooling: random values (no ties) in overlapping windows (7 -> 3, 5 -> 4), and a tied case
case("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)), [randn(2, 2, 7, 5)], second=True)
case("adaptive_max_pool2d_ties", lambda x: F.adaptive_max_pool2d(x, 2), [ints(0, 2, 1, 2, 5, 5)])
case("adaptive_max_pool2d_unbatched", lambda x: F.adaptive_max_pool2d(x, (2, 3)), [randn(3, 4, 6)])
case("pad_circular", lambda x: F.pad(x, (2, 3, 1, 2), mode="circular"), [randn(2, 2, 3, 3)])
case("pad_circular_1d", lambda x: F.pad(x, (4, 1), mode="circular"), [randn(2, 2, 4)])
# the int64 indices themselves (as float64 values; 0 * x keeps the case differentiable), over ties
case("adaptive_max_pool2d_indices", lambda x: F.adaptive_max_pool2d(x, (3, 2), return_indices=True)[1].to(D) + 0 * x.sum(),
     [ints(0, 2, 2, 1, 5, 4)])
case("adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 4), [randn(2, 3, 10)])

z = lambda *s: torch.zeros(*s, dtype=D)
error("conv2d_kernel_too_large", lambda: F.conv2d(z(1, 1, 2, 2), z(1, 1, 3, 3)))
error("conv1d_kernel_too_large", lambda: F.conv1d(z(2, 4, 2), z(6, 4, 3)))
error("conv2d_groups_channels", lambda: F.conv2d(z(2, 3, 8, 8), z(6, 1, 3, 3), groups=2))
error("conv2d_groups_weight", lambda: F.conv2d(z(2, 4, 8, 8), z(6, 2, 3, 3), groups=4))
error("conv2d_input_rank", lambda: F.conv2d(z(2, 4), z(6, 4, 3, 3)))
error("conv2d_bias", lambda: F.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), bias=z(5)))
error("conv2d_same_strided", lambda: F.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), padding="same", stride=2))
error("conv2d_groups_zero", lambda: F.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), groups=0))
error("conv2d_stride_zero", lambda: F.conv2d(z(2, 4, 8, 8), z(6, 4, 3, 3), stride=0))
error("conv_transpose2d_channels", lambda: F.conv_transpose2d(z(1, 3, 5, 5), z(4, 2, 3, 3)))
error("conv_transpose2d_output_padding", lambda: F.conv_transpose2d(z(1, 4, 5, 5), z(4, 2, 3, 3), stride=2, output_padding=2))
error("max_pool2d_too_small", lambda: F.max_pool2d(z(1, 1, 2, 2), 3))
error("max_pool2d_pad", lambda: F.max_pool2d(z(1, 1, 5, 5), 3, padding=2))
error("avg_pool2d_too_small", lambda: F.avg_pool2d(z(1, 1, 2, 2), 3))
error("pad_length_odd", lambda: F.pad(z(1, 1, 3, 3), (1, 1, 1)))
error("unfold_too_small", lambda: F.unfold(z(1, 1, 2, 2), 3))
error("fold_blocks", lambda: F.fold(z(1, 9, 5), (4, 4), 3))
error("adaptive_max_pool2d_empty", lambda: F.adaptive_max_pool2d(z(1, 1, 0, 3), 2), "adaptive_max_pool2d(): ")
error("adaptive_max_pool2d_rank", lambda: F.adaptive_max_pool2d(z(4, 4), 2), "adaptive_max_pool2d(): ")
error("pad_circular_wrap", lambda: F.pad(z(1, 1, 3, 3), (4, 0, 0, 0), mode="circular"))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write("# made by core/src/test/python/make_conv_fixtures.py with torch " + torch.__version__ + "\n\n")
    f.write("\n\n".join(records) + "\n")
print("wrote", len(records), "records to", OUT)
