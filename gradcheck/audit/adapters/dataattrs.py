"""A forward that takes no data reads it off the object: the data a training method stores there first.

``fit(self, X, y)`` sets ``self.X = X`` and ``self.y = y``, then runs ``forward_propagation()``
and ``backward_propagation(yhat)``, neither of which takes the data. The constructor leaves
both ``None``, so a forward called on a fresh object fails (``'NoneType' object has no
attribute 'dot'``), and that is the audit's doing, not the student's. Before such a forward,
the batch is stored where the code's own training method stores it; only attributes the
fresh object leaves unset or ``None`` are written (data a constructor was given stays).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree


def takes_no_data(fn: Callable | None) -> bool:
    """A method called with none of the batch: no argument of the input's role."""
    return fn is not None and not any(role_of(p.name) == "X" for p in plain_params(fn))


#: Each class's answer of :func:`stored_from_arguments` (its source is parsed once, not at every step), by id,
#: the class kept beside it so that the id is not reused.
_STORED: dict[int, tuple[type, dict[str, str]]] = {}


def stored_from_arguments(cls: type) -> dict[str, str]:
    """``{"X": "X", "Y": "y"}``: the attributes a method of ``cls`` sets from its own data arguments
    (``self.X = X`` in ``fit(self, X, y)``), by role."""
    if id(cls) not in _STORED:
        _STORED[id(cls)] = (cls, _stored(cls))
    return _STORED[id(cls)][1]


def _stored(cls: type) -> dict[str, str]:
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__[:-1]):
        tree = source_tree(klass)
        if tree is None:
            continue
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            args = {a.arg: role_of(a.arg) for a in fn.args.args[1:]}
            for node in ast.walk(fn):
                if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Name):
                    continue
                role = args.get(node.value.id)
                for target in node.targets:
                    if role in ("X", "Y") and _self_attribute(target):
                        found.setdefault(role, target.attr)
    return found


def _self_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def feed(root: Any, fwd: Callable | None, X: Any, Y: Any, fed: set[str]) -> list[str]:
    """Store the batch on ``root`` where its training method stores it, when its forward takes no data and the
    object holds none there (or what was fed before, named in ``fed``); the attributes written."""
    if not takes_no_data(fwd) or not hasattr(root, "__dict__"):
        return []
    written = []
    for role, attr in stored_from_arguments(type(root)).items():
        if attr in fed or getattr(root, attr, None) is None:
            setattr(root, attr, (X if role == "X" else Y).copy())
            written.append(attr)
    return written
