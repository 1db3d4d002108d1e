"""The complex step along a direction: the parameters moved by ``i h v``, the loss there, and its inherited error."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from gradcheck import numeric as nm


def _complex_moved(o: nm.Oracle, moves: Mapping[str, np.ndarray], only: bool = False) -> dict[str, np.ndarray]:
    """The parameters moved by ``i h`` along ``moves`` (``np.clongdouble`` on an extended oracle).

    ``only``: the tensors in ``moves`` alone.
    """
    ctype = np.clongdouble if o.extended else np.complex128
    moved = {}
    for name, w in o.work.items():
        if only and name not in moves:
            continue
        c = np.empty(w.shape, ctype)
        c.real = w
        if name in moves:  # (into the imaginary part, without a temporary of the tensor's size)
            np.multiply(moves[name], nm.COMPLEX_STEP, out=c.imag)
        else:
            c.imag = 0.0
        moved[name] = c
    return moved


def complex_along(o: nm.Oracle, moves: Mapping[str, np.ndarray]) -> float:
    """``Im L(t + i h v) / h`` along ``moves`` (1 evaluation)."""
    try:
        value = o.problem.call_loss(_complex_moved(o, moves))
    finally:
        o.evaluations += 1
    return float(np.imag(value) / nm.COMPLEX_STEP)


def inherited_error(extended: float, plain: float) -> float:
    """Error of an extended-precision complex step, from its gap to the float64 one.

    A loss computed by cancellation passes the cancellation's relative error
    on to the complex step; extended arithmetic shrinks it by the eps ratio
    (1/2048); the square root of that ratio is allowed, as for the gradient
    code (:meth:`gradcheck.opinions.Checker._rounded`).
    """
    ratio = float(np.finfo(np.longdouble).eps / np.finfo(np.float64).eps)
    gap = abs(extended - plain)
    return np.sqrt(ratio) * gap if np.isfinite(gap) else float("inf")


def _complex_value(oracle: nm.Oracle, moved: Mapping[str, np.ndarray]):
    """The loss at complex ``moved``, ``ComplexWarning`` and ``RuntimeWarning`` raised as errors (1 evaluation)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            warnings.simplefilter("error", RuntimeWarning)
            return oracle.problem.call_loss(moved)
    finally:
        oracle.evaluations += 1


def _complex_at_point(oracle: nm.Oracle, value, eps: float) -> bool:
    """Is ``value`` complex, with the loss at the point as its real part (to ``sqrt(eps)``)?"""
    return isinstance(value, complex) and bool(abs(value.real - oracle.L0) <= np.sqrt(eps) * abs(oracle.L0))
