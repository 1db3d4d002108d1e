"""Methods given their parameters by the caller: ``forward(self, theta, X)``, ``backprop(self, theta, X, Y)``.

The object keeps no weights: a method of its own makes them and returns them
(``theta = model.init_theta()``, ``params = net.initialize_parameters()``), and
the training code passes them back in. The object is made from inferred
constructor arguments, else as the submission's own code builds it
(``Model(nn_architecture)``); the parameters its maker returns are the root,
given to both methods as their parameters argument.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect

import numpy as np

from gradcheck.audit.adapters.built import built_in_code
from gradcheck.audit.adapters.calling import accepts_role, call_student, plain_params
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.params import discover_params
from gradcheck.audit.adapters.shapes.classes import Picked, constructor, pick_class
from gradcheck.audit.adapters.shapes.functions import params_target
from gradcheck.audit.adapters.target import Context, Target
from gradcheck.audit.loader import AuditError, StudentCodeError

#: A method whose name starts so and that needs no argument makes the parameters.
MAKER_PREFIXES = ("init", "initialize", "initialise", "make_params", "create_params", "build_params")


def _maker(cls: type) -> str | None:
    """The method making the parameters (``init_theta``), called with no argument, or None."""
    for name in sorted(methods(cls)):
        if name.startswith("__") or not name.lstrip("_").lower().startswith(MAKER_PREFIXES):
            continue
        fn = getattr(cls, name)
        if inspect.isfunction(fn) and all(p.default is not p.empty for p in plain_params(fn)[1:]):
            return name
    return None


def _made(obj, maker: str):
    """What ``obj.maker()`` returns, when it holds parameter arrays (else None)."""
    try:
        np.random.seed(0)
        made = call_student(f"{type(obj).__name__}.{maker}", getattr(obj, maker))
    except StudentCodeError:
        return None
    return made if isinstance(made, (dict, list, tuple)) and discover_params(made) else None


def _instance(picked: Picked, ctx: Context, maker: str):
    """An instance whose maker gives parameters: from inferred arguments, else as the code builds it."""
    said = len(ctx.notes)
    try:
        args, kwargs = constructor(picked.cls, ctx)
        np.random.seed(0)
        obj = call_student(f"{picked.cls.__name__}.__init__", picked.cls, *args, **kwargs)
        if _made(obj, maker) is not None:
            return obj
    except (AuditError, StudentCodeError):
        pass
    del ctx.notes[said:]
    found = built_in_code(picked.cls, ctx.loaded, lambda o: _made(o, maker) is not None)
    if found is None:
        return None
    ctx.notes.append(f"{picked.cls.__name__} built as the submission builds it ({found[1]})")
    return found[0]


def find(ctx: Context) -> Target | None:
    """A model class whose backward takes the parameters as an argument and a method that makes them."""
    picked = pick_class(ctx.classes, ctx.loaded, ctx.spec)
    if picked is None or not accepts_role(getattr(picked.cls, picked.backward), "params"):
        return None
    maker = _maker(picked.cls)
    obj = _instance(picked, ctx, maker) if maker else None
    if obj is None:
        return None
    frozen = copy.deepcopy(_made(obj, maker))
    name = picked.cls.__name__
    ctx.notes.append(f"parameters from {name}.{maker}(), passed to {name}.{picked.backward} as its argument")
    forward = getattr(obj, picked.forward) if picked.forward else None
    target = params_target(
        ctx,
        lambda: copy.deepcopy(frozen),
        picked.forward,
        picked.backward,
        getattr(obj, picked.backward),
        forward,
        "method-params",
    )
    return dataclasses.replace(target, label=name, holder=obj)
