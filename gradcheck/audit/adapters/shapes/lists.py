"""Functions over lists of parameters: ``forward(weights, biases, X)``, ``backward(weights, biases, X, Y)``.

The lists come from the submission's initializer (``init_network(sizes) ->
(weights, biases)``, or one list ``[W1, b1, W2, b2]``), called with invented
sizes; the functions' own argument names (``weights``, ``biases``, ``Ws``,
``bs``) say which list goes where, and the gradients come back as lists too
(``(dWs, dbs)``).
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable

import numpy as np

from gradcheck.audit.adapters import archlist, owncall
from gradcheck.audit.adapters.calling import call_student, plain_params
from gradcheck.audit.adapters.inventedargs import call_guessed
from gradcheck.audit.adapters.names import INIT_FUNC_NAMES, role_of
from gradcheck.audit.adapters.returns import returned_names
from gradcheck.audit.adapters.shapes.functions import entry_functions, first_named, params_target
from gradcheck.audit.adapters.sizes import infer_call_sizes
from gradcheck.audit.adapters.target import Context, Target


def _list_args(fn: Callable) -> list[str]:
    """The arguments of ``fn`` that play no known role: the parameter lists (``weights``, ``biases``)."""
    return [p.name for p in plain_params(fn) if role_of(p.name) is None and p.default is p.empty]


def _arrays(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, np.ndarray) for v in value)


def _as_lists(made, names: list[str], init: Callable) -> dict[str, list] | None:
    """``{"weights": [...], "biases": [...]}`` from what the initializer returned, named as the functions name them."""
    if isinstance(made, tuple) and len(made) == len(names) and all(_arrays(v) for v in made):
        labels = [n for n in returned_names(init) if n]
        keys = names if set(names) != set(labels) else labels
        return {k: list(v) for k, v in zip(keys, made)}
    if _arrays(made) and len(names) == 1:
        return {names[0]: list(made)}
    return None


def _keyed(ret, root: dict[str, list]):
    """A returned tuple of lists (``(dWs, dbs)``) as a dict keyed like the parameter lists.

    Each returned list goes to the parameter list whose shapes it matches best
    (``(nabla_b, nabla_w)`` is read right), ties in the order of the arguments.
    """
    keys = list(root)
    if not isinstance(ret, (tuple, list)) or len(ret) != len(keys) or not all(isinstance(r, list) for r in ret):
        return ret
    if any(len(r) != len(root[k]) for r, k in zip(ret, keys)) and len({len(v) for v in root.values()}) > 1:
        return ret

    def fits(perm) -> int:
        return sum(getattr(g, "shape", None) == p.shape for k, r in zip(perm, ret) for g, p in zip(r, root[k]))

    best = max(itertools.permutations(keys), key=fits)  # max keeps the first of equals: the argument order
    return dict(zip(best, ret))


def _backward(fn: Callable, root_of: Callable[[], dict]) -> Callable:
    @functools.wraps(fn)
    def backward(*args, **kwargs):
        return _keyed(fn(*args, **kwargs), root_of())

    return backward


def _arch_args(ctx: Context, funcs: dict) -> set[str]:
    """The functions' arguments that take the module-level architecture list (``forward(X, params, arch)``)."""
    arch = archlist.architecture(ctx.ns)
    return set(archlist.arch_args(list(funcs.values()), arch[0])) if arch else set()


def find(ctx: Context, bname: str | None = None, funcs: dict | None = None) -> Target | None:
    """Functions whose parameters are lists made by the submission's initializer (None otherwise)."""
    funcs = ctx.funcs if funcs is None else funcs
    fname, bname = entry_functions(ctx, bname, funcs)
    init_name = first_named(funcs, INIT_FUNC_NAMES)
    if bname is None or init_name is None:
        return None
    cached = set(returned_names(funcs[fname])) if fname else set()  # the forward's values (``layers``, ``acts``)
    names = [n for n in _list_args(funcs[bname]) if n not in cached]
    if fname and set(_list_args(funcs[fname])) < set(names):  # backward(weights, biases, acts, Y): acts is the
        names = [n for n in names if n in _list_args(funcs[fname])]  # forward's, handed over by its name
    if not names or (fname and _list_args(funcs[fname]) != names) or set(names) & _arch_args(ctx, funcs):
        return None  # an argument taking the module's architecture list (``arch``) is no parameter list
    init = funcs[init_name]
    own = owncall.initializer_call(ctx, init_name, {})  # weights, biases = init_network(LAYERS, seed=SEED)
    if own is not None:
        (args, kwargs), notes = own, []
    else:
        args, kwargs, notes = infer_call_sizes(init, init_name, ctx.sizes, ctx.X, ctx.Y, ctx.lr)
    np.random.seed(0)
    made = (
        call_student(init_name, init, *args, **kwargs)
        if own
        else call_guessed(init_name, init, args, kwargs, ctx.loaded)
    )
    lists = _as_lists(made, names, init)
    if lists is None:
        return None
    ctx.notes.extend(notes)
    ctx.notes.append(f"parameters from {init_name}(): the lists {', '.join(lists)}")
    frozen = copy.deepcopy(lists)
    fresh = lambda: copy.deepcopy(frozen)  # noqa: E731
    backward = _backward(funcs[bname], lambda: frozen)
    target = params_target(ctx, fresh, fname, bname, backward, funcs.get(fname), "lists", by_name=True)
    target.offers_root = True  # the lists passed by name are the root's own: weights the grader sets reach them
    return target
