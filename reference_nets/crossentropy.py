"""Categorical cross-entropy of a softmax output, with integer or one-hot labels.

Targets come in two forms, told apart by shape against the logits ``z`` of
shape ``(N, K)`` (``K >= 2`` classes):

* **dense**: ``y`` of shape ``(N, K)``, one-hot rows (or any soft targets);
* **integer labels**: ``y`` of shape ``(N,)`` or ``(N, 1)``, the class index
  ``0 .. K-1`` of every sample (any integer or integral float dtype).

The loss is ``-sum_k y_k log softmax(z)_k`` per sample, reduced by a
:class:`~reference_nets.conventions.Convention`; by default the classes are
summed and the samples averaged (``over_samples='mean', over_outputs='sum'``):
``-mean(log p[range(N), y])``.  ``over_outputs='mean'`` divides by ``K`` as
well, the ``-np.mean(Y * np.log(P))`` some courses write.

Both the loss and its gradient come from the logits and never subtract
nearly equal numbers (see :mod:`reference_nets.softmax`): the loss is a sum of
terms of non-negative real part, and ``dL/dz = (p * S - y) / D`` (``S`` the
row sum of ``y``, 1 for labels) is formed as ``p * others(y) - y * others(p)``
with ``others(x)_k = sum_{j != k} x_j`` summed from both ends, so that a
saturated row's ``p_c - 1`` comes out as ``-sum_{j != c} p_j`` to full relative
accuracy.  The loss from logits is complex-step safe; :func:`cross_entropy`
(from probabilities, clipped like ``bce``) is not.
"""

from __future__ import annotations

import numpy as np

from .conventions import Convention
from .elementary import as_float_array
from .softmax import log_softmax, softmax

__all__ = [
    "one_hot",
    "class_targets",
    "cross_entropy",
    "cross_entropy_grad",
    "cross_entropy_with_logits",
    "cross_entropy_with_logits_grad",
]

_CE_DEFAULT = Convention("mean", "sum")


