#!/usr/bin/python3
"""Writes core/src/test/resources/fixtures/pointwise3_fixtures.txt: PyTorch 2.13's values, gradients
and Hessian-vector products of lerp (tensor and Number weight), addcmul and addcdiv, float64, with
broadcasting and lerp's two branches (|w| < 0.5 and not, w exactly 0, 0.5, 1 and negative).

Run with PyTorch 2.13: /tmp/peers/bin/python core/src/test/python/make_pointwise3_fixtures.py
Pointwise3FixturesTest reads it (the record format of make_grad_fixtures.py, via fixture_records.py).
"""
import os

import torch

from fixture_records import record

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "pointwise3_fixtures.txt")
gen = torch.Generator().manual_seed(20261202)
D = torch.float64
records = []


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=D)


def case(name, fn, inputs):
    records.append(record(name, fn, inputs, (), True, randn, D))


w_special = torch.tensor([0.0, 1.0, 0.5, -0.5, 0.49, 1.5, -2.0, 0.25], dtype=D)
case("lerp", torch.lerp, [randn(3, 4), randn(4), 2 * randn(3, 1)])
case("lerp_special", torch.lerp, [1e16 * randn(8), randn(8), w_special])
case("lerp_scalar_low", lambda a, b: torch.lerp(a, b, 0.3), [randn(2, 3), randn(3)])
case("lerp_scalar_high", lambda a, b: torch.lerp(a, b, 0.8), [randn(2, 3), randn(2, 1)])
case("lerp_scalar_negative", lambda a, b: torch.lerp(a, b, -0.6), [randn(5), randn(5)])
case("addcmul", lambda a, b, c: torch.addcmul(a, b, c, value=-0.7), [randn(2, 3, 4), randn(3, 1), randn(4)])
case("addcmul_default", torch.addcmul, [randn(4), randn(3, 4), randn(1)])
sign = torch.where(torch.rand(3, 4, generator=gen) < 0.5, -1.0, 1.0).to(D)
case("addcdiv", lambda a, b, c: torch.addcdiv(a, b, c, value=1.3), [randn(4), randn(3, 4), sign * (0.5 + torch.rand(3, 4, generator=gen, dtype=D))])
case("addcdiv_default", torch.addcdiv, [randn(2, 2), randn(2, 2), 1.5 + torch.rand(2, generator=gen, dtype=D)])

with open(OUT, "w") as out:
    out.write("\n\n".join(records) + "\n")
print(len(records), "cases ->", OUT)
