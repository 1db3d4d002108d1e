"""Entries the loss's noise hides at the ordinary step, checked one by one at a step long enough to see them.

A passing directional screen leaves some entries beyond its reach
(:mod:`gradcheck.reach`); those are checked one by one, unless the loss's noise
over an entry check's ordinary step (``eps**(1/3)`` of the entry, at most
64 times longer) hides an error of :data:`gradcheck.reach.REACH` there too. A
loss that moves in float32 stairs (``np.float32(J)``, ``.astype(np.float32)``)
has noise of ~6e-8 of itself: at the ordinary float64 step a central
difference resolves only ~1e-2 of an entry, and an entry off by 1% passed
unseen on a 20-parameter MAE regression (its note said an error shows only
from 16% of the entry). The noise falls as ``1 / d`` with the step while a
smooth loss's truncation grows as ``d**6`` (four central differences
extrapolated): a step of ~1e-2 of the parameter scale resolves ~1e-4 of an
entry. Here each such entry is differenced along its own axis at the step its
measured noise needs (:func:`step_for`), the truncation measured there, never
assumed; a kink inside the step (MAE, Huber, ReLU) shows as truncation, and
the entry then stays as the note said. A discrepancy fails only where a second
step, with none of the first's points, measures the same: crossed kinks move
from one step to the next, a wrong entry does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradcheck import along as al
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY, judge
from gradcheck.reach import MARGIN, REACH, TOP, Unresolved, _own
from gradcheck.result import EntryEvidence

#: Entries per tensor checked at a longer step, largest first (12 to 40 evaluations each): a wrong formula
#: moves the largest entries most, and a tensor with more faint entries than this keeps the note.
LONG_LIMIT = 16
#: Evaluations the longer steps may spend in one check, over every tensor: a float32 net of 6,337
#: parameters, every tensor faint, spent 4,128 on them at 32 entries per tensor (375 in all before).
#: An entry past it is left as the note says.
LONG_BUDGET = 600
#: The step stays within this fraction of the parameter's scale (``max(|x|, rms of its tensor, rms of
#: every parameter)``): a unit's pre-activation, where a ReLU's kink lies, is of the weights' scale, not 1.
#: Its truncation is measured, but central differences over a span across many kinks agree with each
#: other at every step and are wrong (the slope averaged over the kinks): at steps of 0.0625 a float32 BCE
#: net's correct bias entries of 2e-4 to 6e-4 (true to 1e-9 at np.longdouble) measured 10-20% off at three
#: steps alike, and at 0.01 a zero-bias ReLU net at weights of 1e-3 measured its bias entries 50-90% off.
SPAN = 3e-2

#: The step is chosen for the noise to take this fraction of the error bar the entry allows; the
#: truncation, measured, may take the rest.
NOISE_SHARE = 0.5
#: The confirming step is this many times the first: its nodes (1.25 .. 5 of the first step) share
#: no point with the first's (1 .. 4).
CONFIRM = 1.25
#: One-sided slopes at the step further apart than this fraction of the entry: the step is long beside
#: the loss's curvature (kinks in bulk), and no discrepancy there fails (:func:`_confirmed`).
CURVED = 0.5


#: A float32 net's loss is float32 arithmetic inside (its parameters cast back to float32 in the loss), on
#: its float64 twin as well: a sigmoid that rounds to 1 flattens a sample's term, and the loss as
#: evaluated then has another derivative than the formula's. Measured: a correct multi-label BCE net at
#: weights of 3, its entries true to 1e-4 at np.longdouble, measured 3-5% off at three long steps alike.
#: A discrepancy seen only at longer steps of such a loss is inconclusive, not failed.
FLOAT32_ARITHMETIC = (
    "entries off at longer steps in a float32 loss: its float32 arithmetic inside (a saturated sigmoid "
    "rounded to 1) can give the loss as evaluated another derivative than the formula's, so they are "
    "inconclusive, not failed; the same net in float64 would tell"
)


def _once(ch, note: str) -> None:
    if note not in ch.notes:
        ch.notes.append(note)


@dataclass(frozen=True)
class Long:
    """What the longer steps made of a tensor's faint entries."""

    evidence: list
    #: faint entries left: not checked (beyond :data:`LONG_LIMIT`) or not resolved to :data:`REACH`
    left: int
    #: the smallest relative error seen for sure at the faintest entry left (0: none left)
    worst: float


