"""Functions taking the parameters one by one: ``forward_prop(W1, b1, W2, b2, X)``.

The parameters come from an initializer returning them as a tuple
(``W1, b1, W2, b2 = init_params()``), from module globals of those names, or
are made by the grader when nothing creates them. The backward's other
arguments (``Z1, A1, Z2, A2``) are the forward's returned values, matched by
the names in the forward's ``return`` statement.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters import synth
from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.inlineforward import inline_forward, takes_scores
from gradcheck.audit.adapters.inventedargs import call_guessed
from gradcheck.audit.adapters.names import INIT_FUNC_NAMES, role_of
from gradcheck.audit.adapters.params import with_keys_read
from gradcheck.audit.adapters.returns import returned_names
from gradcheck.audit.adapters.shapes.functions import entry_functions, first_named, params_target
from gradcheck.audit.adapters.sizes import infer_call_sizes
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.loader import AuditError


def param_args(fns: list[Callable]) -> list[str] | None:
    """Parameter-named arguments of the functions (``W1, b1, W2, b2``) in layer order, or None."""
    names = list(dict.fromkeys(p.name for f in fns for p in plain_params(f)))
    return synth.layered_names(names) or _one_layer(names)


#: One layer of weights named without a number (Coursera's logistic regression: ``propagate(w, b, X, Y)``).
_ONE_LAYER = (("w", "b"), ("W", "b"), ("weights", "bias"), ("theta", "bias"))


def _one_layer(names: list[str]) -> list[str] | None:
    """``[weight, bias]`` when the functions take one un-numbered weight and bias (a depth-0 network)."""
    return next((list(pair) for pair in _ONE_LAYER if set(pair) <= set(names)), None)


def initialized_args(funcs: dict, fns: list[Callable]) -> list[str] | None:
    """The names an initializer returns (``return V, c, U, d0``) when the backward takes each one as an argument
    of that name (``gradients(V, c, U, d0, X, T, lam)``): the parameters, whatever they are called; or None."""
    init_name = first_named(funcs, INIT_FUNC_NAMES)
    made = returned_names(funcs[init_name]) if init_name is not None else None
    taken = {p.name for p in plain_params(fns[0])}
    if not made or len(made) < 2 or not all(n and n in taken and role_of(n) is None for n in made):
        return None
    return list(made)


def _from_initializer(funcs: dict, names: list[str], ctx: Context, arrays_only: bool = False) -> dict | None:
    """The parameters the initializer makes, by name; None when it makes none of the kind.

    ``arrays_only``: each value must be a float array (names read off the initializer's ``return``: an
    ``init() -> (weights, biases)`` of lists is the lists shape's)."""
    init_name = first_named(funcs, INIT_FUNC_NAMES)
    if init_name is None:
        return None
    init = funcs[init_name]
    args, kwargs, notes = infer_call_sizes(init, init_name, ctx.sizes, ctx.X, ctx.Y, ctx.lr)
    np.random.seed(0)
    made = call_guessed(init_name, init, args, kwargs, ctx.loaded)
    if not isinstance(made, (tuple, list)) or len(made) != len(returned_names(init) or made):
        return None
    if arrays_only and not all(isinstance(v, np.ndarray) and v.dtype.kind == "f" for v in made):
        return None
    labels = [n for n in returned_names(init) if n] or names
    if set(names) - set(labels):
        labels = names if len(made) == len(names) else labels
    ctx.notes.extend(notes)
    ctx.notes.append(f"parameters from {init_name}()")
    # a bias made as a number (``b = 0.0``) becomes a one-entry array, so that it is a parameter checked too
    return {n: np.atleast_1d(np.array(v, dtype=float)) for n, v in zip(labels, made) if n in names}


def params_maker(funcs: dict, names: list[str], ctx: Context, made: dict | None = None):
    """(fresh, orient) for the parameters named ``names``: ``made``, else from an initializer, globals, or made."""
    made = made if made is not None else _from_initializer(funcs, names, ctx)
    if made is None and all(isinstance(ctx.ns.get(n), np.ndarray) for n in names):
        made = {n: np.array(ctx.ns[n], dtype=float) for n in names}
        ctx.notes.append("parameters from the module globals " + ", ".join(names))
    if made is not None:
        return (lambda: {k: v.copy() for k, v in made.items()}), None
    if ctx.sizes is None:
        raise AuditError(
            "parameters passed one by one, never created: sizes needed",
            where="finding the parameters",
            type_="NeedsSizes",
        )
    layout = {"columns": False}
    ctx.notes.append(
        f"parameters {', '.join(names)} are passed one by one and nothing creates them: the grader made "
        f"them for {ctx.sizes.n_in} inputs and {ctx.sizes.n_out} outputs"
    )
    return (lambda: synth.make(names, ctx.sizes, layout["columns"])), (lambda c: layout.update(columns=c))


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Forward/backward functions with parameter-named arguments (``W1``, ``b1``...)."""
    funcs = ctx.funcs if funcs is None else funcs
    fname, bname = entry_functions(ctx, bname, funcs)
    if bname is None:
        return None
    fns = [funcs[bname]] + ([funcs[fname]] if fname else [])
    names, made = param_args(fns), None
    if names is None:
        names = initialized_args(funcs, fns)
        made = _from_initializer(funcs, names, ctx, arrays_only=True) if names else None
        if made is None:
            return None
    fresh, orient = params_maker(funcs, names, ctx, made)
    # nn_epoch(X, y, W1, W2, lr): the forward it computes inline, its scores where the module's loss takes them
    forward = funcs.get(fname) if fname else inline_forward(funcs[bname], takes_scores(funcs))
    if fname is None and forward is not None:
        ctx.notes.append(f"no forward function: the output {bname}() computes inline is read, run at learning rate 0")
    target = params_target(ctx, fresh, fname, bname, funcs[bname], forward, "positional", orient, by_name=True)
    target.params_of = lambda root: with_keys_read(root, names)  # the arguments, whatever their names
    return target
