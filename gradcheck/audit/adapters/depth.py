"""How many layers a size list needs, read from the student's own code.

An initializer taking the whole size list (``initialize_parameters(layer_dims)``) gets
invented sizes; a forward that then reads ``parameters["W3"]`` needs three layers, not
the two a default list gives. The depth comes from the student's own call of the
initializer (``initialize_parameters([X.shape[0], 20, 3, 1])``, or a list bound to a
name that call passes, or the length the code checks it has, ``len(sizes) != 4``, or a
concatenation of those, ``[n_in] + hidden + [n_out]`` with ``len(hidden) != 3``), else
from a forward unpacking the (W, b) pairs whole
(``(W1, b1), (W2, b2), (W3, b3) = params``), else from the highest numbered weight key
the module reads (``"W3"``).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable

#: A numbered weight key (``"W3"``, ``'w_2'``): the module has at least that many layers.
WEIGHT_KEY = re.compile(r"^[Ww]_?(\d+)$")
#: Deeper than this is not a hand-written list or key a student would write.
MAX_LAYERS = 12


def _module_tree(fn: Callable) -> ast.AST | None:
    module = inspect.getmodule(fn)
    try:
        return ast.parse(inspect.getsource(module)) if module is not None else None
    except (OSError, TypeError, SyntaxError):
        return None


def _list_lengths(tree: ast.AST) -> dict[str, int]:
    """``dims = [4, 20, 3, 1]`` anywhere in the module: name -> length."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.List, ast.Tuple)):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    found[t.id] = len(node.value.elts)
    return found


def _called_length(tree: ast.AST, name: str, position: int, keyword: str) -> int | None:
    """Length of the size list the module's own calls of ``name`` pass (literal, or a name bound to one)."""
    bound = _list_lengths(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name):
            continue
        args = [a for a in node.args if not isinstance(a, ast.Starred)]
        by_name = next((k.value for k in node.keywords if k.arg == keyword), None)
        arg = args[position] if position < len(args) else by_name
        length = _length_of(arg, tree, bound)
        if length:
            return length
    return None


def _length_of(arg: ast.AST | None, tree: ast.AST, bound: dict[str, int]) -> int | None:
    """Length of a size-list expression: a literal, a name bound to one or whose length the code checks
    (``if len(hidden) != 3``), or a concatenation of those (``[X.shape[1]] + hidden + [Y.shape[1]]``)."""
    if isinstance(arg, (ast.List, ast.Tuple)):
        return len(arg.elts)
    if isinstance(arg, ast.Name):
        return bound.get(arg.id) or _checked_length(tree, arg.id)
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
        left, right = _length_of(arg.left, tree, bound), _length_of(arg.right, tree, bound)
        return left + right if left and right else None
    return None


def _highest_weight_key(tree: ast.AST) -> int | None:
    """The highest ``k`` of a weight key the module reads, ``parameters["W3"]`` (a subscript, not a dict literal)."""
    keys = [
        int(m.group(1))
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
        and (m := WEIGHT_KEY.match(node.slice.value))
    ]
    return max(keys) if keys else None


def _unpacked_layers(tree: ast.AST) -> int | None:
    """Layers a forward unpacking its parameters whole fixes: ``(W1, b1), (W2, b2), (W3, b3) = params`` is 3."""
    counts = [
        len(t.elts)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute))
        for t in node.targets
        if isinstance(t, (ast.Tuple, ast.List))
        and len(t.elts) >= 2
        and all(isinstance(e, (ast.Tuple, ast.List)) and len(e.elts) == 2 for e in t.elts)
    ]
    return max(counts) if counts else None


def _checked_length(tree: ast.AST, name: str) -> int | None:
    """The length the code demands of the size list ``name``: ``if len(sizes) != 4: raise ...``,
    ``assert len(sizes) == 4``."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq))):
            continue
        left, right = node.left, node.comparators[0]
        for call, const in ((left, right), (right, left)):
            if (
                isinstance(call, ast.Call)
                and getattr(call.func, "id", None) == "len"
                and len(call.args) == 1
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id == name
                and isinstance(const, ast.Constant)
                and type(const.value) is int
            ):
                return const.value
    return None


def _ends_only(fn: Callable, name: str) -> bool:
    """Whether ``fn`` reads its list ``name`` only as ``name[0]`` and ``name[1]`` (or ``name[-1]``): the inputs' and
    outputs' sizes alone, the hidden widths coming from elsewhere (``[dims[0]] + list(self.hidden_dims) +
    [dims[1]]``): one layer's worth of list, whatever the depth."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    reads = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    subs = [n for n in ast.walk(tree) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)]
    subs = [_constant(n.slice) for n in subs if n.value.id == name]
    if (
        not reads
        or len(subs) != len(reads)
        or not all(isinstance(c, ast.Constant) and type(c.value) is int for c in subs)
    ):
        return False  # (also read whole, len(dims), dims[i], or a slice: a list of any length)
    indexed = {c.value for c in subs}
    return 0 in indexed and indexed <= {0, 1, -1}


def _constant(node: ast.AST) -> ast.AST:
    """``-1`` as the constant it is (the parser makes it a unary minus)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return ast.Constant(-value) if type(value) is int else node
    return node


def layer_count(fn: Callable, position: int, keyword: str) -> int | None:
    """Layers the size list argument (``position``-th, or ``keyword``) of ``fn`` should describe, or None."""
    if _ends_only(fn, keyword):
        return 1
    tree = _module_tree(fn)
    if tree is None:
        return None
    length = _called_length(tree, getattr(fn, "__name__", ""), position, keyword)
    length = length or _checked_length(tree, keyword)
    layers = length - 1 if length and length >= 2 else _unpacked_layers(tree) or _highest_weight_key(tree)
    return layers if layers and 2 <= layers <= MAX_LAYERS else None
