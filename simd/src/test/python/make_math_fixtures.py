"""Writes simd/src/test/resources/fixtures/elementwise_math.txt: exact values (mpmath, 50 digits,
rounded once to double) of the functions ElementwiseMath computes, for ElementwiseMathTest.

Run: /tmp/peers12/bin/python simd/src/test/python/make_math_fixtures.py   (needs mpmath)
Format: one line per point, "<function> <x as a Python float repr> <f(x) as a Python float repr>".
"""
import os
import random

import mpmath as mp

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "elementwise_math.txt")
rnd = random.Random(20261202)


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


FUNCS = {
    "erf": (mp.erf, (-7, 7)),
    "erfc": (mp.erfc, (-7, 27)),
    "erfinv": (mp.erfinv, (-1, 1)),
    "gelu": (lambda x: x * mp.ncdf(x), (-12, 8)),
    "gelu_tanh": (lambda x: x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x ** 3))), (-9, 8)),
    "silu": (lambda x: x * sigmoid(x), (-30, 30)),
    "mish": (lambda x: x * mp.tanh(mp.log1p(mp.exp(x))), (-30, 30)),
    "logsigmoid": (lambda x: mp.log(sigmoid(x)), (-40, 40)),
    "log2": (mp.log2 if hasattr(mp, "log2") else (lambda x: mp.log(x, 2)), (1e-300, 1e300)),
    "asinh": (mp.asinh, (-1e6, 1e6)),
    "acosh": (mp.acosh, (1, 1e6)),
    "atanh": (mp.atanh, (-1, 1)),
}


def points(lo, hi):
    xs = []
    for _ in range(150):
        if lo > 0 and hi / lo > 1e6:  # log-uniform over wide positive ranges
            xs.append(float(mp.exp(mp.log(lo) + (mp.log(hi) - mp.log(lo)) * rnd.random())))
        else:
            xs.append(lo + (hi - lo) * rnd.random())
    for _ in range(50):  # small magnitudes too, where cancellation would show
        x = 10 ** rnd.uniform(-12, 0) * rnd.choice([-1, 1])
        if lo <= x <= hi:
            xs.append(x)
    return xs


with open(OUT, "w") as f:
    for name, (fn, (lo, hi)) in FUNCS.items():
        for x in points(lo, hi):
            if name == "acosh" and x <= 1:
                continue
            if name in ("erfinv", "atanh") and abs(x) >= 1:
                continue
            v = fn(mp.mpf(x))
            f.write(f"{name} {x!r} {float(v)!r}\n")
        extra = {"log2": [1.0, 2.0, 8.0, 0.5, 2.0 ** -1074, 2.0 ** 1023, 0.999999, 1.000001], "erfinv": [0.5, 0.9999999, -0.99999999999]}
        for x in extra.get(name, []):
            f.write(f"{name} {x!r} {float(fn(mp.mpf(x)))!r}\n")
