"""The precision of the data a loss reads: float32 data under float64 parameters.

A float64 net fed float32 data (``X.astype(np.float32)``, label-smoothed
targets built in float32) computes in float64, but its data holds only
float32's digits, and a backward pass written for exact data leans on
identities the rounded data keeps only to float32's eps: the rows of smoothed
targets ``0.9 * onehot + 0.1 / K`` sum to 1 within 1.3e-8, so ``p - t`` (the
gradient of cross-entropy when the targets sum to 1) differs from the
derivative of the loss as written by ``p * (sum(t) - 1)``, about 1e-8 of the
gradient's scale in every entry. Measured on such a net (2-64-4, GELU, weights
of 1e-4): every entry off by at most 1.5e-8 of its tensor's largest entry, which
an entry 2e-4 of that largest shows as 8e-6 of itself; the same gradient code at
``np.longdouble`` parameters is off by the same amount (the data does not widen
with the parameters), so its wider run cannot tell it from a bug.

The data's dtype is read from the arrays the user's functions hold (closure
cells, globals they name, default arguments, attributes of the object a bound
method belongs to, dicts and lists among them, a few levels deep): never a
guess from the parameters. Where one is a float type coarser than the
parameters, an entry that fails by no more than one ulp of that type at its
tensor's largest entry (``eps_data * max |g_T|``) is that data's rounding,
not a bug: ``pass`` where that allowance is below :data:`SEEN` of the entry
(an error of 1e-3 of the entry still fails there), ``inconclusive`` above it
(an error that small would hide in the data's rounding). The report's note
counts them.
"""

from __future__ import annotations

import types

import numpy as np

#: How deep :func:`data_eps` follows the objects a function holds (function -> closure -> object -> dict ...).
DEPTH = 4
#: Objects :func:`data_eps` looks at before giving up (a user's module may hold a great deal).
MAX_OBJECTS = 2000
#: An entry excused by the data's rounding passes only where that allowance is below this fraction of the entry:
#: an error of 1e-3 of the entry (a planted one, a stray factor) still stands clear of it there.
SEEN = 1e-3


def data_eps(fns, params: dict) -> float:
    """The largest eps of the float arrays ``fns`` read besides ``params`` (0.0 where there are none)."""
    own = {id(v) for v in params.values()}
    seen: set[int] = set()
    stack = [(fn, 0) for fn in fns if fn is not None]
    eps = 0.0
    while stack and len(seen) < MAX_OBJECTS:
        obj, depth = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            if id(obj) not in own and np.issubdtype(obj.dtype, np.floating) and obj.size > 1:
                eps = max(eps, float(np.finfo(obj.dtype).eps))
            continue
        if depth < DEPTH:
            stack += [(child, depth + 1) for child in _children(obj)]
    return eps


def _children(obj) -> list:
    """What ``obj`` holds that a computation may read: closures, named globals, defaults, attributes, items."""
    if isinstance(obj, types.MethodType):
        return [obj.__func__, obj.__self__]
    if isinstance(obj, types.FunctionType):
        cells = [c.cell_contents for c in obj.__closure__ or () if _filled(c)]
        named = [obj.__globals__[n] for n in obj.__code__.co_names if n in obj.__globals__]
        return cells + [v for v in named if not isinstance(v, types.ModuleType)] + list(obj.__defaults__ or ())
    if isinstance(obj, dict):
        return list(obj.values())
    if isinstance(obj, (list, tuple)):
        return list(obj)
    if isinstance(getattr(obj, "__dict__", None), dict) and not isinstance(obj, (type, types.ModuleType)):
        return list(vars(obj).values())
    return []


def _filled(cell) -> bool:
    try:
        return cell.cell_contents is not cell  # (always true: reading it is the test)
    except ValueError:  # an empty cell (a name bound later)
        return False


def excused(ch, name: str, j: int, g: float, best) -> str | None:
    """``pass``/``inconclusive`` for a failing entry within the data's rounding (see the module); None otherwise.

    ``ch`` is the :class:`gradcheck.opinions.Checker` of the check.
    """
    eps = _eps(ch)
    if eps <= float(np.finfo(ch.oracle.dtype).eps) or not np.isfinite(best.value):
        return None
    top = float(np.max(np.abs(ch.analytic[name]), initial=0.0))
    allowance = eps * top
    if abs(g - best.value) > allowance + best.error:
        return None
    counts = ch.__dict__.setdefault("data_rounded", {})
    counts[name] = counts.get(name, 0) + 1
    return "pass" if allowance <= SEEN * max(abs(g), abs(best.value)) else "inconclusive"


def _eps(ch) -> float:
    if "_data_eps" not in ch.__dict__:
        problem = ch.oracle.problem
        ch._data_eps = data_eps([problem.loss_fn, problem.grad_fn], problem.params)
    return ch._data_eps


def note(ch) -> str | None:
    """The note naming the entries the data's rounding explained (None if there are none)."""
    counts = ch.__dict__.get("data_rounded")
    if not counts:
        return None
    where = ", ".join(f"{n} ({k})" for n, k in counts.items())
    eps = ch.__dict__.get("_data_eps", 0.0)
    return (
        f"entries of {where} differ from the derivative by no more than the data's rounding: the functions read "
        f"float arrays of eps {eps:.2g}, coarser than the parameters, and a gradient written for exact data (targets "
        "summing to 1, labels of exactly 0 and 1) is off by up to that eps of its tensor's largest entry; those "
        "differences pass where they are below 1e-3 of the entry and are inconclusive above it"
    )
