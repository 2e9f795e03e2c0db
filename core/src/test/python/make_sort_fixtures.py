"""Writes core/src/test/resources/fixtures/sort_fixtures.txt: PyTorch's values, indices and
gradients of the sorting, selecting and scanning ops at ties, zeros, NaN and infinities, the
conventions finite differences cannot see. Run with PyTorch 2.13:

    /tmp/peers12/bin/python core/src/test/python/make_sort_fixtures.py

Each case is a block of lines:
    case <name> <op> <args...>      the op and its int/bool arguments (see SortFixturesTest)
    input <dtype> <shape> <values>  the input
    values <values>                 the op's values (or its only result)
    indices <ints>                  its indices (omitted when it has none)
    grad <values>                   d sum(values * w) / d input, w = 1, 2, 3, ... (omitted: no gradient)
Floats are Python reprs ('nan', 'inf' included), which Java parses to the same double.
"""
import os
import random

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "sort_fixtures.txt")
rng = random.Random(13)
lines = []


def fmt(t):
    return " ".join(repr(float(v)) for v in t.detach().reshape(-1).tolist())


def emit(name, op, args, x, fn, grad=True):
    xg = x.clone().requires_grad_(x.dtype.is_floating_point)
    r = fn(xg)
    values, indices = (r[0], r[1]) if isinstance(r, tuple) else (r, None)
    lines.append("case %s %s %s" % (name, op, " ".join(str(a) for a in args)))
    lines.append("input %s %s %s" % (str(x.dtype).replace("torch.", ""), ",".join(str(s) for s in x.shape) or "-", fmt(x)))
    lines.append("values " + fmt(values))
    if indices is not None:
        lines.append("indices " + " ".join(str(int(i)) for i in indices.reshape(-1).tolist()))
    if grad and values.requires_grad and values.numel() > 0:
        w = torch.arange(1, values.numel() + 1, dtype=values.dtype).reshape(values.shape)
        (g,) = torch.autograd.grad((values * w).sum(), xg)
        lines.append("grad " + fmt(g))


def tied(shape, pool):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([rng.choice(pool) for _ in range(n)], dtype=torch.float64).reshape(shape)


NAN, INF = float("nan"), float("inf")
TIES = [0.0, 1.0, 2.0, 2.0, -1.0]
WITH_NAN = TIES + [NAN]

# the hand-picked cases of the conventions
x = torch.tensor([[1.0, 3.0, 3.0, 2.0, 3.0], [NAN, 1.0, NAN, 5.0, 0.0], [0.0, -0.0, 1.0, -0.0, -1.0]], dtype=torch.float64)
for dim in (0, 1):
    for keep in (False, True):
        emit("max_ties", "max", [dim, keep], x, lambda v: tuple(torch.max(v, dim, keep)))
        emit("min_ties", "min", [dim, keep], x, lambda v: tuple(torch.min(v, dim, keep)))
        emit("median_ties", "median", [dim, keep], x, lambda v: tuple(torch.median(v, dim, keep)))
    for desc in (False, True):
        emit("sort_ties", "sort", [dim, desc], x, lambda v: tuple(torch.sort(v, dim=dim, descending=desc, stable=True)))
    emit("argmin_ties", "argmin", [dim, False], x, lambda v: torch.argmin(v, dim), grad=False)
    for k in (1, 2, 3):
        if k <= x.shape[dim]:
            emit("kthvalue_ties", "kthvalue", [k, dim, False], x, lambda v: tuple(torch.kthvalue(v, k, dim)))
emit("amax_ties", "amax", [1, False], x[:1], lambda v: torch.amax(v, 1))
emit("amin_dims", "amin01", [], x[:1], lambda v: torch.amin(v, (0, 1)))
emit("max_all_ties", "maxall", [], x[:1], lambda v: v.max())
emit("median_all_ties", "medianall", [], x[:1], lambda v: v.median())
emit("median_all_even", "medianall", [], torch.tensor([2.0, 1.0, 2.0, 1.0], dtype=torch.float64), lambda v: v.median())
emit("median_all_nan", "medianall", [], x[1], lambda v: v.median())

