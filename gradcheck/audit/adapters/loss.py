"""The student's own loss: its gradient dL/d(output) for layer stacks whose backward needs one.

A ``backward(dout)`` of a layer stack starts from the loss gradient the
student's training loop passes in: a loss class with a ``backward`` /
``derivative`` method (``MSELoss().backward()``) or a derivative function
(``mse_prime(y_true, y_pred)``, ``cost_derivative(output, y)``), or a loss
function that returns the loss and its gradient together (``loss, dlogits =
softmax_cross_entropy(logits, labels)``). ``[loss] student`` names it when
there are several.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.calling import bind_args, call_student, plain_params
from gradcheck.audit.adapters.names import LOSS_CLASS, LOSS_DERIV_FUNC, loss_named
from gradcheck.audit.adapters.objects import methods, student_classes, student_functions
from gradcheck.audit.adapters.returns import return_values
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.loader import AuditError, LoadedSubmission, StudentCodeError

DERIVATIVE_METHODS = ("backward", "derivative", "grad", "gradient", "prime", "backprop")
FORWARD_METHODS = ("forward", "__call__", "loss", "compute")
HINT = "[loss] student"
#: Arguments of a training method that take the loss itself (an object or a function).
LOSS_ARGS = ("loss", "loss_fn", "loss_function", "loss_func", "criterion", "cost_function")


def _candidates(
    ns: dict, loaded: LoadedSubmission, name: str | None, reads: frozenset = frozenset()
) -> tuple[list[str], dict, dict]:
    classes = {c.__name__: c for c in student_classes(ns, loaded)}
    funcs = student_functions(ns, loaded)
    if name:
        if name not in classes and name not in funcs:
            raise AuditError(
                f"{HINT} {name!r} is not defined by the submission", where="finding the loss", type_="LossNotFound"
            )
        return [name], classes, funcs
    cands = [n for n, c in classes.items() if loss_named(c) and methods(c) & set(DERIVATIVE_METHODS)]
    cands += [n for n in funcs if LOSS_DERIV_FUNC.search(n)]
    cands += [n for n in funcs if n == "cost_derivative" and n not in cands]
    cands += [n for n in funcs if n not in cands and LOSS_CLASS.search(n) and returns_pair(funcs[n])]
    if not cands:  # Loss('sse', 1).forward(pred, target) -> (loss, grad): the only loss there is
        cands = [n for n, c in classes.items() if loss_named(c) and _pair_method(c)]
    if len(cands) > 1:  # a library of losses: the one the code uses (``loss_function = CrossEntropy()``)
        used = _used_by_code(cands, loaded)
        cands = used if len(used) == 1 else cands
    if len(cands) > 1:  # a project of several scripts: the one the network's own script uses
        near = [n for n in cands if n in reads]
        cands = near if len(near) == 1 else cands
    return cands, classes, funcs


def _used_by_code(names: list[str], loaded: LoadedSubmission) -> list[str]:
    """The names among ``names`` that the submission's code reads outside their own definitions."""
    from gradcheck.audit.adapters.built import sources

    read: set[str] = set()
    for _, tree in sources(loaded):
        bases = {id(b) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for b in c.bases}
        for node in ast.walk(tree):  # a base class (``class MSE(Loss)``) is not a use
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in bases:
                read.add(node.id)
    return [n for n in names if n in read]


def loss_object(ns: dict, loaded: LoadedSubmission, spec: dict) -> Any:
    """What a training method's ``loss`` / ``criterion`` argument is given: the student's loss
    (an instance of its loss class, or its loss function), the one the code uses among several."""
    cands, classes, funcs = _candidates(ns, loaded, spec.get("loss"))
    if len(cands) != 1:
        raise AuditError(
            "a loss must be passed to the training method, and "
            + (
                f"several loss classes were found: {' and '.join(sorted(cands))}"
                if cands
                else f"no loss class with a {'/'.join(DERIVATIVE_METHODS)} method and no loss derivative function"
                " was found"
            )
            + f": set {HINT}",
            where="finding the loss",
            type_="AmbiguousLoss" if cands else "LossNotFound",
        )
    name = cands[0]
    return funcs[name] if name in funcs else _instance(name, classes[name], loaded)


