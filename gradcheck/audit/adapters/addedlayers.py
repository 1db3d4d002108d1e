"""A model whose layers are added from outside the class (``model.add(Dense(...))``), when that code did not run.

A layer-stack model (``class Model: def add(self, layer): self.layers.append(layer)``) made by the
audit holds no layers: the student's script or notebook adds them. When those statements did not
run (they size the layers from data the submission does not include, or sit in a notebook cell
that failed), there are no weights to find, and no spec setting can add the layers; the error
says so, with the calls it found, instead of asking for parameter names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.frameworks import NOT_RUN


def _appends_argument(fn: Any) -> str | None:
    """The attribute ``fn`` appends one of its arguments to (``self.layers.append(layer)``), or None."""
    tree = source_tree(fn)
    func = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(func, ast.FunctionDef):
        return None
    args = {a.arg for a in func.args.args[1:]}
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and isinstance(node.func.value, ast.Attribute)
            and isinstance(node.func.value.value, ast.Name)
            and node.func.value.value.id == "self"
            and any(isinstance(a, ast.Name) and a.id in args for a in node.args)
        ):
            return node.func.value.attr
    return None


def empty_stack(probe: Any) -> tuple[str, str] | None:
    """(method, attribute) of a method that appends its argument to a list ``probe`` holds empty, or None."""
    if not hasattr(probe, "__dict__"):
        return None
    cls = type(probe)
    for name in sorted(methods(cls)):
        attr = _appends_argument(getattr(cls, name, None))
        if attr is not None and getattr(probe, attr, None) == []:
            return name, attr
    return None


def calls_of(stmts: Iterable[ast.stmt], method: str) -> list[str]:
    """The submission's own calls ``obj.method(...)``, as written."""
    return [
        ast.unparse(n)
        for s in stmts
        for n in ast.walk(s)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
    ]


def enclosing(stmts: Iterable[ast.stmt], method: str) -> list[str]:
    """The functions the submission's ``obj.method(...)`` calls sit in, when every one sits in a function
    (``def create_models(path): ... model.add(DenseLayer(...))``); [] when any is top-level code."""
    found: list[str] = []
    for s in stmts:
        calls = [n for n in ast.walk(s) if isinstance(n, ast.Call) and getattr(n.func, "attr", None) == method]
        if not calls:
            continue
        if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return []
        found.append(f"{s.name}()")
    return list(dict.fromkeys(found))


def message(label: str, method: str, attr: str, calls: list[str], inside: list[str] = ()) -> str:
    """Why ``label`` has no weights: its layers are added by code that did not run here (``inside``: the
    functions that code sits in, when it is in functions only)."""
    shown = "; ".join(calls[:3]) + ("; ..." if len(calls) > 3 else "")
    where = f" ({shown})" if calls else ""
    if inside:
        return (
            f"{label} holds no layers (self.{attr} is empty): they are added from outside the class with "
            f"{method}(){where}, inside {', '.join(inside)}, {NOT_RUN}: a builder taking its "
            "layer list from a configuration or the command line, or that nothing at the module's top level calls. "
            "No spec setting adds them: build the model from sizes at the module's top level or in a function "
            "with default arguments, or audit a script that calls the builder"
        )
    return (
        f"{label} holds no layers (self.{attr} is empty): they are added from outside the class with "
        f"{method}(){where}, by code that did not run in the audit (see the notes: it reads data the "
        "submission does not include, or failed before). No spec setting adds them: include what that code "
        "needs (its data file), or build the model from sizes in a function or script the audit can run"
    )
