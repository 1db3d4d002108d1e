"""Gradients implied by an in-place update: ``W -= lr * dW`` gives ``dW = (before - after) / lr``.

The learning rate is whatever the update is *verified* linear in: each candidate
(an argument, then numeric attributes of the object, then module globals; names
like ``lr`` or ``learning_rate`` are tried first, but a name alone decides
nothing) is set to two small values; it is the learning rate when the two
inferred gradients agree. An ELU's ``self.alpha`` changes the forward, so the
two disagree and it is rejected. A second step from the first one's weights,
compared with a fresh object put at those weights, shows optimizer state
(momentum, Adam). The sign comes from the update's direction, so both
``W -= lr*dW`` and the ascent form ``W += lr*(y - yhat)...`` are read right.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck.audit.adapters import layerknob
from gradcheck.audit.adapters.names import LR_NAMES, role_of
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.paths import assign, fmt_path
from gradcheck.audit.adapters.readers import constlr, momentumoff, squaredrate
from gradcheck.audit.adapters.readers.fineread import coarse, fine_read
from gradcheck.audit.adapters.scalarlists import number_biases
from gradcheck.audit.adapters.step import Grad, Knob, Runner, Step1
from gradcheck.audit.loader import AuditError, StudentCodeError

#: Relative agreement of the gradients inferred with the two learning rates (and of
#: a second step with a state-free first step) below which an update is "linear".
LINEAR_RTOL = 1e-6
EPS = np.finfo(np.float64).eps


def rel_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    """Largest entry difference over the largest entry."""
    num = max((float(np.max(np.abs(x - y))) if x.size else 0.0) for x, y in zip(a, b))
    den = max((float(np.max(np.abs(x))) if x.size else 0.0) for x in a + b)
    return num / den if den > 0 else 0.0


def update_tol(step: Step1, lrs: list[float]) -> float:
    """Rounding floor for (before - after)/lr: a few ulps of |W| divided by the learning rate.

    The ulp is the weights' own: float32 weights (``astype(np.float32)``) round each
    update to float32's eps, not float64's. The step's copies are float64, so float32
    storage shows as values that survive a round trip through float32 unchanged.
    """
    wmax = max((float(np.max(np.abs(w))) for w in step.before if w.size), default=1.0)
    return 100 * _storage_eps(step.after) * wmax / min(lrs)


def _storage_eps(arrays: list[np.ndarray]) -> float:
    """float32's eps when every value is a float32 number (weights stored in float32), else float64's."""
    arrays = [np.asarray(a) for a in arrays if np.size(a)]
    if arrays and all(np.array_equal(a.astype(np.float32), a) for a in arrays if np.iscomplexobj(a) is False):
        return float(np.finfo(np.float32).eps)
    return EPS


def _rates_for_float32(a: Step1, lrs: list[float]) -> list[float]:
    """Learning rates (powers of two times ``lrs``) whose update is about a quarter of the weights' scale.

    Weights held in float32 round every update to float32's eps times |W|: read at a small
    rate, (before - after) / lr carries that rounding divided by lr. At rates where the
    step is a sizeable part of the weights the rounding is float32's eps of the gradient,
    and the linearity check, run again there, still sees any dependence on the rate.
    """
    wmax = max((float(np.max(np.abs(w))) for w in a.before if w.size), default=0.0)
    dmax = max((float(np.max(np.abs(b - c))) for b, c in zip(a.before, a.after) if b.size), default=0.0)
    if wmax == 0 or dmax == 0 or dmax >= wmax / 4:
        return lrs
    k = 2.0 ** np.floor(np.log2(wmax / (4 * dmax)))
    return [lr * k for lr in lrs]


def inferred(step: Step1, lr: float) -> list[np.ndarray]:
    """(before - after) / lr for every parameter."""
    return [(b - a) / lr for b, a in zip(step.before, step.after)]


def _scalar(v: Any) -> bool:
    return isinstance(v, (float, int, np.floating)) and not isinstance(v, (bool, np.bool_))


def _zero_d(v: Any) -> bool:
    """``self.learning_rate = np.array(learning_rate)``: a 0-d float array holds a number just the same."""
    return isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind == "f"


def knobs(runner: Runner, s1: Step1) -> list[Knob]:
    """Learning-rate candidates, lr-like names first; each is verified before it is used."""
    lr_arg = runner.spec.get("lr_arg")
    found: list[Knob] = []
    if s1.arg_lr:
        found.append(Knob("argument", s1.arg_lr))
    names = [lr_arg] if lr_arg else list(LR_NAMES)
    if runner.t.root_name == "self":
        attrs = vars(s1.root) if hasattr(s1.root, "__dict__") else {}
        scalars = [k for k, v in attrs.items() if (_scalar(v) and isinstance(v, float)) or _zero_d(v)]
        scalars += [k for k, v in attrs.items() if type(v) is int and role_of(k) == "lr"]  # self.learningRate = 10
        found += [Knob("attribute", k) for k in sorted(scalars, key=lambda k: (k not in names, k))]
        found += [Knob("layers", k) for k in layerknob.layer_rates(s1.root)]  # Dense(..., lr=0.05) in each layer
    g = getattr(runner.t.get_backward(s1.root), "__globals__", runner.t.namespace)
    gl = [k for k, v in g.items() if isinstance(v, float) and not k.startswith("_")]
    found += [Knob("global", k, g) for k in sorted(gl, key=lambda k: (k not in names, k)) if k in names or len(gl) <= 8]
    return found


def _linear(runner: Runner, s1: Step1, knob: Knob, lrs: list[float]) -> tuple[bool, Step1, Step1, float]:
    a = runner.step(lrs[0], s1.columns, knob=knob)
    b = runner.step(lrs[1], s1.columns, knob=knob)
    g1, g2 = inferred(a, lrs[0]), inferred(b, lrs[1])
    gmax = max((float(np.max(np.abs(x))) for x in g1 if x.size), default=0.0)
    nonlin = rel_diff(g1, g2)
    ok = gmax > 0 and nonlin * gmax <= LINEAR_RTOL * gmax + update_tol(a, lrs)
    return ok, a, b, nonlin


def _stateful(runner: Runner, a: Step1, knob: Knob, params: list[Tensor], lr: float, notes: list[str]) -> tuple:
    """(stateful or None, state effect): a continued step against a fresh object at the same weights."""
    try:
        for p, w in zip(params, a.after):  # a shared root (module globals) holds the last step's weights
            assign(a.root, p.steps, np.array(w, copy=True))
        cont = runner.step(lr, a.columns, root=a.root, knob=knob)
        reset = runner.t.fresh()
        for p, w in zip(params, a.after):
            assign(reset, p.steps, w)
        again = runner.step(lr, a.columns, root=reset, knob=knob)
    except (StudentCodeError, AuditError) as exc:
        notes.append(f"second update step for the state check failed ({exc}); skipped")
        return None, None
    g = inferred(cont, lr)
    gmax = max((float(np.max(np.abs(x))) for x in g if x.size), default=0.0)
    diff = rel_diff(g, inferred(again, lr))
    return not (diff * max(gmax, 1e-300) <= LINEAR_RTOL * gmax + update_tol(a, [lr])), diff


def _momentum_off(runner: Runner, s1: Step1, knob: Knob, params: list[Tensor], lrs: list[float], notes: list[str]):
    """(step, nonlinearity, False, state effect) with the momentum coefficients at 0 when that makes the update
    linear and stateless; None (and the networks made as before) otherwise."""
    skip = knob.name if knob.kind == "attribute" else None
    found = momentumoff.coefficients(runner.t.get_backward(s1.root), skip)
    if not found or runner.t.root_name != "self":
        return None
    fresh = runner.t.fresh
    runner.t.fresh = momentumoff.made_off(fresh, found)
    try:
        ok, a, _, nonlin = _linear(runner, s1, knob, lrs)
        stateful, diff = _stateful(runner, a, knob, params, lrs[0], notes) if ok else (True, None)
    except (StudentCodeError, AuditError):
        ok, stateful = False, True
    if not ok or stateful:
        runner.t.fresh = fresh
        return None
    notes.append(f"momentum ({', '.join(found)}) set to 0 while checking: the gradient is read off plain descent")
    return a, nonlin, False, diff


def update_grads(
    runner: Runner, s1: Step1, params: list[Tensor], lrs: list[float], notes: list[str]
) -> tuple[list[Grad], str, dict, Step1]:
    """Gradients from (before - after) / lr with the verified learning rate; (grads, shape, update info, step)."""
    lrs = [lrs[0], lrs[1] if len(lrs) > 1 else lrs[0] * 2]
    tried: list[str] = []
    drift = random = False
    for knob in [*knobs(runner, s1), None]:
        if knob is None:  # last: a number written in the update (self.W -= 0.01 * dW)
            knob = _written_rate(runner, s1, notes)
            if knob is None:
                break
        try:
            ok, a, _, nonlin = _linear(runner, s1, knob, lrs)
            read = None
            if ok and _storage_eps(a.after) > EPS:  # float32 weights: read at rates where rounding is small
                lrs = _rates_for_float32(a, lrs)
                ok, a, _, nonlin = _linear(runner, s1, knob, lrs)
                read = fine_read(runner, s1, knob, a, lrs[0]) if ok else None
            elif ok and coarse(a, lrs[0]):  # float64 weights of 1, gradients of 1e-10: the ulp of W over lr shows
                read = fine_read(runner, s1, knob, a, lrs[0], np.float64)
        except (StudentCodeError, AuditError):
            continue
        if not ok:
            twice = _squared_rate(runner, s1, knob, params, lrs[0], tried, notes)
            if twice is not None:
                return twice
            random = random or (not tried and _random(runner, s1, knob, lrs[0]))
            drift = drift or (knob.kind in ("argument", "attribute") and _drifts(runner, knob, s1.columns, lrs[0]))
            tried.append(str(knob))
            continue
        stateful, diff = _stateful(runner, a, knob, params, lrs[0], notes)
        if stateful:  # a momentum recurrence (self.v = self.alpha * self.v - ...): read with its coefficient at 0
            plain = _momentum_off(runner, s1, knob, params, lrs, notes)
            if plain is not None:
                a, nonlin, stateful, diff = plain
        upd = {
            "lrs": lrs,
            "via": str(knob),
            "linear": not stateful,
            "linear_in_lr": True,
            "stateful": stateful,
            "max_nonlinearity": nonlin,
            "max_state_effect": diff,
        }
        msg = "update depends on optimizer state kept between steps (momentum, Adam?)" if stateful else ""
        if stateful and number_biases(runner.t.fresh(), params):  # self.bias2 = 1.0 is stepped but never reset
            msg = "update depends on state kept between steps: a bias kept as a Python number is stepped, not reset"
        upd["note"] = msg or f"gradient inferred from (before - after) / lr, lr = {knob}"
        if msg:
            notes.append(msg)
        _not_rates(tried, notes)
        if read is not None:
            upd["lrs"] = [read[1], 2 * read[1]]
            upd["note"] += (
                f"; read again at lr x {read[1] / lrs[0]:g}, where the rounding falls on the step, not the weight"
            )
        grads = inferred(read[0], read[1]) if read is not None else inferred(a, lrs[0])
        return _as_grads(grads, params, runner.t.root_name), "inplace-update", upd, a
    return _raw(s1, params, runner, tried, notes, drift, random)


def _not_rates(tried: list[str], notes: list[str]) -> None:
    """Say which candidates the update was not linear in (none: nothing said)."""
    if tried:
        notes.append(f"not the learning rate (the update is not linear in it): {', '.join(tried)}")


def _squared_rate(runner: Runner, s1: Step1, knob: Knob, params: list[Tensor], lr: float, tried, notes: list[str]):
    """The reading of an update that moves the weights by ``knob`` squared times a gradient (the rate applied
    twice: :mod:`.squaredrate`), as :func:`update_grads` returns it; None for any other update."""
    at = squaredrate.rates(lr)
    try:
        steps = [runner.step(r, s1.columns, knob=knob) for r in at]
    except (StudentCodeError, AuditError):
        return None
    if not squaredrate.squared(steps, at, update_tol(steps[0], at) / at[0]):
        return None
    _not_rates(tried, notes)
    notes.append(f"the update is {knob} squared times a gradient: read as (before - after) / {knob}**2")
    upd = {
        "lrs": at,
        "via": str(knob),
        "linear": True,
        "squared": True,
        "max_nonlinearity": None,
        "note": f"gradient inferred from (before - after) / lr**2, lr = {knob}: the rate is applied twice",
    }
    grads = [
        Grad(i, f"({fmt_path(runner.t.root_name, p.steps)} before - after) / lr**2", "update", g)
        for i, (p, g) in enumerate(zip(params, squaredrate.read(steps[0].before, steps[0].after, at[0])))
    ]
    return grads, "inplace-update", upd, steps[0]


#: What a step that draws random numbers shows, and what to do about it.
RANDOM = (
    "two steps at the same weights, data and learning rate update the weights differently: the step "
    "draws random numbers (dropout, added noise, a shuffled or sampled batch?), and a gradient check needs "
    "the same step every time; give dropout a keep_prob or dropout argument (the check sets it to keep "
    "everything) or leave it out of the graded step"
)


def _random(runner: Runner, s1: Step1, knob: Knob, lr: float) -> bool:
    """Whether two steps at the same learning rate, from the same weights, read different gradients
    (:func:`_linear` at one rate twice), the gradient not all zeros."""
    try:
        same, a, _, _ = _linear(runner, s1, knob, [lr, lr])
    except (StudentCodeError, AuditError):
        return False
    return not same and any(x.size and np.any(x) for x in inferred(a, lr))


def _written_rate(runner: Runner, s1: Step1, notes: list[str]) -> Knob | None:
    """A knob for the number the model's updates are scaled by, when the source writes one."""
    if runner.t.root_name != "self":
        return None
    found = constlr.rewire(s1.root)
    if found is None:
        return None
    g, value, where = found
    notes.append(f"the update is scaled by the number {value:g} written in {', '.join(where)}: tried as the rate")
    return Knob("written", constlr.KNOB, g)


