"""A loss returned through ``float()`` or a numpy cast, evaluated for the complex step keeping imaginary parts.

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
attribute is not: its ``float()`` still refuses the step, as before; one whose
method rounds through a narrow numpy type, below, is, and so is one that a bound
method reaches on its own ``self``, ``self.forward(p)`` calling ``self.load(p)``). Only the
complex step evaluates the twin (:meth:`gradcheck.problem.Problem.call_loss`);
every real evaluation runs the user's function as written. The complex-safety
probe then judges the twin as it judges any loss: one whose other operations
are not analytic (``abs``, ``math.log``, a comparison) is refused there.

A loss returned through a narrower numpy type (``np.float32(x)``,
``np.float16(x)``, ``x.astype(np.float32)``, ``np.asarray(x, dtype=np.float32)``)
drops the imaginary part the same way. Unlike ``float()`` that cast is not the
identity at real points: it rounds the value before it, so the loss moves in
stairs (6e-8 of a loss of 1 for float32) whose derivative is zero or infinite.
The derivative a gradient of such a loss must match is that of the value
before the rounding, and that is what the twin reads: where the function names
``float32`` or ``float16`` on numpy (``np.float32``, or ``float32`` imported
from numpy), the twin's numpy is :data:`NUMPY_KEEPS_IMAGINARY`, whose narrow
types (:class:`Float32KeepsImaginary`, :class:`Float16KeepsImaginary`) round a
real argument as before and, given a complex one, round its real part the same
way and keep its imaginary part (the twin's value is the user's loss), and
which, given as a dtype, is complex128 (``astype`` and ``asarray`` keep the
imaginary part, and the real part unrounded: float32's stairs, 6e-8 relative,
pass the probe's comparison of values; float16's, 5e-4, do not, and such a
loss is checked by real differences as before). A one-entry float32 or float16
array the function reaches by a global name or its closure (the buffer of
``buf[0] = x; return buf[0]``) is, in the twin, its own complex128 copy, its
real part unrounded as ``astype``'s. :func:`casts` names the casts a twin sees through, for notes.

Whether that twin may be used is judged first (:mod:`gradcheck.castsafety`):
against the stairs of the loss as written nothing refutes a complex step, so
it is compared with real differences of the value before the cast, the loss
rebuilt once more with narrow types that round nothing (:data:`VARIANTS`:
``"before_cast"`` for real evaluations, ``"unrounded"`` for complex ones).
"""

from __future__ import annotations

import copy
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


class _KeepsNarrow(type):
    """A narrow numpy type's stand-in: a complex value called on keeps its imaginary part; as a type, the narrow one.

    ``rounds``: a value called on has its real part rounded as the user's cast
    rounds it (the twin's value is then the loss's); otherwise it comes back
    unrounded, as float64 where it is real (the value before the cast).
    """

    def __call__(cls, x=0.0, /):
        if np.iscomplexobj(x):
            x = np.asarray(x)
            real = x.real.astype(cls.narrow).astype(x.real.dtype) if cls.rounds else x.real
            kept = real + 1j * x.imag
            return kept[()] if kept.ndim == 0 else kept
        if cls.rounds:
            return cls.narrow(x)
        kept = np.asarray(x, dtype=np.float64)
        return kept[()] if kept.ndim == 0 else kept

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, cls.narrow)

    def __subclasscheck__(cls, sub) -> bool:
        return issubclass(sub, cls.narrow)


class Float32KeepsImaginary(metaclass=_KeepsNarrow):
    """``np.float32`` for a real argument; a complex one keeps its imaginary part; as a dtype, complex128."""

    narrow = np.float32
    rounds = True
    #: ``np.dtype`` of this class (``astype``, ``asarray``'s ``dtype=``): complex, so the imaginary part stays.
    dtype = np.dtype(np.complex128)


class Float16KeepsImaginary(metaclass=_KeepsNarrow):
    """``np.float16`` for a real argument; a complex one keeps its imaginary part; as a dtype, complex128."""

    narrow = np.float16
    rounds = True
    dtype = np.dtype(np.complex128)


def _unrounded(keeps: type, dtype) -> type:
    """``keeps`` rounding nothing, and ``dtype`` as a dtype (the value before the user's cast)."""
    attrs = {"narrow": keeps.narrow, "rounds": False, "dtype": np.dtype(dtype), "__doc__": keeps.__doc__}
    return _KeepsNarrow(keeps.__name__.replace("KeepsImaginary", "Unrounded"), (), attrs)


