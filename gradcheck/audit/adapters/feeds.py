"""A forward found by what it hands the backward, when no function is named like one.

``net(X) -> (H, O)`` and ``grads(X, Y, H, O)``: the backward takes the values the
other function returns, by their names. That function is the forward, whatever
it is called (``net``, ``run``, ``model``).
"""

from __future__ import annotations

from collections.abc import Callable

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.returns import returned_names


def feeding_forward(funcs: dict[str, Callable], bname: str) -> str | None:
    """The one function (not ``bname``) that returns, by name, values the backward takes as arguments of no
    input or target role (``H``, ``A1``, ``cache``) and takes the input itself; None when none or several do."""
    wanted = {p.name for p in plain_params(funcs[bname]) if role_of(p.name) not in ("X", "Y", "lr")}
    found = []
    for name, fn in funcs.items():
        if name == bname:
            continue
        given = {n for n in returned_names(fn) if n}
        takes_input = any(role_of(p.name) == "X" for p in plain_params(fn))
        if takes_input and wanted & given:
            found.append(name)
    return found[0] if len(found) == 1 else None


__all__ = ["feeding_forward"]