def faint(screener, name: str, screen, checked: set[int], resolution: float) -> np.ndarray:
    """Flat indices of the entries :func:`gradcheck.reach.unresolved` counts as faint, largest ``|g_i|`` first."""
    g, v = _own(screener, name)
    t = np.abs(np.multiply(g, v))
    tolerance = max(screen.tolerance, abs(screen.analytic - screen.numeric))
    top = float(np.max(t, initial=0.0))
    if top == 0.0 or not np.isfinite(tolerance):
        return np.array([], dtype=int)
    hidden = ~(np.abs(g) > MARGIN * resolution / REACH)
    mask = hidden & (t >= TOP * top) & (REACH * t < MARGIN * tolerance)
    idx = np.flatnonzero(mask)
    idx = idx[~np.isin(idx, np.fromiter(checked, dtype=int, count=len(checked)))]
    return idx[np.argsort(-np.abs(g[idx]), kind="stable")]


def step_for(o: nm.Oracle, noise: float, want: float) -> float:
    """The step at which the rounding of an extrapolated central difference (:func:`gradcheck.along.extrapolated_along`)
    is ``want``: it falls as ``1 / d`` (the loss's rounding model and its measured noise alike)."""
    w = al.node_weights(al.SCREEN_NODES)
    per_unit = float(np.sum(np.abs(w) / np.arange(1, al.SCREEN_NODES + 1))) * o.u * abs(float(o.L0))
    return (per_unit + al.noise_spread(al.SCREEN_NODES) * noise) / want


def check(ch, name: str, g_user: np.ndarray, found: Unresolved, idx: np.ndarray) -> Long:
    """Check the faint entries ``idx`` (largest first) of tensor ``name`` at longer steps."""
    evidence, unseen = _on_twin(ch, name, g_user, idx[:LONG_LIMIT])
    left = int(idx.size - min(idx.size, LONG_LIMIT)) + len(unseen)
    worst = max([found.faint_worst if idx.size > LONG_LIMIT else 0.0, *unseen], default=0.0)
    return Long(evidence, left, worst)


def settle(ch, name: str, g_user: np.ndarray, evidence: list) -> list:
    """``evidence`` with its inconclusive entries checked again at longer steps, where they resolve there.

    An entry a tripped screen pointed to, whose own check at the ordinary step
    the loss's noise left inconclusive (a Huber regression's largest entry off
    by 1% behind float32 stairs), is measured at the step its noise needs; it
    passes or fails only as :func:`check`'s entries do.
    """
    if ch.complex_safe or not g_user.ndim and not g_user.size:
        return evidence
    shape = g_user.shape
    open_ = [e for e in evidence if e.status == "inconclusive" and e.left is None]
    if not open_:
        return evidence
    flat = np.array([np.ravel_multi_index(e.index, shape) if shape else 0 for e in open_], dtype=int)
    flat = flat[np.argsort(-np.abs(g_user.reshape(-1)[flat]), kind="stable")][:LONG_LIMIT]
    settled = {e.index: e for e in _on_twin(ch, name, g_user, flat)[0]}
    return [settled.get(e.index, e) if e.status == "inconclusive" else e for e in evidence]


def _on_twin(ch, name: str, g_user: np.ndarray, idx: np.ndarray):
    """:func:`_check_on` on the oracle real differences use: a float32 loss's float64 twin, else the loss itself.

    (Not an np.longdouble twin: a loss rounded to float32 stairs inside is no quieter there, and each of
    its evaluations costs tens of float64 ones.)
    """
    low = np.finfo(ch.oracle.dtype).bits < 64
    if not (low and ch.quieter_twin()):
        return _check_on(ch, ch.oracle, name, g_user, idx)
    ref = ch.on_reference(lambda r: r)
    screen_ref = getattr(ch, "_screen_ref", None)
    if ref.extended and screen_ref is not None:
        before = screen_ref.evaluations
        try:
            return _check_on(ch, screen_ref, name, g_user, idx)
        finally:
            ch.oracle.evaluations += screen_ref.evaluations - before
    return ch.on_reference(lambda o: _check_on(ch, o, name, g_user, idx))