def one_hot(labels: object, n_classes: int, dtype: object = np.float64) -> np.ndarray:
    """Integer class labels as one-hot rows.

    Parameters
    ----------
    labels : array_like, shape (N,) or (N, 1)
        Class indices ``0 .. n_classes - 1``; integral floats (and complex
        numbers with integral real part, as a complex step passes them) are
        accepted.
    n_classes : int
        Number of classes ``K``.
    dtype : dtype
        Of the result.

    Returns
    -------
    numpy.ndarray, shape (N, n_classes)
        Exactly 0 and 1.

    Raises
    ------
    ValueError
        If a label is not an integer in range; the message gives its row.

    Examples
    --------
    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    raw = np.asarray(labels)
    if raw.dtype.kind not in "biufc":
        raise TypeError(f"labels must be numeric class indices, got dtype {raw.dtype}")
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.ndim != 1:
        raise ValueError(f"labels must have shape (N,) or (N, 1), got {np.asarray(labels).shape}")
    values = raw.real if raw.dtype.kind == "c" else raw
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < 0) | (values >= n_classes)
    if raw.dtype.kind == "c":
        bad |= raw.imag != 0
    if np.any(bad):
        row = int(np.argmax(bad))
        raise ValueError(
            f"labels must be integer class indices in 0..{n_classes - 1}, got {raw[row].item()!r} in row {row}"
        )
    out = np.zeros((raw.shape[0], n_classes), dtype=dtype)
    out[np.arange(raw.shape[0]), values.astype(np.int64)] = 1
    return out


def class_targets(z: np.ndarray, y: object, name: str = "z") -> tuple[np.ndarray, np.ndarray]:
    """Validate logits (or probabilities) and targets; return ``(z, dense targets)``.

    Parameters
    ----------
    z : array_like, shape (N, K)
        Logits or probabilities, ``K >= 2``.
    y : array_like
        ``(N, K)`` dense targets, or ``(N,)`` / ``(N, 1)`` integer labels.
    name : str
        The first argument's name, for messages.

    Returns
    -------
    z : numpy.ndarray
    targets : numpy.ndarray, shape (N, K)
        In the dtype of ``z`` (one-hot rows for integer labels).

    Raises
    ------
    ValueError
        Naming both shapes when they do not fit together.
    """
    z = as_float_array(z, name)
    y_arr = as_float_array(y, "y")
    if z.ndim != 2 or z.shape[1] < 2 or z.shape[0] == 0:
        raise ValueError(f"{name} must have shape (N, K) with N >= 1 samples and K >= 2 classes, got {z.shape}")
    n, k = z.shape
    if y_arr.shape == z.shape:
        if y_arr.dtype.kind == "c" and z.dtype.kind != "c":
            z = z.astype(np.result_type(z.dtype, y_arr.dtype))
        return z, y_arr.astype(z.dtype, copy=False)
    if y_arr.shape in ((n,), (n, 1)):
        return z, one_hot(y, k, z.dtype)
    raise ValueError(
        f"y must be one-hot rows of shape {z.shape} or integer labels of shape ({n},) or ({n}, 1) "
        f"for {name} of shape {z.shape}, got y {y_arr.shape}"
    )


def _convention(over_samples: str, over_outputs: str) -> Convention:
    if over_samples == "mean" and over_outputs == "sum":
        return _CE_DEFAULT
    return Convention(over_samples, over_outputs)


def _ce_logits(z: np.ndarray, t: np.ndarray, conv: Convention, lead: int = 0) -> np.ndarray:
    """CE from logits against dense targets ``t`` (``lead`` leading axes kept): no validation."""
    return conv.reduce(t * -log_softmax(z), lead)


def _others(x: np.ndarray) -> np.ndarray:
    """``sum_{j != k} x_j`` for every ``k`` of the last axis, without subtracting."""
    zero = np.zeros_like(x[..., :1])
    left = np.concatenate([zero, np.cumsum(x[..., :-1], axis=-1)], axis=-1)
    right = np.concatenate([np.cumsum(x[..., :0:-1], axis=-1)[..., ::-1], zero], axis=-1)
    return left + right


def _ce_logits_grad(z: np.ndarray, t: np.ndarray, conv: Convention) -> np.ndarray:
    """``dL/dz`` of :func:`_ce_logits` for one parameter set: ``(p S - t) / D``."""
    p = softmax(z)
    return (p * _others(t) - t * _others(p)) / conv.divisor(z.shape)


def cross_entropy_with_logits(
    z: np.ndarray, y: object, *, over_samples: str = "mean", over_outputs: str = "sum"
) -> np.floating | np.complexfloating:
    """Categorical cross-entropy of ``softmax(z)``: ``-mean_N sum_K y log softmax(z)``.

    Parameters
    ----------
    z : array_like, shape (N, K)
        Logits (pre-softmax), real or complex.
    y : array_like
        One-hot (or soft) targets ``(N, K)``, or integer labels ``(N,)`` / ``(N, 1)``.
    over_samples, over_outputs : {'mean', 'sum'}
        Reduction over the samples and over the classes (default: mean, sum).

    Returns
    -------
    numpy scalar
        Real for real ``z``, complex for complex ``z`` (complex-step safe).

    Examples
    --------
    >>> round(float(cross_entropy_with_logits(np.zeros((2, 4)), [0, 3])), 6)
    1.386294
    >>> float(cross_entropy_with_logits(np.array([[800.0, 0.0]]), [0]))
    0.0
    """
    z, t = class_targets(z, y)
    return _ce_logits(z, t, _convention(over_samples, over_outputs))


def cross_entropy_with_logits_grad(
    z: np.ndarray, y: object, *, over_samples: str = "mean", over_outputs: str = "sum"
) -> np.ndarray:
    """Gradient of :func:`cross_entropy_with_logits` with respect to the logits.

    Parameters
    ----------
    z, y, over_samples, over_outputs
        As in :func:`cross_entropy_with_logits`.

    Returns
    -------
    numpy.ndarray, shape (N, K)
        ``(softmax(z) - y) / N`` for one-hot rows and the default convention
        (``p * sum(y) - y`` over the divisor in general), without cancellation.

    Examples
    --------
    >>> cross_entropy_with_logits_grad(np.zeros((1, 2)), [1]).tolist()
    [[0.5, -0.5]]
    """
    z, t = class_targets(z, y)
    return _ce_logits_grad(z, t, _convention(over_samples, over_outputs))


def _clip(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # the smallest probability whose log is finite and a step of the dtype away from 0:
    # tiny (~2.2e-308 in float64) keeps -log(p) <= 708
    tiny = np.finfo(p.dtype).tiny
    return np.maximum(p, tiny), p >= tiny


def cross_entropy(p: np.ndarray, y: object, *, over_samples: str = "mean", over_outputs: str = "sum") -> np.floating:
    """Categorical cross-entropy on probabilities: ``-mean_N sum_K y log p``.

    Parameters
    ----------
    p : array_like, shape (N, K)
        Predicted probabilities (real).
    y : array_like
        One-hot targets ``(N, K)`` or integer labels ``(N,)`` / ``(N, 1)``.
    over_samples, over_outputs : {'mean', 'sum'}
        As in :func:`cross_entropy_with_logits`.

    Returns
    -------
    numpy scalar

    Notes
    -----
    ``p`` is clipped below at ``np.finfo(p.dtype).tiny`` so that ``log`` stays
    finite; the clip makes this NOT complex-step safe: differentiate
    :func:`cross_entropy_with_logits` instead.
    """
    p, t = class_targets(p, y, "p")
    if p.dtype.kind == "c":
        raise TypeError(
            "p must be real for cross_entropy (clipping is not complex safe); use cross_entropy_with_logits"
        )
    pc, _ = _clip(p)
    return _convention(over_samples, over_outputs).reduce(t * -np.log(pc))


def cross_entropy_grad(
    p: np.ndarray, y: object, *, over_samples: str = "mean", over_outputs: str = "sum"
) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the probabilities ``p``.

    Parameters
    ----------
    p, y, over_samples, over_outputs
        As in :func:`cross_entropy`.

    Returns
    -------
    numpy.ndarray, shape (N, K)
        ``-y / p / D``, and 0 where ``p`` was clipped (the clipped loss is flat there).
    """
    p, t = class_targets(p, y, "p")
    if p.dtype.kind == "c":
        raise TypeError("p must be real for cross_entropy_grad (clipping is not complex safe)")
    pc, inside = _clip(p)
    g = -t / pc / _convention(over_samples, over_outputs).divisor(p.shape)
    return np.where(inside, g, 0).astype(p.dtype, copy=False)
