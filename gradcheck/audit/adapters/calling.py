"""Call student code: bind its arguments by role, and turn whatever it raises into StudentCodeError."""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.argroles import (
    handed_to_loss_gradient,
    reads_stored_input,
    subtracted_with,
    used_as_input,
)
from gradcheck.audit.adapters.names import PENALTY_NAME, role_of
from gradcheck.audit.loader import AuditError, StudentCodeError


def signature(fn: Callable) -> inspect.Signature | None:
    """``inspect.signature`` or None (builtins, C callables)."""
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def plain_params(fn: Callable) -> list[inspect.Parameter]:
    """The named parameters of ``fn`` (no ``*args``/``**kwargs``), or [] without a signature."""
    sig = signature(fn)
    if sig is None:
        return []
    return [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def accepts_role(fn: Callable, role: str, lr_arg: str | None = None) -> str | None:
    """Name of ``fn``'s parameter that plays ``role`` (``spec.lr_arg`` names the lr one)."""
    sig = signature(fn)
    if sig is None:
        return None
    for p in sig.parameters.values():
        if role == "lr" and lr_arg:
            if p.name == lr_arg:
                return p.name
        elif role_of(p.name) == role:
            return p.name
    return None


def call_student(where: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call student code; any exception (SystemExit included) becomes StudentCodeError."""
    try:
        return fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - student code
        frames = exc.__traceback__.tb_next if exc.__traceback__ is not None else None  # drop ours
        tb = "".join(traceback.format_exception(type(exc), exc, frames, chain=False))
        raise StudentCodeError(where, exc, tb) from None


def bind_args(
    fn: Callable,
    ctx: dict[str, Callable[[], Any]],
    fallback: list[str],
    where: str,
    lr_arg: str | None = None,
    spec_hint: str = "[entry] backward",
    given: dict[str, str] | None = None,
) -> tuple[list, dict, list]:
    """Bind ``fn``'s parameters to roles by name; unknown required ones positionally to ``fallback``.

    ``ctx`` maps roles (``X``, ``Y``, ``lr``...) and exact argument names (a forward's
    returned ``Z1``, a parameter ``W1``) to value makers; an exact name wins over a
    role. Parameters with a default and no known role keep their default. ``given``
    (``[entry] backward_args``) names an argument's role outright. Returns
    (args, kwargs, roles used).
    """
    sig = signature(fn)
    if sig is None:
        return [ctx[r]() for r in fallback if r in ctx], {}, list(fallback)
    plist = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    roles = {p.name: (given or {}).get(p.name) or _role(p.name, ctx, lr_arg) for p in plist}
    for p in plist:  # a penalty with a default (``reg=0.0``) keeps it: only one the caller must pass is given
        if roles[p.name] == "penalty" and p.default is not p.empty:
            roles[p.name] = None
    for p in plist:  # nn_epoch(X, y, W1, W2, lr=0.1, batch=100): a mini-batch size, given as the whole batch's
        if roles[p.name] is None and p.name.lower() in BATCH_KNOBS and type(p.default) is int:
            roles[p.name] = "batch_size"
    named = {r for r in roles.values() if r in ctx}
    spare = [r for r in fallback if r not in named]
    args: list = []
    kwargs: dict = {}
    used: list[str] = []
    keyword_mode = False
    for p in plist:
        role = roles[p.name]
        if role not in ctx:
            if p.default is not p.empty:
                keyword_mode = True
                continue
            if not spare or spare[0] not in ctx:
                raise AuditError(
                    f"cannot tell what to pass as argument {p.name!r} of {where}{sig}: set {_hint(spec_hint, p.name)}",
                    where=where,
                    type_="BindingError",
                )
            role = spare.pop(0)
        used.append(role)
        value = ctx[role]()
        if keyword_mode or p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    return args, kwargs, used


#: What ``[entry] backward_args`` can name an argument (``gradcheck.audit.spec.ARG_ROLES``, which the worker cannot
#: import: the spec module reads ``reference_nets``, which the sandbox does not hold).
ARG_ROLES = ("X", "Y", "out", "dout", "cache", "lr", "params")


def _hint(spec_hint: str, name: str) -> str:
    """What to set for an argument the audit cannot bind: a backward's is named by ``[entry] backward_args`` (naming
    the backward again, ``[entry] backward``, binds nothing new)."""
    if spec_hint != "[entry] backward":
        return spec_hint
    return (
        f'[entry] backward_args = {{ {name} = "..." }}, what the argument is: one of {", ".join(ARG_ROLES)} '
        "(the input, the targets, the network's output, dL/d(output), the forward's cache, the learning rate, the "
        "parameters)"
    )


#: Argument names that are a mini-batch's size when their default is an integer (``batch=100``); never the batch
#: itself, which code also calls ``batch`` (``backprop(self, batch)``, a list of samples).
BATCH_KNOBS = ("batch", "bs", "minibatch", "mini_batch", "minibatch_size")


def _role(name: str, ctx: dict, lr_arg: str | None) -> str | None:
    if lr_arg and name == lr_arg:
        return "lr"
    if f"={name}" in ctx:  # an exact name offered by the caller
        return f"={name}"
    role = role_of(name)
    if role is None and "penalty" in ctx and PENALTY_NAME.match(name):
        return "penalty"
    return role


def backward_fallback(fn: Callable, ctx: dict, given: dict[str, str] | None = None) -> list[str]:
    """Positional guess for unrecognized backward arguments: ``(X, Y)``, ``dout`` alone, or, for a
    ``backward(self, p, t)`` beside a target or a prediction, what the code's use of it shows."""
    sig = signature(fn)
    if sig is None:
        return ["X", "Y"]
    plist = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    unknown = [p for p in plist if role_of(p.name) is None and p.default is p.empty and p.name not in (given or {})]
    has_xy = any(role_of(p.name) in ("X", "Y") for p in plist)
    if len(unknown) == 1 and not has_xy and handed_to_loss_gradient(fn, unknown[0].name):
        return ["Y"]  # backward(self, labels_one_hot) computing the loss's gradient itself
    if "dout" not in ctx:
        return ["X", "Y"]
    others = {role_of(p.name): p.name for p in plist if p not in unknown}
    for extra in ("lr", "epochs", "batch_size", "verbose", "seed"):
        others.pop(extra, None)
    offered = any(f"={p.name}" in ctx for p in unknown)  # the shape hands it over by name (a layer list)
    if len(unknown) == 1 and len(others) == 1 and "out" in ctx and not offered:
        placed = _beside(fn, sig, unknown[0].name, others)
        if placed is not None:
            return placed
    return ["dout"] if len(unknown) == 1 and not has_xy else ["X", "Y"]


def _beside(fn: Callable, sig, name: str, others: dict[str, str]) -> list[str] | None:
    """The role of ``name`` in ``backward(self, name, t)`` / ``backward(self, pred, name)``, or None.

    Beside the prediction, ``name`` is the target when the code takes their difference. Beside the
    target, it is the prediction when the code takes ``name - t`` (here or in a helper it hands both to),
    or when the object kept its input in the forward (``self.x = x``) and the backward reads it there.
    Neither, and no matrix product on it: an error naming the argument and the key that places it.
    """
    if "out" in others:
        return ["Y"] if subtracted_with(fn, others["out"], name) else None
    if "Y" not in others:
        return None
    if subtracted_with(fn, name, others["Y"]) or reads_stored_input(fn, lambda a: role_of(a) == "X"):
        return ["out"]
    if used_as_input(fn, name):
        return None
    raise AuditError(
        f"cannot tell whether argument {name!r} of {getattr(fn, '__qualname__', 'backward')}{sig} is the input X "
        "or the network's output (its name has no known role, and the code uses it as neither a matrix "
        f"product's operand nor beside {others['Y']!r} in a subtraction): set "
        f'[entry] backward_args = {{ {name} = "out" }} (or "X")',
        where="calling the backward",
        type_="BindingError",
    )