def _check_on(ch, o: nm.Oracle, name: str, g_user: np.ndarray, idx: np.ndarray):
    """``(evidence, reaches)``: the entries resolved (pass or fail), and the reach at each one left."""
    flat_g = g_user.reshape(-1)
    noise = max(o.noise, 2.0 * o.measured.sigma if o.measured is not None else 0.0)
    x = np.asarray(o.work[name], dtype=np.float64).reshape(-1)
    scale = max(_rms(x), _rms(np.concatenate([np.asarray(w, dtype=np.float64).reshape(-1) for w in o.work.values()])))
    scale = scale if scale > 0 else 1.0
    evidence, unseen = [], []
    for j in idx:
        spent = getattr(ch, "long_spent", 0)
        if ch.budget_spent() or spent >= LONG_BUDGET or _late(ch):
            unseen.append(float("inf"))
            continue
        before = o.evaluations
        g = float(flat_g[j])
        found = _measured(o, name, int(j), g, noise, max(scale, abs(float(x[j]))))
        if found is None:
            ch.long_spent = spent + o.evaluations - before
            unseen.append(float("inf"))
            continue
        seen = MARGIN * SAFETY * found[0].error / abs(g) if g else float("inf")
        e = _entry(ch, name, int(j), g, found, g_user.shape)
        ch.long_spent = spent + o.evaluations - before
        if e is None or (e.status == "pass" and seen > REACH):
            unseen.append(seen)
            continue
        evidence.append(e)
    return evidence, unseen


def _late(ch) -> bool:
    """Has the check spent half its evaluation budget? The longer steps then leave the rest to the tensors
    still to be screened: a zero-bias ReLU net's first layer, its entries all beside kinks, took them
    before a bias doubled two tensors later was screened, and that bias ended inconclusive, not failed."""
    return ch.budget is not None and ch.spent() >= ch.budget / 2


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


def _measured(o, name: str, j: int, g: float, noise: float, scale: float):
    """``(value, how, gap)``: the entry's derivative along its own axis at the step its noise needs,
    ``how(step)``, the same estimator at another step, and ``gap(step)`` (:func:`_gap`); None where
    none resolves it.

    Central differences first; where a kink within the span makes their truncation the larger
    part (an MAE or Huber sample whose residual crosses its kink), the one-sided differences of
    the side clear of it; else once at a quarter of the step.
    """
    want = NOISE_SHARE * REACH * abs(g) / (MARGIN * SAFETY)
    if not want > 0:
        return None
    d = min(step_for(o, noise, want), SPAN * scale)
    d = max(d, o.h0 * max(1.0, abs(float(np.asarray(o.work[name]).reshape(-1)[j]))))
    for step in (d, d / 4.0):
        hows = [lambda h: _along(o, name, j, h, noise)]
        if step == d:
            hows += [lambda h, side=side: _sided(o, name, j, h, noise, side) for side in (1.0, -1.0)]
        clean = [(a, how) for a, how in ((how(step), how) for how in hows) if _clean(a)]
        if clean:
            best, how = min(clean, key=lambda found: found[0].error)
            return best, how, lambda h: _gap(o, name, j, h, noise)
    return None


def _clean(a: al.Along) -> bool:
    return bool(np.isfinite(a.value) and a.truncation <= a.rounding)


def _axis(o, name: str, j: int) -> dict:
    axis = np.zeros(o.work[name].shape, dtype=o.dtype)
    axis.reshape(-1)[j] = 1.0
    return {name: axis}


def _along(o, name: str, j: int, d: float, noise: float) -> al.Along:
    """:func:`gradcheck.along.extrapolated_along` on entry ``j`` alone, its rounding at the measured ``noise``."""
    a = al.extrapolated_along(o, _axis(o, name, j), d)
    extra = a.noise_gain * max(0.0, noise - o.noise)
    return al.Along(a.value, a.truncation, a.rounding + extra, a.noise_gain, step=d)


def _one_sided_weights(nodes: int) -> np.ndarray:
    """Weights of the one-sided difference quotients at ``d .. nodes d`` that cancel their error terms in
    ``d, d**2, .. d**(nodes-1)`` (each quotient's error is a power series in its step, odd powers included)."""
    k = np.arange(1, nodes + 1, dtype=np.float64)
    rhs = np.zeros(nodes)
    rhs[0] = 1.0
    return np.linalg.solve(np.vander(k, nodes, increasing=True).T, rhs)


def _sided(o, name: str, j: int, d: float, noise: float, side: float) -> al.Along:
    """The entry's derivative from one side only (``SCREEN_NODES`` evaluations), extrapolated as
    :func:`_along` is; its rounding counts every point's noise in full (a bound)."""
    nodes = al.SCREEN_NODES
    axis, l0 = _axis(o, name, j), float(o.L0)
    vals = [o.loss_along(axis, side * k * d) for k in range(1, nodes + 1)]
    quotients = [(v - l0) / (side * k * d) for k, v in enumerate(vals, 1)]
    w, w3 = _one_sided_weights(nodes), _one_sided_weights(nodes - 1)
    value = float(np.dot(w, quotients))
    trunc = abs(value - float(np.dot(w3, quotients[:-1])))
    per_point = [(noise + o.u * (abs(v) + abs(l0))) / (k * d) for k, v in enumerate(vals, 1)]
    rounding = float(np.dot(np.abs(w), per_point))
    return al.Along(value, trunc if np.isfinite(trunc) else float("inf"), rounding, 0.0, step=d)