def written_knob(root: Any) -> Knob | None:
    """The knob of a number already made a global in ``root``'s methods (see :mod:`.constlr`), or None."""
    g = constlr.rewired_globals(root)
    return Knob("written", constlr.KNOB, g) if g is not None else None


#: How far the gradient read at 4 lr may be from the straight line through those at lr and 2 lr
#: (relative to its change) for the change to count as first order in lr.
DRIFT_RTOL = 1e-2
DRIFT = (
    "the gradient read off the update moves in proportion to the learning rate, as when a layer's "
    "weights are updated before the gradient passed back through them is computed, or when one call "
    "updates the weights several times (once per sample or mini-batch)"
)


def _drifts(runner: Runner, knob: Knob, columns: bool, lr: float) -> bool:
    """Whether the gradient inferred at lr/8, lr/4, lr/2 changes along a straight line in lr (first order).

    Momentum, clipping or a decayed rate change it otherwise; a layer that updates its
    weights and then passes the gradient back through the new ones changes it by
    lr times a fixed amount (small rates keep the second-order part below DRIFT_RTOL).
    """
    rates = [lr / 8, lr / 4, lr / 2]
    try:
        g1, g2, g4 = (inferred(runner.step(r, columns, knob=knob), r) for r in rates)
    except (StudentCodeError, AuditError):
        return False
    d1 = [(y - x) / (rates[1] - rates[0]) for x, y in zip(g1, g2)]
    d2 = [(z - y) / (rates[2] - rates[1]) for y, z in zip(g2, g4)]
    moved = max((float(np.max(np.abs(d))) for d in d1 if d.size), default=0.0)
    return moved > 0 and rel_diff(d1, d2) <= DRIFT_RTOL


