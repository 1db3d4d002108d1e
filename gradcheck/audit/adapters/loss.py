"""The student's own loss: its gradient dL/d(output) for layer stacks whose backward needs one.

A ``backward(dout)`` of a layer stack starts from the loss gradient the
student's training loop passes in: a loss class with a ``backward`` /
``derivative`` method (``MSELoss().backward()``) or a derivative function
(``mse_prime(y_true, y_pred)``, ``cost_derivative(output, y)``). ``[loss]
student`` names it when there are several.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.calling import bind_args, call_student
from gradcheck.audit.adapters.names import LOSS_CLASS, LOSS_DERIV_FUNC
from gradcheck.audit.adapters.objects import methods, student_classes, student_functions
from gradcheck.audit.loader import AuditError, LoadedSubmission

DERIVATIVE_METHODS = ("backward", "derivative", "grad", "gradient", "prime", "backprop")
FORWARD_METHODS = ("forward", "__call__", "loss", "compute")
HINT = "[loss] student"


def _candidates(ns: dict, loaded: LoadedSubmission, name: str | None) -> tuple[list[str], dict, dict]:
    classes = {c.__name__: c for c in student_classes(ns, loaded)}
    funcs = student_functions(ns, loaded)
    if name:
        if name not in classes and name not in funcs:
            raise AuditError(
                f"{HINT} {name!r} is not defined by the submission", where="finding the loss", type_="LossNotFound"
            )
        return [name], classes, funcs
    cands = [n for n, c in classes.items() if LOSS_CLASS.search(n) and methods(c) & set(DERIVATIVE_METHODS)]
    cands += [n for n in funcs if LOSS_DERIV_FUNC.search(n)]
    cands += [n for n in funcs if n == "cost_derivative" and n not in cands]
    return cands, classes, funcs


def find_loss(ns: dict, loaded: LoadedSubmission, spec: dict) -> tuple[str, Callable[[Any, Any], Any]]:
    """The student's loss gradient dL/d(output) as a function of (yhat, y)."""
    cands, classes, funcs = _candidates(ns, loaded, spec.get("loss"))
    if not cands:
        raise AuditError(
            "backward needs the loss gradient dL/d(output) but no loss class or loss "
            f"derivative function was found: set {HINT}",
            where="finding the loss",
            type_="LossNotFound",
        )
    if len(cands) > 1:
        raise AuditError(
            f"found several losses {' and '.join(sorted(cands))}: set {HINT}",
            where="finding the loss",
            type_="AmbiguousLoss",
        )
    name = cands[0]
    if name in funcs:
        return name, _function_grad(name, funcs[name])
    return name, _class_grad(name, classes[name])


def _function_grad(name: str, fn: Callable):
    def grad_fn(yhat, y):
        a, k, _ = bind_args(fn, {"out": lambda: yhat, "Y": lambda: y}, ["out", "Y"], name, spec_hint=HINT)
        return call_student(name, fn, *a, **k)

    return grad_fn


def _class_grad(name: str, cls: type):
    ms = methods(cls)

    def grad_cls(yhat, y):
        inst = call_student(f"{name}()", cls)
        fwd = next((m for m in FORWARD_METHODS if m in ms), None)
        ctx = {"out": lambda: yhat, "Y": lambda: y}
        if fwd is not None:
            f = getattr(inst, fwd)
            a, k, _ = bind_args(f, ctx, ["out", "Y"], f"{name}.{fwd}", spec_hint=HINT)
            call_student(f"{name}.{fwd}", f, *a, **k)
        bwd = next(m for m in DERIVATIVE_METHODS if m in ms)
        b = getattr(inst, bwd)
        a, k, _ = bind_args(b, ctx, [], f"{name}.{bwd}", spec_hint=HINT)
        return call_student(f"{name}.{bwd}", b, *a, **k)

    return grad_cls