class _NumpyKeeps(types.ModuleType):
    """numpy, its narrow float types replaced by stand-ins (``narrow``: by the name a function loads them by)."""

    def __init__(self, narrow: dict[str, type], buffer: np.dtype):
        super().__init__("numpy")
        self.narrow, self.buffer = narrow, buffer

    def __getattr__(self, name: str):
        if name in ("narrow", "buffer"):
            raise AttributeError(name)
        return self.narrow[name] if name in self.narrow else getattr(np, name)

    @staticmethod
    def finfo(kind):
        """``np.finfo`` of a stand-in is its narrow type's (``np.finfo(np.float32).eps`` as a clip's guard)."""
        return np.finfo(kind.narrow if isinstance(kind, _KeepsNarrow) else kind)


#: The narrow types seen through, by the name a function loads them by.
NARROW = {"float32": Float32KeepsImaginary, "float16": Float16KeepsImaginary}
#: The twin's numpy where a function names ``float32`` or ``float16`` on it.
NUMPY_KEEPS_IMAGINARY = _NumpyKeeps(NARROW, np.dtype(np.complex128))
#: Twins whose narrow types round nothing, for the judgement of the twin (:mod:`gradcheck.castsafety`):
#: ``"unrounded"`` for complex evaluations, ``"before_cast"`` for real ones (the value before the cast, float64).
VARIANTS = {
    "rounded": NUMPY_KEEPS_IMAGINARY,
    "unrounded": _NumpyKeeps({k: _unrounded(v, np.complex128) for k, v in NARROW.items()}, np.dtype(np.complex128)),
    "before_cast": _NumpyKeeps({k: _unrounded(v, np.float64) for k, v in NARROW.items()}, np.dtype(np.float64)),
}


def through_cast(fn: Callable, variant: str = "rounded") -> Callable:
    """``fn``'s twin whose ``float()`` and numpy casts keep imaginary parts; ``fn`` itself where it names none.

    ``variant`` (:data:`VARIANTS`): how its narrow numpy types treat a value, rounded as the user's
    cast rounds it (the check's twin) or not (the twins the twin is judged by).
    """
    seen = _Seen(VARIANTS[variant])
    twin = _rebuilt(fn, DEPTH, {}, seen)
    if twin is None:
        return fn
    _function_of(twin).__casts__ = tuple(sorted(seen))
    return twin


class _Seen(set):
    """The casts a rebuild saw through (names, as :func:`casts` gives them), and the numpy its twin loads."""

    def __init__(self, numpy: _NumpyKeeps):
        super().__init__()
        self.numpy = numpy


def casts(twin: Callable) -> tuple[str, ...]:
    """The casts :func:`through_cast`'s twin sees through (``"float()"``, ``"np.float32"``, ...)."""
    return getattr(_function_of(twin), "__casts__", ())


def _function_of(fn):
    """The plain function inside a partial or bound method (the twin's own, rebuilt one)."""
    while isinstance(fn, (functools.partial, types.MethodType)):
        fn = fn.func if isinstance(fn, functools.partial) else fn.__func__
    return fn


def cast_words(found: tuple[str, ...]) -> str:
    """The report's words for the casts a twin sees through, and what the derivative it reads is."""
    rounded = [c for c in found if c != "float()"]
    named = " / ".join(found) if found else "float()"
    if not rounded:
        return f"the loss's {named} cast (the identity at real points)"
    return (
        f"the loss's {named} cast (a rounding of the value before it, whose derivative the gradient must match, "
        "not the rounded loss's stairs)"
    )


def _callable_kind(value) -> bool:
    return isinstance(value, (types.FunctionType, types.MethodType, functools.partial))


def _rebuilt(fn, depth: int, memo: dict, seen: _Seen):
    """The rebuilt twin of ``fn``, or None where it (and what it calls) is left as it is (casts found: ``seen``)."""
    if depth <= 0:
        return None
    if isinstance(fn, functools.partial):
        inner = _rebuilt(fn.func, depth, memo, seen)
        return None if inner is None else functools.partial(inner, *fn.args, **fn.keywords)
    if isinstance(fn, types.MethodType):  # (its object too: ``self.forward(p)`` may reach a cast in ``self.load``)
        inner = _rebuilt(fn.__func__, depth, memo, seen)
        owner = _object_twin(fn.__self__, _names(fn.__func__.__code__), depth, memo, seen)
        if inner is None and owner is None:
            return None
        return types.MethodType(fn.__func__ if inner is None else inner, fn.__self__ if owner is None else owner)
    if not isinstance(fn, types.FunctionType) or str(fn.__module__).split(".")[0] in LIBRARIES:
        return None
    if id(fn) in memo:
        return memo[id(fn)]  # (a function met again, or recursion: its twin, or None while it is being built)
    memo[id(fn)] = None
    glob = fn.__globals__
    patched, names = {}, _names(fn.__code__)
    for name in names:
        value = glob.get(name)
        stand_in = _cast_stand_in(name, value, name in glob, names, seen)
        if stand_in is None and _callable_kind(value):
            stand_in = _rebuilt(value, depth - 1, memo, seen)
        elif stand_in is None:
            stand_in = _object_twin(value, names, depth, memo, seen)
        if stand_in is not None:
            patched[name] = stand_in
    closure = _closure(fn, depth, memo, seen)
    if not patched and closure is fn.__closure__:
        return None
    twin = types.FunctionType(fn.__code__, {**glob, **patched}, fn.__name__, fn.__defaults__, closure)
    twin.__kwdefaults__ = fn.__kwdefaults__
    memo[id(fn)] = twin
    return twin


