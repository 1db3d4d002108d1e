"""A loss returned through ``float()``, evaluated for the complex step with the cast keeping imaginary parts.

``float(np.mean(...))`` at complex parameters drops the imaginary part (numpy
warns ``ComplexWarning``): the complex step sees nothing through it, and the
loss's real differences drown a saturated output's derivative (1e-14 beside a
loss of 1) in its own rounding. Yet the cast is the identity at real points,
so the loss's derivative is that of the value before it.

:func:`through_cast` rebuilds the user's function with the name ``float``
bound, in a copy of its globals, to :class:`KeepsImaginary`: a real argument
gives ``float(x)`` exactly as before, a complex scalar is returned as it is.
Functions the loss reaches by a global name or through its closure are rebuilt
the same way, down to :data:`DEPTH` calls (a method reached through an object's
attribute is not: its ``float()`` still refuses the step, as before). Only the
complex step evaluates the twin (:meth:`gradcheck.problem.Problem.call_loss`);
every real evaluation runs the user's function as written. The complex-safety
probe then judges the twin as it judges any loss: one whose other operations
are not analytic (``abs``, ``math.log``, a comparison) is refused there.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable

import numpy as np

#: How many calls deep a ``float()`` is looked for: the loss, the function it calls, and the one that calls.
DEPTH = 3
#: Modules whose functions are never rebuilt (their casts are not the user's loss's).
LIBRARIES = ("numpy", "scipy", "gradcheck", "math", "builtins")


class _RealFloat(type):
    """``isinstance(x, KeepsImaginary)`` answers as ``isinstance(x, float)`` (a loss may test its values)."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, float)

    def __subclasscheck__(cls, sub) -> bool:
        return issubclass(sub, float)


class KeepsImaginary(float, metaclass=_RealFloat):
    """``float`` for a real argument; a complex scalar (or one-entry array) comes back complex, unchanged."""

    def __new__(cls, x=0.0, /):
        """``float(x)``, or ``x`` itself (as a numpy complex scalar) where it is one complex value."""
        if np.iscomplexobj(x) and np.size(x) == 1:
            return np.asarray(x).reshape(())[()]
        return float(x)


def through_cast(fn: Callable) -> Callable:
    """``fn``'s twin whose ``float()`` keeps imaginary parts; ``fn`` itself where nothing it runs names ``float``."""
    twin = _rebuilt(fn, DEPTH, {})
    return fn if twin is None else twin


def _callable_kind(value) -> bool:
    return isinstance(value, (types.FunctionType, types.MethodType, functools.partial))


def _rebuilt(fn, depth: int, memo: dict):
    """The rebuilt twin of ``fn``, or None where it (and what it calls) is left as it is."""
    if depth <= 0:
        return None
    if isinstance(fn, functools.partial):
        inner = _rebuilt(fn.func, depth, memo)
        return None if inner is None else functools.partial(inner, *fn.args, **fn.keywords)
    if isinstance(fn, types.MethodType):
        inner = _rebuilt(fn.__func__, depth, memo)
        return None if inner is None else types.MethodType(inner, fn.__self__)
    if not isinstance(fn, types.FunctionType) or str(fn.__module__).split(".")[0] in LIBRARIES:
        return None
    if id(fn) in memo:
        return memo[id(fn)]  # (a function met again, or recursion: its twin, or None while it is being built)
    memo[id(fn)] = None
    glob = fn.__globals__
    patched = {}
    for name in _names(fn.__code__):
        if name == "float" and name not in glob:
            patched[name] = KeepsImaginary
        elif _callable_kind(glob.get(name)):
            twin = _rebuilt(glob[name], depth - 1, memo)
            if twin is not None:
                patched[name] = twin
    closure = _closure(fn, depth, memo)
    if not patched and closure is fn.__closure__:
        return None
    twin = types.FunctionType(fn.__code__, {**glob, **patched}, fn.__name__, fn.__defaults__, closure)
    twin.__kwdefaults__ = fn.__kwdefaults__
    memo[id(fn)] = twin
    return twin


def _closure(fn: types.FunctionType, depth: int, memo: dict):
    """``fn``'s closure with the functions it holds rebuilt (the same tuple where none is)."""
    if not fn.__closure__:
        return fn.__closure__
    cells, changed = [], False
    for cell in fn.__closure__:
        try:
            value = cell.cell_contents
        except ValueError:  # (a cell not yet filled)
            value = None
        twin = _rebuilt(value, depth - 1, memo) if _callable_kind(value) else None
        cells.append(cell if twin is None else types.CellType(twin))
        changed = changed or twin is not None
    return tuple(cells) if changed else fn.__closure__


def _names(code: types.CodeType) -> set[str]:
    """The global names ``code`` and the functions defined inside it load."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names
