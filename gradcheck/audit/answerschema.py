"""The types of the worker's answer's fields, checked before the grader reads any of them.

The answer comes through a channel the submission can write too (it shares the worker's process), so its fields
are untrusted: a forged ``"cells": [1]`` or ``"shape": [1]`` once reached ``dict(...)`` and ``re.sub`` in the
grader after the verdict was signed, and ended the whole class's audit with exit 2 (``--resume`` too). A field
of another type than the worker ever writes makes the answer none of the worker's own: an error for that
submission, never the batch's crash. Fields not listed here are read defensively where they are read.
"""

from __future__ import annotations

from typing import Any

__all__ = ["mistyped"]

_NONE = type(None)
_STR = (str, _NONE)
_DICT = (dict, _NONE)
_LIST = (list,)

#: What the worker writes in each field it always or often writes (gradcheck/audit/worker.py and the adapters).
TYPES: dict[str, tuple[type, ...]] = {
    "ok": (bool,),
    **dict.fromkeys(
        ("shape", "entry", "forward_path", "precision", "target_shape", "update_form", "outputs_named", "step_method"),
        _STR,
    ),
    **dict.fromkeys(("notes", "params", "grads", "defined", "student_losses", "unmatched_grads"), _LIST),
    **dict.fromkeys(
        (
            "error",
            "cells",
            "trace",
            "probes",
            "update",
            "own_loss",
            "loss_value",
            "student_loss",
            "student_loss_grad",
            "penalty_probe",
            "script_point",
            "forward_samples",
            "neutral_defaults",
        ),
        _DICT,
    ),
    **dict.fromkeys(("forward", "X", "Y"), (list, _NONE)),
    **dict.fromkeys(("samples_as_columns",), (bool, _NONE)),
    **dict.fromkeys(("data_replaced", "defaults_kept", "first_sample", "forward_knob"), (bool,)),
    **dict.fromkeys(("own_outputs", "script_weights_from"), (int, _NONE)),
}
#: Lists whose items the grader reads as one type.
ITEMS: dict[str, type] = {"notes": str, "params": dict, "grads": dict}


def mistyped(answer: dict[str, Any]) -> str | None:
    """The first field of ``answer`` of a type the worker never writes there (``"cells" (a list)``), else None."""
    for key, allowed in TYPES.items():
        if key in answer and not _is(answer[key], allowed):
            return f"{key!r} ({type(answer[key]).__name__})"
    for key, item in ITEMS.items():
        value = answer.get(key)
        if isinstance(value, list) and not all(isinstance(v, item) for v in value):
            return f"{key!r} (an item not a {item.__name__})"
    return None


def _is(value: Any, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in allowed:  # True is an int: not where a count is written
        return False
    return isinstance(value, allowed)
