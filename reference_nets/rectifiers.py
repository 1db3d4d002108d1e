"""Rectifiers with a parameter on their negative side: leaky ReLU and ELU.

Both are the identity where ``Re z > 0``; below, leaky ReLU is ``slope * z``
and ELU ``alpha * (exp(z) - 1)``.  Like every activation here they come with
their derivative in both forms (``*_prime(z)`` at the pre-activation,
``*_prime_from_output(a)`` at the activation) and are complex-step safe:
branches are chosen on ``Re z`` and evaluated on masked subsets.
Re-exported by :mod:`reference_nets.activations`, which registers them.
"""

from __future__ import annotations

import numpy as np

from .elementary import as_float_array

__all__ = [
    "LEAKY_SLOPE",
    "ELU_ALPHA",
    "leaky_relu",
    "leaky_relu_prime",
    "leaky_relu_prime_from_output",
    "elu",
    "elu_prime",
    "elu_prime_from_output",
]

#: Default negative-side slope of leaky ReLU (the value of PyTorch, Keras and most courses).
LEAKY_SLOPE = 0.01
#: Default ELU scale of the negative side, ``alpha (exp(z) - 1)`` (Clevert et al. 2016).
ELU_ALPHA = 1.0


def leaky_relu(z: np.ndarray, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Leaky ReLU of the pre-activation ``z``: ``z`` where ``Re z > 0``, else ``slope * z``.

    Parameters
    ----------
    z : array_like
        Pre-activation, real or complex.
    slope : float
        Slope of the negative side (default :data:`LEAKY_SLOPE`, 0.01).

    Returns
    -------
    numpy.ndarray
        Same shape and float/complex dtype as ``z``.

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 0.0, 3.0])).tolist()
    [-0.02, 0.0, 3.0]
    """
    z = as_float_array(z)
    return np.where(z.real > 0, z, slope * z).astype(z.dtype, copy=False)


def leaky_relu_prime(z: np.ndarray, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Leaky ReLU derivative, taking the PRE-activation ``z``.

    Parameters
    ----------
    z : array_like
        Pre-activation (NOT the output).
    slope : float
        Slope of the negative side.

    Returns
    -------
    numpy.ndarray
        1 where ``Re z > 0``, ``slope`` elsewhere (``slope`` at the kink
        ``z == 0``, like ``relu_prime``), in the dtype of ``z``.

    Examples
    --------
    >>> leaky_relu_prime(np.array([-1.0, 0.0, 2.0])).tolist()
    [0.01, 0.01, 1.0]
    """
    z = as_float_array(z)
    return np.where(z.real > 0, 1.0, slope).astype(z.dtype)


def leaky_relu_prime_from_output(a: np.ndarray, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Leaky ReLU derivative from the OUTPUT ``a``: 1 where ``a > 0``, else ``slope``.

    Parameters
    ----------
    a : array_like
        Activation (output of the leaky ReLU); it has the sign of ``z`` for
        ``slope > 0``, so this equals :func:`leaky_relu_prime` of ``z``.
    slope : float
        Slope of the negative side.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``a``.
    """
    a = as_float_array(a, "a")
    return np.where(a.real > 0, 1.0, slope).astype(a.dtype)


def elu(z: np.ndarray, alpha: float = ELU_ALPHA) -> np.ndarray:
    """ELU of the pre-activation ``z``: ``z`` where ``Re z > 0``, else ``alpha * (exp(z) - 1)``.

    Parameters
    ----------
    z : array_like
        Pre-activation, real or complex.
    alpha : float
        Scale of the negative side (default :data:`ELU_ALPHA`, 1.0).

    Returns
    -------
    numpy.ndarray
        Same shape and float/complex dtype as ``z``.

    Notes
    -----
    The negative side is ``alpha * expm1(z)`` on its own masked subset:
    ``exp`` never sees a positive real part (no overflow), and ``expm1``
    keeps full relative accuracy near 0 where ``exp(z) - 1`` cancels
    (numpy's complex ``expm1`` does too, so the complex step stays exact).

    Examples
    --------
    >>> elu(np.array([-1000.0, 0.0, 2.0])).tolist()
    [-1.0, 0.0, 2.0]
    """
    z = as_float_array(z)
    out = z.copy()
    neg = ~(z.real > 0)
    out[neg] = alpha * np.expm1(z[neg])
    return out


def elu_prime(z: np.ndarray, alpha: float = ELU_ALPHA) -> np.ndarray:
    """ELU derivative, taking the PRE-activation ``z``: 1 where ``Re z > 0``, else ``alpha * exp(z)``.

    Parameters
    ----------
    z : array_like
        Pre-activation (NOT the output).
    alpha : float
        Scale of the negative side.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``; ``alpha`` at ``z == 0`` (the left
        slope: a kink unless ``alpha == 1``).

    Examples
    --------
    >>> elu_prime(np.array([-1.0, 0.0, 2.0]), alpha=2.0).round(6).tolist()
    [0.735759, 2.0, 1.0]
    """
    z = as_float_array(z)
    out = np.ones_like(z)
    neg = ~(z.real > 0)
    out[neg] = alpha * np.exp(z[neg])
    return out


def elu_prime_from_output(a: np.ndarray, alpha: float = ELU_ALPHA) -> np.ndarray:
    """ELU derivative from the OUTPUT ``a``: 1 where ``a > 0``, else ``a + alpha``.

    Parameters
    ----------
    a : array_like
        Activation (output of the ELU), NOT the pre-activation.
    alpha : float
        Scale of the negative side.

    Returns
    -------
    numpy.ndarray
        ``a + alpha = alpha * exp(z)`` on the negative side (where it loses
        the digits of ``exp(z)`` below ``eps``: the pre-activation form is exact).
    """
    a = as_float_array(a, "a")
    return np.where(a.real > 0, 1.0, a + alpha).astype(a.dtype, copy=False)
