"""CS231n-style classes: ``loss(X, y=None)`` returns the scores without ``y`` and ``(loss, grads)`` with it.

The method may go by another name (``nn(self, x, y=None, reg=0.0)``, ``compute(self, X, y)``): a method
taking the inputs and the labels whose last ``return`` is ``loss, grads`` with ``grads`` a dict the method
fills (``grads = {}``, ``grads['W1'] = ...``) is the same entry (:func:`renamed_loss`).
"""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.returns import return_values
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.adapters.unthreshold import unthresholded


def is_cs231n_loss(method) -> bool:
    """A ``loss`` method whose label argument is optional (the CS231n convention)."""
    params = [p for p in plain_params(method) if p.name != "self"]
    return len(params) >= 2 and params[1].default is None


def _filled_dicts(method) -> set[str]:
    """Names the method binds to a new dict (``grads = {}``, ``dict()``) and then stores into (``grads['W1'] = ``)."""
    tree = source_tree(method)
    if tree is None:
        return set()
    made, filled = set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        new_dict = isinstance(node.value, ast.Dict) or (
            isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "dict"
        )
        for t in node.targets:
            if isinstance(t, ast.Name) and new_dict:
                made.add(t.id)
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                filled.add(t.value.id)
    return made & filled


def returns_loss_and_grads(method) -> bool:
    """Takes (inputs, labels, ...) and ends in ``return loss, grads``, ``grads`` a dict it makes and fills."""
    params = [p for p in plain_params(method) if p.name != "self"]
    if len(params) < 2 or role_of(params[0].name) != "X":
        return False
    if role_of(params[1].name) != "Y" and params[1].default is not None:
        return False
    rets = return_values(method)
    last = rets[-1] if rets else None
    if not (isinstance(last, ast.Tuple) and len(last.elts) == 2 and all(isinstance(e, ast.Name) for e in last.elts)):
        return False
    grads = last.elts[1].id  # any name (grads, slopes, derivs) but one of a cache, the parameters or the outputs
    return grads in _filled_dicts(method) and role_of(grads) not in ("cache", "params", "out")


def renamed_loss(cls: type, ms) -> str | None:
    """The one method of ``cls`` other than ``loss`` shaped like a CS231n loss (:func:`returns_loss_and_grads`)."""
    found = [m for m in ms if m != "loss" and not m.startswith("__") and returns_loss_and_grads(getattr(cls, m))]
    return found[0] if len(found) == 1 else None


def as_forward(forward_name: str | None, backward_name: str, cls: type | None = None) -> tuple[str | None, bool]:
    """(forward name, forward drops y): ``loss(X)`` is the forward when the class has no other, and so is a
    renamed loss (:func:`renamed_loss`) with optional labels; called without them it may give decisions
    (``np.argmax(scores)``), read before their threshold (:func:`forward_of`)."""
    if forward_name is None and backward_name == "loss":
        method = getattr(cls, "loss", None) if cls is not None else None
        # loss(X, y, reg=0.0), labels required: no scores without them, so no forward (the loss value is the check)
        return ("loss", True) if method is None or is_cs231n_loss(method) else (None, False)
    method = getattr(cls, backward_name, None) if forward_name is None and cls is not None else None
    if method is not None and is_cs231n_loss(method) and returns_loss_and_grads(method):
        return backward_name, True
    return forward_name, False


def forward_of(cls: type, name: str):
    """A renamed loss called without labels, read before the threshold its label-free return takes
    (``return np.argmax(scores, axis=1)`` gives ``scores``); None when it returns no decision or is ``loss``."""
    return None if name == "loss" else unthresholded(getattr(cls, name))
