"""Is a user-form loss's noise really too large for one entry off by 1e-5? Measured without the checker's estimate.

    nice python benchmarks/noise_userforms.py --sizes 42634,335114

For the user-form nets of ``benchmarks/peers.py`` (textbook BCE with
``np.clip``, ``float()`` cast, saturated outputs), the loss is evaluated along
the checker's screening direction of one tensor (``W2``: sign-aligned, spread
magnitudes) at the nine points ``t + k d v``, ``k = -4 .. 4``, of a real screen,
both as given (float64) and with the parameters cast to ``np.longdouble`` (the
same user code, 11 more bits in every operation, so its own error is ~2048
times smaller). ``L64 - L_ld`` is then the float64 loss's own error at each
point, measured directly: its spread is the noise ``sigma``, and pushed through
the screen's extrapolation weights it is the error the noise adds to the
screen. That error's standard deviation is compared with what one entry off by
1e-4 and 1e-5 (the typical, median-magnitude entry and the largest) moves the
screen by. The checker's own noise estimate (ECnoise, :mod:`gradcheck.noise`)
is printed beside it, for comparison only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import userforms as uf  # noqa: E402

from gradcheck import directional as dr  # noqa: E402
from gradcheck import noise as ns  # noqa: E402
from gradcheck import numeric as nm  # noqa: E402
from gradcheck.problem import Problem  # noqa: E402

TENSOR = "W2"


def _values(loss, params: dict, name: str, v: np.ndarray, d: float, dtype) -> np.ndarray:
    """The loss at ``t + k d v``, ``k = -4 .. 4``, with every parameter cast to ``dtype``.

    In longdouble the user's ``float()`` cast still rounds the result to float64
    (3e-16 of it): far below the float64 loss's noise measured here.
    """
    out = []
    for k in range(-dr.SCREEN_NODES, dr.SCREEN_NODES + 1):
        p = {n: np.asarray(w, dtype) for n, w in params.items()}
        p[name] = p[name] + dtype(k * d) * v.astype(dtype)
        out.append(np.longdouble(loss(p)))
    return np.array(out, dtype=np.longdouble)


def measure(n_params: int) -> dict:
    """The float64 loss's error along the W2 screen, measured against longdouble, and what it hides."""
    form = uf.large_form(n_params)
    loss, grad, params = uf.build(form)
    g = np.asarray(grad(params)[TENSOR], np.float64)
    v = dr.screen_direction(g.reshape(-1)).reshape(g.shape)
    oracle = nm.Oracle(Problem.create(loss, grad, params))
    checker_sigma = ns.loss_noise(oracle, extended=False, quick=True).sigma
    excess = max(1.0, checker_sigma / (oracle.u * abs(float(oracle.L0))))
    largest = max(1.0, float(np.max(np.abs(params[TENSOR]))))
    d = dr.SCREEN_STEP / dr.SCREEN_NODES * min(16.0, excess ** (1.0 / 9.0)) * oracle.h0 * largest
    lo = _values(loss, params, TENSOR, v, d, np.float64)
    hi = _values(loss, params, TENSOR, v, d, np.longdouble)
    err = (lo - hi).astype(np.float64)  # the float64 loss's own error at each point
    sigma = float(np.std(err))
    k = np.arange(1, dr.SCREEN_NODES + 1)
    m = dr.SCREEN_NODES
    w = dr._W4 / (2.0 * k * d)
    actual = float(np.dot(w, err[m + k] - err[m - k]))  # what the noise did to this screen
    std = float(sigma * np.sqrt(2.0 * np.sum(w**2)))  # its spread for independent errors of size sigma
    flat = np.abs(g * v).reshape(-1)
    typical = float(np.median(flat[flat > 0]))
    top = float(flat.max())
    return {
        "n_params": n_params,
        "step": d,
        "sigma": sigma,
        "max_error": float(np.max(np.abs(err))),
        "checker_sigma": checker_sigma,
        "screen_noise_actual": actual,
        "screen_noise_std": std,
        "moves": {
            f"{where} {rel:.0e}": rel * size
            for where, size in (("typical", typical), ("largest", top))
            for rel in (1e-4, 1e-5)
        },
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="42634,335114")
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        r = measure(n)
        print(
            f"{n:,} parameters, {TENSOR} screen at step {r['step']:.3g}: float64 loss error vs longdouble "
            f"sigma {r['sigma']:.2g} (max {r['max_error']:.2g}; "
            f"the checker's ECnoise estimate {r['checker_sigma']:.2g}); "
            f"noise in the screen: {abs(r['screen_noise_actual']):.2g} here, std {r['screen_noise_std']:.2g}"
        )
        for label, move in r["moves"].items():
            print(f"  one {label} entry moves the screen by {move:.2g} = {move / r['screen_noise_std']:.2g} std")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
