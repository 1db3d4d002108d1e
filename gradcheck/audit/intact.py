"""The worker's own functions, left as they were by the submission (run by the worker, in the sandbox).

The submission shares the worker's process. Code that replaces the grader's functions there
(``setattr(gradcheck.audit.probes, "_watched_step", lambda *a: None)``, every callable whose
name reads like a watch) switches off the checks that see a numerical gradient, and the
answer would say ``ok``. :func:`snapshot` records, before any student code runs, every
function and class of every gradcheck module loaded; the ``changed()`` it returns names those
no longer the same object, or a module replaced in ``sys.modules``. The worker then answers
with an error instead of a result: no verdict is built on a run whose grader was rewritten.

This sees code that rebinds the grader's names, the common way; it is no wall against code
that reaches the worker's objects through the garbage collector or native code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["snapshot"]


#: Modules besides gradcheck's whose functions the worker's answer is built with: the JSON encoder (a submission
#: replacing ``json.JSONEncoder`` in ``__init__`` rewrote every gradient in the answer as it was encoded), the
#: builtins and math the encoding calls, numpy's names the worker reads.
#: Of json, builtins and numpy only the names the encoding uses (a notebook's ``np.bool = bool`` is no attack).
_ALSO: dict[str, frozenset[str] | None] = {
    "json": frozenset({"JSONEncoder"}),  # (json.dumps is not what the worker encodes with: a liar there is harmless)
    "json.encoder": None,
    "math": None,
    "builtins": frozenset(
        {"isinstance", "issubclass", "type", "id", "float", "int", "str", "bool", "repr", "dict", "list", "tuple"}
        | {"len", "frozenset", "map", "range", "zip", "sorted", "getattr"}
    ),
    "numpy": frozenset({"ndarray", "floating", "integer", "bool_", "asarray", "array"}),
}


def _ours(name: str) -> bool:
    return name == "gradcheck" or name.startswith("gradcheck.") or name in _ALSO


def _watched(module: str, attr: str) -> bool:
    names = _ALSO.get(module)
    return names is None or attr in names


def snapshot() -> Callable[[], list[str]]:
    """``changed()``: the gradcheck functions, classes and modules rebound since this call (sorted names), and the
    methods of those classes (``json.JSONEncoder.encode = ...`` leaves the class the same object)."""
    modules = {name: mod for name, mod in list(sys.modules.items()) if _ours(name) and mod is not None}
    tables = {name: vars(mod) for name, mod in modules.items()}
    held = {
        (n, attr): v
        for n, table in tables.items()
        for attr, v in list(table.items())
        if callable(v) and _watched(n, attr)
    }
    classes = {f"{n}.{attr}": v for (n, attr), v in held.items() if isinstance(v, type) and _own_class(v, n)}
    methods = {(k, a): m for k, cls in classes.items() for a, m in list(vars(cls).items()) if _method(m)}
    missing = object()
    loaded = sys.modules  # the interpreter's own dict, read with dict's own method: a dict of the submission's put
    get = dict.get  # in its place (whose get() runs its code inside this check) is a rebinding

    def changed() -> list[str]:
        out = [] if sys.__dict__.get("modules") is loaded else ["sys.modules"]
        out += [name for name, mod in modules.items() if get(loaded, name) is not mod]
        out += [f"{n}.{attr}" for (n, attr), v in held.items() if tables[n].get(attr, missing) is not v]
        out += [f"{k}.{a}" for (k, a), m in methods.items() if vars(classes[k]).get(a, missing) is not m]
        return sorted(out)

    return changed


def _own_class(cls: type, module: str) -> bool:
    """A class defined in ``module`` (not one it imports), with a dict that can change (not a builtin type)."""
    return getattr(cls, "__module__", None) == module and not cls.__flags__ & _IMMUTABLE


def _method(v: object) -> bool:
    return callable(v) or isinstance(v, (staticmethod, classmethod, property))


#: ``Py_TPFLAGS_IMMUTABLETYPE``: a type whose attributes cannot be set (numpy's and the builtins' C types).
_IMMUTABLE = 1 << 8
