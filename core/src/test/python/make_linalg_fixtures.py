#!/usr/bin/python3
"""Writes core/src/test/resources/fixtures/linalg_fixtures.txt: PyTorch 2.13's values, gradients and
Hessian-vector products of torch.linalg functions in float64, for LinalgFixturesTest.

Run with the peers venv: /tmp/peers/bin/python core/src/test/python/make_linalg_fixtures.py
The format is make_grad_fixtures.py's (one record per case; see there); each case's function is
written here in torch and in the Java test, under the same name.
"""
import os

import torch

from fixture_records import record

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "linalg_fixtures.txt")

gen = torch.Generator().manual_seed(20261202)
D = torch.float64
records = []


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=D)


def case(name, fn, inputs):
    """Value, gradient for a random gout, and the Hessian-vector product of <grad, vec> for random vecs."""
    records.append(record(name, fn, inputs, (), True, randn, D))


def spd(m):
    return m @ m.mT + m.shape[-1] * torch.eye(m.shape[-1], dtype=D)


def shifted(a):
    return a + 3 * torch.eye(a.shape[-1], dtype=D)


L = torch.linalg
case("cholesky", lambda m: L.cholesky(spd(m)), [randn(2, 4, 4)])
case("cholesky_upper", lambda m: L.cholesky(spd(m), upper=True), [randn(3, 3)])
case("solve_triangular_lower_left", lambda a, b: L.solve_triangular(shifted(a), b, upper=False), [randn(4, 4), randn(2, 4, 3)])
case("solve_triangular_upper_right_unit", lambda a, b: L.solve_triangular(a, b, upper=True, left=False, unitriangular=True),
     [randn(3, 3), randn(2, 3)])
# cholesky_solve reads only L's lower triangle, as ours; PyTorch's gradient of the stored L also fills the upper
# triangle (its own gradcheck wraps L in tril), so the case passes L through tril like that wrapper
case("cholesky_solve", lambda m, b: torch.cholesky_solve(b, L.cholesky(spd(m))), [randn(3, 3), randn(3, 2)])
case("cholesky_solve_tril_input", lambda l, b: torch.cholesky_solve(b, l.tril() + 3 * torch.eye(3, dtype=D)), [randn(3, 3), randn(3, 2)])
case("solve", lambda a, b: L.solve(a, b), [randn(2, 4, 4), randn(2, 4, 2)])
case("solve_vector", lambda a, b: L.solve(a, b), [randn(3, 3), randn(3)])
case("inv", lambda a: L.inv(a), [randn(2, 3, 3)])
case("det", lambda a: L.det(a), [randn(2, 4, 4)])
case("slogdet", lambda a: (lambda s: s[1] * s[0])(L.slogdet(a)), [randn(4, 4)])
case("logdet", lambda m: torch.logdet(spd(m)), [randn(2, 3, 3)])
case("lu_factor", lambda a: L.lu_factor(a)[0], [randn(2, 4, 4)])
case("lu", lambda a: (lambda p, l, u: torch.cat([l, u], -1))(*L.lu(a)), [randn(4, 4)])
case("lu_solve", lambda a, b: (lambda f: L.lu_solve(f[0], f[1], b))(L.lu_factor(a)), [randn(4, 4), randn(4, 2)])


# decompositions: values compared where they are unique (QR with LAPACK's signs; eigenvalues, singular values) and
# otherwise through functions invariant under the sign of each eigenvector / pair of singular vectors
def flat(*ts):
    return torch.cat([t.reshape(-1) for t in ts])


def pairs(u, vh):
    c = torch.arange(1, vh.shape[-2] + 1, dtype=D)
    return (u * c) @ vh


def sym(m):
    return (m + m.mT) / 2


case("qr_tall", lambda a: flat(*L.qr(a)), [randn(2, 5, 3)])
case("qr_wide", lambda a: flat(*L.qr(a)), [randn(3, 5)])
case("qr_complete_square", lambda a: flat(*L.qr(a, mode="complete")), [randn(4, 4)])
case("eigh", lambda m: (lambda w, v: flat(w, v * v, pairs(v, v.mT)))(*L.eigh(sym(m))), [randn(2, 4, 4)])
case("eigvalsh", lambda m: L.eigvalsh(sym(m)), [randn(3, 3)])
case("svd_tall", lambda a: (lambda u, s, vh: flat(s, pairs(u, vh), u * u, vh * vh))(*L.svd(a, full_matrices=False)), [randn(5, 3)])
case("svd_wide", lambda a: (lambda u, s, vh: flat(s, pairs(u, vh), u * u, vh * vh))(*L.svd(a, full_matrices=False)), [randn(2, 3, 5)])
case("svdvals", lambda a: L.svdvals(a), [randn(4, 3)])
case("pinv_tall", lambda a: L.pinv(a), [randn(4, 3)])
case("pinv_wide", lambda a: L.pinv(a), [randn(2, 2, 5)])
case("pinv_hermitian", lambda m: L.pinv(spd(m), hermitian=True), [randn(3, 3)])
case("lstsq_tall", lambda a, b: L.lstsq(a, b).solution, [randn(5, 3), randn(5, 2)])
case("lstsq_wide", lambda a, b: L.lstsq(a, b).solution, [randn(3, 5), randn(3, 2)])
for name, ord in [("fro", "fro"), ("nuc", "nuc"), ("2", 2), ("m2", -2), ("1", 1), ("m1", -1), ("inf", float("inf")), ("minf", float("-inf"))]:
    case("matrix_norm_" + name, lambda a, ord=ord: L.matrix_norm(a, ord=ord), [randn(2, 3, 4)])
case("vector_norm_3", lambda x: L.vector_norm(x, ord=3, dim=-1), [randn(2, 5)])
case("cross", lambda a, b: L.cross(a, b), [randn(2, 3), randn(2, 3)])
case("outer", lambda a, b: torch.outer(a, b), [randn(3), randn(4)])
case("trace", lambda a: torch.trace(a), [randn(3, 4)])
case("diagonal", lambda a: torch.diagonal(a, offset=1, dim1=1, dim2=2), [randn(2, 3, 4)])
case("diag_embed", lambda x: torch.diag_embed(x, offset=-1), [randn(2, 3)])
case("diag_vector", lambda x: torch.diag(x, 1), [randn(3)])
case("diag_matrix", lambda a: torch.diag(a, -1), [randn(3, 4)])

with open(OUT, "w") as f:
    f.write("# made by core/src/test/python/make_linalg_fixtures.py with torch " + torch.__version__ + "\n")
    f.write("\n\n".join(records) + "\n")
print("wrote %d cases to %s" % (len(records), os.path.normpath(OUT)))
