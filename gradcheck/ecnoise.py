"""The noise level of a short table of loss values, after More and Wild's ECnoise.

A loss computed by cancellation (a saturated sigmoid's ``log(1 - p)``) rounds far above a few ulps of
its value; the differences of a table of equally spaced values measure that rounding, where the
smooth part of the loss has vanished from them. :mod:`gradcheck.numeric` (``measured_noise``) and
:mod:`gradcheck.noise` read the tables they take through :func:`ecnoise`.
"""

from __future__ import annotations

import math

import numpy as np

#: Highest difference order :func:`ecnoise` looks at.
ECNOISE_ORDERS = 6
#: Consecutive noise levels "agree" within this factor (More and Wild use 4).
ECNOISE_AGREE = 4.0


def ecnoise(values) -> float:
    """Noise level ``sigma`` of equally spaced function values, after More and Wild's ECnoise.

    Parameters
    ----------
    values : sequence of float
        ``f(t + k d)``, ``k = 0 .. m`` (m >= 4).

    Returns
    -------
    float
        The noise's standard deviation; ``inf`` if a value is not finite, 0 if
        every difference vanishes.

    Notes
    -----
    ``sigma_k = sqrt(mean((Delta^k f)**2) / C(2k, k))``. The first level ``k``
    whose estimate agrees with the next two within ``ECNOISE_AGREE`` and whose
    differences change sign is the noise; when none does (a smooth trend still
    dominating, or too few points), the largest estimate from the fourth order
    on, which overstates noise rather than understating it.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sigma = ecnoise(1.0 + 0.01 * np.arange(9) ** 2 + 1e-9 * rng.standard_normal(9))
    >>> 3e-10 < sigma < 3e-9
    True
    """
    f = np.asarray(values, dtype=np.longdouble)
    if not np.all(np.isfinite(f)):
        return float("inf")
    levels, signs = _levels(f)
    found = _agreeing(levels, signs)
    return found if found is not None else max(levels[3:], default=max(levels, default=0.0))


def ecnoise_seen(values) -> float:
    """:func:`ecnoise`'s noise only where the table shows it (three orders agreeing, differences changing sign); else 0.

    For a table taken to look for noise that may not be there: :func:`ecnoise`
    reads a smooth trend that no order has removed as noise (it overstates rather
    than understates), which at a wide spacing would bury a quiet loss's
    estimates under a curvature mistaken for rounding.
    """
    f = np.asarray(values, dtype=np.longdouble)
    if not np.all(np.isfinite(f)):
        return 0.0
    found = _agreeing(*_levels(f))
    return found if found is not None else 0.0


def _levels(f: np.ndarray) -> tuple[list[float], list[bool]]:
    """Each difference order's noise estimate, and whether its differences change sign."""
    levels, signs = [], []
    d = f
    for k in range(1, min(ECNOISE_ORDERS, f.size - 1) + 1):
        d = np.diff(d)
        levels.append(float(np.sqrt(np.mean(d.astype(np.float64) ** 2) / math.comb(2 * k, k))))
        signs.append(bool(np.any(d > 0) and np.any(d < 0)))
    return levels, signs


def _agreeing(levels: list[float], signs: list[bool]) -> float | None:
    """The first order whose estimate agrees with the next two and whose differences change sign (None: none)."""
    for k in range(len(levels) - 2):
        trio = levels[k : k + 3]
        if min(trio) > 0 and max(trio) <= ECNOISE_AGREE * min(trio) and signs[k]:
            return levels[k]
    return None


__all__ = ["ECNOISE_AGREE", "ECNOISE_ORDERS", "ecnoise", "ecnoise_seen"]
