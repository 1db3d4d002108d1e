"""Softmax over the last axis, its logarithm and its Jacobian, complex-step safe.

Softmax is the one output activation that is not element-wise: every output
of a row depends on every logit of the row, so its derivative is a Jacobian
``J = diag(p) - p p^T`` and backprop applies its transpose to a vector
(:func:`softmax_vjp`), never ``p * (1 - p)`` element-wise.

Numerics
--------
Every row is shifted by its logit of largest REAL part, ``m`` (the complex
value itself, so that the shifted argmax is exactly ``0 + 0j``), and

``logsumexp(z) = m + log1p(s)``, ``s = sum_{j != argmax} exp(z_j - m)``,

with the complex-safe :func:`~reference_nets.elementary.log1p`.  ``exp`` then
only sees arguments of non-positive real part (no overflow at any logit), and
the log-probability of the winning class, ``-log1p(s)``, keeps full relative
accuracy however saturated the row is (``log(sum(exp(z - m)))`` would round
``1 + s`` to 1 below ``s = 1e-16``).  The complex step's imaginary part comes
out of the same expressions, so it is exact to rounding as well.
"""

from __future__ import annotations

import numpy as np

from .elementary import as_float_array, log1p

__all__ = ["softmax", "log_softmax", "logsumexp", "softmax_vjp"]


def _shifted(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(m, e, s)``: the row maxima, ``exp(z - m)`` and the sum of its non-argmax entries.

    ``e`` is 1 exactly at the argmax of every row; ``s`` keeps the last axis (length 1).
    """
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"z must have at least one class along its last axis, got shape {z.shape}")
    top = np.argmax(z.real, axis=-1)[..., None]
    m = np.take_along_axis(z, top, axis=-1)
    e = np.exp(z - m)
    others = e.copy()
    np.put_along_axis(others, top, 0, axis=-1)
    return m, e, others.sum(axis=-1, keepdims=True)


def logsumexp(z: np.ndarray) -> np.ndarray:
    """``log(sum(exp(z)))`` over the last axis (kept, length 1), stable and complex safe.

    Parameters
    ----------
    z : array_like
        Logits, real or complex, shape ``(..., K)`` with ``K >= 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., 1)``: ``m + log1p(s)`` (see the module notes).

    Examples
    --------
    >>> float(logsumexp(np.array([1000.0, 1000.0]))[0])
    1000.6931471805599
    """
    z = as_float_array(z)
    m, _, s = _shifted(z)
    return m + log1p(s)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Log-probabilities ``z - logsumexp(z)`` over the last axis, without cancellation.

    Parameters
    ----------
    z : array_like
        Logits, real or complex, shape ``(..., K)``.

    Returns
    -------
    numpy.ndarray
        Same shape: ``(z - m) - log1p(s)``, a sum of two terms of non-positive
        real part (no cancellation), so ``-log_softmax`` of the winning class
        keeps full relative accuracy down to 1e-300 and below.

    Examples
    --------
    >>> float(log_softmax(np.array([40.0, 0.0]))[0])
    -4.248354255291589e-18
    """
    z = as_float_array(z)
    m, _, s = _shifted(z)
    return (z - m) - log1p(s)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax ``exp(z) / sum(exp(z))`` over the last axis, stable and complex safe.

    Parameters
    ----------
    z : array_like
        Logits (pre-activation), real or complex, shape ``(..., K)``.

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape; each real row sums to 1.  Computed as
        ``exp(z - m) / (1 + s)``: every entry to full relative accuracy, even
        those below 1e-300 of their row's largest.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    z = as_float_array(z)
    _, e, s = _shifted(z)
    return e / (1 + s)


def softmax_vjp(p: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Backprop through softmax: ``J^T g = p * (g - sum(g * p))`` row by row.

    Parameters
    ----------
    p : array_like
        Softmax output, shape ``(..., K)``.
    g : array_like
        Upstream gradient ``dL/dp``, same shape.

    Returns
    -------
    numpy.ndarray
        ``dL/dz``, same shape.  ``J = diag(p) - p p^T`` is symmetric, so this
        is also ``J g``.

    Notes
    -----
    ``g_k - sum_j g_j p_j`` cancels where a row is nearly one-hot (``p_k`` near
    1): the textbook form keeps only ``eps * max|g|`` in absolute terms.  Since
    ``sum_j p_j = 1`` it equals ``sum_{j != k} (g_k - g_j) p_j``, a sum of small
    products that keeps full relative accuracy; that form is used, at
    ``O(K**2)`` per row.

    Examples
    --------
    >>> softmax_vjp(np.array([0.5, 0.5]), np.array([1.0, 0.0])).tolist()
    [0.25, -0.25]
    """
    p = as_float_array(p, "p")
    g = as_float_array(g, "g")
    if p.shape != g.shape:
        raise ValueError(f"p and g must have the same shape, got p {p.shape} and g {g.shape}")
    diff = g[..., :, None] - g[..., None, :]  # g_k - g_j
    return p * np.sum(diff * p[..., None, :], axis=-1)
