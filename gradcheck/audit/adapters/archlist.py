"""A module-level architecture list the functions take (``nn_architecture = [{"input_dim": 2, ...}, ...]``).

The "architecture list" tutorial style describes the network as a list of dicts,
one per layer, and passes it to every function: ``init_layers(nn_architecture)``,
``full_forward(X, params_values, nn_architecture)``,
``full_backward(Y_hat, Y, memory, params_values, nn_architecture)``. Found here:
the list itself, and which arguments of the student's functions take it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.owncall import plain

#: Keys a layer description has (sizes, activation): at least one in every dict of the list.
LAYER_KEYS = re.compile(r"(dim|size|units|neurons|nodes|in|out|activation|act)", re.I)
#: Argument names that take an architecture list.
ARCH_ARG = re.compile(r"(arch|architecture|layers_?(config|spec)|config|structure|topology)", re.I)


def architecture(ns: dict) -> tuple[str, list] | None:
    """``(global name, list)`` of the one module-level list of layer dicts, or None (none, or several)."""
    found = [
        (name, value)
        for name, value in ns.items()
        if not name.startswith("_")
        and isinstance(value, (list, tuple))
        and len(value) >= 1
        and all(isinstance(d, dict) and d and any(LAYER_KEYS.search(str(k)) for k in d) for d in value)
        and plain(value)
    ]
    return found[0] if len(found) == 1 else None


def arch_args(fns: list[Callable], global_name: str) -> list[str]:
    """Argument names of ``fns`` that take the architecture: named like it, or like the global."""
    names = []
    for fn in fns:
        for p in plain_params(fn):
            if p.name == global_name or role_of(p.name) == "arch" or ARCH_ARG.search(p.name):
                names.append(p.name)
    return list(dict.fromkeys(names))


def offered(ns: dict, fns: list[Callable], notes: list[str]) -> dict[str, Any]:
    """``{argument name: architecture list}`` for the functions' architecture arguments ({} when none)."""
    arch = architecture(ns)
    if arch is None:
        return {}
    names = arch_args(fns, arch[0])
    if names:
        notes.append(f"the architecture list {arch[0]} ({len(arch[1])} layers) is passed as {', '.join(names)}")
    return dict.fromkeys(names, arch[1])
