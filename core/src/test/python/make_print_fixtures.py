#!/usr/bin/python3
"""Writes core/src/test/resources/fixtures/print_fixtures.txt: PyTorch's repr of varied tensors.

Run with Debian's python3-torch (1.13): /usr/bin/python3 core/src/test/python/make_print_fixtures.py
The Java test (TensorFormatterTest) parses the file; it never needs Python.

Format: one record per tensor, fields one per line, records separated by a blank line:
  case <name>
  dtype float32|float64|int64
  shape <sizes separated by spaces; empty for 0-d>
  suffixes <suffix strings separated by TAB; empty when none>
  values <row-major values separated by spaces: Python repr of the exact (widened) double, or ints>
  repr <the expected text with backslash as \\ and newline as \n>
"""
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "print_fixtures.txt")

gen = torch.Generator().manual_seed(20240613)
cases = []


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=gen, dtype=dtype)


def rand(*shape, dtype=torch.float32):
    return torch.rand(*shape, generator=gen, dtype=dtype)


def add(name, t):
    cases.append((name, t))


# ---- 0-d
add("scalar_int_valued", torch.tensor(27.0))
add("scalar_fraction", torch.tensor(3.14159))
add("scalar_negative_zero", torch.tensor(-0.0))
add("scalar_zero", torch.tensor(0.0))
add("scalar_nan", torch.tensor(float("nan")))
add("scalar_neg_inf", torch.tensor(float("-inf")))
add("scalar_tiny_sci", torch.tensor(1e-5))
add("scalar_huge_sci", torch.tensor(3.0e9))
add("scalar_f64", torch.tensor(0.1, dtype=torch.float64))
add("scalar_i64", torch.tensor(-42))
add("scalar_requires_grad", torch.tensor(2.5, requires_grad=True))
add("scalar_mean_grad_fn", (torch.ones(2, 2, requires_grad=True) + 2).mul(3).mean())

