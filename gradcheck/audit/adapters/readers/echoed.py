"""A backward that updates the weights in place and returns them: ``W1 -= lr * dW1 ... return W1, b1, W2, b2``.

The returned tuple then holds the *updated weights*, not gradients, although it is
built like a gradient tuple (one array per parameter, in the parameters' shapes).
Read as gradients it fails a correct submission. The sign is plain: each returned
array equals the weight as it stands after the step, and differs from the weight
before it. The gradients are then read from the in-place update, with the learning
rate verified linear like any other update (readers.update).
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.adapters.step import Grad, Step1

NOTE = (
    "backward returned the weights it had just updated in place, not gradients: "
    "the gradients are read from the update (before - after) / lr"
)


def echoes_weights(grads: list[Grad], step: Step1) -> bool:
    """True when every returned array is its parameter after the step, and that parameter moved.

    Parameters
    ----------
    grads : list of Grad
        What the returned value was read as, one entry per parameter it matched.
    step : Step1
        The step they came from, with the weights before and after it.

    Returns
    -------
    bool
        Every returned array equals the weight after the step and not the weight before it.
    """
    if not grads:
        return False
    for g in grads:
        before, after = step.before[g.param], step.after[g.param]
        data = np.asarray(g.data)
        if data.shape != np.shape(after) or not np.array_equal(data, after, equal_nan=True):
            return False
        if np.array_equal(before, after, equal_nan=True):
            return False
    return True


__all__ = ["NOTE", "echoes_weights"]
