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
from gradcheck.audit.adapters.target import Context

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
        if discover_params(obj):
            ctx.notes.append(f"the weights are created by {type(obj).__name__}.{name}(); checked after that call")
            return obj
    return obj


def _required(method) -> list:
    return [p for p in plain_params(method) if p.default is p.empty]