# ---- 1-d
add("ones_1d", torch.ones(4))
add("arange_f32", torch.arange(10.0))
add("arange_i64", torch.arange(10))
add("neg_ints_i64", torch.tensor([-1, 100, -1000, 7]))
add("big_ints_i64", torch.tensor([2**62, -(2**63), 0, 5]))
add("sci_mixed", torch.tensor([204.8, 2048.0, 0.2048]))
add("sci_huge", torch.tensor([1.0e9, 2.0]))
add("sci_tiny", torch.tensor([1.0e-5, 0.5]))
add("sci_int_valued", torch.tensor([1.0, 100000.0]))
add("int_mode_1e8", torch.tensor([99999999.0, 1.0e5]))
add("half_even_fixed", torch.tensor([0.03125, 1.5, 1.03125, -0.03125], dtype=torch.float64))
add("half_even_sci", torch.tensor([32.0625, 0.0078125, 1.03125], dtype=torch.float64))
add("carry_rounding", torch.tensor([0.99999, 9.99996e3, 1.0], dtype=torch.float64))
add("carry_rounding_sci", torch.tensor([9.99996, 1.0e5], dtype=torch.float64))
add("nan_inf_mixed", torch.tensor([1.0, float("nan"), float("inf"), float("-inf"), -0.0]))
add("nan_inf_fraction", torch.tensor([1.5, float("nan"), float("-inf"), -0.0, 0.0]))
add("nan_inf_only", torch.tensor([float("nan"), float("inf"), 0.0, -0.0]))
add("nan_inf_sci", torch.tensor([1.0e-6, float("nan"), float("inf"), 3.0]))
add("neg_zero_with_ints", torch.tensor([-0.0, 2.0, -3.0]))
add("float32_tenth", torch.tensor([0.1, 0.2, 0.3]))
add("float64_tenth", torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
add("f32_extremes", torch.tensor([3.4e38, 1.0e-45, -1.17549435e-38]))
add("f64_extremes", torch.tensor([1.0e300, 5.0e-324, -1.0e-300], dtype=torch.float64))
add("randn_f32_12", randn(12))
add("randn_f64_12", randn(12, dtype=torch.float64))
add("wide_wrap_f32", randn(40) * 100)
add("wide_wrap_sci", randn(30) * 1.0e6)
add("wide_wrap_i64", torch.arange(-30, 60) * 997)
add("len_1000_not_summarised", torch.arange(1000.0) / 8)
add("len_1001_summarised", torch.arange(1001.0) / 8)
add("summarised_i64", torch.arange(5000) * 3 - 7000)
add("summarised_nan_edges", torch.cat([torch.tensor([float("nan")]), torch.arange(2000.0), torch.tensor([1.0e-9])]))
add("requires_grad_1d", torch.tensor([1.0, 2.0, 3.0], requires_grad=True))
add("requires_grad_f64", torch.tensor([1.0, 2.5], dtype=torch.float64, requires_grad=True))

# ---- 2-d
add("ones_2x2", torch.ones(2, 2))
add("tutorial_4_5", torch.full((2, 2), 4.5))
add("randn_3x4", randn(3, 4))
add("randn_3x4_f64", randn(3, 4, dtype=torch.float64))
add("mixed_signs_2d", torch.tensor([[-1.25, 10.5], [100.0, -0.001]]))
add("i64_2d", torch.tensor([[1, -2, 3], [400, 5, -60]]))
add("wide_rows_2d", randn(3, 25) * 10)
add("wide_rows_2d_f64", randn(2, 15, dtype=torch.float64) * 1000)
add("summarised_2d", randn(100, 100))
add("summarised_2d_narrow", randn(500, 3))
add("summarised_2d_wide", randn(2, 600))
add("summarised_2d_i64", torch.arange(40 * 40).reshape(40, 40))
add("grad_fn_add_2d", torch.ones(2, 2, requires_grad=True) + 2)
add("grad_fn_mul_2d", (torch.ones(2, 2, requires_grad=True) + 2) * (torch.ones(2, 2) + 2) * 3)
add("requires_grad_wrap", torch.tensor([123456.5, -234567.25, 345678.125, -456789.0625, 0.5], dtype=torch.float64, requires_grad=True))
add("grad_fn_wrap_1d", torch.arange(7.0, requires_grad=True) * 1.0e3 + 0.5)
add("grad_fn_2d_sci", randn(2, 3).requires_grad_() * 1.0e5)

# ---- 3-d and 4-d
add("ones_3d", torch.ones(2, 3, 4))
add("randn_3d", randn(2, 2, 3))
add("randn_3d_f64", randn(3, 1, 2, dtype=torch.float64))
add("i64_3d", torch.arange(24).reshape(2, 3, 4) - 12)
add("summarised_3d", randn(10, 10, 20))
add("summarised_3d_inner", randn(2, 3, 200))
add("summarised_3d_i64", torch.arange(8 * 9 * 20).reshape(8, 9, 20))
add("four_d", randn(2, 2, 2, 3))
add("four_d_ints", torch.arange(36.0).reshape(3, 2, 2, 3))
add("summarised_4d", rand(7, 4, 8, 6))
add("four_d_grad_fn", torch.ones(1, 2, 1, 2, requires_grad=True) * 2)
add("size_one_dims", torch.tensor([[[5.5]]]))

# ---- empty
add("empty_1d", torch.tensor([]))
add("empty_2x0", torch.zeros(2, 0))
add("empty_0x3x1", torch.zeros(0, 3, 1))
add("empty_f64", torch.zeros(0, dtype=torch.float64))
add("empty_i64", torch.zeros(0, dtype=torch.int64))
add("empty_i64_2d", torch.zeros(3, 0, dtype=torch.int64))
add("empty_requires_grad", torch.zeros(0, 2, requires_grad=True))

# ---- suffix wrapping right at the line width (the suffix goes on a new line past 80 columns)
boundary = {}
for n in range(1, 16):
    for value in [10.0 ** d - 1 for d in range(1, 9)] + [10.0 ** d + 0.5 for d in range(0, 6)]:
        for grad_fn in (False, True):
            for rows in (0, 2):
                x = torch.full((rows, n) if rows else (n,), value, requires_grad=True)
                t = x + 0 if grad_fn else x
                suffix = "grad_fn=<AddBackward0>" if grad_fn else "requires_grad=True"
                body = repr(t.detach())[:-1]
                excess = len(body) - body.rfind("\n") + 1 + len(suffix) + 2 - 80
                if -1 <= excess <= 1 and (excess, grad_fn) not in boundary:
                    boundary[(excess, grad_fn)] = t
for (excess, grad_fn), t in sorted(boundary.items()):
    add("suffix_boundary_%+d_%s" % (excess, "grad_fn" if grad_fn else "requires_grad"), t)

# ---- random magnitudes from the seeded generator
for k in range(8):
    n = int(torch.randint(1, 30, (1,), generator=gen))
    scale = 10.0 ** int(torch.randint(-7, 10, (1,), generator=gen))
    dtype = torch.float64 if k % 2 else torch.float32
    add("random_%d" % k, randn(n, dtype=dtype) * scale)


def suffixes_of(t):
    if t.grad_fn is not None:
        return ["grad_fn=<%s>" % type(t.grad_fn).__name__]
    if t.requires_grad:
        return ["requires_grad=True"]
    return []


def value_text(v):
    return str(v) if isinstance(v, int) else repr(float(v))


def escape(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n")


names = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64"}
with open(OUT, "w") as f:
    f.write("# generated by core/src/test/python/make_print_fixtures.py with torch %s\n\n" % torch.__version__)
    for name, t in cases:
        flat = t.detach().reshape(-1).tolist()
        f.write("case %s\n" % name)
        f.write("dtype %s\n" % names[t.dtype])
        f.write("shape %s\n" % " ".join(str(s) for s in t.shape))
        f.write("suffixes %s\n" % "\t".join(suffixes_of(t)))
        f.write("values %s\n" % " ".join(value_text(v) for v in flat))
        f.write("repr %s\n\n" % escape(repr(t)))
print("wrote %d cases to %s" % (len(cases), os.path.normpath(OUT)))
