"""The types of the worker's answer's fields, checked before the grader reads any of them.

The answer comes through a channel the submission can write too (it shares the worker's process), so its fields
are untrusted: a forged ``"cells": [1]`` or ``"shape": [1]`` once reached ``dict(...)`` and ``re.sub`` in the
grader after the verdict was signed, and ended the whole class's audit with exit 2 (``--resume`` too). A field
of another type than the worker ever writes makes the answer none of the worker's own: an error for that
submission, never the batch's crash. Fields not listed here are read defensively where they are read.

Their sizes are bounded too (:func:`clipped`, and :data:`SHAPE` for ``shape``): a forged 5 MB ``shape`` once padded
every row of report.txt to its width (30 MB for 4 submissions, R5-06), and 60,000 spaces in a forged error, entry or
note held every report for a minute and a half (R5-13); a ``shape`` with markup reached report.md raw (R5-05).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["clipped", "mistyped"]

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


#: The form of every ``shape`` the worker writes (``class``, ``grads-dict``, ``inplace-update``, ``script``).
SHAPE = re.compile(r"[a-z][a-z0-9-]{0,39}")
#: Characters of a tensor's name (``params[i]["name"]``, ``grads[j]["param"]``): a longer one is no code's key.
NAME_CHARS = 200
#: Characters kept of each free-text field of the answer, and of each field of its ``error``.
TEXT_CHARS = 300
NOTE_CHARS = 2000
NOTES = 100
ERROR_CHARS = {"type": 120, "message": 2000, "where": TEXT_CHARS, "raised_by": 20, "traceback": 8000}
#: Free-text fields of a parameter's or a gradient's entry (where the code holds it, how it was read), cut to
#: :data:`TEXT_CHARS`.
PATH_FIELDS = ("path", "rule")
#: Added where a field was cut.
CUT = " [...]"


def mistyped(answer: dict[str, Any]) -> str | None:
    """The first field of ``answer`` of a type the worker never writes there (``"cells" (a list)``), else None."""
    for key, allowed in TYPES.items():
        if key in answer and not _is(answer[key], allowed):
            return f"{key!r} ({type(answer[key]).__name__})"
    for key, item in ITEMS.items():
        value = answer.get(key)
        if isinstance(value, list) and not all(isinstance(v, item) for v in value):
            return f"{key!r} (an item not a {item.__name__})"
    if isinstance(answer.get("shape"), str) and not SHAPE.fullmatch(answer["shape"]):
        return "'shape' (not a shape the worker writes)"
    for key, field in (("params", "name"), ("grads", "param")):
        for item in answer.get(key) or ():
            if not isinstance(item.get(field), str):  # (a gradient of no parameter: an internal error, before)
                return f"{key!r} (an item whose {field!r} is no string)"
            if len(item[field]) > NAME_CHARS:
                return f"{key!r} (a {field} over {NAME_CHARS} characters)"
    for key in ("params", "grads"):
        for item in answer.get(key) or ():
            if any(k in item and not isinstance(item[k], _STR) for k in PATH_FIELDS):
                return f"{key!r} (an item whose path or rule is no string)"
    return None


def clipped(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` (of the types :func:`mistyped` checks) with its free text cut to sizes no worker answer reaches:
    each of its string fields (``entry``, ...) to
    :data:`TEXT_CHARS`, at most :data:`NOTES` notes of :data:`NOTE_CHARS`, the ``error``'s
    fields to :data:`ERROR_CHARS` (a new dict; the rest as it was)."""
    out = {k: _cut(v, TEXT_CHARS) if isinstance(v, str) and TYPES.get(k) == _STR else v for k, v in answer.items()}
    if isinstance(out.get("notes"), list):
        notes = out["notes"]
        out["notes"] = [_cut(n, NOTE_CHARS) for n in notes[:NOTES]]
        if len(notes) > NOTES:
            out["notes"].append(f"{len(notes) - NOTES} more notes not shown")
    for key in ("params", "grads"):  # (a 3 MB path went verbatim into every report's suggested spec)
        if isinstance(out.get(key), list):
            out[key] = [
                {k: _cut(v, TEXT_CHARS) if k in PATH_FIELDS and isinstance(v, str) else v for k, v in item.items()}
                for item in out[key]
            ]
    if isinstance(out.get("error"), dict):
        err = dict(out["error"])
        for key, limit in ERROR_CHARS.items():
            value = err.get(key)
            if isinstance(value, str):
                err[key] = _cut(value, limit)
            elif isinstance(value, list):
                err[key] = [_cut(v, limit) if isinstance(v, str) else v for v in value[:50]]
        out["error"] = err
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


def _is(value: Any, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in allowed:  # True is an int: not where a count is written
        return False
    return isinstance(value, allowed)
