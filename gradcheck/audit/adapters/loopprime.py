"""The loss call a model's own training loop makes between its forward and its backward, made the same way.

``self.forward(X)``, then ``self.soft.get_loss(y)`` (which stores the one-hot targets
the backward starts from), then ``self.backward()``: the loss object's ``forward`` is
the softmax of the network's forward, not its loss, and which of its methods the
backward needs is written only in the training loop. This reads that loop: a loss-named
call between the forward and the backward, its arguments the loop's own (the method's
data arguments, or what the forward returned), is made on the batch before the grader's
backward, as the student's step makes it; so is a call the loop hands the targets there
(``self.head.remember(labels)``).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.lossfind import is_loss_name
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.selfattrs import reads, self_call, writes
from gradcheck.audit.adapters.sources import source_tree


def _calls(stmt: ast.stmt, name: str) -> bool:
    return any((p := self_call(n)) is not None and p == [name] for n in ast.walk(stmt))


def _bodies(tree: ast.AST) -> Iterator[list[ast.stmt]]:
    for node in ast.walk(tree):
        for field in ("body", "orelse"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                yield body


def _roles(func: ast.FunctionDef, fwd: ast.stmt) -> dict[str, str]:
    """The loop's names the grader can give: the method's data arguments (by name, else first X then Y) and what
    the forward's statement assigns (its output)."""
    data = [a.arg for a in func.args.args if a.arg != "self"]
    roles = {n: role_of(n) for n in data if role_of(n) in ("X", "Y")}
    for n, r in zip([n for n in data if n not in roles], [r for r in ("X", "Y") if r not in roles.values()]):
        roles[n] = r
    if isinstance(fwd, ast.Assign) and len(fwd.targets) == 1 and isinstance(fwd.targets[0], ast.Name):
        roles[fwd.targets[0].id] = "out"
    return roles


@functools.lru_cache(maxsize=64)  # (asked at every step: the class's sources are read once per worker)
def loop_calls(cls: type, forward: str, backward: str) -> tuple[tuple[list[str], list[str]], ...]:
    """(attribute path of a loss call, the roles of its arguments) for each loss-named call, or call given the
    targets, that one of ``cls``'s methods makes between ``self.<forward>(...)`` and ``self.<backward>(...)`` in
    one block."""
    found: list[tuple[list[str], list[str]]] = []
    for name in sorted(methods(cls)):
        tree = source_tree(getattr(cls, name))
        func = tree.body[0] if tree is not None and tree.body else None
        if not isinstance(func, ast.FunctionDef):
            continue
        for body in _bodies(func):
            starts = [i for i, s in enumerate(body) if _calls(s, forward)]
            ends = [i for i, s in enumerate(body) if _calls(s, backward)]
            if not starts or not [e for e in ends if e > starts[0]]:
                continue
            first, last = starts[0], min(e for e in ends if e > starts[0])
            roles = _roles(func, body[first])
            for stmt in body[first + 1 : last]:
                for node in ast.walk(stmt):
                    path = self_call(node)
                    if not path or node.keywords:
                        continue
                    args = [roles.get(a.id) if isinstance(a, ast.Name) else None for a in node.args]
                    told = is_loss_name(path[-1]) or "Y" in args  # a loss, or what is handed the targets
                    if told and None not in args and (path, args) not in found:
                        found.append((path, args))
    return tuple(found)


@functools.lru_cache(maxsize=64)
def needed(cls: type, forward: str | None, backward: str | None) -> bool:
    """Whether the backward reads an attribute of the model that only a loop call of the model's own (``self.m``,
    set by ``loss_function(y_hat)``) writes: neither the constructor nor the forward does."""
    if not forward or not backward:
        return False
    made = writes(getattr(cls, "__init__", None)) | writes(getattr(cls, forward, None))
    wanted = reads(getattr(cls, backward, None)) - made
    return any(
        len(path) == 1 and writes(getattr(cls, path[0], None)) & wanted
        for path, _ in loop_calls(cls, forward, backward)
    )


def run(root: Any, label: str, forward: str | None, backward: str | None, values: dict[str, Any]) -> str | None:
    """Make the loss call of ``root``'s training loop on the batch (``values``: X, Y, out); its source, or None."""
    if not forward or not backward:
        return None
    for path, args in loop_calls(type(root), forward, backward):
        fn: Any = root
        for attr in path:
            fn = getattr(fn, attr, None)
        if not callable(fn) or len(args) > len(plain_params(fn)) or any(values.get(r) is None for r in args):
            continue
        call_student(f"{label}.{'.'.join(path)}", fn, *[np.array(values[r], copy=True) for r in args])
        return f"{label}.{'.'.join(path)}"
    return None
