"""Loss functions and their gradients with respect to the network output.

Convention
----------
Samples are rows: predictions and targets have shape ``(N, n_out)`` (any shape
works, as long as both match).  By default every loss here is the **mean over
all entries** (``N * n_out`` of them), not a sum and not a per-sample mean of
per-row sums:

* ``mse(yhat, y) = mean((yhat - y)**2)``, so
  ``dL/dyhat = 2 * (yhat - y) / (N * n_out)``;
* ``bce(p, y) = -mean(y log p + (1 - y) log(1 - p))``, so
  ``dL/dp = (-(y / p) + (1 - y) / (1 - p)) / (N * n_out)``;
* ``bce_with_logits(z, y) = mean(softplus(z) - y * z)`` (equal to
  ``bce(sigmoid(z), y)``), so ``dL/dz = (sigmoid(z) - y) / (N * n_out)``.

Other conventions are named, never a magic scale: every loss takes
``over_samples`` and ``over_outputs`` (``'mean'`` or ``'sum'``: the reduction
over the samples, the rows, and over the outputs, the last axis) and the MSE
also ``half`` (a factor 1/2).  "0.5 * sum over the K outputs, mean over the N
samples" is ``mse(yhat, y, over_samples='mean', over_outputs='sum', half=True)``,
with gradient ``(yhat - y) / N``.  A :class:`Convention` carries the three.

``mse`` and ``bce_with_logits`` are complex-step safe (squares are ``d * d``,
never through ``abs``); ``bce`` clips its probabilities and is not.
Real input gives a real numpy scalar; complex input a complex one.
Categorical cross-entropy lives in :mod:`reference_nets.crossentropy`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import sigmoid
from .conventions import REDUCTIONS, Convention
from .crossentropy import cross_entropy, cross_entropy_grad, cross_entropy_with_logits, cross_entropy_with_logits_grad
from .elementary import as_float_array, softplus

__all__ = [
    "REDUCTIONS",
    "Convention",
    "Loss",
    "LOSSES",
    "get_loss",
    "mse",
    "mse_grad",
    "bce",
    "bce_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "cross_entropy_with_logits",
    "cross_entropy_with_logits_grad",
]

_DEFAULT = Convention()


def _pair(yhat: object, y: object, first: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (prediction, target) pair: numeric, same shape, non-empty.

    The target is cast to the prediction's dtype when the prediction is
    floating/complex so that float32 predictions stay float32.
    """
    yhat = as_float_array(yhat, first)
    y = as_float_array(y, "y")
    if yhat.shape != y.shape:
        raise ValueError(f"{first} and y must have the same shape, got {first} {yhat.shape} and y {y.shape}")
    if yhat.size == 0:
        raise ValueError(f"{first} must be non-empty, got shape {yhat.shape}")
    if y.dtype.kind == "c" and yhat.dtype.kind != "c":
        yhat = yhat.astype(np.result_type(yhat.dtype, y.dtype))
    return yhat, y.astype(yhat.dtype, copy=False)


def _convention(over_samples: str, over_outputs: str, half: bool = False) -> Convention:
    if over_samples == "mean" and over_outputs == "mean" and half is False:
        return _DEFAULT
    return Convention(over_samples, over_outputs, half)


def _mse(d: np.ndarray, conv: Convention, lead: int = 0) -> np.ndarray:
    """MSE of the differences ``d`` (``lead`` leading axes kept): no validation."""
    return conv.reduce(d * d, lead)


def _mse_grad(d: np.ndarray, conv: Convention) -> np.ndarray:
    """``d(MSE)/d(yhat)`` from the differences ``d``: ``2 c d / divisor`` (c = 1/2 with ``half``)."""
    return (1.0 if conv.half else 2) * d / conv.divisor(d.shape)


def mse(
    yhat: np.ndarray, y: np.ndarray, *, over_samples: str = "mean", over_outputs: str = "mean", half: bool = False
) -> np.floating | np.complexfloating:
    """Mean squared error: ``mean((yhat - y) * (yhat - y))`` over all entries by default.

    Parameters
    ----------
    yhat : array_like
        Predictions, e.g. shape ``(N, n_out)``; real or complex.
    y : array_like
        Targets, same shape as ``yhat``.
    over_samples, over_outputs : {'mean', 'sum'}
        Reduction over the samples (rows) and over the outputs (last axis).
    half : bool
        Multiply by 1/2 (the ``0.5 * sum((yhat - y)**2)`` of many courses).

    Returns
    -------
    numpy scalar
        The loss (real for real input, complex for complex input).

    Raises
    ------
    ValueError
        If the shapes differ, the arrays are empty or a convention is unknown.

    Examples
    --------
    >>> yhat, y = np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]])
    >>> float(mse(yhat, y))
    2.5
    >>> float(mse(yhat, y, over_outputs="sum", half=True))
    2.5
    """
    yhat, y = _pair(yhat, y, "yhat")
    return _mse(yhat - y, _convention(over_samples, over_outputs, half))


