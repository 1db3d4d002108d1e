"""Module functions over a layer list whose backward stores deltas that a separate update applies.

The classic "from scratch" shape: ``network = init_network(sizes)`` (a list of layer
dicts or small layer objects), ``forward_propagate(network, x)`` storing each layer's
output, ``backward_propagate(network, expected)`` storing each layer's ``'delta'``,
and ``update_weights(network, row, l_rate)`` applying them. The backward alone
returns nothing and changes no weight, so the parameters dict shape
(:mod:`.functions`) finds no gradient in it. This shape is that target with one
more backward to try: the backward followed by the update, as the training loop
calls them, so the gradient is read off the update, (before - after) / lr, with a
learning rate the update is verified linear in (:mod:`..readers.update`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from gradcheck.audit.adapters.calling import accepts_role, call_student, plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.shapes import functions
from gradcheck.audit.adapters.target import Context, Target

#: Words of an update function's name (``update_weights``, ``update_network``, ``apply_gradients``, ``sgd``).
UPDATE_WORDS = ("update", "apply", "sgd", "step", "descent")
#: Arguments of an update that take the backward's result: such an update is fed by a returned gradient.
GIVEN_GRADS = ("grads", "gradients", "grad", "deltas", "dw", "nabla")


def update_function(funcs: dict[str, Callable], skip: set[str]) -> str | None:
    """The one module function that updates the network: named so, taking it and a learning rate."""
    found = []
    for name, fn in funcs.items():
        words = name.lower().strip("_").split("_")
        if name in skip or not any(w in words or name.lower().startswith(w) for w in UPDATE_WORDS):
            continue
        args = [p.name for p in plain_params(fn)]
        if not args or role_of(args[0]) != "params" or accepts_role(fn, "lr") is None:
            continue
        if any(a.lower() in GIVEN_GRADS for a in args):
            continue
        found.append(name)
    return found[0] if len(found) == 1 else None


def _composite(backward: Callable, update: Callable) -> Callable:
    """``backward`` then ``update`` as one callable, its signature the backward's plus an input and a rate."""
    bparams = plain_params(backward)
    net = next((p.name for p in bparams if role_of(p.name) == "params"), None)
    x_name = next((p.name for p in bparams if role_of(p.name) == "X"), None)
    added = []
    if x_name is None:
        x_name = "X"
        added.append(inspect.Parameter("X", inspect.Parameter.POSITIONAL_OR_KEYWORD))
    added.append(inspect.Parameter("lr", inspect.Parameter.POSITIONAL_OR_KEYWORD))
    sig = inspect.Signature(
        [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in bparams if p.default is p.empty]
        + added
        + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in bparams if p.default is not p.empty]
    )

    def backward_then_update(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        values = bound.arguments
        mine = {p.name: values[p.name] for p in bparams if p.name in values}
        call_student("backward", backward, **mine)
        roles = {"params": values.get(net), "X": values[x_name], "lr": values["lr"]}
        uargs = {}
        for p in plain_params(update):
            role = role_of(p.name) or ("X" if p.default is p.empty else None)
            if role in roles:
                uargs[p.name] = roles[role]
        call_student("update", update, **uargs)

    backward_then_update.__signature__ = sig  # type: ignore[attr-defined]
    backward_then_update.__name__ = f"{backward.__name__}+{update.__name__}"
    return backward_then_update


def find(ctx: Context) -> Target | None:
    """The parameters dict target of :mod:`.functions`, with backward-then-update as its next backward."""
    funcs = ctx.funcs
    fname, bname = functions.entry_functions(ctx, None, funcs)
    if bname is None or accepts_role(funcs[bname], "lr") is not None:
        return None
    uname = update_function(funcs, {bname, fname})
    if uname is None or role_of(next(iter(inspect.signature(funcs[bname]).parameters), "")) != "params":
        return None
    target = functions.find(ctx)
    if target is None or target.backward_name != bname:
        return None
    both = _composite(funcs[bname], funcs[uname])
    plain = target.lookup or (lambda root, name: ctx.ns[name])
    target.lookup = lambda root, name: both if name == both.__name__ else plain(root, name)
    target.alternatives.append(both.__name__)
    target.shape = "deltaupdate"
    return target
