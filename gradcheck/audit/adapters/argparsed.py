"""An options argument read by attribute: ``init_model(data, args)`` reading ``args.hidden``, ``args.seed``.

Scripts that take their settings from the command line hand the parsed
``argparse`` namespace on to the functions that build and train the network.
Where the module builds a parser, the argument is given the namespace that
parser returns for an empty command line: each ``add_argument``'s literal
``default`` (``False`` for ``store_true``, ``True`` for ``store_false``),
under its ``dest`` (``--init-scale`` is ``init_scale``). Only where every
attribute the function reads of the argument is one the parser defines with
a value: an attribute it leaves at ``None`` (``--data`` with no default)
and needed here is not made up.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Callable

from gradcheck.audit.adapters.sources import module_tree, source_tree

#: Attributes that say the argument is an array, not a namespace (``X.shape``, ``y.T``).
ARRAY_ATTRIBUTES = {"shape", "T", "ndim", "size", "dtype", "reshape", "sum", "mean", "astype", "copy", "flatten"}


def namespace(fn: Callable, name: str, label: str, notes: list[str]) -> argparse.Namespace | None:
    """The namespace the module's parser gives argument ``name`` of ``fn``, or None where this is not that shape."""
    read = attributes_read(fn, name)
    if not read:
        return None
    defaults = parser_defaults(fn)
    if not defaults or any(defaults.get(attr) is None for attr in read):
        return None
    notes.append(
        f"{label}: {name} is the module's argparse namespace, given the defaults its parser declares: "
        + ", ".join(f"{attr}={defaults[attr]!r}" for attr in sorted(read))
    )
    return argparse.Namespace(**defaults)


def attributes_read(fn: Callable, name: str) -> set[str]:
    """The attributes ``fn`` reads of its argument ``name`` (``name.hidden``); empty where ``name`` is also used
    any other way but handed on whole to a call (indexed, added, its ``shape`` read: data or a number)."""
    tree = source_tree(fn)
    if tree is None:
        return set()
    read, other = set(), False
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    handed = {id(a) for call in calls for a in [*call.args, *(k.value for k in call.keywords)]}
    attributed = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            read.add(node.attr)
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            other |= id(node) not in handed and id(node) not in attributed
    return set() if other or read & ARRAY_ATTRIBUTES else read


def parser_defaults(fn: Callable) -> dict[str, object]:
    """``dest -> default`` of every ``add_argument`` call in the module ``fn`` is written in (empty: no parser)."""
    tree = module_tree(fn)
    found: dict[str, object] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            dest, default = _declared(node)
            if dest:
                found[dest] = default
    return found


def _declared(call: ast.Call) -> tuple[str | None, object]:
    """``(dest, default)`` of one ``add_argument`` call (``dest`` None where it cannot be read)."""
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    dest = _literal(keywords["dest"]) if "dest" in keywords else None
    if dest is None and flags:
        long = [f for f in flags if f.startswith("--")] or flags
        dest = long[0].lstrip("-").replace("-", "_")
    action = _literal(keywords["action"]) if "action" in keywords else None
    if "default" in keywords:
        default = _literal(keywords["default"])
    else:
        default = {"store_true": False, "store_false": True}.get(action)
    return (dest if isinstance(dest, str) and dest.isidentifier() else None), default


def _literal(node: ast.AST) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
