"""A backward given its batch as one ``(inputs, targets)`` pair: ``backprop(self, data)``.

Nielsen-style code loops over mini-batches of ``(x, y)`` pairs and hands each pair
to the backward whole; the backward unpacks it itself (``x = data[0]``,
``target = data[1]``, or ``x, y = data``). Such an argument is neither the
output gradient nor the inputs: it is bound to the pair ``(X, Y)``.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable

from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree


def _indexed(tree: ast.AST, name: str) -> set[int]:
    """The constant indices ``name`` is subscripted with (``name[0]``, ``name[1]``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
                found.add(node.slice.value)
    return found


def _unpacked_in_two(tree: ast.AST, name: str) -> bool:
    """``x, y = name``."""
    return any(
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
        and isinstance(node.targets[0], ast.Tuple)
        and len(node.targets[0].elts) == 2
        for node in ast.walk(tree)
    )


def pair_arg(fn: Callable) -> str | None:
    """The argument of ``fn`` its body unpacks as ``(X, Y)`` (``data[0]`` and ``data[1]``, or ``x, y = data``).

    Only when no other argument takes the targets, and the argument is named like the
    inputs (``input_data``) or plays no known role (``batch``, ``pair``).
    """
    try:
        plist = [
            p for p in inspect.signature(fn).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
    except (TypeError, ValueError):
        return None
    tree = source_tree(fn)
    if tree is None:
        return None
    if any(role_of(p.name) == "Y" for p in plist):
        return None
    required = [p.name for p in plist if p.default is p.empty and p.name != "self"]
    unpacked = [
        n for n in required if role_of(n) in (None, "X") and (_indexed(tree, n) == {0, 1} or _unpacked_in_two(tree, n))
    ]
    return unpacked[0] if len(unpacked) == 1 else None


#: A held-out ``(inputs, targets)`` pair beside the training one (``train(self, train, valid)``): read by the code's
#: own evaluation after its updates, never by the gradient.
HELD_OUT = re.compile(r"^(valid|val|validation|test|dev|holdout)(_?(data|set|pairs?))?$", re.I)


def held_out_args(fn: Callable, pair: str) -> list[str]:
    """The required arguments of ``fn`` beside ``pair`` named like a held-out pair: given the batch's pair again
    (the code evaluates on it after its step; what it returns there is no gradient)."""
    try:
        plist = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in plist if p.name != pair and p.default is p.empty and HELD_OUT.match(p.name)]


_HELD = r"(val|valid|validation|test|dev|holdout|eval)"
_X = r"(x|inputs?|data|features|images)"
_Y = r"(y|t|targets?|labels?|outputs?)"
#: ``X_val``, ``x_test``, ``val_x``, ``y_valid``, ``test_labels``: held-out inputs or targets beside the training ones.
HELD_OUT_DATA = {
    "X": re.compile(rf"^({_X}_?{_HELD}|{_HELD}_?{_X})$", re.I),
    "Y": re.compile(rf"^({_Y}_?{_HELD}|{_HELD}_?{_Y})$", re.I),
}


def held_out_data(fn: Callable) -> dict[str, str]:
    """``{argument: "X" | "Y"}`` for the required arguments of ``fn`` named like held-out inputs or targets
    (``fit(self, X, y, X_val, y_val, epochs)``): given the batch again, as the code only evaluates on them."""
    try:
        plist = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return {}
    found = {}
    for p in plist:
        if p.default is p.empty:
            role = next((r for r, pattern in HELD_OUT_DATA.items() if pattern.match(p.name)), None)
            if role is not None:
                found[p.name] = role
    return found


def held_out_batch(X, Y, columns: bool) -> tuple:
    """The batch with its samples in another order, given where the code takes held-out data: values of the same
    shapes that differ from the batch's, so that a step whose evaluation on them overwrites what its backward reads
    (a forward's cache) is seen, as it would be on real held-out data."""
    import numpy as np

    axis = 1 if columns else 0
    n = np.shape(X)[axis] if np.ndim(X) > axis else 0
    order = np.roll(np.arange(n), 1)  # no sample stays in its place (n > 1)

    def moved(a):
        a = np.asarray(a)
        return np.take(a, order, axis=axis if a.ndim > axis else 0).copy() if a.ndim and len(order) else a.copy()

    return moved(X), moved(Y)


def _loops_over_pairs(loop: ast.For, name: str) -> bool:
    """``for x, t in name`` or ``for p in name`` with ``p[0]`` and ``p[1]`` read in the loop."""
    if not (isinstance(loop.iter, ast.Name) and loop.iter.id == name):
        return False
    if isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2:
        return True
    body = ast.Module(body=loop.body, type_ignores=[])
    return isinstance(loop.target, ast.Name) and _indexed(body, loop.target.id) >= {0, 1}


def epoch_pairs_arg(fn: Callable) -> str | None:
    """The argument of ``fn`` that is a list of ``[input, target]`` pairs it trains on for several epochs.

    ``train(self, patterns)``: ``for i in range(self.epochs): for p in patterns: ... p[0] ... p[1]``.
    One call makes an update per pair per epoch; None when no such loop sits inside another one.
    """
    tree = source_tree(fn)
    if tree is None or not tree.body or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    names = {a.arg for a in tree.body[0].args.args}
    for outer in ast.walk(tree):
        if isinstance(outer, (ast.For, ast.While)):
            for inner in ast.walk(ast.Module(body=outer.body, type_ignores=[])):
                if isinstance(inner, ast.For) and any(_loops_over_pairs(inner, n) for n in names):
                    return inner.iter.id
    return None


def epoch_pairs_message(entry: str, arg: str) -> str:
    """The error for a method that trains on a list of pairs for several epochs per call."""
    return (
        f"{entry} takes {arg!r} as a list of [input, target] pairs and trains on it for several epochs in one "
        "call, updating the weights once per pair: the gradient of one step cannot be read off the many updates "
        "one call makes. Point [entry] backward at the method that makes one step on one sample (with "
        "[entry] backward_args naming what it takes), or have the code compute the gradient of a batch in a "
        "method of its own"
    )


def _is_target(node: ast.AST, loop: ast.For) -> bool:
    """``node`` is the pair's target: the second name of ``for x, t in ...``, or ``p[1]`` of ``for p in ...``."""
    t = loop.target
    if isinstance(t, ast.Tuple):
        return isinstance(node, ast.Name) and isinstance(t.elts[1], ast.Name) and node.id == t.elts[1].id
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == getattr(t, "id", None)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == 1
    )


def per_pair_step(fn: Callable) -> str | None:
    """The method an epoch-pairs trainer (:func:`epoch_pairs_arg`) calls on each pair's target
    (``self.back_propagate(p[1], rate)``): the step on one sample, or None."""
    arg = epoch_pairs_arg(fn)
    tree = source_tree(fn) if arg else None
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For) and _loops_over_pairs(n, arg)] if tree else []
    for loop in loops:
        for call in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
            f = call.func if isinstance(call, ast.Call) else None
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self":
                if any(_is_target(n, loop) for a in call.args for n in ast.walk(a)):
                    return f.attr
    return None
