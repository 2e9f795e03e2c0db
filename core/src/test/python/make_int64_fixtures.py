#!/usr/bin/env python3
"""Writes core/src/test/resources/fixtures/int64_fixtures.txt: what PyTorch 2.13 does with int64
operands of floor/ceil/round/trunc/sign, sum, addcmul, and with mixed dtypes in lerp/addcmul/addcdiv
(the result's dtype and values, or the first line of its error).

Run with PyTorch 2.13: /tmp/peers/bin/python core/src/test/python/make_int64_fixtures.py
Int64Test parses the file; it never needs Python. One line per case:
<name> TAB <dtype> TAB <values, space-separated> or <name> TAB error TAB <message>.
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures", "int64_fixtures.txt")

big = torch.tensor([-3, 0, 5, 2**53 + 1, -(2**63), 2**63 - 1])
m = torch.tensor([[1, -2, 3], [2**53, 1, 7]])
L = torch.tensor([1, 2, 3])
F = torch.tensor([0.5, -1.5, 2.25])
Dd = torch.tensor([0.25, 4.0, -1.0], dtype=torch.float64)
cases = {
    "floor": lambda: torch.floor(big),
    "ceil": lambda: torch.ceil(big),
    "round": lambda: torch.round(big),
    "trunc": lambda: torch.trunc(big),
    "sign": lambda: torch.sign(big),
    "sum_exact": lambda: torch.tensor([2**53 + 1, 2]).sum(),
    "sum_wraps": lambda: torch.tensor([2**62, 2**62]).sum(),
    "sum_dim0": lambda: m.sum(0),
    "sum_dim1_keepdim": lambda: m.sum(1, keepdim=True),
    "addcmul_long": lambda: torch.addcmul(L, L, torch.tensor([4, -5, 6]), value=2),
    "addcmul_long_fraction": lambda: torch.addcmul(L, L, L, value=-2.5),
    "addcmul_long_big": lambda: torch.addcmul(torch.tensor([2**62]), torch.tensor([1]), torch.tensor([3])),
    "addcmul_float_long_long": lambda: torch.addcmul(F, L, L, value=2.5),
    "addcmul_double_float_float": lambda: torch.addcmul(Dd, F, F),
    "addcmul_float_double_float": lambda: torch.addcmul(F, Dd, F, value=0.5),
    "addcdiv_long_float_long": lambda: torch.addcdiv(L, F, L),
    "addcdiv_float_double_float": lambda: torch.addcdiv(F, Dd, F, value=2),
    "addcdiv_float_long_long": lambda: torch.addcdiv(F, L, L),
    "lerp_double_float_scalar": lambda: torch.lerp(Dd, F, 0.5),
    "lerp_float_float_double": lambda: torch.lerp(F, F, Dd),
    "lerp_float_double_float": lambda: torch.lerp(F, Dd, F),
    "lerp_long_float_scalar": lambda: torch.lerp(L, F, 0.5),
    "lerp_long_scalar": lambda: torch.lerp(L, L, 0.5),
    "lerp_long_tensor": lambda: torch.lerp(L, L, L),
}
lines = []
for name, fn in cases.items():
    try:
        y = fn()
        vals = y.reshape(-1).tolist()
        lines.append("%s\t%s\t%s" % (name, str(y.dtype).replace("torch.", ""), " ".join(repr(v) for v in vals)))
    except (RuntimeError, NotImplementedError) as e:
        lines.append("%s\terror\t%s" % (name, str(e).splitlines()[0]))
with open(OUT, "w") as f:
    f.write("# PyTorch %s, written by core/src/test/python/make_int64_fixtures.py\n" % torch.__version__)
    f.write("\n".join(lines) + "\n")
print("wrote %d cases" % len(lines))
