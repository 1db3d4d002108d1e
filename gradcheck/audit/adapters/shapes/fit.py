"""Weights that do not exist until a method creates them (``fit()``, ``init_params()``, ``build()``).

An sklearn-like class sizes its weights from the data in ``fit(X, y)``; others
create them in an ``init_params()`` method the training code calls. When a fresh
instance has no weights, such a method is called once (with the batch, one epoch
where it takes one) and the weights it leaves are the ones checked.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import bind_args, call_student, plain_params
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.params import discover_params
from gradcheck.audit.adapters.sizes import Sizes, size_candidates
from gradcheck.audit.adapters.target import Context
from gradcheck.audit.loader import AuditError

#: Methods that create weights, tried in this order (argument-free initializers first).
CREATORS = (
    "init_params",
    "initialize_parameters",
    "init_weights",
    "initialize_weights",
    "initialize",
    "_initialize",
    "_init_weights",
    "build",
    "reset_parameters",
    "setup",
    "set_up",
    "init",
    "fit",
    "train",
)


def _creators(obj: Any) -> list[str]:
    ms = methods(type(obj))
    return [m for m in CREATORS if m in ms]


def ensure_params(obj: Any, ctx: Context) -> Any:
    """``obj`` itself when it has weights, else after the first creator method that makes them.

    Without data yet, only creators that need no data are tried (``init_params()``);
    their weights then give the sizes.
    """
    if discover_params(obj):
        return obj
    for name in _creators(obj):
        method = getattr(obj, name)
        if ctx.X is None and _required(method):
            continue
        data = {"X": lambda: np.array(ctx.X), "Y": lambda: np.array(ctx.Y), "lr": lambda: ctx.lr}
        data.update(epochs=lambda: 1, verbose=lambda: False, seed=lambda: 0)
        try:
            args, kwargs, _ = bind_args(method, data, ["X", "Y"][: len(_required(method))], name)
            call_student(f"{type(obj).__name__}.{name}", method, *args, **kwargs)
        except Exception:  # noqa: BLE001 - not a creator after all; the next is tried
            continue
        made = discover_params(obj)
        if made:
            _check_sizes(made, ctx, f"{type(obj).__name__}.{name}()")
            ctx.notes.append(f"the weights are created by {type(obj).__name__}.{name}(); checked after that call")
            return obj
    return obj


def _check_sizes(made: list, ctx: Context, by: str) -> None:
    """Weights of sizes written in the code that the invented batch does not fit: ask for theirs."""
    sizes = ctx.sizes
    cands = size_candidates(made)
    if sizes is None or not sizes.invented or not cands or (sizes.n_in, sizes.n_out) in cands:
        return
    n_in, n_out = cands[0]
    exc = AuditError(
        f"the weights {by} makes take {n_in} inputs and {n_out} outputs, not the {sizes.n_in} and "
        f"{sizes.n_out} invented",
        where="making data",
        type_="NeedsSizes",
    )
    exc.sizes = Sizes(n_in, n_out, invented=True)  # type: ignore[attr-defined]
    exc.by = by  # type: ignore[attr-defined]
    raise exc


def _required(method) -> list:
    return [p for p in plain_params(method) if p.default is p.empty]
