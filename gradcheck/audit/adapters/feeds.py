"""A backward and a forward found by what they return, when no function is named like one.

``grads(X, Y, H, O) -> (gA, ga, gB, gk)``: a function returning only gradient-named
values is the backward. ``net(X) -> (H, O)``: the function returning, by name, values
the backward takes is the forward, whatever it is called (``net``, ``run``, ``model``).
"""

from __future__ import annotations

from collections.abc import Callable

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import is_param_name, role_of, strip_grad
from gradcheck.audit.adapters.returns import returned_names


def feeding_forward(funcs: dict[str, Callable], bname: str) -> str | None:
    """The one function (not ``bname``) that returns, by name, values the backward takes as arguments of no
    input or target role (``H``, ``A1``, ``cache``) and takes the input itself; None when none or several do."""
    # never the weights: train(X, Y, opts) returning w1, b1, ... is no forward of backward(X, Y, w1, ...)
    wanted = {p.name for p in plain_params(funcs[bname]) if role_of(p.name) not in ("X", "Y", "lr")}
    wanted = {n for n in wanted if not is_param_name(n)}
    found = []
    for name, fn in funcs.items():
        if name == bname:
            continue
        given = {n for n in returned_names(fn) if n}
        takes_input = any(role_of(p.name) == "X" for p in plain_params(fn))
        if takes_input and wanted & given:
            found.append(name)
    return found[0] if len(found) == 1 else None


def gradient_function(funcs: dict[str, Callable]) -> str | None:
    """The one function taking data (an input or target argument) that returns two or more values, every one
    named like a gradient (``return gA, ga, gB, gk``, ``return dW1, db1``), after the loss where it comes first
    (``return loss, db2, dw2, db1, dw1``); None when none or several do."""
    found = []
    for name, fn in funcs.items():
        names = returned_names(fn)
        if names and (names[0] or "").lower() in _LOSS_WORDS:
            names = names[1:]
        grads = len(names) >= 2 and all(n and strip_grad(n) not in (None, n.lower()) for n in names)
        if grads and any(role_of(p.name) in ("X", "Y") for p in plain_params(fn)):
            found.append(name)
    return found[0] if len(found) == 1 else None


#: ``return loss, grads``: the CS231n loss function's two names (a value, then the gradients dict).
_LOSS_WORDS = ("loss", "cost", "j", "data_loss", "total_loss")
_GRADS_WORDS = ("grads", "grad", "gradients", "grads_dict", "dparams", "gradient")


def loss_grads_function(funcs: dict[str, Callable]) -> str | None:
    """The one function taking data that returns ``(loss, grads)`` by those names
    (``compute_neural_net_loss(params, X, y, reg)``, whatever it is called); None when none or several do."""
    found = []
    for name, fn in funcs.items():
        names = [(n or "").lower() for n in returned_names(fn)]
        if len(names) == 2 and names[0] in _LOSS_WORDS and names[1] in _GRADS_WORDS:
            if any(role_of(p.name) in ("X", "Y") for p in plain_params(fn)):
                found.append(name)
    return found[0] if len(found) == 1 else None


__all__ = ["feeding_forward", "gradient_function", "loss_grads_function"]
