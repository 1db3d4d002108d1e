"""What kind of thing a student value is: arrays, parameter objects, the student's own classes and functions."""

from __future__ import annotations

import ast
import inspect
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.astnames import names_in
from gradcheck.audit.loader import LoadedSubmission

_NOT_USER = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    np.ndarray,
    np.generic,
    str,
    bytes,
)


def is_float_array(v: Any) -> bool:
    """A non-empty float vector or matrix (what a weight or bias looks like)."""
    return isinstance(v, np.ndarray) and v.dtype.kind == "f" and 1 <= v.ndim <= 2 and v.size > 0


def is_param_object(v: Any) -> bool:
    """A ``Parameter``-like object: ``.data`` is a float array and there is a ``.grad``."""
    return (
        not isinstance(v, np.ndarray)
        and hasattr(type(v), "__dict__")
        and is_float_array(getattr(v, "data", None))
        and hasattr(v, "grad")
    )


def is_user_object(v: Any) -> bool:
    """An instance of a class written by the student (not numpy, not a builtin)."""
    if isinstance(v, _NOT_USER):
        return False
    mod = getattr(type(v), "__module__", "") or ""
    return hasattr(v, "__dict__") and not mod.startswith(("numpy", "builtins", "scipy", "matplotlib"))


def methods(cls: type) -> set[str]:
    """Every method name of ``cls`` and its student bases."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        names.update(k for k, v in vars(klass).items() if callable(v) or isinstance(v, (staticmethod, classmethod)))
    return names


def _is_students(obj: Any, loaded: LoadedSubmission) -> bool:
    module = getattr(obj, "__module__", "") or ""
    if module in ("__student__", "__main__") or module.startswith("__student__"):
        return True
    try:
        src = inspect.getsourcefile(obj) or ""
    except (TypeError, OSError):
        src = ""
    return bool(src) and src.startswith(str(loaded.root))


def student_classes(ns: dict, loaded: LoadedSubmission) -> list[type]:
    """Classes defined by the submission (its own files), in definition order, each once (``build = NNBuilder``
    in a module that imports it names the same class twice)."""
    found = (v for k, v in list(ns.items()) if isinstance(v, type) and not k.startswith("__"))
    return list(dict.fromkeys(v for v in found if _is_students(v, loaded)))


def student_functions(ns: dict, loaded: LoadedSubmission) -> dict[str, Callable]:
    """Functions defined by the submission (its own files), by name."""
    root = str(loaded.root)
    out = {}
    for name, val in ns.items():
        if isinstance(val, types.FunctionType):
            if val.__module__ in ("__student__", "__main__") or val.__code__.co_filename.startswith(root):
                out[name] = val
    return out


def class_refs(cls: type, loaded: LoadedSubmission) -> set[str]:
    """Names a class body mentions (to tell a model class from the layers it uses)."""
    node = loaded.class_nodes.get(cls.__name__)
    if node is None:
        try:
            node = ast.parse(inspect.getsource(cls).lstrip())
        except (OSError, TypeError, SyntaxError):
            return set()
    found = names_in(node)
    found |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    return found - {cls.__name__}
