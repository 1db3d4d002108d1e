"""Complex-step-safe elementary functions shared by activations and losses.

Each works unchanged on complex arrays (so a loss built from them can be
differentiated by the complex step ``Im f(x + i h) / h``) and keeps full
relative accuracy where the textbook formula cancels: ``log(1 + w)`` for tiny
``w`` in complex arithmetic, ``log(1 + exp(z))`` for large ``|z|``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_float_array", "softplus", "log1p"]


def as_float_array(x: object, name: str = "z") -> np.ndarray:
    """Return ``x`` as a floating or complex array (ints/bools become float64).

    Parameters
    ----------
    x : array_like
        Numeric input.
    name : str
        Argument name used in the error message.

    Returns
    -------
    numpy.ndarray
        ``x`` itself (no copy) when already float or complex, else float64.

    Raises
    ------
    TypeError
        If ``x`` is not numeric (e.g. strings or objects).
    """
    arr = np.asarray(x)
    if arr.dtype.kind in "fc":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")


def softplus(z: np.ndarray) -> np.ndarray:
    """Softplus ``log(1 + exp(z))`` of ``z``, stable and complex safe.

    Parameters
    ----------
    z : array_like
        Real or complex input (typically a logit).

    Returns
    -------
    numpy.ndarray
        ``log(1 + exp(z))``; its derivative is ``sigmoid(z)``.

    Notes
    -----
    ``z + log1p(exp(-z))`` where ``Re z > 0`` and ``log1p(exp(z))`` elsewhere,
    on masked subsets, so ``exp`` never overflows (``np.logaddexp`` would be
    stable too but is not defined for complex input).

    Examples
    --------
    >>> float(softplus(1000.0)), float(softplus(-1000.0))
    (1000.0, 0.0)
    """
    z = as_float_array(z)
    out = np.empty_like(z)
    pos = z.real > 0
    zp = z[pos]
    out[pos] = zp + log1p(np.exp(-zp))
    out[~pos] = log1p(np.exp(z[~pos]))
    return out


def log1p(w: np.ndarray) -> np.ndarray:
    """``log(1 + w)``, accurate for small ``w`` in complex arithmetic too.

    numpy's complex ``log1p`` is ``log(1 + w)``: for ``|w| = 1e-13`` it keeps
    three digits. Below ``|w| = 0.1`` the Taylor series to ``w**17 / 17``
    (truncation under ``0.1**17``, 1e-17 of the result) is used instead;
    above it ``log(1 + w)`` loses at most ``eps / |w|``, ~2e-15. Real input
    keeps numpy's own ``log1p``.
    """
    if not np.iscomplexobj(w):
        return np.log1p(w)
    w = np.asarray(w)
    small = np.abs(w) < 0.1
    out = np.log(1 + np.where(small, 0, w))
    ws = np.where(small, w, 0)
    series = np.zeros_like(ws)
    for k in range(17, 0, -1):  # Horner: w (1 - w (1/2 - w (1/3 - ...)))
        series = 1.0 / k - ws * series
    return np.where(small, ws * series, out)