#: Forwards one step may run: the loss's, and the backward's own again (``loss = self.loss(X, y)`` then
#: ``self.backward(X, y)``, each calling ``self.forward(X)``); more are a training loop's.
ONE_STEP_FORWARDS = 2


def _raw(s1: Step1, params, runner: Runner, tried: list[str], notes: list[str], drift=False, random=False):
    """No verified learning rate: the raw step (before - after), reported as if lr = 1."""
    if random:
        upd = {"lrs": [1.0], "linear": False, "random": True, "max_nonlinearity": None, "note": RANDOM}
    elif tried:
        why = DRIFT if drift else "momentum, Adam or clipping?"
        if s1.forwards > ONE_STEP_FORWARDS:
            why = f"{runner.t.entry()} ran the forward {s1.forwards} times in one call, a training loop"
        notes.append(
            f"the weights changed in place but the update is not linear in any learning-rate candidate "
            f"({', '.join(tried)}): {why}"
        )
        note = f"update not linear in a learning rate: {DRIFT}" if drift else "update not linear in a learning rate"
        upd = {"lrs": [1.0], "linear": False, "max_nonlinearity": None, "note": note}
    elif s1.forwards > ONE_STEP_FORWARDS:  # (before - after) is then many steps: no size or sign is one gradient's
        raise AuditError(
            f"{runner.t.entry()} ran the forward {s1.forwards} times in one call (a training loop) and no learning "
            "rate the grader can set was found: the weights' change is many steps, not one gradient. Give the "
            "method that computes one step's gradients ([entry] backward), or the rate ([entry] lr_arg)",
            where="reading the update",
            type_="ManySteps",
        )
    else:
        notes.append(
            "the weights changed in place but no learning rate argument, attribute or global was found: "
            "the raw update (before - after) is reported as if lr = 1 (set [entry] lr_arg)"
        )
        upd = {"lrs": [1.0], "linear": None, "max_nonlinearity": None, "note": "learning rate unknown; lr = 1 assumed"}
    g = [b - a for b, a in zip(s1.before, s1.after)]
    return _as_grads(g, params, runner.t.root_name), "inplace-update", upd, s1