def mse_grad(
    yhat: np.ndarray, y: np.ndarray, *, over_samples: str = "mean", over_outputs: str = "mean", half: bool = False
) -> np.ndarray:
    """Gradient of :func:`mse` with respect to ``yhat``.

    Parameters
    ----------
    yhat, y : array_like
        Predictions and targets of the same shape.
    over_samples, over_outputs, half
        As in :func:`mse`.

    Returns
    -------
    numpy.ndarray
        ``2 * (yhat - y) / yhat.size`` by default; in general
        ``c * (yhat - y) / D`` with ``c = 1`` if ``half`` else 2 and ``D`` the
        product of N (samples mean) and n_out (outputs mean).
    """
    yhat, y = _pair(yhat, y, "yhat")
    return _mse_grad(yhat - y, _convention(over_samples, over_outputs, half))


def _clip_probability(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip ``p`` to ``[eps, 1 - eps]`` and return (clipped, inside-mask).

    ``eps = np.finfo(p.dtype).eps`` is the smallest step distinguishable from
    1 in this dtype: it keeps ``log(p)`` and ``log(1 - p)`` finite (at most
    ``-log(eps)``, about 36 in float64) while ``1 - eps`` still differs from 1.
    """
    eps = np.finfo(p.dtype).eps
    inside = (p >= eps) & (p <= 1 - eps)
    return np.clip(p, eps, 1 - eps), inside


def bce(p: np.ndarray, y: np.ndarray, *, over_samples: str = "mean", over_outputs: str = "mean") -> np.floating:
    """Binary cross-entropy on probabilities, mean over all entries by default.

    Parameters
    ----------
    p : array_like
        Predicted probabilities, real, shape e.g. ``(N, n_out)``.
    y : array_like
        Targets in [0, 1], same shape.
    over_samples, over_outputs : {'mean', 'sum'}
        Reduction over the samples (rows) and over the outputs (last axis).

    Returns
    -------
    numpy scalar
        ``-mean(y log p + (1 - y) log(1 - p))`` with ``p`` clipped.

    Notes
    -----
    ``p`` is clipped to ``[eps, 1 - eps]`` with ``eps = np.finfo(p.dtype).eps``
    so that the logarithms stay finite.  Because of the clip this function is
    NOT complex-step safe: differentiate :func:`bce_with_logits` instead.

    Examples
    --------
    >>> round(float(bce(np.array([0.5]), np.array([1.0]))), 6)
    0.693147
    """
    p, y = _pair(p, y, "p")
    if p.dtype.kind == "c":
        raise TypeError(
            "p must be real for bce (clipping is not complex safe); "
            "use bce_with_logits for complex-step differentiation"
        )
    pc, _ = _clip_probability(p)
    return -_convention(over_samples, over_outputs).reduce(y * np.log(pc) + (1 - y) * np.log(1 - pc))


def bce_grad(p: np.ndarray, y: np.ndarray, *, over_samples: str = "mean", over_outputs: str = "mean") -> np.ndarray:
    """Gradient of :func:`bce` with respect to ``p``.

    Parameters
    ----------
    p, y : array_like
        Probabilities and targets of the same shape (real).
    over_samples, over_outputs : {'mean', 'sum'}
        As in :func:`bce`; ``p.size`` below becomes the matching divisor.

    Returns
    -------
    numpy.ndarray
        ``(-(y / p) + (1 - y) / (1 - p)) / p.size`` where ``eps <= p <= 1 - eps``,
        and 0 where ``p`` was clipped (the clipped loss is flat there).
    """
    p, y = _pair(p, y, "p")
    if p.dtype.kind == "c":
        raise TypeError("p must be real for bce_grad (clipping is not complex safe)")
    pc, inside = _clip_probability(p)
    g = (-(y / pc) + (1 - y) / (1 - pc)) / _convention(over_samples, over_outputs).divisor(p.shape)
    return np.where(inside, g, 0).astype(p.dtype, copy=False)


def bce_with_logits(
    z: np.ndarray, y: np.ndarray, *, over_samples: str = "mean", over_outputs: str = "mean"
) -> np.floating | np.complexfloating:
    """Binary cross-entropy from logits: ``mean(softplus(z) - y * z)`` by default.

    Parameters
    ----------
    z : array_like
        Logits (pre-sigmoid), real or complex, shape e.g. ``(N, n_out)``.
    y : array_like
        Targets in [0, 1], same shape.
    over_samples, over_outputs : {'mean', 'sum'}
        Reduction over the samples (rows) and over the outputs (last axis).

    Returns
    -------
    numpy scalar
        Equal to ``bce(sigmoid(z), y)`` without clipping.

    Notes
    -----
    Stable for ``|z|`` up to 1e3 and beyond (no overflow) through the masked
    :func:`~reference_nets.activations.softplus`; complex-step safe.

    Examples
    --------
    >>> round(float(bce_with_logits(np.array([0.0]), np.array([1.0]))), 6)
    0.693147
    """
    z, y = _pair(z, y, "z")
    return _bce_logits(z, y, _convention(over_samples, over_outputs))


def _bce_logits(z: np.ndarray, y: np.ndarray, conv: Convention, lead: int = 0) -> np.ndarray:
    """BCE from logits under ``conv`` (``lead`` leading axes kept): no validation."""
    # softplus(z) - y z, written without its subtraction (softplus(z) - z = softplus(-z)):
    # on a saturated logit the difference would keep only eps / loss of the digits, in
    # the value and in a complex step's imaginary part alike
    return conv.reduce((1 - y) * softplus(z) + y * softplus(-z), lead)


def bce_with_logits_grad(
    z: np.ndarray, y: np.ndarray, *, over_samples: str = "mean", over_outputs: str = "mean"
) -> np.ndarray:
    """Gradient of :func:`bce_with_logits` with respect to the logits ``z``.

    Parameters
    ----------
    z, y : array_like
        Logits and targets of the same shape.
    over_samples, over_outputs : {'mean', 'sum'}
        As in :func:`bce_with_logits`; ``z.size`` below becomes the matching divisor.

    Returns
    -------
    numpy.ndarray
        ``(sigmoid(z) - y) / z.size``, computed as
        ``((1 - y) sigmoid(z) - y sigmoid(-z)) / z.size``.

    Notes
    -----
    The two forms are equal (``sigmoid(z) + sigmoid(-z) = 1``), but on a
    saturated output (``sigmoid(z)`` within 1e-12 of a 0/1 target)
    ``sigmoid(z) - y`` cancels and keeps only ``eps / |sigmoid(z) - y|`` of
    its digits (1e-3 at a loss of 1e-13); the second form has no
    subtraction for 0/1 targets, so a reference gradient stays exact there.
    """
    z, y = _pair(z, y, "z")
    return _bce_logits_grad(z, y, _convention(over_samples, over_outputs))


def _bce_logits_grad(z: np.ndarray, y: np.ndarray, conv: Convention) -> np.ndarray:
    return ((1 - y) * sigmoid(z) - y * sigmoid(-z)) / conv.divisor(z.shape)


@dataclass(frozen=True)
class Loss:
    """A loss with its gradient with respect to its first argument.

    Attributes
    ----------
    name : str
        Registry name.
    f : callable
        ``f(prediction, y) -> scalar``.
    grad : callable
        ``grad(prediction, y) -> array`` shaped like the prediction.
    """

    name: str
    f: Callable[[np.ndarray, np.ndarray], object]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", mse, mse_grad),
    "bce": Loss("bce", bce, bce_grad),
    "bce_with_logits": Loss("bce_with_logits", bce_with_logits, bce_with_logits_grad),
    "ce": Loss("ce", cross_entropy, cross_entropy_grad),
    "ce_with_logits": Loss("ce_with_logits", cross_entropy_with_logits, cross_entropy_with_logits_grad),
}


def get_loss(name: str) -> Loss:
    """Look up a loss by name ('mse', 'bce', 'bce_with_logits', 'ce', 'ce_with_logits').

    Parameters
    ----------
    name : str
        Registry name.

    Returns
    -------
    Loss
        The registered loss.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in LOSSES)
        raise ValueError(f"unknown loss {name!r}; valid names: {valid}") from None
