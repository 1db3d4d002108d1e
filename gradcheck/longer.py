"""A blind real screen measured again at longer steps, where the loss's noise hides it at its own.

A real screen whose tolerance, mostly the loss's rounding over the step,
exceeds ``sum |g_i v_i|`` could not tell the tensor's gradient from zeros
(:func:`blind`). Its rounding falls as the step grows while
its truncation, measured at every step, grows: :func:`longer_step` looks for a
step where the screen is sharp enough to vouch for the tensor.
"""

from __future__ import annotations

import numpy as np

from gradcheck import directional as dr
from gradcheck.compare import SAFETY
from gradcheck.references import SUBTLE

#: A blind real screen (:func:`blind`) is measured again at steps this many times longer, each
#: :data:`LONGER_GROWTH` times the last, up to :data:`LONGER_TRIES` times (8 evaluations each).
#: Its rounding (the loss's measured noise over the step) falls as ``1 / d`` while its truncation,
#: measured at every step (:func:`gradcheck.along.extrapolated_along`), grows as ``d**6``; the
#: growth stops as soon as truncation is the larger part: a longer step would only curve more.
LONGER_GROWTH = 4.0
LONGER_TRIES = 8
#: A screen at a longer step vouches for its tensor only when its tolerance is within this fraction
#: of the largest term ``|g_i v_i|``: any entry of at least a tenth of the tensor's largest, off by
#: 1% (:data:`gradcheck.references.SUBTLE`), trips it, as it would trip that entry's own check. At the
#: plain screen's rule (:data:`BLIND`: anything under ``sum |g_i v_i|``) a tensor off by 50% passed
#: a screen lengthened 64 times on a ``float()``-cast MSE of saturated tanh units.
LONGER_REACH = SUBTLE


def longer_step(ch, name: str, screener, screen, zero_bar: float = 0.0):
    """``screen`` measured again at longer steps where it was blind and the loss's noise dominates it.

    The screen at its own step could not tell the tensor's gradient from zeros:
    its tolerance, mostly the loss's rounding over the step, exceeds
    ``sum |g_i v_i|``. A longer step lifts the difference out of the noise as
    long as the curvature stays small; the truncation is measured at each step,
    never assumed. Returns the first screen at a longer step that trips or
    passes sharply (as measured: a tripped one leaves the tensor
    inconclusive, as a tripped screen with no entry checked does), else
    ``screen`` unchanged. A passing screen counts only once its tolerance is
    within :data:`LONGER_REACH` of the largest term ``|g_i v_i|``, or, for a tensor whose gradient is
    all exact zeros (no term to measure against), within ``zero_bar`` (:func:`zero_bar`). Real screens
    of the loss as given or of a float32 loss's float64 twin only: a complex step's error does not
    depend on its step.
    """
    if screener.complex_safe or screener.oracle.extended or not screen.ok or ch.budget_spent():
        # (not on an extended twin: the user's entries are tied to it afterwards, and those below what
        # the loss resolves would pass as its rounding, unseen: user form 457's float64 entries off by 0.8%)
        return screen
    own, moves, analytic, scale, d = _own_steps(screener, name)
    o = own.oracle
    reach = max(LONGER_REACH * float(np.max(np.abs(own.g * own.v), initial=0.0)), zero_bar)
    if not reach > 0:
        return screen
    for k in range(1, LONGER_TRIES + 1):
        along = dr.extrapolated_along(o, moves, d * LONGER_GROWTH**k)
        if not np.isfinite(along.value) or not along.truncation <= along.rounding:
            return screen  # the curvature (or a kink) dominates from here on: no longer step helps
        longer = own._judge(analytic, along.value, along.error, scale, along.noise_gain, along.truncation)
        if longer.ok and longer.tolerance > reach:
            # not yet sharp enough to vouch for the tensor: go on while the remaining growth can get there
            if SAFETY * along.rounding / LONGER_GROWTH ** (LONGER_TRIES - k) > reach:
                return screen
            continue
        ch.notes.append(
            f"{name}: its screen, blind at the loss's noise, was measured again at a {LONGER_GROWTH**k:g} times "
            f"longer step (truncation {along.truncation:.2g}, rounding {along.rounding:.2g}, against "
            f"sum |g_i v_i| = {scale:.2g}): {'passes' if longer.ok else 'trips: inconclusive, not pass'}"
        )
        return longer
    return screen


#: A screen that passes with a tolerance above this fraction of ``sum |g_i v_i|`` says nothing
#: about the tensor: at 1, a gradient of zeros would pass it. (Below it, a pass stands, and the
#: ``loss_ill_conditioned`` diagnosis states the smallest relative error the check could see.)
BLIND = 1.0


def zero_bar(ch, g: np.ndarray) -> float:
    """What a screen of a tensor of exact zeros must resolve: ``rtol`` of the gradient's largest entry (else 0).

    Such a tensor has no scale of its own (a last bias under a Huber loss whose
    residuals all lie in its linear branch, half of them each way: its
    derivative is exactly 0 and the loss flat along it). A screen whose
    tolerance is within ``rtol`` of the gradient's largest entry bounds every
    entry's true derivative there, as that entry's own check at ``rtol`` would.
    """
    return ch.rtol * ch.gmax if g.size and not np.any(g) else 0.0