# random rows full of ties (and NaNs): kthvalue and median must pick PyTorch's index
for i in range(40):
    n = rng.randint(1, 14)
    rows = rng.randint(1, 3)
    v = tied((rows, n), WITH_NAN if i % 2 else TIES)
    k = rng.randint(1, n)
    emit("kthvalue_random", "kthvalue", [k, 1, False], v, lambda t: tuple(torch.kthvalue(t, k, 1)))
    emit("median_random", "median", [1, False], v, lambda t: tuple(torch.median(t, 1)))
    emit("sort_random", "sort", [1, i % 4 == 1], v, lambda t: tuple(torch.sort(t, dim=1, descending=i % 4 == 1, stable=True)))
    kk = rng.randint(0, n)
    emit("topk_random", "topk", [kk, 1, i % 3 != 0], v, lambda t: tuple(torch.topk(t, kk, 1, largest=i % 3 != 0)), grad=False)

# zeros: prod and cumprod gradients are exact there
for vals in ([2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 3.0, 2.0], [1.5, -2.0, 0.0], [0.0], [3.0, 2.0, 1.0, 0.0]):
    v = torch.tensor(vals, dtype=torch.float64)
    emit("prod_zeros", "prod", [], v, lambda t: t.prod())
    emit("cumprod_zeros", "cumprod", [0], v, lambda t: t.cumprod(0))
m = torch.tensor([[2.0, 0.0, 3.0], [1.0, 4.0, 0.5], [0.0, 0.0, 2.0]], dtype=torch.float64)
emit("prod_dim_zeros", "prodDim", [0, False], m, lambda t: t.prod(0))
emit("prod_dim_zeros", "prodDim", [1, True], m, lambda t: t.prod(1, keepdim=True))
emit("cumprod_dim_zeros", "cumprod", [1], m, lambda t: t.cumprod(1))

# scans with infinities and NaN
for vals in ([-INF, -INF, 1.0, INF, 2.0], [1.0, NAN, 2.0], [INF, INF, -INF], [-INF, 0.5, -INF]):
    v = torch.tensor(vals, dtype=torch.float64)
    emit("logcumsumexp_special", "logcumsumexp", [0], v, lambda t: t.logcumsumexp(0), grad=False)
    emit("cumsum_special", "cumsum", [0], v, lambda t: t.cumsum(0), grad=False)
v = torch.tensor([[0.3, -1.2, 2.5, 0.0], [4.0, -3.0, 1.0, 1.0]], dtype=torch.float64)
emit("logcumsumexp_grad", "logcumsumexp", [1], v, lambda t: t.logcumsumexp(1))
emit("logcumsumexp_grad", "logcumsumexp", [0], v, lambda t: t.logcumsumexp(0))
# float32 accumulates in double, as PyTorch's CPU scans do
f = torch.tensor([rng.uniform(-1, 1) for _ in range(257)], dtype=torch.float32)
emit("cumsum_float32", "cumsum", [0], f, lambda t: t.cumsum(0), grad=False)
emit("cumprod_float32", "cumprod", [0], f + 1, lambda t: t.cumprod(0), grad=False)
emit("logcumsumexp_float32", "logcumsumexp", [0], f, lambda t: t.logcumsumexp(0), grad=False)

# norms at the special orders
n = torch.tensor([[3.0, -4.0, 0.0], [1.0, -1.0, 1.0]], dtype=torch.float64)
for p in (0.0, 1.0, 2.0, 3.0, 0.5, INF, -INF):
    emit("norm_orders", "norm", [p, 1, False], n, lambda t: torch.linalg.vector_norm(t, p, dim=1), grad=p not in (0.0, 0.5))

with open(OUT, "w") as fh:
    fh.write("# made by core/src/test/python/make_sort_fixtures.py with torch " + torch.__version__ + "\n")
    fh.write("\n".join(lines) + "\n")
print("wrote", len(lines), "lines to", OUT)
