"""Gradients that accumulate, as torch's do: a backward that adds into each parameter's ``.grad``.

Code written that way resets them before every backward (``model.zero_grad()``, or an optimizer's
``zero_grad()`` over the same parameters). The audit does what the code's training does: before each
backward it calls the model's own ``zero_grad()``, or, when only another of the submission's classes
has one (an optimizer), sets each parameter object's ``.grad`` to zeros. Two backward calls at the same
weights then give the same gradient, and only a real fault of the gradient is named.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import call_student
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.paths import resolve

NAME = "zero_grad"


def has_zero_grad(classes: list[type]) -> bool:
    """Whether one of the submission's classes has a ``zero_grad`` method."""
    return any(NAME in methods(cls) for cls in classes)


def reset_grads(root: Any, params: list[Tensor], code_resets: bool) -> str | None:
    """Reset the accumulated gradients of ``params`` under ``root`` before a backward; says how, or None.

    Nothing is done unless the parameters are objects with a ``.grad`` and the code resets them itself
    (``code_resets``: a class of the submission has ``zero_grad``).
    """
    objs = [resolve(root, t.param_obj) for t in params if t.param_obj is not None]
    if not code_resets or not objs:
        return None
    own = getattr(root, NAME, None)
    if callable(own):
        call_student(NAME, own)
        return f"{type(root).__name__}.{NAME}()"
    for p in objs:
        data = np.asarray(p.data)
        p.grad = np.zeros_like(data, dtype=float)
    return ".grad set to zeros"