def _entry(ch, name: str, j: int, g: float, found, shape) -> EntryEvidence | None:
    """The entry's evidence: pass, or fail where other steps measure the same discrepancy; else None."""
    first, how, gap = found
    floor = ch.analytic_floor  # (the loss's floor at the ordinary step is what this step is long to beat)
    jd = judge([g], [first.value], [first.error], ch.rtol, floor)
    status = "pass" if jd.ok[0] else "fail"
    if status == "fail":
        if not _confirmed(ch, how, gap, g, first, floor):
            return None  # kinks crossed, or noise: not the same at other steps
        if ch._rounded(name, j, g, nm.Estimate(first.value, first.error, "richardson"), floor):
            status = "pass"  # the same gradient code at a wider precision agrees: its own rounding
        elif np.finfo(ch.oracle.dtype).bits < 64:
            status = "inconclusive"  # (see FLOAT32_ARITHMETIC)
            _once(ch, FLOAT32_ARITHMETIC)
    return EntryEvidence(
        index=tuple(int(i) for i in np.unravel_index(j, shape)),
        analytic=g,
        numeric=float(first.value),
        numeric_error=float(first.error),
        abs_error=float(jd.abs_error[0]),
        rel_error=float(jd.rel_error[0]),
        tolerance=float(jd.tolerance[0]),
        status=status,
        estimator="richardson",
    )


def _confirmed(ch, how, gap, g: float, first: al.Along, floor: float) -> bool:
    """Is a discrepancy at ``first`` a wrong entry, not kinks crossed? Measured again at other steps.

    A wrong entry is off by the same at every step. Kinks inside the span
    move the extrapolated value from one step to the next, or show as
    truncation: at ``CONFIRM`` and ``1/2`` times the first step the value must
    be clean (truncation within rounding), see the discrepancy too, and be no
    closer to the entry (nor further) than the rounding of the two allows: many
    ReLU kinks crossed (a zero-bias net at weights of 1e-3, a correct entry
    3.4e-4) gave offsets of 1.43e-4, 1.40e-4 and 1.19e-4 at 1.25, 1 and 0.5
    times the step, each clean by its own measure. Nor may the step be long
    beside the entry's curvature: one-sided slopes further apart than the entry
    itself are not a smooth loss's at a step its differences resolve. A kink at
    the point itself gives every step the mean of its two slopes, but its
    one-sided slopes differ by the same jump at a step four times shorter,
    where a smooth loss's differ by four times less (its curvature).
    """
    offset = abs(g - first.value)
    for step in (CONFIRM * first.step, first.step / 2.0):
        other = how(step)
        if not _clean(other) or abs(abs(g - other.value) - offset) > other.error + first.error:
            return False
        if judge([g], [other.value], [other.error], ch.rtol, floor).ok[0]:
            return False
    wide, narrow = gap(first.step), gap(first.step / 4.0)
    if wide[0] > CURVED * abs(g) + SAFETY * wide[1]:
        return False
    return not (wide[0] > SAFETY * wide[1] and narrow[0] > wide[0] / 2.0)


def _gap(o, name: str, j: int, h: float, noise: float) -> tuple[float, float]:
    """``(|right - left|, its rounding)``: the one-sided slopes of entry ``j`` at step ``h`` (2 evaluations)."""
    axis = _axis(o, name, j)
    lp, lm, l0 = o.loss_along(axis, h), o.loss_along(axis, -h), float(o.L0)
    rounding = (2.0 * noise + o.u * (abs(lp) + abs(lm) + 2.0 * abs(l0))) / h
    return abs((lp - l0) / h - (l0 - lm) / h), rounding


def note(name: str, long: Long, checked: int) -> str:
    """The note of a tensor whose faint entries were checked at longer steps and some left unresolved."""
    seen = (
        f"an error there shows only from {long.worst:.2g} of the entry"
        if np.isfinite(long.worst)
        else "a kink within every step tried, or the check's budget for longer steps, leaves them unresolved"
    )
    return (
        f"{name}: {checked} of its entries the loss's noise hides at the ordinary step were checked one by one at "
        f"longer steps; {long.left} more (each at least {TOP:g} of its largest) are not seen to {REACH:g} by its "
        f"directional screen nor by a longer step: {seen}"
    )