def _as_grads(g: list[np.ndarray], params: list[Tensor], root_name: str) -> list[Grad]:
    return [
        Grad(i, f"({fmt_path(root_name, p.steps)} before - after) / lr", "update", x)
        for i, (p, x) in enumerate(zip(params, g))
    ]


def returned_params(
    runner: Runner, s1: Step1, grads: list[Grad], params: list[Tensor], lrs: list[float], notes: list[str]
):
    """A dict keyed like the params and dependent on lr is the updated params, not gradients."""
    from gradcheck.audit.adapters.readers.returned import grads_from_return

    lr1, lr2 = lrs[0], lrs[1] if len(lrs) > 1 else lrs[0] * 2
    s2 = runner.step(lr2, s1.columns)
    g2, _, _ = grads_from_return(s2.ret, params)
    by = {g.param: g for g in g2}
    if all(g.param in by and np.array_equal(g.data, by[g.param].data) for g in grads):
        return grads, "grads-dict", None
    upd1 = [
        Grad(g.param, f"({params[g.param].name} - {g.path}) / lr", "update", (s1.before[g.param] - g.data) / lr1)
        for g in grads
    ]
    upd2 = {g.param: (s2.before[g.param] - by[g.param].data) / lr2 for g in grads if g.param in by}
    nonlin = rel_diff([g.data for g in upd1], [upd2[g.param] for g in upd1 if g.param in upd2])
    linear = nonlin <= LINEAR_RTOL + update_tol(s1, [lr1, lr2])
    notes.append("backward returned updated parameters; gradient inferred from (before - returned) / lr")
    upd = {
        "lrs": [lr1, lr2],
        "via": s1.lr_via,
        "linear": bool(linear),
        "max_nonlinearity": nonlin,
        "note": "returned updated parameters" + ("" if linear else "; update is not linear in the learning rate"),
    }
    return upd1, "returns-updated-params", upd
