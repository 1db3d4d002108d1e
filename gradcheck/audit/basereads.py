"""Arrays a submission's object holds, read without running any of the submission's code.

The call watch (:class:`gradcheck.audit.probes.CallWatch`) looks into the locals of the
submission's frames from inside the interpreter's profile hook, where nothing is watched.
A dict subclass's ``items``, a list subclass's ``__getitem__``, an ndarray subclass's
``copy``, ``dtype`` or ``__array_finalize__`` are the submission's code: called from the hook
they would run unseen (a finite-difference gradient computed on the watch's own read). So every
read here goes through the base classes' own methods (``dict.items``, ``list.__getitem__``,
``np.ndarray.view``), which run no Python code of the submission's.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

__all__ = ["NotPlain", "base_array", "base_resolve", "base_snapshot", "held_arrays"]

#: Items of a list or tuple local that are looked at (a long list of arrays is not a copy of the weights).
MAX_ITEMS = 64
#: An argument array is compared only up to this many entries (larger ones are data, not weights).
MAX_ARG_SIZE = 100_000


def base_array(value: Any, kind: str) -> np.ndarray | None:
    """``value`` as a base-class ndarray view when it is an ndarray of dtype kind ``kind``, else None."""
    if not issubclass(type(value), np.ndarray):  # type(): never the object's own __class__
        return None
    arr = np.ndarray.view(value, np.ndarray)  # the base class's view: no subclass hook runs
    return arr if arr.dtype.kind == kind else None


def _key(k: Any) -> str:
    """A dict key in words, without calling the key's own ``__str__``."""
    return str(k) if type(k) in (str, int) else f"<{type(k).__name__}>"


def held_arrays(value: Any, kind: str, sequences: bool = True) -> list[tuple[str, np.ndarray]]:
    """Arrays of dtype kind ``kind`` held by ``value``: itself, a dict's values, or a list's or tuple's items."""
    arr = base_array(value, kind)
    if arr is not None:
        return [("", arr)] if 0 < arr.size <= MAX_ARG_SIZE else []
    cls = type(value)
    if issubclass(cls, dict):
        pairs = [(_key(k), base_array(v, kind)) for k, v in dict.items(value)]
    elif sequences and issubclass(cls, list):
        pairs = [(str(i), base_array(v, kind)) for i, v in enumerate(list.__getitem__(value, slice(0, MAX_ITEMS)))]
    elif sequences and issubclass(cls, tuple):
        pairs = [(str(i), base_array(v, kind)) for i, v in enumerate(tuple.__getitem__(value, slice(0, MAX_ITEMS)))]
    else:
        return []
    return [(k, a) for k, a in pairs if a is not None]


class NotPlain(LookupError):
    """A step that only the submission's own code could take (a property, ``__getattr__``, a call)."""


def base_resolve(root: Any, steps: tuple) -> Any:
    """Follow a parameter's path (:mod:`gradcheck.audit.adapters.paths`) running none of the submission's code:
    attributes as stored (``inspect.getattr_static``: no property, descriptor or ``__getattr__`` runs), items of
    dicts, lists and tuples through the base classes. A property or a call raises :class:`NotPlain`."""
    obj = root
    for kind, key in steps:
        cls = type(obj)
        if kind == "attr":
            obj = inspect.getattr_static(obj, key)
            if hasattr(type(obj), "__get__") and not isinstance(obj, np.ndarray):  # a descriptor: its code would run
                raise NotPlain(key)
        elif kind == "item" and issubclass(cls, dict):
            obj = dict.__getitem__(obj, key)
        elif kind == "item" and issubclass(cls, (list, tuple)):
            obj = (list if issubclass(cls, list) else tuple).__getitem__(obj, key)
        elif kind == "item" and issubclass(cls, np.ndarray):
            obj = np.ndarray.view(obj, np.ndarray)[key]
        else:
            raise NotPlain(key)
    return obj


def base_snapshot(root: Any, params: list) -> list[np.ndarray] | None:
    """Copies of the parameters' current values read by :func:`base_resolve`, or None when one cannot be."""
    out = []
    for t in params:
        try:
            value = base_resolve(root, t.steps)
        except Exception:  # noqa: BLE001 - gone, renamed, or reachable only through the submission's code
            return None
        arr = np.array(value, dtype=float) if type(value) in (float, int) else base_array(value, "f")
        held = base_array(value, "c") if arr is None else None  # weights made complex in place: a complex step
        if arr is None and held is None:
            return None
        out.append(np.array(arr, dtype=float, copy=True) if held is None else np.array(held, copy=True))
    return out
