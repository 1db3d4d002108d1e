"""Element-wise activation functions and their derivatives, complex-step safe.

Two families of derivative are provided, and every docstring says which
argument it expects:

* ``*_prime(z)`` takes the **pre-activation** ``z`` (the input of ``f``);
* ``*_prime_from_output(a)`` takes the **activation** ``a = f(z)`` (the output
  of ``f``), e.g. ``sigmoid_prime_from_output(a) = a * (1 - a)``.

Mixing the two up (``a * (1 - a)`` applied to ``z``, or ``f'(f(z))``) is the most
common backprop bug, so the distinction is explicit in every name.

Complex safety
--------------
Every function works unchanged on complex arrays, so that a loss built from
them can be differentiated by the complex step ``Im f(x + i h) / h``.  Branches
are selected on ``z.real`` only and each branch is evaluated on its own masked
subset, so no ``np.abs``/``np.maximum``/``np.clip`` touches the complex value and
no branch overflows.  Real input gives a real result of the same float dtype
(float32 stays float32); integer or boolean input is promoted to float64.

Underflow of ``exp`` to zero (``|Re z|`` beyond about 708 in float64) is benign
and is left to numpy's default error state (ignored); overflow, division by
zero and invalid operations never occur.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "sigmoid",
    "sigmoid_prime",
    "sigmoid_prime_from_output",
    "relu",
    "relu_prime",
    "relu_prime_from_output",
    "tanh",
    "tanh_prime",
    "tanh_prime_from_output",
    "identity",
    "identity_prime",
    "identity_prime_from_output",
    "softplus",
]

ArrayFn = Callable[[np.ndarray], np.ndarray]


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


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))`` of the pre-activation ``z``.

    Parameters
    ----------
    z : array_like
        Pre-activation, real or complex.

    Returns
    -------
    numpy.ndarray
        ``sigma(z)``, same shape; same float/complex dtype as ``z``.

    Notes
    -----
    Uses ``1 / (1 + exp(-z))`` where ``Re z >= 0`` and ``exp(z) / (1 + exp(z))``
    elsewhere, each on its own masked subset, so ``exp`` only ever sees a
    non-positive real part and cannot overflow (``|z|`` up to 1e3 and beyond).

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> float(sigmoid(-1000.0)), float(sigmoid(1000.0))
    (0.0, 1.0)
    """
    z = as_float_array(z)
    out = np.empty_like(z)
    pos = z.real >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid, taking the PRE-activation ``z``.

    Parameters
    ----------
    z : array_like
        Pre-activation (NOT the output ``sigmoid(z)``).

    Returns
    -------
    numpy.ndarray
        ``sigma(z) * (1 - sigma(z))``.

    Notes
    -----
    Computed as ``sigma(z) * sigma(-z)``, which keeps full relative accuracy
    for large positive ``z`` where ``1 - sigma(z)`` would cancel to 0.

    Examples
    --------
    >>> float(sigmoid_prime(0.0))
    0.25
    """
    z = as_float_array(z)
    return sigmoid(z) * sigmoid(-z)


def sigmoid_prime_from_output(a: np.ndarray) -> np.ndarray:
    """Sigmoid derivative from the OUTPUT ``a = sigmoid(z)``: ``a * (1 - a)``.

    Parameters
    ----------
    a : array_like
        Activation (output of the sigmoid), NOT the pre-activation.

    Returns
    -------
    numpy.ndarray
        ``a * (1 - a)``, equal to ``sigmoid_prime(z)`` when ``a = sigmoid(z)``.

    Examples
    --------
    >>> float(sigmoid_prime_from_output(0.5))
    0.25
    """
    a = as_float_array(a, "a")
    return a * (1 - a)


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit of the pre-activation ``z``.

    Parameters
    ----------
    z : array_like
        Pre-activation, real or complex.

    Returns
    -------
    numpy.ndarray
        ``z`` where ``Re z > 0`` (imaginary part kept), else 0.  Equal to
        ``max(z, 0)`` for real input.

    Examples
    --------
    >>> relu(np.array([-1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 2.0]
    """
    z = as_float_array(z)
    return np.where(z.real > 0, z, 0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """ReLU derivative, taking the PRE-activation ``z``.

    Parameters
    ----------
    z : array_like
        Pre-activation (NOT the output ``relu(z)``).

    Returns
    -------
    numpy.ndarray
        1 where ``Re z > 0``, 0 elsewhere (including ``z == 0``, the kink),
        in the dtype of ``z``.

    Examples
    --------
    >>> relu_prime(np.array([-1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 1.0]
    """
    z = as_float_array(z)
    return (z.real > 0).astype(z.dtype)


def relu_prime_from_output(a: np.ndarray) -> np.ndarray:
    """ReLU derivative from the OUTPUT ``a = relu(z)``: 1 where ``a > 0``.

    Parameters
    ----------
    a : array_like
        Activation (output of the ReLU), NOT the pre-activation.

    Returns
    -------
    numpy.ndarray
        1 where ``Re a > 0``, else 0; equals ``relu_prime(z)`` for ``a = relu(z)``.
    """
    a = as_float_array(a, "a")
    return (a.real > 0).astype(a.dtype)


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent of the pre-activation ``z`` (``np.tanh``).

    Parameters
    ----------
    z : array_like
        Pre-activation, real or complex.

    Returns
    -------
    numpy.ndarray
        ``tanh(z)``.
    """
    return np.tanh(as_float_array(z))


def tanh_prime(z: np.ndarray) -> np.ndarray:
    """Derivative of tanh, taking the PRE-activation ``z``: ``1 - tanh(z)**2``.

    Parameters
    ----------
    z : array_like
        Pre-activation (NOT the output ``tanh(z)``).

    Returns
    -------
    numpy.ndarray
        ``1 - tanh(z)**2 = sech(z)**2``.

    Notes
    -----
    Computed as ``4 * sigmoid(2z) * sigmoid(-2z)`` (an identity for
    ``sech(z)**2``), which keeps full relative accuracy for large ``|z|``
    where ``1 - tanh(z)**2`` cancels to 0, and cannot overflow.

    Examples
    --------
    >>> float(tanh_prime(0.0))
    1.0
    """
    z = as_float_array(z)
    return 4 * sigmoid(2 * z) * sigmoid(-2 * z)


def tanh_prime_from_output(a: np.ndarray) -> np.ndarray:
    """Tanh derivative from the OUTPUT ``a = tanh(z)``: ``1 - a * a``.

    Parameters
    ----------
    a : array_like
        Activation (output of tanh), NOT the pre-activation.

    Returns
    -------
    numpy.ndarray
        ``1 - a * a``.
    """
    a = as_float_array(a, "a")
    return 1 - a * a


def identity(z: np.ndarray) -> np.ndarray:
    """Identity activation of the pre-activation ``z`` (returns ``z`` as array).

    Parameters
    ----------
    z : array_like
        Pre-activation.

    Returns
    -------
    numpy.ndarray
        ``z``.
    """
    return as_float_array(z)


def identity_prime(z: np.ndarray) -> np.ndarray:
    """Identity derivative, taking the PRE-activation ``z``: ones like ``z``.

    Parameters
    ----------
    z : array_like
        Pre-activation.

    Returns
    -------
    numpy.ndarray
        Ones, same shape and dtype as ``z``.
    """
    return np.ones_like(as_float_array(z))


def identity_prime_from_output(a: np.ndarray) -> np.ndarray:
    """Identity derivative from the OUTPUT ``a``: ones like ``a``.

    Parameters
    ----------
    a : array_like
        Activation (equal to the pre-activation for the identity).

    Returns
    -------
    numpy.ndarray
        Ones, same shape and dtype as ``a``.
    """
    return np.ones_like(as_float_array(a, "a"))


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
    out[pos] = zp + _log1p(np.exp(-zp))
    out[~pos] = _log1p(np.exp(z[~pos]))
    return out


def _log1p(w: np.ndarray) -> np.ndarray:
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


@dataclass(frozen=True)
class Activation:
    """An activation function with both forms of its derivative.

    Attributes
    ----------
    name : str
        Registry name ('sigmoid', 'relu', 'tanh', 'identity').
    f : callable
        ``a = f(z)``.
    prime : callable
        ``f'(z)``, takes the PRE-activation ``z``.
    prime_from_output : callable
        ``f'(z)`` expressed through the OUTPUT: takes ``a = f(z)``.
    """

    name: str
    f: ArrayFn
    prime: ArrayFn
    prime_from_output: ArrayFn


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, sigmoid_prime_from_output),
    "relu": Activation("relu", relu, relu_prime, relu_prime_from_output),
    "tanh": Activation("tanh", tanh, tanh_prime, tanh_prime_from_output),
    "identity": Activation("identity", identity, identity_prime, identity_prime_from_output),
}


def get_activation(name: str) -> Activation:
    """Look up an activation by name.

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS`` ('sigmoid', 'relu', 'tanh', 'identity').

    Returns
    -------
    Activation
        The registered activation.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.

    Examples
    --------
    >>> get_activation("tanh").name
    'tanh'
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; valid names: {valid}") from None
