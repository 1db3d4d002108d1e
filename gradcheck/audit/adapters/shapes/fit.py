"""Weights that do not exist until a method creates them (``fit()``, ``init_params()``, ``build()``).

An sklearn-like class sizes its weights from the data in ``fit(X, y)``; others
create them in an ``init_params()`` method the training code calls. When a fresh
instance has no weights, such a method is called once (with the batch, one epoch
where it takes one) and the weights it leaves are the ones checked.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from gradcheck.audit.adapters import owncall
from gradcheck.audit.adapters.calling import bind_args, call_student, plain_params
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.params import discover_params, is_bias_tensor
from gradcheck.audit.adapters.sizes import Sizes, infer_call_sizes, size_candidates
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
        spare = _spare(obj) if ctx.X is not None else None  # (only a batch can size weights by its samples)
        called = _called(obj, name, method, data, ctx)
        if spare is not None and _sized_by_samples(discover_params(obj), ctx):  # also when it raised after making them
            obj, called = _as_columns(obj, spare, name, data, ctx) or (obj, called)
        if not called:
            continue
        made = discover_params(obj)
        if made:
            _check_sizes(made, ctx, f"{type(obj).__name__}.{name}()")
            ctx.notes.append(f"the weights are created by {type(obj).__name__}.{name}(); checked after that call")
            return obj
    return obj


def _spare(obj: Any) -> Any:
    """A copy of the fresh instance, kept in case its creator must be called again another way (None if none)."""
    try:
        return copy.deepcopy(obj)
    except Exception:  # noqa: BLE001 - an instance that cannot be copied is not given a second way
        return None


def _sized_by_samples(made: list, ctx: Context) -> bool:
    """Whether the weights take as many inputs as the batch has samples, not features: code that reads its
    input size off ``X.shape[0]`` (``self.layers.insert(0, X.shape[0])``), its samples being columns."""
    if ctx.X is None or np.ndim(ctx.X) != 2:
        return False
    n, d = np.shape(ctx.X)
    ins = {c[0] for c in size_candidates(made)}
    return n != d and n in ins and not ins & {d, d + 1}


def _as_columns(obj: Any, spare: Any, name: str, data: dict, ctx: Context) -> tuple[Any, bool] | None:
    """(the spare instance, True) after its creator ran on the batch given as columns, where the rows' weights took
    one input per sample (the code's samples are columns: its forward would run only at square sizes); else None."""
    cols = {**data, "X": lambda: np.array(ctx.X).T, "Y": lambda: np.array(ctx.Y).T}
    said = len(ctx.notes)
    if not _called(spare, name, getattr(spare, name), cols, ctx) or _sized_by_samples(discover_params(spare), ctx):
        del ctx.notes[said:]
        return None
    ctx.notes.append(
        f"{type(obj).__name__}.{name}() given the batch as rows made weights taking one input per sample: "
        "called again with the samples as columns"
    )
    return spare, True


def _called(obj: Any, name: str, method, data: dict, ctx: Context) -> bool:
    """Whether the creator ran and left weights: given the batch (``fit(X, y)``), else sizes.

    Sizes are inferred like a constructor's (``init(self, n_in, n_hidden, n_out)``),
    else, for arguments named like data (``init(self, inputs, hidden, outputs)``),
    given by position: inputs, hidden widths, outputs. A note says they are invented.
    """
    for make in (_batch_args, _inferred_sizes, _positional_sizes, _as_the_code_calls):
        said = len(ctx.notes)
        try:
            args, kwargs = make(method, name, data, ctx)
            call_student(f"{type(obj).__name__}.{name}", method, *args, **kwargs)
        except Exception:  # noqa: BLE001 - not a creator after all; the next way is tried
            del ctx.notes[said:]
            continue
        if discover_params(obj):
            return True
        del ctx.notes[said:]
    return False


def _batch_args(method, name: str, data: dict, ctx: Context) -> tuple[list, dict]:
    args, kwargs, _ = bind_args(method, data, ["X", "Y"][: len(_required(method))], name)
    return args, kwargs


def _inferred_sizes(method, name: str, data: dict, ctx: Context) -> tuple[list, dict]:
    if ctx.sizes is None:
        raise AuditError("no sizes", where="finding the parameters", type_="NeedsSizes")
    args, kwargs, notes = infer_call_sizes(method, name, ctx.sizes, ctx.X, ctx.Y, ctx.lr)
    ctx.notes.extend(notes)
    return args, kwargs


def _positional_sizes(method, name: str, data: dict, ctx: Context) -> tuple[list, dict]:
    required = _required(method)
    if ctx.sizes is None or len(required) < 2:
        raise AuditError("no sizes", where="finding the parameters", type_="NeedsSizes")
    sizes = [ctx.sizes.n_in, *ctx.sizes.hidden(len(required) - 2), ctx.sizes.n_out]
    ctx.notes.append(
        f"{name}({', '.join(p.name for p in required)}) called with sizes {sizes}, invented "
        "(the gradient check does not depend on them)"
    )
    return sizes, {}


def _as_the_code_calls(method, name: str, data: dict, ctx: Context) -> tuple[list, dict]:
    """The code's own call (``m.init_params([784, 128, 10], [relu, relu, softmax])``), its list of layer sizes
    invented at the same length: the activations and other settings as the code gives them."""
    found = owncall.method_call(ctx.loaded.stmts, name, ctx.ns) if ctx.sizes is not None else None
    if found is None:
        raise AuditError("no call of the code's own", where="finding the parameters", type_="NeedsSizes")
    args, kwargs, line = found

    def sized(v):
        if isinstance(v, (list, tuple)) and len(v) >= 2 and all(isinstance(x, int) and x > 0 for x in v):
            return [ctx.sizes.n_in, *ctx.sizes.hidden(len(v) - 2), ctx.sizes.n_out]
        return v

    args, kwargs = [sized(a) for a in args], {k: sized(v) for k, v in kwargs.items()}
    ctx.notes.append(
        f"{name} called as the code calls it ({ctx.loaded.locate(line)}), its layer sizes invented: "
        f"{name}({owncall.shown(args, kwargs)})"
    )
    return args, kwargs


def _check_sizes(made: list, ctx: Context, by: str) -> None:
    """Weights of sizes written in the code that the invented batch does not fit: ask for theirs."""
    sizes = ctx.sizes
    cands = size_candidates(made)
    if sizes is None or not sizes.invented or not cands or (sizes.n_in, sizes.n_out) in cands:
        return
    if (sizes.n_in + 1, sizes.n_out) in cands:  # a bias folded into the first weight, fed a column of ones by
        return  # the code's own training: the batch gets that column (gradcheck.audit.adapters.foldedbias)
    # one weight matrix chains either way: the reading that keeps the inputs the code was given wins
    # (``initialize_parameters(d, K=10)`` called with d = 3 makes W of shape (10, 3): 3 inputs and its own 10 outputs)
    single = sum(len(p.shape) == 2 and not is_bias_tensor(p) for p in made) == 1
    n_in, n_out = next((c for c in cands if c[0] == sizes.n_in), cands[0]) if single else cands[0]
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
