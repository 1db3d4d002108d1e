"""The value of the student's own loss on the checked batch, so the grader can tell which loss it is.

When the instructor declares no loss, the gradient is checked against the loss
the student wrote: ``compute_cost(A2, Y)``, ``self.loss(y)``, ``mse(y_true,
y_pred)``, ``0.5 * np.sum(...)`` in an ``error()`` method, or the loss a CS231n
``loss(X, y)`` returns with its gradients. Its value on the batch is reported;
the grader matches it against the named loss conventions.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import bind_args, call_student, plain_params
from gradcheck.audit.adapters.names import LOSS_DERIV_FUNC
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.step import Step1
from gradcheck.audit.adapters.target import Target
from gradcheck.audit.loader import AuditError, StudentCodeError

LOSS_NAME = re.compile(r"(loss|cost|error|mse|cross_?entropy|nll|bce|objective)", re.I)
#: Functions whose name looks like a loss but that are not (accuracy, helpers).
NOT_LOSS = re.compile(r"(accuracy|acc$|score|plot|print|history|rate|deriv|prime|grad|backward|delta)", re.I)


def _scalar(v: Any) -> float | None:
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(a) if a.size == 1 and np.isfinite(a).all() else None


def _candidates(target: Target, root: Any, funcs: dict) -> list[tuple[str, Any]]:
    found = []
    if target.root_name == "self":
        for name in sorted(methods(type(root))):
            if (
                LOSS_NAME.search(name)
                and not NOT_LOSS.search(name)
                and name not in (target.backward_name, target.forward_name)
            ):
                found.append((f"{target.label}.{name}", getattr(root, name)))
    for name, fn in sorted(funcs.items()):
        if LOSS_NAME.search(name) and not NOT_LOSS.search(name) and not LOSS_DERIV_FUNC.search(name):
            if name != target.backward_name:
                found.append((name, fn))
    return found


def _derivatives(target: Target, root: Any, funcs: dict) -> list[tuple[str, Any]]:
    found = []
    if target.root_name == "self":
        for name in sorted(methods(type(root))):
            if LOSS_DERIV_FUNC.search(name) or name == "cost_derivative":
                found.append((f"{target.label}.{name}", getattr(root, name)))
    found += [(n, f) for n, f in sorted(funcs.items()) if LOSS_DERIV_FUNC.search(n) or n == "cost_derivative"]
    return found


def student_loss_grad(target: Target, s1: Step1, funcs: dict, Yc: Any) -> dict | None:
    """``{"source", "value"}``: the student's loss derivative (``mse_prime``, ``cost_derivative``) at the output."""
    if not isinstance(s1.out, np.ndarray):
        return None
    out = s1.out
    for source, fn in _derivatives(target, s1.root, funcs):
        ctx = {"out": lambda: out.copy(), "Y": lambda: np.array(Yc, copy=True)}
        try:
            a, k, _ = bind_args(fn, ctx, ["out", "Y"], source)
            value = np.asarray(call_student(source, fn, *a, **k), dtype=float)
        except (AuditError, StudentCodeError, TypeError, ValueError):
            continue
        if value.shape == out.shape and np.all(np.isfinite(value)):
            return {"source": f"the student's {source}()", "value": value}
    return None


def student_loss(target: Target, s1: Step1, funcs: dict, Yc: Any, Xc: Any = None) -> dict | None:
    """``{"source", "value"}``: the student's loss at the step's output and targets, or None."""
    if (
        isinstance(s1.ret, (tuple, list))
        and s1.ret
        and _scalar(s1.ret[0]) is not None
        and not isinstance(s1.ret[0], bool)
    ):
        return {"source": f"the loss value {target.entry()} returns", "value": _scalar(s1.ret[0])}
    if not isinstance(s1.out, np.ndarray):
        return None
    out = s1.out
    for source, fn in _candidates(target, s1.root, funcs):
        ctx = {"out": lambda: out.copy(), "Y": lambda: np.array(Yc, copy=True)}
        ctx.update({f"={k}": (lambda v=v: v) for k, v in s1.extra.items()})  # the forward's returned names
        if Xc is not None:
            ctx["X"] = lambda: np.array(Xc, copy=True)
        if not plain_params(fn):
            continue
        try:
            a, k, _ = bind_args(fn, ctx, ["out", "Y"], source)
            value = _scalar(call_student(source, fn, *a, **k))
        except (AuditError, StudentCodeError):
            continue
        if value is not None:
            return {"source": f"the student's {source}()", "value": value}
    return None
