"""A loss-and-gradients function whose penalty argument has a default that is not 0 (``reg=0.05``).

``def loss_and_grads(params, X, y, reg=0.05)`` returning ``(loss, grads)`` adds the
penalty to both; called as written, its gradient is the data loss's plus the penalty's,
which no reference network has. The grader calls it with the penalty at 0 (a note says
so) and the penalty is then measured apart at its default strength
(:mod:`gradcheck.audit.adapters.penaltyprobe`). Only a function whose last ``return``
starts with a loss (``return loss, grads``) is treated so: elsewhere a default penalty
is kept, as before.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import PENALTY_NAME
from gradcheck.audit.adapters.returns import return_values

#: The first returned name of a loss-and-gradients function (``return loss, grads``, ``return cost, dW1, ...``).
LOSS_FIRST = re.compile(r"^(total_|full_)?(loss|cost|j)(_?val(ue)?|_?total)?$", re.IGNORECASE)


def returns_loss_first(fn: Callable) -> bool:
    """Whether one of ``fn``'s ``return`` statements gives a loss and then something else (``return loss, grads``).

    Any of them: ``if y is None: return scores`` may come before or after it.
    """
    try:
        values = return_values(fn)
    except (TypeError, ValueError, OSError):  # no source to read
        return False
    return any(
        isinstance(v, ast.Tuple)
        and len(v.elts) >= 2
        and isinstance(v.elts[0], ast.Name)
        and LOSS_FIRST.match(v.elts[0].id)
        for v in values
    )


def defaulted_penalties(fn: Callable) -> dict[str, float]:
    """``{name: default}`` of ``fn``'s penalty arguments whose numeric default is not 0, for a loss-and-grads ``fn``."""
    try:
        plist = plain_params(fn)
    except (TypeError, ValueError):
        return {}
    found = {
        p.name: float(p.default)
        for p in plist
        if PENALTY_NAME.match(p.name)
        and isinstance(p.default, (int, float))
        and not isinstance(p.default, bool)
        and p.default != 0
    }
    return found if found and returns_loss_first(fn) else {}


def note(entry: str, found: dict[str, float]) -> str:
    """What the grader says about the penalties it turned off for the main check."""
    said = ", ".join(f"{k} = 0 instead of its default {v:g}" for k, v in found.items())
    return (
        f"{entry} called with {said}: the gradient of the data loss is checked against the network, "
        "the penalty's apart at its default strength"
    )
