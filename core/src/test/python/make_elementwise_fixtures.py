"""Writes core/src/test/resources/fixtures/elementwise_fixtures.txt: PyTorch's values and
gradients of the elementwise activations and math ops, at random points and at the points finite
differences cannot see (kinks, bounds, round's halfway cases, zeros of both signs, NaN, +-inf).

Run with PyTorch 2.13: /tmp/peers12/bin/python core/src/test/python/make_elementwise_fixtures.py
ElementwiseFixturesTest reads it and computes the same op, by name, with simdgrad.

Format: one line per case, fields separated by " | ":
  <name> | <dtype> | x values | y values | dy/dx values (with grad_output 1; "-" for ops without gradient)
  (binary cases: <name> | <dtype> | a values | b values | y | dy/da | dy/db)
Values are Python reprs of the exact doubles (float32 values widened exactly), separated by spaces.
The float32 cases hold PyTorch's float64 results at the float32 inputs, rounded once to float32:
PyTorch's own float32 kernels lose digits where simdgrad's do not (gelu's 1 + erf(x) for negative
x, gelu_tanh's gradient), and the rounded float64 values still carry every float32 convention
(overflow to inf, the same kinks and special values).
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "elementwise_fixtures.txt")
gen = torch.Generator().manual_seed(20261202)
nan, inf = float("nan"), float("inf")
SPECIAL = [nan, inf, -inf, 0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1.0, -1.0, 3.0, -3.0, 6.0, -6.0, 20.0, -20.0, 1e-30, -1e-30]

UNARY = {
    "gelu": F.gelu, "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "silu": F.silu, "mish": F.mish,
    "softplus": F.softplus, "softplus_beta2_thr3": lambda x: F.softplus(x, 2.0, 3.0), "elu": F.elu,
    "elu_alpha0.5": lambda x: F.elu(x, 0.5), "selu": F.selu, "leaky_relu": F.leaky_relu,
    "leaky_relu_0.2": lambda x: F.leaky_relu(x, 0.2), "hardtanh": F.hardtanh,
    "hardtanh_-2_3": lambda x: F.hardtanh(x, -2.0, 3.0), "relu6": F.relu6, "hardswish": F.hardswish,
    "hardsigmoid": F.hardsigmoid, "logsigmoid": F.logsigmoid,
    "log1p": torch.log1p, "expm1": torch.expm1, "log2": torch.log2, "log10": torch.log10, "exp2": torch.exp2,
    "erf": torch.erf, "erfc": torch.erfc, "erfinv": torch.erfinv, "tan": torch.tan, "asin": torch.asin,
    "acos": torch.acos, "atan": torch.atan, "sinh": torch.sinh, "cosh": torch.cosh, "asinh": torch.asinh,
    "acosh": torch.acosh, "atanh": torch.atanh, "sign": torch.sign, "floor": torch.floor, "ceil": torch.ceil,
    "round": torch.round, "trunc": torch.trunc, "frac": torch.frac, "nan_to_num": torch.nan_to_num,
    "nan_to_num_1_2_-3": lambda x: torch.nan_to_num(x, 1.0, 2.0, -3.0),
}
NO_GRAD = {"isnan": torch.isnan, "isinf": torch.isinf, "isfinite": torch.isfinite}
BINARY = {"fmod": torch.fmod, "remainder": torch.remainder}


def fmt(t):
    return " ".join(repr(float(v)) for v in t.detach().to(torch.float64).reshape(-1).tolist())


def points(name):
    xs = SPECIAL + (3 * torch.randn(24, generator=gen, dtype=torch.float64)).tolist()
    if name in ("erfinv", "atanh", "asin", "acos"):
        xs += [0.3, -0.7, 0.99, -0.999, 1.0, -1.0]
    if name in ("round", "floor", "ceil", "trunc", "frac"):
        xs += [0.49999999999999994, -0.49999999999999994, 3.5, -3.5, 4.5, 1e16 + 2]
    return xs


lines = []
def inputs(values, dtype, grad=True):
    # float32: the float32 values, computed on in float64
    t = torch.tensor(values, dtype=dtype).to(torch.float64)
    return t.requires_grad_(grad)


for dtype in (torch.float64, torch.float32):
    dn = "float64" if dtype == torch.float64 else "float32"
    for name, f in UNARY.items():
        x = inputs(points(name), dtype)
        y = f(x)
        (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
        lines.append(" | ".join([name, dn, fmt(x), fmt(y.to(dtype)), fmt(g.to(dtype))]))
    for name, f in NO_GRAD.items():
        x = inputs(points(name), dtype, False)
        lines.append(" | ".join([name, dn, fmt(x), fmt(f(x).to(dtype)), "-"]))
    for name, f in BINARY.items():
        av = [-3.0, 3.0, -3.0, 3.0, 5.5, -5.5, 5.5, -5.5, 0.0, -0.0, 1.0, nan, inf, 7.25, -7.25, 2.0]
        bv = [2.0, -2.0, -2.0, 2.0, inf, inf, -inf, -inf, 2.0, 2.0, 0.0, 1.0, 2.0, 0.5, 0.5, 3.0]
        av += (3 * torch.randn(16, generator=gen, dtype=torch.float64)).tolist()
        bv += (1 + torch.rand(16, generator=gen, dtype=torch.float64)).mul(torch.where(torch.rand(16, generator=gen) < 0.5, -1.0, 1.0).double()).tolist()
        a, b = inputs(av, dtype), inputs(bv, dtype)
        y = f(a, b)
        ga, gb = torch.autograd.grad(y, (a, b), torch.ones_like(y))
        lines.append(" | ".join([name, dn, fmt(a), fmt(b), fmt(y.to(dtype)), fmt(ga.to(dtype)), fmt(gb.to(dtype))]))

with open(OUT, "w") as out:
    out.write("\n".join(lines) + "\n")
print(len(lines), "cases ->", OUT)
