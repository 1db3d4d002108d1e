"""Gradients that lack only a parameter's leading axes of length 1, as numpy's update applies them.

``b1 += np.sum(d_h, axis=0) * lr`` on a bias of shape ``(1, k)`` adds a ``(k,)`` gradient: numpy
broadcasts it onto the parameter and the parameter keeps its shape, entry for entry. Such a
gradient is the parameter's gradient, written without the axis; failing it as a wrong shape
would fail a correct submission. Only that case is mended: the gradient has the parameter's
number of entries, and broadcasting it onto the parameter leaves the parameter's shape
unchanged (a ``(k,)`` gradient of a ``(k, 1)`` bias would broadcast to ``(k, k)``: still a
wrong shape, and still failed as one).

A gradient of one number (``db1 = np.sum(dZ1) / m``, summed over the units as well as the samples) is
mended the same way: ``b1 - lr * db1`` applies that number to every entry, so that number on every
entry is the gradient the code applies, and it is compared (and its bug named) as such.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck.audit.extracted import Extracted

__all__ = ["broadcast_onto_params"]


def _one_number(param: np.ndarray, grad: np.ndarray) -> bool:
    """A gradient of one entry (shape ``()``, ``(1,)``, ``(1, 1)``) for a parameter of several."""
    return grad.size == 1 and param.size > 1 and grad.ndim <= param.ndim


def _mendable(param: np.ndarray, grad: np.ndarray) -> bool:
    if _one_number(param, grad):
        return True
    if grad.shape == param.shape or grad.size != param.size or grad.ndim >= param.ndim:
        return False
    try:
        return np.broadcast_shapes(param.shape, grad.shape) == param.shape
    except ValueError:
        return False


def broadcast_onto_params(ex: Extracted) -> tuple[Extracted, list[str]]:
    """``ex`` with every gradient that broadcasts onto its parameter unchanged given the parameter's shape.

    Returns
    -------
    (Extracted, list of str)
        The mended extraction and a note per tensor reshaped (none: ``ex`` itself).
    """
    notes, grads = [], dict(ex.grads)
    for name, grad in ex.grads.items():
        param = ex.params.get(name)
        if param is not None and _one_number(param, grad):
            grads[name] = np.full(param.shape, grad.reshape(()), dtype=np.result_type(grad, float))
            notes.append(
                f"the gradient of {name} is one number (shape {grad.shape}) and {name} has shape {param.shape}: "
                f"the update {name} - lr * d{name} applies it to every entry, so it is compared on every entry"
            )
        elif param is not None and _mendable(param, grad):
            grads[name] = grad.reshape(param.shape)
            notes.append(
                f"the gradient of {name} has shape {grad.shape} and {name} {param.shape}: numpy's update "
                f"broadcasts it onto {name} entry for entry, so it is compared as {param.shape}"
            )
    return (dataclasses.replace(ex, grads=grads), notes) if notes else (ex, [])