def blind(screen, bar: float = 0.0) -> bool:
    """Did ``screen`` pass only because its tolerance dwarfs what it measures? (a loss too noisy to resolve it)

    ``bar``: the scale a tensor of exact zeros is measured against (:func:`zero_bar`).
    """
    # (a gradient of zeros has no scale of its own: what the screen measured stands in for it)
    scale = max(screen.scale, abs(screen.numeric), bar)
    return bool(screen.ok and scale > 0 and screen.tolerance > BLIND * scale)


def blind_note(name: str, screen, complex_safe: bool = True) -> str:
    """The note of a tensor whose passing screen could not have told its gradient from zeros."""
    why = (
        "saturated outputs (a tanh or sigmoid within rounding of +/-1) or a loss of many digits move it "
        "by less than its own rounding"
    )
    fix = "" if complex_safe else "; a loss returned as a numpy value (not float()) lets the complex step see it"
    return (
        f"{name}: the loss as evaluated does not resolve this tensor's directional derivative "
        f"({screen.analytic:.2g}, tolerance {screen.tolerance:.2g}: a gradient of zeros would pass unseen): "
        f"{why}{fix}: inconclusive, not pass"
    )


def sharpen(ch, name: str, screener, screen, want: float):
    """A passing real screen measured again at longer steps until its tolerance is within ``want``.

    A real screen's tolerance is mostly the loss's rounding over its step, the
    same for a small entry as for a large one, so it leaves the small entries
    of a tensor beyond what it sees (:mod:`gradcheck.reach`); a float32 loss's
    float64 twin at weights of 2e-3 left an entry off by 1% unseen among 4,490.
    Longer steps shrink that rounding as long as the truncation, measured at
    every step, stays the smaller part. Returns ``(screener, screen)``: the
    tensor's own screener and the first screen at a longer step that trips
    (its tensor is then inconclusive, as a tripped screen with no entry
    checked is) or the sharpest that passes; or the arguments unchanged when
    no longer step is sharper.
    """
    if screener.complex_safe or screener.oracle.extended or not screen.ok or ch.budget_spent():
        return screener, screen
    own, moves, analytic, scale, d = _own_steps(screener, name)
    o, best = own.oracle, screen
    for k in range(1, LONGER_TRIES + 1):
        if ch.budget_spent():
            break
        along = dr.extrapolated_along(o, moves, d * LONGER_GROWTH**k)
        if not np.isfinite(along.value) or not along.truncation <= along.rounding:
            break  # the curvature (or a kink) dominates from here on
        longer = own._judge(analytic, along.value, along.error, scale, along.noise_gain, along.truncation)
        if not longer.ok and not _steady(o, moves, d * LONGER_GROWTH ** (k + 1), along):
            break  # the next longer step does not measure the same: kinks crossed, not a discrepancy
        if not longer.ok:
            ch.notes.append(
                f"{name}: its screen, measured again at a {LONGER_GROWTH**k:g} times longer step to see its small "
                f"entries (truncation {along.truncation:.2g}, rounding {along.rounding:.2g}), trips: "
                "inconclusive, not pass"
            )
            return own, longer
        if longer.tolerance < best.tolerance:
            best = longer
        if longer.tolerance <= want:
            break
    return (own, best) if best is not screen else (screener, screen)


def _steady(o, moves, d: float, along) -> bool:
    """Does the directional derivative at step ``d`` (8 evaluations) agree with ``along`` within both errors?

    A discrepancy of the gradient is the same at every step; kinks crossed by a
    longer step (ReLU units at small weights, which the truncation measured at
    one step need not show) move it from one step to the next.
    """
    again = dr.extrapolated_along(o, moves, d)
    if not np.isfinite(again.value) or not again.truncation <= again.rounding:
        return False
    return bool(abs(again.value - along.value) <= SAFETY * (again.error + along.error))


def _own_steps(screener, name: str):
    """``(own, moves, analytic, scale, d)``: a real screener of tensor ``name`` alone (its slice of a
    grouped screener's gradient), its direction's moves, the directional derivative the gradient
    claims and its scale, and the screen's base step (longer steps are multiples of it)."""
    flat = screener.g
    if isinstance(screener, dr.GroupScreener):
        start, size = int(screener.starts[name]), int(screener.sizes[name])
        flat = screener.g[start : start + size]
    own = dr.Screener(screener.oracle, False, name, flat)
    o, every = own.oracle, np.arange(flat.size)
    analytic, scale = own.sums(every)
    excess = o.measured.excess if o.measured is not None else 1.0
    d = dr.SCREEN_STEP / dr.SCREEN_NODES * min(16.0, excess ** (1.0 / 9.0)) * o.h0 * max(1.0, own._largest(every))
    return own, own._moves(every), analytic, scale, d
