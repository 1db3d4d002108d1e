"""An initializer's arguments as the submission's own code passes them.

A notebook sets ``N, D, K = 60, 2, 3`` in one cell and calls ``params =
init_params(D, 20, K)`` in another; an architecture-list tutorial calls
``init_layers(nn_architecture, 2)``. The call itself is not run at load time (it
is not a definition), but its arguments usually are plain data the loader did
keep: literals, module globals bound to numbers, strings or containers of them,
and the shapes of module-level arrays (``X.shape[1]``). Those are read here,
without running anything, so the grader can make the call exactly as the code
does, with the code's own sizes.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

import numpy as np

#: Binary operators allowed in an argument (sizes written ``2 * H``, ``D + 1``).
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.truediv,
}
#: Containers nested deeper than this are not plain data (an architecture list is 2 deep).
_MAX_DEPTH = 4


class _Unknown(Exception):
    """An argument that is not plain data known without running code."""


def plain(value: Any, depth: int = 0) -> bool:
    """Numbers, strings, booleans, None, and small lists/tuples/dicts of them."""
    if depth > _MAX_DEPTH:
        return False
    if value is None or isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        return True
    if isinstance(value, (list, tuple)):
        return len(value) <= 64 and all(plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= 64 and all(plain(k, depth + 1) and plain(v, depth + 1) for k, v in value.items())
    return False


def _value(node: ast.AST, ns: dict, stand_ins: dict) -> Any:
    """The value of an argument expression made of literals, plain globals and array shapes."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in stand_ins:  # before the globals: the architecture list at its small sizes
            return stand_ins[node.id]
        if node.id in ns and plain(ns[node.id]):
            return ns[node.id]
        raise _Unknown(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_value(node.operand, ns, stand_ins)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_value(node.left, ns, stand_ins), _value(node.right, ns, stand_ins))
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_value(e, ns, stand_ins) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Subscript) and _is_shape(node.value, ns):
        return ns[node.value.value.id].shape[_value(node.slice, ns, stand_ins)]
    raise _Unknown(ast.dump(node)[:40])


def _is_shape(node: ast.AST, ns: dict) -> bool:
    """``X.shape`` of a module-level array."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "shape"
        and isinstance(node.value, ast.Name)
        and isinstance(ns.get(node.value.id), np.ndarray)
    )


def _calls(stmts: list[ast.stmt], name: str) -> list[ast.Call]:
    """Calls of ``name`` in the submission's top-level code, then inside its functions."""
    top, inner = [], []
    for stmt in stmts:
        bucket = inner if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else top
        bucket += [
            n for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
        ]
    return top + inner


def own_call(
    stmts: list[ast.stmt], name: str, ns: dict, stand_ins: dict | None = None
) -> tuple[list, dict, int] | None:
    """(args, kwargs, line) of the first call of ``name`` whose arguments are all plain data, or None.

    ``stand_ins``: values for names that are not module globals (a function's own
    argument ``nn_architecture`` standing for the module's architecture list).
    """
    stand_ins = stand_ins or {}
    for call in _calls(stmts, name):
        try:
            args = [_value(a, ns, stand_ins) for a in call.args if not isinstance(a, ast.Starred)]
            kwargs = {k.arg: _value(k.value, ns, stand_ins) for k in call.keywords if k.arg is not None}
        except (_Unknown, TypeError, IndexError, ZeroDivisionError, ValueError):
            continue
        if len(args) == len(call.args) and len(kwargs) == len(call.keywords):
            return args, kwargs, call.lineno
    return None


