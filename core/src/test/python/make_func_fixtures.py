#!/usr/bin/python3
"""Writes core/src/test/resources/fixtures/func_fixtures.txt: torch.func's transforms (grad,
jacrev, jacfwd, hessian, jvp, vjp, hvp, vmap of grad) of a few float64 functions, among them the
least-squares loss of the exponential fit y = a * exp(-b * x) + c and its Hessian.

Run with PyTorch 2.13: /tmp/peers12/bin/python core/src/test/python/make_func_fixtures.py
The Java test (TorchFuncFixturesTest) parses the file and applies the same transforms, by the
case's name, with simdgrad.func.Func; it never needs Python.

Format (as grad_fixtures.txt): one record per case, records separated by a blank line:
  case <name>
  <field> <shape> : <values>
Fields: "const <name>" (data the function closes over), "input <i>" (the primals), "out" (f's value), and per transform its result: "grad",
"jacrev", "jacfwd", "hessian", "tangent" with "jvp" (the tangent and J tangent), "cotangent"
with "vjp", "vector" with "hvp", "vmap_grad" (vmap(grad(f, argnums=0), in_dims=(None, 0)) over
the rows of input 1). A shape is its sizes joined by 'x', or 'scalar'; values are Python reprs.
"""
import os

import torch
from torch.func import grad, hessian, jacfwd, jacrev, jvp, vjp, vmap

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "func_fixtures.txt")
D = torch.float64
gen = torch.Generator().manual_seed(20261202)
records = []


def randn(*shape):
    return torch.randn(shape, generator=gen, dtype=D)


def shape_str(t):
    return "scalar" if t.dim() == 0 else "x".join(str(s) for s in t.shape)


def field(lines, name, t):
    t = t.detach().contiguous()
    lines.append(f"{name} {shape_str(t)} : " + " ".join(repr(float(v)) for v in t.reshape(-1).tolist()))


# the exponential fit: data from a = 2.5, b = 1.3, c = 0.5 plus noise; theta away from the optimum
X = torch.linspace(0, 4, 12, dtype=D)
Y = 2.5 * torch.exp(-1.3 * X) + 0.5 + 0.05 * randn(12)


def expfit_loss(theta):
    a, b, c = theta[0], theta[1], theta[2]
    return (a * torch.exp(-b * X) + c - Y).pow(2).mean()


def expfit_residuals(theta):
    a, b, c = theta[0], theta[1], theta[2]
    return a * torch.exp(-b * X) + c - Y


W = randn(4, 3)


def vector_fn(x):
    return torch.tanh(W @ x) * torch.sin(x).sum() + (W @ x.exp()).pow(2)


def softmax_fn(x):
    m = x.reshape(2, 3)
    return (m.softmax(1) * m.sin()).logsumexp(0).sum() + (m @ m.t()).tanh().sum() + x.norm()


def per_example_loss(w, x):
    return torch.log_softmax(x @ w, 0)[1] + (w * w).sum() * 0.1


def constants(lines, consts):
    for k, v in consts.items():
        field(lines, "const " + k, v)


def scalar_case(name, f, x, vector, consts):
    lines = [f"case {name}"]
    constants(lines, consts)
    field(lines, "input 0", x)
    field(lines, "out", f(x))
    field(lines, "grad", grad(f)(x))
    field(lines, "hessian", hessian(f)(x))
    field(lines, "vector", vector)
    _, hv = jvp(grad(f), (x,), (vector,))
    field(lines, "hvp", hv)
    records.append("\n".join(lines))


def vector_case(name, f, x, tangent, cotangent, consts):
    lines = [f"case {name}"]
    constants(lines, consts)
    field(lines, "input 0", x)
    field(lines, "out", f(x))
    field(lines, "jacrev", jacrev(f)(x))
    field(lines, "jacfwd", jacfwd(f)(x))
    field(lines, "tangent", tangent)
    field(lines, "jvp", jvp(f, (x,), (tangent,))[1])
    field(lines, "cotangent", cotangent)
    out, pull = vjp(f, x)
    field(lines, "vjp", pull(cotangent)[0])
    records.append("\n".join(lines))


theta = torch.tensor([1.5, 0.7, 0.2], dtype=D)
scalar_case("expfit_loss", expfit_loss, theta, randn(3), {"x": X, "y": Y})
vector_case("expfit_residuals", expfit_residuals, theta, randn(3), randn(12), {"x": X, "y": Y})
vector_case("vector_fn", vector_fn, randn(3) * 0.5, randn(3), randn(4), {"w": W})
scalar_case("softmax_fn", softmax_fn, randn(6), randn(6), {})

w0, xs = randn(3, 4), randn(5, 3)
lines = ["case per_example_grad"]
field(lines, "input 0", w0)
field(lines, "input 1", xs)
field(lines, "vmap_grad", vmap(grad(per_example_loss, argnums=0), in_dims=(None, 0))(w0, xs))
records.append("\n".join(lines))

with open(OUT, "w") as f:
    f.write("# made by core/src/test/python/make_func_fixtures.py with torch " + torch.__version__ + "\n")
    f.write("\n\n".join(records) + "\n")
print("wrote", OUT)
