"""The fit behind FloatVectorMath.gelu: Q(t) = Phi(-t) = erfc(t / sqrt 2) / 2 for t >= 0 as
Q(t) = tau F(tau) exp(-t^2 / 2) with tau = 1 / (1 + t / 4) in (0, 1] and F a degree-11 polynomial,
fitted by least squares in relative error on Chebyshev nodes of tau (mpmath at 40 digits for the
values). Prints the coefficients (lowest power first) and the fit's largest relative error on a
dense grid; the float evaluation adds its own rounding (FloatElementwiseProperties holds the
kernel within its stated ulp bound of the twin).

Run: python3 fit_gelu.py   (needs mpmath and numpy)
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
A, DEG, N = mp.mpf(1) / 4, 11, 3000


def f(tau):
    if tau == 0:
        return A / mp.sqrt(2 * mp.pi)
    t = (1 / tau - 1) / A
    return mp.erfc(t / mp.sqrt(2)) / 2 * mp.exp(t * t / 2) / tau


taus = [(1 - mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N)) / 2 for k in range(N)]
fv = np.array([float(f(t)) for t in taus])
tv = np.array([float(t) for t in taus])
c, *_ = np.linalg.lstsq(np.vander(tv, DEG + 1, increasing=True) / fv[:, None], np.ones(N), rcond=None)
grid = np.linspace(0, 1, 2001)
exact = np.array([float(f(mp.mpf(float(x)))) for x in grid])
print("max relative error of the fit:", np.max(np.abs(np.polyval(c[::-1], grid) / exact - 1)))
for i, v in enumerate(c):
    print(f"c{i} = {v!r}")
