"""Data a module function reads as a global instead of taking it as an argument.

A notebook makes its data at the top (``x, y = make_circles(...)``, ``y = y.reshape(1, m)``) and
its backward takes the inputs but reads the labels off the notebook's ``y``::

    def back_propagation(X, parametres, activations):
        m = y.shape[1]
        dz3 = A3 - y                        # the global y: the notebook's 100 samples

Called on the checked batch, such a backward mixes the batch's activations with the notebook's
labels (``operands could not be broadcast together with shapes (1,16) (1,100)``). The code's own
training hands it that ``y`` as the data of its loop: before each call, the batch's targets (or
inputs) are stored in the global the function reads, in the layout the code is given them, with a
note. Only a module global named like the inputs or the targets, holding an array, read by a
function that takes no argument of that role, is so written.
"""

from __future__ import annotations

import dis
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of

__all__ = ["feed_globals", "global_data", "note"]


def global_data(fns: list[Callable | None], namespace: dict) -> dict[str, str]:
    """``{"y": "Y"}``: the module globals named like the data (role ``X`` or ``Y``) holding an array that one of
    ``fns`` reads without taking an argument of that role."""
    found: dict[str, str] = {}
    for fn in fns:
        code = getattr(fn, "__code__", None)
        if code is None:
            continue
        try:
            taken = {role_of(p.name) for p in plain_params(fn)}
            loads = [i.argval for i in dis.get_instructions(fn) if i.opname == "LOAD_GLOBAL"]
        except (TypeError, ValueError):
            continue
        for name in loads:
            role = role_of(name) if isinstance(name, str) else None
            if role in ("X", "Y") and role not in taken and isinstance(namespace.get(name), np.ndarray):
                found.setdefault(name, role)
    return found


def feed_globals(fns: list[Callable | None], namespace: dict, Xc: Any, Yc: Any) -> list[str]:
    """Store the batch (``Xc``, ``Yc``, as the code is given them) in the data globals ``fns`` read; the names
    written, each with the function's name, for the note."""
    written = []
    for name, role in global_data(fns, namespace).items():
        namespace[name] = np.array(Xc if role == "X" else Yc, copy=True)
        readers = [f.__name__ for f in fns if f is not None and name in getattr(f.__code__, "co_names", ())]
        written.append(f"{name} (read by {', '.join(readers)}())")
    return written


def note(written: list[str]) -> str:
    """What :func:`feed_globals` did, said once."""
    return (
        f"the code reads its data off module globals, not its arguments: the checked batch was stored in "
        f"{', '.join(written)} before each call, in place of the module's own data"
    )