def keeps_default(fn: Callable, name: str, ns: dict, loaded: LoadedSubmission, spec: dict) -> Any:
    """The default ``fn``'s loss argument ``name`` keeps, when the submission has no one loss to give it
    (``train(X, y, epochs, lr, loss='mse')`` picks its own loss by name); None otherwise."""
    params = {p.name: p for p in plain_params(fn)}
    p = params.get(name)
    if p is None or p.default is p.empty or spec.get("loss"):
        return None
    cands, _, _ = _candidates(ns, loaded, None)
    return None if len(cands) == 1 else p.default


def find_loss(
    ns: dict, loaded: LoadedSubmission, spec: dict, reads: frozenset = frozenset()
) -> tuple[str, Callable[[Any, Any], Any]]:
    """The student's loss gradient dL/d(output) as a function of (yhat, y).

    ``reads`` are the names the code building the network reads: among several losses, the one it uses.
    """
    cands, classes, funcs = _candidates(ns, loaded, spec.get("loss"), reads)
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
    return name, _class_grad(name, classes[name], loaded)


def returns_pair(fn: Callable) -> bool:
    """Whether every ``return`` of ``fn`` is a pair: a loss returned with its gradient."""
    rets = return_values(fn)
    return bool(rets) and all(isinstance(r, ast.Tuple) and len(r.elts) == 2 for r in rets)


def _function_grad(name: str, fn: Callable):
    pair = not LOSS_DERIV_FUNC.search(name) and name != "cost_derivative" and returns_pair(fn)

    def grad_fn(yhat, y):
        a, k, _ = bind_args(fn, {"out": lambda: yhat, "Y": lambda: y}, ["out", "Y"], name, spec_hint=HINT)
        value = call_student(name, fn, *a, **k)
        return value[1] if pair else value

    return grad_fn


def _pair_method(cls: type) -> str | None:
    """The forward-like method of ``cls`` that returns the loss with its gradient, or None."""
    ms = methods(cls)
    return next((m for m in FORWARD_METHODS if m in ms and returns_pair(getattr(cls, m))), None)


def _storing_value_method(cls: type) -> str | None:
    """A method taking (output, target) that stores them for the gradient method to read, or None:
    ``loss_value(self, input_data, target)`` setting ``self.input``, ``self.target`` before ``gradient()``."""
    for m in sorted(methods(cls)):
        fn = getattr(cls, m, None)
        if m.startswith("_") or m in DERIVATIVE_METHODS or not callable(fn):
            continue
        required = [p.name for p in plain_params(fn) if p.default is p.empty and p.name != "self"]
        tree = source_tree(fn)
        if len(required) == 2 and tree is not None and _stores(tree, set(required)):
            return m
    return None


def _stores(tree: ast.AST, names: set[str]) -> bool:
    """Whether the code assigns every one of ``names`` to an attribute of ``self``."""
    stored = {
        node.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and any(map(_on_self, node.targets))
    }
    return names <= stored


def _on_self(target: ast.AST) -> bool:
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"


def _instance(name: str, cls: type, loaded: LoadedSubmission) -> Any:
    """An instance of the loss class: made with no arguments, or as the submission makes it
    (``Loss('sse', 1)``) when its constructor needs some."""
    from gradcheck.audit.adapters.built import built_in_code

    try:
        return call_student(f"{name}()", cls)
    except StudentCodeError:
        made = built_in_code(cls, loaded, lambda _obj: True)
        if made is None:
            raise
        return made[0]


def _class_grad(name: str, cls: type, loaded: LoadedSubmission):
    ms = methods(cls)

    def grad_cls(yhat, y):
        inst = _instance(name, cls, loaded)
        fwd = next((m for m in FORWARD_METHODS if m in ms), None) or _storing_value_method(cls)
        ctx = {"out": lambda: yhat, "Y": lambda: y}
        value = None
        if fwd is not None:
            f = getattr(inst, fwd)
            a, k, _ = bind_args(f, ctx, ["out", "Y"], f"{name}.{fwd}", spec_hint=HINT)
            value = call_student(f"{name}.{fwd}", f, *a, **k)
        bwd = next((m for m in DERIVATIVE_METHODS if m in ms), None)
        if bwd is None:  # forward returned (loss, grad): the class was found by _pair_method
            return value[1]
        b = getattr(inst, bwd)
        a, k, _ = bind_args(b, ctx, ["out", "Y"], f"{name}.{bwd}", spec_hint=HINT)  # (p, y): beside y, the output
        return call_student(f"{name}.{bwd}", b, *a, **k)

    return grad_cls
