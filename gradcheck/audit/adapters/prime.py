"""A backward that takes nothing reads what the loss left behind: run the student's loss first.

Layer-object networks often split a training step as ``out = net.forward(x)``,
``loss = net.loss_fn.forward(out, y)`` (or ``net.loss(x, y)``, which caches the
probabilities), then ``net.backward()`` with no argument: the loss object or
method stored what the backward starts from (``self.diff``, ``self.probs``).
Before calling such a backward, the loss the model holds is run on the
forward's output and the targets, as the student's own loop does.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.lossfind import bindings, held_by
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree

#: Roles whose argument means the backward is given what it starts from.
_GIVEN = ("X", "Y", "out", "dout", "cache")


def takes_nothing(bfn: Callable) -> bool:
    """A backward with no required argument that gives it the data, the output or dL/d(output)."""
    required = [p for p in plain_params(bfn) if p.default is p.empty]
    return all(role_of(p.name) not in _GIVEN and role_of(p.name) is not None for p in required)


#: A loss object's method that returns dL/d(output) from what its forward stored.
_LOSS_BACKWARDS = ("backward", "backprop", "grad", "gradient", "derivative", "prime", "backward_pass")


def starts_from_loss_state(bfn: Callable) -> bool:
    """A backward that starts from what a loss object it holds stored: ``grad = self.loss.backward()``.

    Such a backward may take the targets (``backward(self, y)``) and never read them: the
    loss object's ``forward(p, y)`` kept them, as the student's training loop runs it first.
    """
    tree = source_tree(bfn)
    if tree is None:
        return False
    for node in ast.walk(tree):
        f = node.func if isinstance(node, ast.Call) and not node.args and not node.keywords else None
        if (
            isinstance(f, ast.Attribute)
            and isinstance(f.value, ast.Attribute)
            and isinstance(f.value.value, ast.Name)
            and f.value.value.id == "self"
            and f.attr.lstrip("_").lower() in _LOSS_BACKWARDS
        ):
            return True
    return False


def run_loss(root: Any, label: str, skip: set[str], out: Any, X: np.ndarray, Y: np.ndarray) -> str | None:
    """Run the loss ``root`` holds (a loss object, else a loss method) on the batch; its source, or None."""
    values = {"out": out, "X": X, "Y": Y}
    available = {k for k, v in values.items() if v is not None}
    for cand in held_by(root, label, skip):
        stateful = "." not in cand.source[len(label) + 1 :]
        # a loss object the model holds is handed the network's output: its ``forward(x, t)`` calls
        # that output x (its own input); only a method of the model itself takes the batch's inputs
        offered = available if stateful or out is None else available - {"X"}
        for binding in bindings(cand.fn, set(), offered, stateful):
            kwargs = {n: np.array(values[r], copy=True) for n, r in binding}
            call_student(cand.source, cand.fn, **kwargs)
            return cand.source
    return None
