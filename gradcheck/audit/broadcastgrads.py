"""Gradients that lack only a parameter's leading axes of length 1, as numpy's update applies them.

``b1 += np.sum(d_h, axis=0) * lr`` on a bias of shape ``(1, k)`` adds a ``(k,)`` gradient: numpy
broadcasts it onto the parameter and the parameter keeps its shape, entry for entry. Such a
gradient is the parameter's gradient, written without the axis; failing it as a wrong shape
would fail a correct submission. Only that case is mended: the gradient has the parameter's
number of entries, and broadcasting it onto the parameter leaves the parameter's shape
unchanged (a ``(k,)`` gradient of a ``(k, 1)`` bias would broadcast to ``(k, k)``: still a
wrong shape, and still failed as one).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck.audit.extracted import Extracted

__all__ = ["broadcast_onto_params"]


def _mendable(param: np.ndarray, grad: np.ndarray) -> bool:
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
        if param is not None and _mendable(param, grad):
            grads[name] = grad.reshape(param.shape)
            notes.append(
                f"the gradient of {name} has shape {grad.shape} and {name} {param.shape}: numpy's update "
                f"broadcasts it onto {name} entry for entry, so it is compared as {param.shape}"
            )
    return (dataclasses.replace(ex, grads=grads), notes) if notes else (ex, [])
