"""Prints the polynomial coefficients of ElementwiseMath.erf/erfc (simdgrad's own fits).

Run: /tmp/peers12/bin/python simd/src/main/python/fit_erf.py   (needs mpmath)

erf(x) = x * P(x^2) on |x| <= 1, and erfc(x) = exp(-x^2) * Q_i(u) on the intervals below with
u = (x - mid_i) / half_i in [-1, 1]. Each polynomial is a Chebyshev fit at 60 digits, its degree
the smallest whose relative error over the interval is below 2e-17 (a fifth of a double ulp).
"""
import mpmath as mp

mp.mp.dps = 60
TARGET = mp.mpf("2e-17")


def fit(f, name):
    for deg in range(4, 40):
        coeffs, err = mp.chebyfit(f, [-1, 1], deg + 1, error=True)
        # relative error: f is bounded away from 0 on every interval used here
        worst = max(abs(mp.polyval(coeffs, u) - f(u)) / abs(f(u)) for u in mp.linspace(-1, 1, 801))
        if worst < TARGET:
            print(f"    // {name}: degree {deg}, max rel error {mp.nstr(worst, 3)}")
            # highest power first, as Horner reads them
            print("    private static final double[] " + name + " = {")
            print("        " + ", ".join(mp.nstr(c, 20, min_fixed=-1000, max_fixed=1000) if False else repr(float(c)) for c in coeffs) + "};")
            return
    raise SystemExit("no fit for " + name)


# erf(x)/x as a polynomial in t = x^2 on [0, 1]: t = (u + 1) / 2
fit(lambda u: mp.erf(mp.sqrt((u + 1) / 2)) / mp.sqrt((u + 1) / 2) if u > -1 else 2 / mp.sqrt(mp.pi), "ERF_SMALL")
EDGES = [1, 1.5, 2.25, 3, 4, 5.5, 8, 12, 18, 28]
for i in range(len(EDGES) - 1):
    lo, hi = mp.mpf(EDGES[i]), mp.mpf(EDGES[i + 1])
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    fit(lambda u, mid=mid, half=half: mp.erfc(mid + half * u) * mp.exp((mid + half * u) ** 2), f"ERFC_{i}")
print("    private static final double[] ERFC_EDGES = {" + ", ".join(repr(float(e)) for e in EDGES) + "};")