def _object_twin(value, names: set[str], depth: int, memo: dict, seen: _Seen):
    """A shallow copy of a user's object whose methods see through a narrow numpy cast, those rebuilt; else None.

    ``lambda p: net.loss(p)`` reaches ``loss`` through ``net``: the copy holds
    the rebuilt methods as its own attributes (the user's object is left alone).
    Only where a method the function names (or one of the class's) rounds
    through ``np.float32`` and the like; ``float()`` alone is left as before.
    """
    cls = type(value)
    if not hasattr(value, "__dict__") or isinstance(value, (type, types.ModuleType, np.ndarray)):
        return None
    if str(cls.__module__).split(".")[0] in (*LIBRARIES, "functools", "types") or id(value) in memo:
        return memo.get(id(value))
    memo[id(value)] = None
    inner, methods = _Seen(seen.numpy), {}
    for klass in cls.__mro__[:-1]:
        for attr, fn in vars(klass).items():
            if attr not in methods and not attr.startswith("__") and isinstance(fn, types.FunctionType):
                methods[attr] = _rebuilt(fn, depth - 1, memo, inner)
    rebuilt = {attr: fn for attr, fn in methods.items() if fn is not None}
    if not _reached(names, cls) & rebuilt.keys() or not any(c != "float()" for c in inner):
        return None
    try:
        twin = copy.copy(value)
        for attr, fn in rebuilt.items():
            twin.__dict__[attr] = types.MethodType(fn, twin)
    except Exception:  # (an object that does not copy, or holds no attributes of its own: left as it is)
        return None
    seen.update(inner)
    memo[id(value)] = twin
    return twin


def _reached(names: set[str], cls: type) -> set[str]:
    """The methods of ``cls`` that code naming ``names`` calls, and those they call on ``self``, at any depth."""
    methods = {}
    for klass in reversed(cls.__mro__[:-1]):
        methods.update({a: f for a, f in vars(klass).items() if isinstance(f, types.FunctionType)})
    reached, todo = set(), list(names & methods.keys())
    while todo:
        attr = todo.pop()
        if attr not in reached:
            reached.add(attr)
            todo += _names(methods[attr].__code__) & methods.keys()
    return reached


def _cast_stand_in(name: str, value, is_global: bool, names: set[str], seen: _Seen):
    """What a global name that casts the loss is bound to in the twin (the cast named in ``seen``); else None."""
    if name == "float" and not is_global:
        seen.add("float()")
        return KeepsImaginary
    if value is np and NARROW.keys() & names:
        seen.update(f"np.{kind}" for kind in NARROW.keys() & names)
        return seen.numpy
    kind = next((kind for kind, keeps in NARROW.items() if value is keeps.narrow), None)
    if kind is not None:  # (``from numpy import float32``)
        seen.add(f"np.{kind}")
        return seen.numpy.narrow[kind]
    if isinstance(value, np.ndarray) and value.dtype.name in NARROW and value.size <= 1:
        # a one-entry narrow buffer the loss writes its value into (``buf[0] = loss; return buf[0]``): the twin
        # writes into its own complex copy (the user's buffer is left alone)
        seen.add(f"{value.dtype.name} buffer")
        return value.astype(seen.numpy.buffer)
    return None


def _closure(fn: types.FunctionType, depth: int, memo: dict, seen: _Seen):
    """``fn``'s closure with the functions it holds rebuilt (the same tuple where none is)."""
    if not fn.__closure__:
        return fn.__closure__
    cells, changed = [], False
    for cell in fn.__closure__:
        try:
            value = cell.cell_contents
        except ValueError:  # (a cell not yet filled)
            value = None
        names = _names(fn.__code__)
        twin = _cast_stand_in("", value, True, names, seen)  # (a narrow type or numpy held in a cell)
        if twin is None and _callable_kind(value):
            twin = _rebuilt(value, depth - 1, memo, seen)
        elif twin is None:
            twin = _object_twin(value, names, depth, memo, seen)
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


def rounds_in_stairs(problem) -> bool:
    """Does ``problem`` evaluate, at complex parameters, a twin seeing through a narrow numpy cast of its loss?"""
    if not problem.through:
        return False
    twin = problem._through_cast if problem._through_cast is not None else through_cast(problem.loss_fn)
    return any(c != "float()" for c in casts(twin))
