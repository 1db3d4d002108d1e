"""One derivative function per parameter: ``derivative_w2(Z, T, Y)``, ``derivative_b1(T, Y, W2, Z)``...

Some courses have students write each gradient as its own function next to a
``forward(X, W1, b1, W2, b2)``. The derivative functions are called together as
one backward: their arguments are the forward's returned values (by the names
in its ``return`` statement), the parameters, and the batch; each result is
the gradient of the parameter its name says.
"""

from __future__ import annotations

import inspect
import re

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import FORWARD_NAMES, canon
from gradcheck.audit.adapters.shapes import positional
from gradcheck.audit.adapters.shapes.functions import first_named, params_target
from gradcheck.audit.adapters.target import Context, Target

DERIVATIVE = re.compile(r"^(derivative|deriv|grad|gradient|d)_?(?P<param>(w|b|weights?|bias)_?\d+)$", re.I)


def derivative_functions(funcs: dict) -> dict[str, str]:
    """{canonical parameter name: function name} of the per-parameter derivative functions."""
    found = {}
    for name in funcs:
        m = DERIVATIVE.match(name)
        if m:
            found[canon(m.group("param"))] = name
    return found


def _backward(funcs: dict, by_param: dict[str, str], names: list[str]):
    """One callable running every derivative function; returns {parameter name: gradient}."""
    wanted = list(dict.fromkeys(p.name for f in by_param.values() for p in plain_params(funcs[f])))

    def backward(**kw):
        out = {}
        for pname in names:
            fname = by_param.get(canon(pname))
            if fname is not None:
                fn = funcs[fname]
                out[pname] = fn(**{p.name: kw[p.name] for p in plain_params(fn) if p.name in kw})
        return out

    backward.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in wanted]
    )
    return backward


def find(ctx: Context) -> Target | None:
    """A forward with parameter arguments and a derivative function for (most of) its parameters."""
    funcs = ctx.funcs
    by_param = derivative_functions(funcs)
    fname = first_named(funcs, FORWARD_NAMES, ctx.spec.get("forward"))
    if len(by_param) < 2 or fname is None:
        return None
    names = positional.param_args([funcs[fname]])
    if names is None or not {canon(n) for n in names} & set(by_param):
        return None
    fresh, orient = positional.params_maker(funcs, names, ctx)
    backward = _backward(funcs, by_param, names)
    label = ", ".join(sorted(by_param.values()))
    ctx.notes.append(f"one derivative function per parameter ({label}), called together as the backward")
    return params_target(ctx, fresh, fname, label, backward, funcs[fname], "derivative-functions", orient, by_name=True)
