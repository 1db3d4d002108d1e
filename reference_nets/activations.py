"""Activation functions and their derivatives, complex-step safe.

All are element-wise except ``softmax`` (an output activation over the last
axis, :mod:`reference_nets.softmax`), whose derivative is a Jacobian applied
by :meth:`Activation.backprop`.

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

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .elementary import as_float_array, softplus
from .rectifiers import (
    ELU_ALPHA,
    LEAKY_SLOPE,
    elu,
    elu_prime,
    elu_prime_from_output,
    leaky_relu,
    leaky_relu_prime,
    leaky_relu_prime_from_output,
)
from .softmax import softmax, softmax_vjp

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
    "leaky_relu",
    "leaky_relu_prime",
    "leaky_relu_prime_from_output",
    "elu",
    "elu_prime",
    "elu_prime_from_output",
    "softmax",
    "softplus",
    "LEAKY_SLOPE",
    "ELU_ALPHA",
]


ArrayFn = Callable[[np.ndarray], np.ndarray]


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


def _not_elementwise(x: np.ndarray) -> np.ndarray:
    raise TypeError(
        "softmax is not element-wise: its derivative is a Jacobian, "
        "applied with Activation.backprop(z, a, upstream) (reference_nets.softmax.softmax_vjp)"
    )


@dataclass(frozen=True)
class Activation:
    """An activation function with both forms of its derivative.

    Attributes
    ----------
    name : str
        Registry name ('sigmoid', 'relu', 'tanh', 'identity', 'leaky_relu', 'elu', 'softmax').
    f : callable
        ``a = f(z)``.
    prime : callable
        ``f'(z)``, takes the PRE-activation ``z`` (element-wise activations only).
    prime_from_output : callable
        ``f'(z)`` expressed through the OUTPUT: takes ``a = f(z)``.
    parameter : float or None
        The leaky ReLU slope or ELU alpha bound into the functions (None for the others).
    elementwise : bool
        False for softmax, whose ``prime`` raises: use :meth:`backprop`.
    """

    name: str
    f: ArrayFn
    prime: ArrayFn
    prime_from_output: ArrayFn
    parameter: float | None = None
    elementwise: bool = True

    def backprop(self, z: np.ndarray, a: np.ndarray, upstream: np.ndarray) -> np.ndarray:
        """``dL/dz`` from ``dL/da``: ``upstream * f'(z)``, or the softmax Jacobian product.

        Parameters
        ----------
        z, a : numpy.ndarray
            Pre-activation and activation ``a = f(z)``.
        upstream : numpy.ndarray
            ``dL/da``, same shape.

        Returns
        -------
        numpy.ndarray
            ``dL/dz``.
        """
        if self.elementwise:
            return upstream * self.prime(z)
        return softmax_vjp(a, upstream)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, sigmoid_prime_from_output),
    "relu": Activation("relu", relu, relu_prime, relu_prime_from_output),
    "tanh": Activation("tanh", tanh, tanh_prime, tanh_prime_from_output),
    "identity": Activation("identity", identity, identity_prime, identity_prime_from_output),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_prime, leaky_relu_prime_from_output, LEAKY_SLOPE),
    "elu": Activation("elu", elu, elu_prime, elu_prime_from_output, ELU_ALPHA),
    "softmax": Activation("softmax", softmax, _not_elementwise, _not_elementwise, elementwise=False),
}

#: Which keyword of :func:`get_activation` sets each parameterised activation's parameter.
_PARAMETER = {"leaky_relu": ("slope", "a finite number >= 0"), "elu": ("alpha", "a finite number > 0")}


def check_parameter(name: str, value: object, argument: str) -> float:
    """Validate the slope of leaky ReLU or the alpha of ELU.

    Parameters
    ----------
    name : {'leaky_relu', 'elu'}
        The activation.
    value : object
        The proposed value.
    argument : str
        The argument's name in the caller's words (used in the message).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Naming ``argument`` and the bad value.
    """
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
    ok = ok and math.isfinite(value) and (value >= 0 if name == "leaky_relu" else value > 0)
    if not ok:
        raise ValueError(f"{argument} must be {_PARAMETER[name][1]}, got {value!r}")
    return float(value)


def get_activation(name: str, *, slope: float = LEAKY_SLOPE, alpha: float = ELU_ALPHA) -> Activation:
    """Look up an activation by name, with its parameter bound.

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS`` ('sigmoid', 'relu', 'tanh', 'identity',
        'leaky_relu', 'elu', 'softmax').
    slope : float
        Negative-side slope of 'leaky_relu' (ignored by the others).
    alpha : float
        Negative-side scale of 'elu' (ignored by the others).

    Returns
    -------
    Activation
        The registered activation; for 'leaky_relu' and 'elu' one whose
        functions carry ``slope`` / ``alpha``.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the valid names) or the
        parameter is out of range.

    Examples
    --------
    >>> get_activation("tanh").name
    'tanh'
    >>> get_activation("elu", alpha=0.5).f(np.array([-1000.0])).tolist()
    [-0.5]
    """
    try:
        act = ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; valid names: {valid}") from None
    if name not in _PARAMETER:
        return act
    keyword = _PARAMETER[name][0]
    value = check_parameter(name, slope if name == "leaky_relu" else alpha, keyword)
    if value == act.parameter:
        return act
    bind = [functools.partial(fn, **{keyword: value}) for fn in (act.f, act.prime, act.prime_from_output)]
    return Activation(name, *bind, value)