def _given(node: ast.AST, ns: dict) -> Any:
    """An argument's value where functions of the module may be among it (``[relu, relu, softmax]``)."""
    if isinstance(node, ast.Name) and callable(ns.get(node.id)) and not isinstance(ns[node.id], type):
        return ns[node.id]
    if isinstance(node, (ast.List, ast.Tuple)) and any(isinstance(e, ast.Name) for e in node.elts):
        items = [_given(e, ns) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    return _value(node, ns, {})


def objects_call(stmts: list[ast.stmt], name: str, ns: dict, makers: dict[str, Any]) -> tuple[list, dict, int] | None:
    """(args, kwargs, line) of the code's own call of class ``name`` where some argument is an object one of
    ``makers`` (the submission's classes, by name) makes with no arguments and the rest are plain data
    (``DenseLayer(20, ReLU(), 10, SoftMax(), lr=0.1)``): the objects are made by ``makers[...]()``. None otherwise.
    """
    for call in _calls(stmts, name):
        made: list[Any] = []
        try:
            args = [_made_or_plain(a, ns, makers, made) for a in call.args if not isinstance(a, ast.Starred)]
            kwargs = {k.arg: _made_or_plain(k.value, ns, makers, made) for k in call.keywords if k.arg is not None}
        except (_Unknown, TypeError, IndexError, ZeroDivisionError, ValueError):
            continue
        if made and len(args) == len(call.args) and len(kwargs) == len(call.keywords):
            return args, kwargs, call.lineno
    return None


def _made_or_plain(node: ast.AST, ns: dict, makers: dict[str, Any], made: list[Any]) -> Any:
    """An object ``makers`` makes for ``Name()`` (added to ``made``), else the plain value of the argument."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in makers:
        if node.args or node.keywords:
            raise _Unknown(node.func.id)
        made.append(makers[node.func.id]())
        return made[-1]
    return _value(node, ns, {})


def method_call(stmts: list[ast.stmt], name: str, ns: dict) -> tuple[list, dict, int] | None:
    """(args, kwargs, line) of the code's first call of a method ``name`` (``m.init_params([784, 128, 10],
    [relu, relu, softmax])``) whose arguments are plain data or the module's functions, or None."""
    for stmt in stmts:
        for call in ast.walk(stmt):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == name):
                continue
            try:
                args = [_given(a, ns) for a in call.args if not isinstance(a, ast.Starred)]
                kwargs = {k.arg: _given(k.value, ns) for k in call.keywords if k.arg is not None}
            except (_Unknown, TypeError, IndexError, ZeroDivisionError, ValueError):
                continue
            if len(args) == len(call.args) and len(kwargs) == len(call.keywords):
                return args, kwargs, call.lineno
    return None


def shown(args: list, kwargs: dict) -> str:
    """``D=2``-free display of a call's arguments: ``2, 20, 3`` (long containers elided)."""
    parts = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _short(v: Any) -> str:
    if not plain(v):  # an object the code made (ReLU()): its name, never its repr (the student's code)
        return f"{type(v).__name__}()"
    text = repr(v)
    return text if len(text) <= 40 else f"<{type(v).__name__} of {len(v)}>"


#: Sizes above this in the code's own call are not used (a 784-input MNIST net checks as well, and
#: far faster, at invented sizes).
MAX_OWN_SIZE = 64


def initializer_call(ctx, name: str, stand_ins: dict | None = None) -> tuple[list, dict] | None:
    """The arguments of the code's own call of initializer ``name``, when usable as they are.

    Only before sizes are invented (``ctx.X`` None): the batch is then made to fit the
    weights the call makes. A note says where the call is.
    """
    if ctx.X is not None or "init_args" in ctx.spec or "init_kwargs" in ctx.spec:
        return None
    found = own_call(ctx.loaded.stmts, name, ctx.ns, stand_ins)
    if found is None:
        return None
    args, kwargs, line = found
    numbers = [v for v in [*args, *kwargs.values()] if isinstance(v, (int, np.integer)) and not isinstance(v, bool)]
    if any(v > MAX_OWN_SIZE for v in numbers):
        return None
    where = ctx.loaded.locate(line)
    ctx.notes.append(f"{name} called as the code calls it ({where}): {name}({shown(args, kwargs)})")
    return args, kwargs


def constructed_sizes(stmts: list[ast.stmt], classes: list[str], ns: dict) -> tuple[int, int, str] | None:
    """``(n_in, n_out, call)`` of the code's own construction of one of ``classes`` with its layer sizes
    (``Network([784, 30, 10])``, ``Net(784, 30, 10)``): the first and last of them, and the call as written."""
    for name in classes:
        found = own_call(stmts, name, ns)
        if found is None:
            continue
        args, kwargs, _ = found
        for value in [*args, *kwargs.values()]:
            if _int_list(value):
                return int(value[0]), int(value[-1]), f"{name}({shown(args, kwargs)})"
        if len(args) >= 2 and all(_int(a) for a in args):
            return int(args[0]), int(args[-1]), f"{name}({shown(args, kwargs)})"
    return None


def _int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0


def _int_list(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) >= 2 and all(_int(x) for x in v)
