"""The record format shared by make_grad_fixtures.py, make_index_fixtures.py and make_linalg_fixtures.py (see the first's docstring)."""
import torch


def shape_str(t):
    return "scalar" if t.dim() == 0 else "x".join(str(s) for s in t.shape)


def values(t):
    t = t.detach()
    if t._is_zerotensor():  # autograd's efficient zeros (e.g. the second derivative of abs) have no storage to list
        t = torch.zeros(t.shape, dtype=t.dtype)
    return " ".join(repr(float(v)) for v in t.reshape(-1).tolist())


def record(name, fn, inputs, consts, second, randn, dtype):
    """One case as text: inputs require grad, consts follow them; randn draws the gradient output and directions."""
    xs = [x.clone().requires_grad_(True) for x in inputs]
    args = xs + list(consts)
    y = fn(*args)
    v = randn(*y.shape)
    grads = torch.autograd.grad(y, xs, v, create_graph=second, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(xs, grads)]
    lines = ["case " + name]
    for i, x in enumerate(xs):
        lines.append("input %d grad %s : %s" % (i, shape_str(x), values(x)))
    for j, c in enumerate(consts):
        lines.append("input %d const %s : %s" % (len(xs) + j, shape_str(c), values(c.to(dtype))))
    lines.append("out %s : %s" % (shape_str(y), values(y)))
    lines.append("gout %s : %s" % (shape_str(v), values(v)))
    for i, g in enumerate(grads):
        lines.append("grad %d %s : %s" % (i, shape_str(g), values(g)))
    if second:
        vecs = [randn(*x.shape) for x in xs]
        s = sum((g * u).sum() for g, u in zip(grads, vecs) if g.requires_grad)
        gg = torch.autograd.grad(s, xs, allow_unused=True) if torch.is_tensor(s) and s.requires_grad else [None] * len(xs)
        for i, (u, h) in enumerate(zip(vecs, gg)):
            lines.append("vec %d %s : %s" % (i, shape_str(u), values(u)))
            lines.append("gg %d %s : %s" % (i, shape_str(u), values(torch.zeros_like(u) if h is None else h)))
    return "\n".join(lines)
