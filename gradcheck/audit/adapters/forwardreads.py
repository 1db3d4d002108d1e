"""The attributes of a network object that its forward reads (from the source, never run).

Parameters are what the forward uses. An object may hold other float arrays under names a weight
could have (``self.finder.u``, the directions of a helper object the forward never calls): those
are no parameters, and taking them for some makes the audit look for their gradients. The forward's
source, and that of the methods and properties of the object it reaches through ``self``, names the
attributes it reads; when it hands ``self`` on whole (``helper(self)``, ``getattr(self, name)``,
``super()``), what it reads cannot be told from the source and nothing is left out.
"""

from __future__ import annotations

import ast
import inspect
import types
from typing import Any

import numpy as np

from gradcheck.audit.adapters.paths import resolve
from gradcheck.audit.adapters.sources import source_tree

__all__ = ["forward_reads", "read_by_forward"]


def forward_reads(root: Any, forward: Any) -> set[str] | None:
    """The names of ``root``'s attributes that ``forward`` (a method bound to ``root``) reads, itself or through the
    methods and properties of ``root`` it calls; None when that cannot be told from the source."""
    if getattr(forward, "__self__", None) is not root or not inspect.isfunction(getattr(forward, "__func__", None)):
        return None
    reads: set[str] = set()
    todo, done = [forward.__func__], set()
    while todo:
        fn = todo.pop()
        if fn in done:
            continue
        done.add(fn)
        names = _self_attributes(fn)
        if names is None:
            return None
        for name in names:
            found = inspect.getattr_static(type(root), name, None)
            if isinstance(found, property) and inspect.isfunction(found.fget):
                todo.append(found.fget)
            elif inspect.isfunction(found):
                todo.append(found)
            reads.add(name)
    return reads


def _self_attributes(fn: Any) -> set[str] | None:
    """The attribute names ``fn`` reads on its first argument, or None when it uses that argument otherwise (or calls
    ``super()``) or has no readable source."""
    tree = source_tree(fn)
    defs = (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))) if tree else iter(())
    fdef = next(defs, None)
    if fdef is None or not fdef.args.args:
        return None
    me = fdef.args.args[0].arg
    bases = {id(n.value) for n in ast.walk(fdef) if isinstance(n, ast.Attribute)}
    names = set()
    for node in ast.walk(fdef):
        if isinstance(node, ast.Name) and node.id == "super":
            return None
        if isinstance(node, ast.Name) and node.id == me and id(node) not in bases:
            return None  # self passed on whole: what is read cannot be told
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
            if node.attr == "__dict__":  # every attribute, read by name at run time
                return None
            names.add(node.attr)
    return names


def read_by_forward(params: list, root: Any, forward: Any) -> list:
    """``params`` (found on ``root``) without those the forward cannot reach: held under no attribute it reads (the
    same array may be held under two: ``self.layer1`` and ``self.layers[0]``); all of them when what it reads cannot
    be told or it reaches none of them."""
    reads = forward_reads(root, forward)
    if reads is None:
        return params
    held = vars(root) if hasattr(root, "__dict__") else {}
    reached: set[int] = set()
    for name in reads & set(held):
        _reach(held[name], reached, MAX_DEPTH)
    kept = [p for p in params if _reached(root, p.steps, reached)]
    return kept or params


#: Containers and objects followed this deep under an attribute the forward reads (parameters are looked for at 4).
MAX_DEPTH = 6


def _reach(obj: Any, reached: set[int], depth: int) -> None:
    """The ids of ``obj`` and of everything it holds (dict values, list items, an object's attributes)."""
    if id(obj) in reached or depth < 0:
        return
    reached.add(id(obj))
    try:
        if isinstance(obj, dict):
            items = list(obj.values())
        elif isinstance(obj, (list, tuple)) or (isinstance(obj, np.ndarray) and obj.dtype == object):
            items = list(obj)
        elif isinstance(obj, (np.ndarray, type, types.ModuleType, types.FunctionType, types.MethodType)):
            return
        else:
            items = list(vars(obj).values())
    except Exception:  # noqa: BLE001 - no attributes to follow (slots, a builtin value)
        return
    for item in items:
        _reach(item, reached, depth - 1)


def _reached(root: Any, steps: tuple, reached: set[int]) -> bool:
    """Is a found parameter, or any object on its way from ``root``, reached? True when it cannot be resolved."""
    obj = root
    try:
        for k in range(len(steps)):
            obj = resolve(obj, steps[k : k + 1])
            if id(obj) in reached:
                return True
    except Exception:  # noqa: BLE001 - a parameter that cannot be resolved is kept: its own reading says why
        return True
    return False
