"""Functions over a list of ``(W, b)`` pairs: ``layers = init_layers([3, 8, 1])``, ``forward(layers, X)``.

The list comes from the submission's initializer (called as the code calls it,
or with invented sizes); the functions name it as they like (``layers``,
``net``, ``params``). The forward may return the list of activations (its last
element is the output), which the backward then takes (``backward(layers, acts,
y)``); the gradients come back as a list of ``(dW, db)`` pairs, matched to the
parameters by position.
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.outputs import network_output
from gradcheck.audit.adapters.params import is_pairs, pair_tensors
from gradcheck.audit.adapters.shapes.functions import entry_and_init, tried_initializer
from gradcheck.audit.adapters.target import Context, Target


def _list_arg(fn: Callable) -> str | None:
    """The first argument of ``fn`` that is the list of pairs: of no known role, or the parameters' role."""
    return next((p.name for p in plain_params(fn) if role_of(p.name) in (None, "params")), None)


def _filled(fn: Callable, list_name: str, last: dict) -> Callable:
    """``fn`` with its one argument that takes what the forward returned (``acts``) filled with it."""
    rest = [p for p in plain_params(fn) if p.name != list_name and role_of(p.name) is None and p.default is p.empty]
    if len(rest) != 1:
        return fn
    name = rest[0].name
    sig = inspect.signature(fn)
    reduced = sig.replace(parameters=[p for p in sig.parameters.values() if p.name != name])

    @functools.wraps(fn)
    def backward(*args, **kwargs):
        given = dict(reduced.bind_partial(*args, **kwargs).arguments)
        given[name] = last["ret"]
        full = sig.bind_partial(**{k: v for k, v in given.items() if k in sig.parameters})
        return fn(*full.args, **full.kwargs)

    backward.__signature__ = reduced
    return backward


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Functions whose parameters are a list of ``(W, b)`` pairs an initializer makes (None otherwise)."""
    funcs = ctx.funcs if funcs is None else funcs
    found = entry_and_init(ctx, bname, funcs)
    if found is None:
        return None
    fname, bname, init_name = found
    name = _list_arg(funcs[bname])
    if name is None:
        return None
    made = tried_initializer(funcs[init_name], ctx, is_pairs)
    if made is None:
        return None
    ctx.notes.append(f"parameters from {init_name}(): a list of {len(made)} (weight, bias) pairs")
    frozen = copy.deepcopy(made)
    forward = funcs.get(fname)
    names = {name} | ({_list_arg(forward)} - {None} if forward is not None else set())
    last: dict = {}

    def output_of(root, ret):
        last["ret"] = ret
        if isinstance(ret, list) and ret and isinstance(ret[-1], np.ndarray):
            return ret[-1]
        return network_output(forward, ret, root, None)[0]

    return Target(
        label="module",
        root_name=name,
        fresh=lambda: copy.deepcopy(frozen),
        forward_name=fname,
        backward_name=bname,
        namespace=ctx.ns,
        get_forward=lambda r: forward,
        get_backward=lambda r: _filled(funcs[bname], name, last),
        shape="pairs",
        extra_args=lambda root: {n: root for n in names},
        output_of=output_of,
        params_of=lambda root: pair_tensors(root, name),
        offers_root=True,
    )
