"""Replay a script's recorded forward and backward calls on fresh copies of its layer objects.

The statements are the script's own (``dense1.forward(X)``, ``loss =
loss_activation.forward(dense2.output, y)``, ``dense2.backward(loss_activation.dinputs)``),
run in a namespace where the object names are bound to the copies and the
script's input and label variables to the batch. See :mod:`.assembly` for how
they are found.
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from gradcheck.audit.adapters.assembly import Recorded, SetUp, is_layer
from gradcheck.audit.adapters.objects import is_user_object
from gradcheck.audit.astnames import names_in
from gradcheck.audit.loader import AuditError, compile_statement


class Objects:
    """The objects a script calls, held together so that one deep copy copies them all."""

    def __init__(self, objs: dict[str, Any]):
        for name, obj in objs.items():
            setattr(self, name, obj)


def _assigned(stmts: list[ast.stmt]) -> set[str]:
    return {n.id for s in stmts for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def data_names(rec: Recorded, setup: SetUp, ns: dict, where: str) -> tuple[str, str | None]:
    """The script's input and label variables, or an error saying what the first layer is given."""
    first = rec.first_arg
    if not isinstance(first, ast.Name) or first.id in rec.order + rec.others:
        shown = ast.unparse(first) if first is not None else "nothing"
        raise AuditError(
            f"the script's first layer is given `{shown}` ({where}), not a variable holding the inputs: "
            "only a network fed a whole input variable can be replayed (no spec setting changes that)",
            where="finding the model",
            type_="EntryNotFound",
        )
    stmts = rec.forward + rec.backward
    reads = {n.id for s in stmts for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    free = reads - _assigned(stmts) - set(rec.order + rec.others) - {first.id}
    labels = sorted(
        n
        for n in free
        if isinstance(setup.scratch.get(n), np.ndarray) or (n not in setup.scratch and n not in ns and n != "print")
    )
    if len(labels) > 1:
        raise AuditError(
            f"the script's forward and backward calls read {', '.join(labels)} besides the inputs {first.id}: "
            "which one holds the labels cannot be told (only one label variable can be bound to the batch)",
            where="finding the model",
            type_="EntryNotFound",
        )
    if labels and _upstream_gradient(rec, labels[0]):
        raise GivenGradient(
            f"the script hands {labels[0]} to the last layer's backward as the gradient of its output ({where} on), "
            "and no loss reads it: a given gradient, not a loss's, so there is no loss to check the layers' "
            "gradients against (no spec setting changes that; a script that computes a loss and backpropagates "
            "its derivative can be audited)",
            where="finding the model",
            type_="EntryNotFound",
        )
    return first.id, labels[0] if labels else None


def _fed_to_loss(calls: list[ast.stmt], loss_var: str | None, env: dict) -> Any:
    """The array the call before the loss's assigns and the loss's call reads: the network's output."""
    if len(calls) < 2 or not loss_var:
        return None
    last, before = calls[-1], calls[-2]
    if not (isinstance(last, ast.Assign) and isinstance(last.targets[0], ast.Name) and last.targets[0].id == loss_var):
        return None
    if not (isinstance(before, ast.Assign) and isinstance(before.targets[0], ast.Name)):
        return None
    name = before.targets[0].id
    return env[name] if name in names_in(last.value) and isinstance(env.get(name), np.ndarray) else None


class GivenGradient(AuditError):
    """A script that hands a made-up gradient to its last layer's backward (a demo of the layers, no loss)."""


def _upstream_gradient(rec: Recorded, name: str) -> bool:
    """``grad_w = np.random.randn(...)``; ``l3.backward(grad_w)``: the variable no forward call reads and a
    layer's backward is handed as its output gradient (a loss object's backward given labels is not this)."""
    if any(name in names_in(s) for s in rec.forward):
        return False
    for stmt in rec.backward:
        for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            owner = call.func.value.id if isinstance(call.func.value, ast.Name) else None
            if owner in rec.order and any(isinstance(a, ast.Name) and a.id == name for a in call.args):
                return True
    return False


class Replay:
    """The recorded statements, compiled, and the namespace they run in."""

    def __init__(self, rec: Recorded, setup: SetUp, x_name: str, y_name: str | None, filename: str):
        self.rec, self.x_name, self.y_name = rec, x_name, y_name
        skip = set(rec.order + rec.others) | {x_name, y_name}
        self.base = {k: v for k, v in setup.scratch.items() if k not in skip}
        self.fwd = [compile_statement(s, filename) for s in rec.forward]
        self.bwd = [compile_statement(s, filename) for s in rec.backward]
        self.envs: dict[int, dict] = {}

    def _run(self, codes, env: dict) -> None:
        for code in codes:  # student code: the runner's call of the forward or backward reports its errors
            exec(code, env)

    def forward(self, root: Objects, X: Any, y: Any) -> tuple[Any, Any]:
        """(the network's output, the loss the script computes on the way, or None)."""
        env = dict(self.base)
        env.update(vars(root))
        env[self.x_name] = X
        if self.y_name:
            env[self.y_name] = y
        self._run(self.fwd, env)
        self.envs[id(root)] = env
        loss = env.get(self.rec.loss_var) if self.rec.loss_var else None
        return self._output(root, env), loss

    def _output(self, root: Objects, env: dict) -> Any:
        """The last forward's value when it is assigned to a variable other than the loss, else the ``output``
        array of the last object holding one (a loss object called forward holds none)."""
        calls = [s for s in self.rec.forward if _object_of(s) in self.rec.order]
        last = calls[-1]
        if isinstance(last, ast.Assign) and isinstance(last.targets[0], ast.Name):
            value = env.get(last.targets[0].id)
            if last.targets[0].id != self.rec.loss_var and isinstance(value, np.ndarray):
                return value
        fed = _fed_to_loss(calls, self.rec.loss_var, env)  # out = layer2.forward(a); loss = loss_fn.forward(out, y)
        if fed is not None:
            return fed
        for name in reversed(self.rec.order):
            out = getattr(getattr(root, name), "output", None)
            if isinstance(out, np.ndarray) and out.ndim >= 1:
                return out
        return None

    def backward(self, root: Objects, y: Any) -> None:
        """The recorded backward calls, after the forward on the same copy."""
        env = self.envs.pop(id(root), None)
        if env is None:
            raise AuditError("the backward was called before the forward", where="calling the backward")
        if self.y_name:
            env[self.y_name] = y
        self._run(self.bwd, env)


def _object_of(stmt: ast.stmt) -> str | None:
    """``obj`` of a statement ``obj.m(...)`` or ``v = obj.m(...)``."""
    call = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        return call.func.value.id
    return None


def objects_of(rec: Recorded, setup: SetUp) -> dict[str, Any]:
    """The script's objects the calls use, in forward order, then the others (a separate loss object)."""
    names = rec.order + rec.others
    found = {n: setup.scratch[n] for n in names if is_user_object(setup.scratch.get(n))}
    missing = [n for n in names if n not in found]
    if missing:
        raise AuditError(
            f"the script calls {', '.join(missing)}, which its set-up did not make",
            where="finding the model",
            type_="EntryNotFound",
        )
    if not any(is_layer(v) for v in found.values()):
        return {}
    return found
