"""Per-entry comparison of analytic and numeric gradients.

The rule, for entry ``i`` of tensor ``T`` (``g`` analytic, ``n`` numeric with
estimated absolute error ``e``)::

    scale_i = max(|g_i|, |n_i|, floor_T, e_i / rtol)
    floor_T = eps**(1/3) * max_j |n_j|              (over T's checked entries)
    rel_i   = |g_i - n_i| / scale_i
    pass   <=>  |g_i - n_i| <= rtol * scale_i + SAFETY * e_i + a
    rtol    = sqrt(eps) of the parameters' dtype     (1.5e-8 float64, 3.5e-4 float32)

Why these terms:

* ``rtol = sqrt(eps)``: a correct analytic gradient carries the rounding of a
  few dozen operations per entry, far below ``sqrt(eps)``; a real bug (a
  dropped factor, a wrong cached tensor) is orders of magnitude above it.
  float32 gets its own, honestly looser, bound.
* ``SAFETY * e_i``: the numeric estimate is only as good as its error; an
  entry is never failed for a difference the estimator cannot resolve.
* ``e_i / rtol`` in the scale: an entry smaller than what the estimator can
  resolve to ``rtol`` is measured at that resolution, so ``rel`` is a true
  relative error wherever the estimator allows one, and a correct gradient's
  ``rel`` stays near or below ``rtol`` at every size. Detection is then
  limited by physics only: a discrepancy is caught once it exceeds the
  estimator's own error.
* ``a``: an absolute allowance, 0 in every check ``check_gradients`` makes
  (the analytic side's rounding is told apart by re-running the gradient
  code at a wider precision instead, in ``gradcheck.opinions``).
* ``floor_T``: an entry far below its tensor's scale (a nearly dead unit)
  is measured against a floor even for the complex step, whose error is
  relative; ``eps**(1/3)`` is the relative resolution of a central difference.

Comparing per entry, never only a norm: a norm hides one wrong entry among
thousands and cries wolf on large correct nets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Factor over the estimated numeric error: estimates are first-order, not bounds.
SAFETY = 4.0

#: An entry whose numeric error (times SAFETY) exceeds this fraction of its own
#: scale is not resolved by the estimator: agreement within such an error bar
#: (a 5% error bar cannot vouch for a gradient) is ``inconclusive``, not ``pass``.
UNRESOLVED = 0.05


#: A pass whose tolerance is above this fraction of the entry's own scale could let an
#: entry off by 1% through (its tolerance would hold that error, less what the estimate
#: itself is off by): such a *weak* pass gets a second, sharper opinion before it
#: stands (:func:`gradcheck.entries.check_entries`). Measured: a float32 user form
#: (4-7-2-1, ReLU, saturated ``log(p + 1e-8)`` BCE, loss 1.8e-7) passed an entry x1.01
#: whose Richardson estimate carried an error bar of 0.26% (tolerance 1.3%).
WEAK = 5e-3


def default_rtol(dtype: np.dtype) -> float:
    """``sqrt(eps)`` of ``dtype``: 1.49e-8 for float64, 3.45e-4 for float32.

    Examples
    --------
    >>> f"{default_rtol(np.float64):.3g}"
    '1.49e-08'
    """
    return float(np.sqrt(np.finfo(dtype).eps))


def validate_rtol(rtol: float | None, dtype: np.dtype) -> float:
    """Return ``rtol`` checked (or the dtype default for None)."""
    if rtol is None:
        return default_rtol(dtype)
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float, np.floating)):
        raise TypeError(f"rtol must be a float, got {type(rtol).__name__}")
    if not (0.0 < float(rtol) < 1.0):
        raise ValueError(f"rtol must be in (0, 1), got {rtol}")
    return float(rtol)


def scale_floor(numeric: np.ndarray, dtype: np.dtype) -> float:
    """Per-tensor floor ``eps**(1/3) * max |n|`` (tiny if all zero)."""
    finfo = np.finfo(dtype)
    top = float(np.max(np.abs(numeric))) if numeric.size else 0.0
    if not np.isfinite(top):
        top = 0.0
    return max(float(finfo.eps) ** (1.0 / 3.0) * top, float(finfo.tiny))


@dataclass(frozen=True)
class Judgement:
    """Vectorised comparison of a set of entries.

    Attributes
    ----------
    abs_error, rel_error, scale, tolerance : ndarray
        Per entry, as in the module docstring.
    ok : ndarray of bool
        ``abs_error <= tolerance``.
    resolved : ndarray of bool
        The numeric error is below ``UNRESOLVED`` of the entry's own scale
        ``max(|g|, |n|, floor_T)``: a verdict there means something.
    weak : ndarray of bool
        Passing, beyond ``rtol`` of the entry's own scale, within a
        tolerance above ``WEAK`` of it: an entry off by 1% could pass like this.
    sharp : ndarray of bool
        ``abs_error <= rtol * max(|g|, |n|, floor_T)``: agreement to ``rtol``
        of the entry's own scale. Agreement within the error bar alone
        (``e_i / rtol`` in ``scale``) is not sharp: an estimate whose error is
        2% of the entry agrees with a gradient off by 1% as well.
    """

    abs_error: np.ndarray
    rel_error: np.ndarray
    scale: np.ndarray
    tolerance: np.ndarray
    ok: np.ndarray
    resolved: np.ndarray
    weak: np.ndarray
    sharp: np.ndarray


def judge(g, n, err, rtol: float, floor: float, atol: float = 0.0, lenient: bool = False) -> Judgement:
    """Compare analytic ``g`` with numeric ``n`` (error ``err``) entry by entry.

    ``atol`` is the analytic side's own rounding, absolute (0 for an exact
    ``g``): a hand-written backprop rounds each entry relative to the terms it
    sums, not to the entry (see :data:`gradcheck.floors.ANALYTIC_ULPS`).
    ``lenient``: agreement within the error bar (``|g - n| <= rtol * scale``,
    whose ``scale`` holds ``e / rtol``) counts as sharp, as it did before
    :attr:`Judgement.sharp` (float64 checks: :meth:`gradcheck.floors.Floors.judge`).
    """
    g, n, err = (np.asarray(a, dtype=np.float64) for a in (g, n, err))
    abs_error = np.abs(g - n)
    own = np.maximum(np.maximum(np.abs(g), np.abs(n)), floor)
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.maximum(own, err / rtol)
        tolerance = rtol * scale + SAFETY * err + atol
        ok = abs_error <= tolerance
        resolved = np.isfinite(n) & (SAFETY * err <= UNRESOLVED * own)
        sharp = abs_error <= rtol * (scale if lenient else own)
        weak = ok & ~sharp & (tolerance > WEAK * own)
    return Judgement(abs_error, abs_error / scale, scale, tolerance, ok, resolved, weak, sharp)
