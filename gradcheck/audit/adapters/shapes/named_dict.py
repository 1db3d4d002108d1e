"""Functions taking the initializer's parameters dict under a name of no known role: ``forward(X, p)``.

``p = init_params(layer_dims)`` and ``backward(p, cache, Y)``: the argument the
forward and the backward share, which plays no other role, is the dict (offered
to both by its name); everything else is read as for :mod:`.functions`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters import archlist
from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.shapes.functions import entry_and_init, params_target, tried_initializer
from gradcheck.audit.adapters.target import Context, Target


def _unnamed(fn: Callable) -> list[str]:
    """``fn``'s required arguments of no known role."""
    return [p.name for p in plain_params(fn) if role_of(p.name) is None and p.default is p.empty]


def _dict_of_arrays(value) -> bool:
    return isinstance(value, dict) and bool(value) and any(isinstance(v, np.ndarray) for v in value.values())


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Functions sharing one argument of no known role that an initializer's dict fills (None otherwise)."""
    funcs = ctx.funcs if funcs is None else funcs
    found = entry_and_init(ctx, bname, funcs)
    if found is None or found[0] is None:
        return None
    fname, bname, init_name = found
    arch = archlist.architecture(ctx.ns)
    taken = set(archlist.arch_args([funcs[bname], funcs[fname]], arch[0])) if arch else set()
    shared = [n for n in _unnamed(funcs[bname]) if n in _unnamed(funcs[fname]) and n not in taken]
    if len(shared) != 1:
        return None
    said = len(ctx.notes)
    offered = archlist.offered(ctx.ns, [funcs[bname], funcs[fname], funcs[init_name]], ctx.notes) if arch else {}
    made = tried_initializer(funcs[init_name], ctx, _dict_of_arrays, offered)
    if made is None:
        del ctx.notes[said:]
        return None
    name = shared[0]
    ctx.notes.append(f"parameters from {init_name}(), given to {fname} and {bname} as {name!r}")
    frozen = copy.deepcopy(made)
    target = params_target(ctx, lambda: copy.deepcopy(frozen), fname, bname, funcs[bname], funcs[fname], "named_dict")
    target.extra_args = lambda root: {**offered, name: root}
    target.offers_root = True
    return target
