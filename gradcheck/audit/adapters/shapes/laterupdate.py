"""A model whose backward only prepares each layer's step, applied by a later ``update()``.

Layer objects that accumulate ``lr * grad`` in their backward (``self.delta_w +=
self.learning_rate * grad @ self.input.T``) and apply it in ``update()``, or keep a
momentum velocity (``self.vW = mu * self.vW - self.lr * dW``) that ``update()`` adds:
the backward changes no weight and stores no gradient, and ``update()`` alone has
nothing to apply. This shape is the class target of :mod:`.classes` with one more
backward to try first: the backward, then ``update()``, as a training step calls them.
The gradient is read off that update at a learning rate it is verified linear in (an
attribute every layer holds, :mod:`..layerknob`); an update that depends on state kept
between steps is refused as such by the update reader. A momentum coefficient held by
the model or its layers (``momentum``, ``mu``) is set to 0 for the check, said in a note:
the step is then plain descent, whose first step from a fresh velocity is the same. Adam's
or RMSprop's betas are left alone (set to 0 they make a sign step, linear in the rate but
no gradient), and the update reader refuses them.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from gradcheck.audit.adapters.calling import accepts_role, call_student, plain_params
from gradcheck.audit.adapters.layerknob import layers_of
from gradcheck.audit.adapters.names import GRAD_METHODS
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.shapes import classes
from gradcheck.audit.adapters.target import Context, Target

#: Momentum coefficients (not Adam's or RMSprop's betas: see the module's notes).
MOMENTUM = re.compile(r"^_*(momentum|mu|momentum_(coef|coeff|rate|factor))$", re.I)
#: Methods that apply the steps a backward prepared, called with no argument.
UPDATE_METHODS = ("update", "step", "apply_gradients", "apply_updates", "update_weights", "update_params")


def _no_argument(fn: Any) -> bool:
    """A method (``self`` first) the caller gives nothing: every other argument has a default."""
    return all(p.default is not p.empty for p in plain_params(fn)[1:])


def later_update(cls: type, backward: str) -> str | None:
    """The method of ``cls`` that applies what ``backward`` prepared (taking no argument), if one."""
    own = methods(cls)
    for name in UPDATE_METHODS:
        if name in own and name != backward and _no_argument(getattr(cls, name)):
            return name
    return None


def no_momentum(root: Any) -> list[str]:
    """Momentum coefficients of ``root`` and its layers set to 0; their names."""
    zeroed = []
    for obj in [root, *layers_of(root)]:
        for k, v in list(vars(obj).items()):
            if MOMENTUM.match(k) and isinstance(v, float) and v != 0:
                setattr(obj, k, 0.0)
                zeroed.append(k)
    return sorted(set(zeroed))


def _composite(root: Any, bname: str, uname: str, notes: list[str]):
    """``root.bname(...)`` then ``root.uname()``, with the backward's signature; returns nothing."""
    back, upd = getattr(root, bname), getattr(root, uname)

    def backward_then_update(*args, **kwargs):
        zeroed = no_momentum(root)
        said = f"momentum ({', '.join(zeroed)}) set to 0 while checking: the gradient is read off plain descent"
        if zeroed and said not in notes:
            notes.append(said)
        call_student("backward", back, *args, **kwargs)
        call_student("update", upd)

    backward_then_update.__signature__ = inspect.signature(back)  # type: ignore[attr-defined]
    return backward_then_update


def find(ctx: Context) -> Target | None:
    """The model class target, with backward-then-update as the first backward tried after its own."""
    picked = classes.pick_class(ctx.classes, ctx.loaded, ctx.spec)
    if picked is None or ctx.spec.get("backward"):
        return None
    target = classes.find(ctx)
    return None if target is None else with_later_update(target, picked.cls, ctx)


def with_later_update(target: Target, cls: type, ctx: Context) -> Target:
    """``target`` with backward-then-update tried first when its backward gives no gradient (when ``cls`` has
    such an update; also for a class the spec names, :mod:`.spec_entry`)."""
    if target.root_name != "self" or target.backward_name not in GRAD_METHODS:
        return target
    bname = target.backward_name
    uname = later_update(cls, bname)
    if uname is None or accepts_role(getattr(cls, bname), "lr") is not None:
        return target
    name = f"{bname}+{uname}"
    plain = target.lookup or getattr
    target.lookup = lambda root, n: _composite(root, bname, uname, ctx.notes) if n == name else plain(root, n)
    target.alternatives.insert(0, name)
    return target
