#!/usr/bin/python3
"""Writes core/src/test/resources/fixtures/grad_fixtures.txt: PyTorch's gradients of ~25 small
float64 functions, and for some of them second derivatives (Hessian-vector products).

Run with Debian's python3-torch (1.13): /usr/bin/python3 core/src/test/python/make_grad_fixtures.py
The Java test (TorchGradFixturesTest) parses the file and computes the same function, by the
case's name, with simdgrad; it never needs Python.

Format: one record per case, fields one per line, records separated by a blank line:
  case <name>
  input <index> grad|const <shape> : <values>     (inputs in the function's argument order)
  out <shape> : <values>                          (the function's value)
  gout <shape> : <values>                         (the gradient output v given to backward)
  grad <index> <shape> : <values>                 (d<out, v>/d input, for every grad input)
  vec <index> <shape> : <values>                  (second order only: a direction per grad input)
  gg <index> <shape> : <values>                   (d/d input of sum_j <grad_j, vec_j>, graph of the first grads)
A shape is its sizes joined by 'x', or 'scalar'; values are Python reprs of the exact doubles.
"""
import os

import torch
import torch.nn.functional as F

from fixture_records import record

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "grad_fixtures.txt")

gen = torch.Generator().manual_seed(20240614)
D = torch.float64
records = []


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=D)


def uniform(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=D)


def away(lo, hi, *shape):
    """Magnitudes in [lo, hi] with random signs: off the kinks of abs/relu and the pole of 1/x."""
    sign = torch.where(torch.rand(*shape, generator=gen) < 0.5, -1.0, 1.0).to(D)
    return sign * uniform(lo, hi, *shape)


def distinct(*shape):
    """Values at least 0.2 apart: no ties for max/min/maximum."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n, generator=gen).to(D)
    return ((perm - n / 2) * 0.3 + 0.1 * torch.rand(n, generator=gen, dtype=D)).reshape(*shape)


def case(name, fn, inputs, consts=(), second=False):
    """inputs: tensors that require grad; consts: non-differentiable tensors passed after them."""
    records.append(record(name, fn, inputs, consts, second, randn, D))


# ---- elementwise, broadcasting
case("add_broadcast", lambda a, b: a + b, [randn(2, 3), randn(3)])
case("sub_broadcast", lambda a, b: a - b, [randn(2, 1, 3), randn(4, 1)])
case("mul_broadcast", lambda a, b: a * b, [randn(3, 1), randn(1, 4)], second=True)
case("div_broadcast", lambda a, b: a / b, [randn(2, 3), away(0.5, 2, 3)], second=True)
case("pow_tensor", lambda a, b: a ** b, [uniform(0.5, 2, 4), randn(4)], second=True)
case("pow_scalar", lambda a: a ** 2.5, [uniform(0.5, 2, 2, 2)], second=True)
case("rdiv_rsub", lambda a: 1.5 / a + (2 - a), [away(0.5, 2, 5)], second=True)
case("tanh_sigmoid", lambda a: torch.tanh(a) * torch.sigmoid(a), [randn(2, 3)], second=True)
case("exp_log_sqrt", lambda a, b: torch.exp(a) * torch.log(b) + torch.sqrt(b), [randn(3), uniform(0.5, 2, 3)], second=True)
case("sin_cos_abs", lambda a: torch.sin(a) + torch.cos(a) * torch.abs(a), [away(0.3, 2, 2, 2)], second=True)
case("relu_clamp_reciprocal", lambda a: torch.relu(a) + torch.clamp(a, -0.5, 0.5) + torch.reciprocal(a),
     [torch.tensor([-1.5, -0.7, -0.3, 0.2, 0.4, 0.8, 1.7], dtype=D)], second=True)
pool = distinct(2, 3)  # values k * 0.3 + [0, 0.1): none within 0.1 of 0.2
case("maximum_minimum", lambda a, b: torch.maximum(a, b) - 2 * torch.minimum(a, b) + torch.clamp(a, min=0.2),
     [pool[0], pool[1]], second=True)
case("where", lambda a, b, m: torch.where(m != 0, a * a, b), [randn(2, 3), randn(3)],
     consts=[torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype=D)], second=True)

# ---- reductions
case("sum_mean_dims", lambda a: a.sum(1, keepdim=True) * a.mean(0) + a.sum() * a.mean(), [randn(2, 3)], second=True)
case("max_min", lambda a: a.max(dim=1)[0] + a.min() + a.max(dim=0, keepdim=True)[0].sum(), [distinct(3, 4)])
case("norm_var_std", lambda a: a.norm() + a.var() + a.std(1).sum() + a.var(0, keepdim=True).sum(), [randn(3, 4)], second=True)
case("logsumexp", lambda a: a.logsumexp(1), [randn(3, 4)], second=True)
case("softmax", lambda a: a.softmax(-1), [randn(2, 4)], second=True)
case("log_softmax", lambda a: a.log_softmax(0), [randn(3, 2)], second=True)

# ---- linear algebra
case("matmul_2d", lambda a, b: a @ b, [randn(2, 3), randn(3, 4)], second=True)
case("matmul_batched", lambda a, b: a @ b, [randn(2, 1, 2, 3), randn(3, 3, 2)], second=True)
case("matmul_vec_dot", lambda a, b, c: (a @ b) * c.dot(c), [randn(3), randn(3, 2), randn(4)], second=True)

# ---- views and joins
case("views", lambda a: (a.permute(2, 0, 1).reshape(4, 6).t().narrow(0, 1, 3).select(1, 2) ** 2).unsqueeze(0)
     .expand(2, 3).transpose(0, 1).contiguous().view(6).squeeze(), [randn(2, 3, 4)], second=True)
case("cat_stack_split", lambda a, b: torch.cat([torch.stack([a, b * 2], 1), (a * b).chunk(2, 0)[1].expand(2, 2, 1)], 2).sum(0)
     * torch.cat([x * (i + 1) for i, x in enumerate(a.split(1, 0))], 1), [randn(2, 1), randn(2, 1)], second=True)

# ---- nn.functional
case("linear", lambda x, w, b: F.linear(x, w, b), [randn(4, 3), randn(2, 3), randn(2)], second=True)
case("mse_loss", lambda x, t: F.mse_loss(x, t), [randn(3, 2), randn(3, 2)], second=True)
case("cross_entropy", lambda x, t: F.cross_entropy(x, t.long()), [randn(4, 3)],
     consts=[torch.tensor([2.0, 0.0, 1.0, 2.0], dtype=D)], second=True)

with open(OUT, "w") as f:
    f.write("# PyTorch %s gradients in float64, written by core/src/test/python/make_grad_fixtures.py\n\n" % torch.__version__)
    f.write("\n\n".join(records) + "\n")
print("wrote %d cases to %s" % (len(records), os.path.normpath(OUT)))
