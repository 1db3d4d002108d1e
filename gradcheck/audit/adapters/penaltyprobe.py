"""The penalty a loss-and-gradients function leaves at zero, measured on the student's own loss.

CS231n's ``loss(X, y=None, reg=0.0)`` returns ``(loss, grads)``. The grader calls it with
the penalty at 0, so the data loss's gradient is judged against the reference network,
whatever loss is declared or inferred, and the penalty's is not. Here the same function
is called again at the same weights with the penalty switched on (the argument, or the
attribute ``self.reg`` a constructor keeps): the difference of the two calls is the
penalty as the code adds it, its loss part ``P`` and its gradient part ``D``. ``P`` is
differentiated entry by entry by central differences of the code's own loss at both
strengths, at two steps (their agreement is the estimate's error bar); the grader
(:mod:`gradcheck.audit.penaltycheck`) compares them with ``D``. Nothing here is a verdict.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import PENALTY_NAME, PENALTY_VALUE
from gradcheck.audit.adapters.paths import assign
from gradcheck.audit.adapters.penaltyattrs import self_reads
from gradcheck.audit.adapters.penaltyoff import defaulted_penalties
from gradcheck.audit.adapters.readers.returned import grads_from_return
from gradcheck.audit.adapters.returns import returned_names
from gradcheck.audit.loader import AuditError, StudentCodeError

#: Entries of each tensor whose penalty slope is measured (seeded choice): a penalty written wrong
#: is wrong on every entry it touches (a factor, a missing term), so a few entries show it.
ENTRIES = 8
#: Relative step of the central differences. The penalty is a polynomial of low degree in each
#: entry (``reg * W**2``): a large step loses nothing to truncation and keeps rounding small
#: (eps * |loss| / h, about 1e-12 here); the same difference at half the step is the error bar.
STEP = 1e-3


@dataclasses.dataclass(frozen=True)
class Knob:
    """Where the penalty's strength goes: a backward argument kept at its default 0, or a root attribute."""

    kind: str  # "argument" | "attribute"
    name: str
    #: the strength the penalty is measured at: its own default where that is not 0 (penaltyoff), else 0.1
    value: float = PENALTY_VALUE

    def __str__(self) -> str:
        return f"argument {self.name!r}" if self.kind == "argument" else f"attribute self.{self.name}"


def penalty_knob(backward, root: Any, kept: dict[str, float] | None = None) -> Knob | None:
    """The penalty the call leaves at zero: ``reg=0.0`` in the signature, else ``self.reg`` read by the backward
    (``kept``: attributes the runner set to 0, measured at their own value; :mod:`.penaltyattrs`)."""
    for p in plain_params(backward):
        if PENALTY_NAME.match(p.name) and _zero(p.default):
            return Knob("argument", p.name)
    for name, default in defaulted_penalties(backward).items():  # reg=0.05, called at 0 for the main check
        return Knob("argument", name, default)
    read = self_reads([backward])
    for name, value in sorted(vars(root).items()) if hasattr(root, "__dict__") else []:
        if PENALTY_NAME.match(name) and _zero(value) and name in read:
            return Knob("attribute", name, (kept or {}).get(name, PENALTY_VALUE))
    return None


def _zero(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


class _Caller:
    """Calls the backward at given weights and penalty strength: (loss value, gradient per parameter)."""

    def __init__(self, runner, s1, params, knob: Knob, lr: float):
        self.runner, self.s1, self.params, self.knob, self.lr = runner, s1, params, knob, lr
        self.calls = 0

    def __call__(self, values: list[np.ndarray], strength: float) -> tuple[float, dict[int, np.ndarray]]:
        runner, t = self.runner, self.runner.t
        if t.orient is not None:
            t.orient(self.s1.columns)
        root = t.fresh()
        for p, v in zip(self.params, values):
            assign(root, p.steps, np.array(v, copy=True))
        if self.knob.kind == "argument":
            runner = copy.copy(runner)
            runner.notes, runner.penalty_at = [], {self.knob.name: strength}
        else:
            runner = copy.copy(runner)
            runner.notes, runner.penalty_attrs_kept = [], True
            setattr(root, self.knob.name, strength)
        step = runner.step(self.lr, self.s1.columns, root=root)
        self.calls += 1
        grads, shape, _ = grads_from_return(step.ret, self.params, returned_names(runner.t.get_backward(step.root)))
        if shape != "loss-and-grads":
            raise ValueError("no (loss, gradients) pair")
        return float(np.asarray(step.ret[0])), {g.param: np.asarray(g.data, dtype=float) for g in grads}


def penalty_probe(runner, s1, params, lr: float) -> dict | None:
    """The penalty's loss and gradient parts, and its slopes on a few entries (None: no penalty left at 0).

    Returns ``{"knob", "value", "loss0", "loss", "penalty", "tensors": [{"param", "index", "claimed",
    "slope", "slope_half"}]}``: ``claimed`` the gradient's penalty part at the entries ``index`` (flat),
    ``slope`` and ``slope_half`` the central differences of the loss's penalty part at steps h and h/2.
    """
    try:
        knob = penalty_knob(runner.t.get_backward(s1.root), s1.root, runner.penalty_attrs)
    except (TypeError, ValueError):
        return None
    if knob is None:
        return None
    call = _Caller(runner, s1, params, knob, lr)
    theta = [np.array(b, dtype=float) for b in s1.before]
    try:
        loss0, g0 = call(theta, 0.0)
        if call(theta, 0.0)[0] != loss0:
            return None  # a loss that differs on every call (dropout...): no difference of two calls is the penalty
        loss1, g1 = call(theta, knob.value)
        tensors = [_tensor(call, theta, i, p, g0, g1) for i, p in enumerate(params)]
    except (StudentCodeError, AuditError, ValueError, TypeError, IndexError, KeyError):
        return None  # the penalty path cannot be run apart: the data loss's check stands alone
    if any(t is None for t in tensors):
        return None
    return {
        "knob": str(knob),
        "value": knob.value,
        "loss0": loss0,
        "loss": loss1,
        "penalty": loss1 - loss0,
        "step": STEP,
        "calls": call.calls,
        "tensors": tensors,
    }


def _tensor(call: _Caller, theta, i: int, param, g0: dict, g1: dict) -> dict | None:
    if i not in g0 or i not in g1 or g0[i].shape != theta[i].shape or g1[i].shape != theta[i].shape:
        return None
    rng = np.random.default_rng(i)
    size = theta[i].size
    index = sorted(rng.choice(size, size=min(ENTRIES, size), replace=False).tolist())
    claimed = (g1[i] - g0[i]).ravel()[index]
    slopes = [[_slope(call, theta, i, k, STEP * scale) for k in index] for scale in (1.0, 0.5)]
    return {
        "param": param.name,
        "index": index,
        "claimed": claimed.tolist(),
        "slope": slopes[0],
        "slope_half": slopes[1],
    }


def _slope(call: _Caller, theta, i: int, k: int, rel: float) -> float:
    """d/d theta_i[k] of (loss at the penalty - loss at 0), by a central difference."""
    x = theta[i].ravel()[k]
    h = rel * max(1.0, abs(float(x)))
    h = (x + h) - x  # exactly representable
    sides = []
    for sign in (1.0, -1.0):
        moved = [v.copy() for v in theta]
        moved[i].flat[k] = x + sign * h
        sides.append(call(moved, call.knob.value)[0] - call(moved, 0.0)[0])
    return (sides[0] - sides[1]) / (2.0 * h)


__all__ = ["Knob", "penalty_knob", "penalty_probe"]
