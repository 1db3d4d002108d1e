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


def arg_names(fn: Callable) -> list[str]:
    """The named arguments of ``fn``."""
    return [p.name for p in plain_params(fn)]


def takes_only(fn: Callable, arch: dict[str, Any]) -> bool:
    """Every argument of ``fn`` without a default takes the architecture list (``init_layers(layers_config)``)."""
    required = [p.name for p in plain_params(fn) if p.default is p.empty]
    return bool(required) and all(n in arch for n in required)


def _size_keys(layer: dict) -> tuple[str, str] | None:
    """The (input size, output size) keys of a layer dict: ``input_dim``/``output_dim``, ``in``/``out``..."""
    ints = [k for k, v in layer.items() if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)]
    ins = [k for k in ints if re.search(r"in", k, re.I)]
    outs = [k for k in ints if re.search(r"out", k, re.I)]
    return (ins[0], outs[0]) if len(ins) == 1 and len(outs) == 1 else None


def shrunk(arch: list) -> list | None:
    """The same layers at small sizes when the list's own are large (a 784-500-10 MNIST net), else None.

    Inputs 3, hidden widths 4, 5, ..., the output kept when it is at most
    :data:`MAX_OUTPUTS` (the classes), else 3. None when the sizes are small or
    their keys cannot be told.
    """
    keys = [_size_keys(d) for d in arch]
    if any(k is None for k in keys) or all(d[k[0]] <= MAX_OWN and d[k[1]] <= MAX_OWN for d, k in zip(arch, keys)):
        return None
    last = arch[-1][keys[-1][1]]
    widths = [3, *range(4, 4 + len(arch) - 1), last if last <= MAX_OUTPUTS else 3]
    return [{**d, k[0]: widths[i], k[1]: widths[i + 1]} for i, (d, k) in enumerate(zip(arch, keys))]


#: Sizes in an architecture list above this are replaced by small ones (see :func:`shrunk`).
MAX_OWN = 64
MAX_OUTPUTS = 10


def offered(ns: dict, fns: list[Callable], notes: list[str]) -> dict[str, Any]:
    """``{argument name: architecture list}`` for the functions' architecture arguments ({} when none)."""
    arch = architecture(ns)
    if arch is None:
        return {}
    names = arch_args(fns, arch[0])
    if not names:
        return {}
    small = shrunk(arch[1])
    notes.append(
        f"the architecture list {arch[0]} ({len(arch[1])} layers) is passed as {', '.join(names)}"
        + (
            f", at small sizes (the gradient check does not depend on them): {[d for d in small]}"
            if small is not None
            else ""
        )
    )
    # the global's own name too: a call written init_layers(NN_ARCHITECTURE) gets the small sizes as well
    return dict.fromkeys([*names, arch[0]], small if small is not None else arch[1])
