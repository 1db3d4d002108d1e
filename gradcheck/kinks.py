"""Non-differentiable points: telling a kink from a wrong gradient.

At a kink (ReLU at 0, ``clip``, ``max``) the one-sided slopes differ and the
central difference is their average, which is not what a correct analytic
subgradient (e.g. ``relu'(0) = 0``) reports. Such an entry is ``kink`` when
the analytic value lies between the one-sided slopes (a valid subgradient),
and ``fail`` when it lies outside. The slopes come from :func:`gradcheck.numeric.refine`.

Kinks in bulk (a ReLU or leaky-ReLU net at small weights over a batch: a
thousand units within ``1e-3`` of zero) put kinks inside every step
``refine`` tries, and inside the table that measures the loss's noise, which
then reads them as noise and widens the steps further. :func:`one_sided_limits`
walks the one-sided slopes down to steps inside the nearest kink, where each
side's slope is smooth again and converges, and compares the two limits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradcheck.compare import SAFETY
from gradcheck.numeric import Estimate, Oracle


def subgradient_status(analytic: float, estimate: Estimate, tolerance: float) -> str:
    """``kink`` if ``analytic`` lies in ``[min(left, right), max(left, right)]``
    widened by the slopes' own error and ``tolerance``, else ``fail``.

    Examples
    --------
    >>> est = Estimate(0.5, 1e-9, "one-sided", left=0.0, right=1.0, kink=True)
    >>> subgradient_status(0.0, est, 1e-8), subgradient_status(2.0, est, 1e-8)
    ('kink', 'fail')
    """
    lo, hi = sorted((estimate.left, estimate.right))
    slack = estimate.error + tolerance
    return "kink" if lo - slack <= analytic <= hi + slack else "fail"


#: :func:`one_sided_limits` halves the step at most this many times below the central-difference
#: step ``h0`` (float64: 6e-6 down to 6e-6 / 2**24 ~ 4e-13): a leaky-ReLU batch of 32 at weights
#: of 0.03 had a unit 1.4e-6 from its kink, below anything a step of ``h0`` resolves; the walk
#: stops earlier once the loss's rounding over the step would exceed :data:`COARSEST` of the entry.
LIMIT_HALVINGS = 24
#: A side's limit is accepted once three consecutive extrapolated slopes agree to this fraction of
#: the entry (their spread is the limit's stated error), as a smooth loss's do at the first steps;
#: inside kinks the walk takes the window with the smallest spread it finds.
RESOLVE = 1e-7
#: Short of that, the walk goes on while the extrapolated slope's rounding stays below this
#: fraction of the entry: an estimate this coarse still judges an entry sharply
#: (:data:`gradcheck.compare.WEAK` is 5e-3, after :data:`gradcheck.compare.SAFETY`); a coarser one
#: leaves the entry inconclusive.
COARSEST = 1e-3


@dataclass(frozen=True)
class Side:
    """One side's limit slope and its error (``error`` is ``inf`` when it never settled).

    ``kinks``: the walk crossed kinks on the way (see :func:`_crossed`). ``spread``: the error of
    ``value`` whether or not it settled to :data:`COARSEST` (``inf`` when no window was measured).
    """

    value: float
    error: float
    kinks: bool = False
    spread: float = float("inf")


def _crossed(slopes: list[float], rounding: list[float]) -> bool:
    """Did consecutive one-sided slopes change other than as a smooth loss's do?

    At a smooth point ``R(h) = L' + h L'' / 2 + O(h**2)``: the change from
    one step to the next halves as the step halves (quarters where the
    curvature vanishes), down to rounding. A change that shrinks to more than
    three quarters of the one before, or to less than a fifth of it, clear of
    rounding, is a kink entering or leaving the step.
    """
    change = [abs(a - b) for a, b in zip(slopes, slopes[1:])]
    for k in range(len(change) - 1):
        noise = SAFETY * (rounding[k] + rounding[k + 1] + rounding[k + 2])
        if change[k + 1] > 0.75 * change[k] and change[k + 1] > noise:
            return True
        if change[k + 1] < 0.2 * change[k] and change[k] > 8.0 * noise:
            return True
    return False


def _side(oracle: Oracle, name: str, j: int, sign: float, g: float) -> Side:
    """The limit of the one-sided slope ``sign (L(t + sign h) - L(t)) / h`` as ``h`` shrinks.

    Slopes at ``h, h/2, h/4, ...`` are extrapolated in pairs (``2 R(h/2) - R(h)``
    removes the curvature term ``h L'' / 2``). Inside the nearest kink the
    extrapolated slopes agree to rounding; while the steps still cross kinks
    they jump about. A step at which the loss did not move at all (stairs
    wider than the step) ends the walk: its slope of 0 is no evidence.
    """
    t = oracle.flat[name][j]
    cast = oracle.dtype.type
    base = oracle.h0 * max(1.0, abs(float(t)))
    L0 = oracle.L0
    slopes, rounding, noisy, best = [], [], [], Side(float("nan"), float("inf"))
    for k in range(LIMIT_HALVINGS + 1):
        moved = cast(t + sign * base * 0.5**k)
        width = float(moved - t) * sign
        if width <= 0.0:
            break
        L = oracle.loss_at(name, j, moved)
        if L == L0 and k == 0:
            return _flat(oracle, width, g)
        if not np.isfinite(L) or L == L0:
            break
        slopes.append(float(sign * (L - L0) / width))
        rounding.append(oracle.u * (abs(L) + abs(L0)) / width)
        noisy.append(rounding[-1] + 2.0 * oracle.noise / width)
        scale = max(abs(g), abs(slopes[-1]))
        if len(slopes) >= 4:
            ext = [2.0 * slopes[i + 1] - slopes[i] for i in range(len(slopes) - 4, len(slopes) - 1)]
            error = max(ext) - min(ext) + 3.0 * rounding[-1]
            if error < best.error:
                best = Side(ext[-1], error)
            if best.error <= RESOLVE * scale:
                break
        if len(slopes) >= 4 and 3.0 * rounding[-1] > COARSEST * scale:
            break  # smaller steps only add rounding
    settled = slopes and best.error <= COARSEST * max(abs(g), abs(best.value))
    # (a side that never settled to COARSEST: a jump in the loss itself, whose slope grows as 1/h, or kinks to the end)
    # kinks are told from the loss's noise as measured (a non-deterministic or cancelling loss's
    # slopes jump about too): a change must stand clear of it
    return Side(best.value, best.error if settled else float("inf"), _crossed(slopes, noisy), best.error)


def _flat(oracle: Oracle, width: float, g: float) -> Side:
    """A side on which the loss did not move at all at the walk's longest step: its slope is 0.

    Every path of the entry on that side runs through units switched off there
    (a ReLU unit at exactly 0, moved down: zero biases beside a zero input row
    or a zero weight column), so the loss is constant, not stairs: stairs wider
    than the longest step would need a loss noisier than its rounding and
    measured noise over that step, which bound the slope instead. Settled, as
    a side that converged is, where that bound is within :data:`COARSEST` of ``g``.
    """
    bound = SAFETY * (oracle.u * 2.0 * abs(float(oracle.L0)) + 2.0 * oracle.noise) / width
    settled = bound <= COARSEST * abs(g)
    return Side(0.0, bound if settled else float("inf"), False, bound)


def one_sided_limits(oracle: Oracle, name: str, j: int, g: float) -> tuple[Side, Side]:
    """``(left, right)`` limits of the one-sided slopes of entry ``j`` (see :func:`_side`; 8 to 50 evaluations)."""
    return _side(oracle, name, j, -1.0, g), _side(oracle, name, j, 1.0, g)


#: :func:`jump_at_point` compares the one-sided slopes at the central-difference step and at a step
#: this many times shorter: at a smooth point their gap shrinks with the step (``h L''``), a loss
#: moving in stairs makes it grow (``noise / h``), and only a kink at the point keeps it.
JUMP_SHRINK = 16.0
#: ... keeps it within this factor either way (the slopes' curvature term ``h L'' / 2`` moves each by less).
JUMP_STEADY = 1.25


def jump_at_point(oracle: Oracle, name: str, j: int) -> bool:
    """Is entry ``j`` on a kink at the point itself? (4 evaluations)

    The one-sided slopes ``(L(t + h) - L(t)) / h`` and ``(L(t) - L(t - h)) / h``
    at ``h = h0`` and ``h0 /`` :data:`JUMP_SHRINK`: a kink at the point (a ReLU
    unit at exactly 0: zero biases, a zero input row, a column of zero
    weights) keeps their gap at both steps, within :data:`JUMP_STEADY`, and
    clear of the loss's rounding and measured noise over the shorter step by
    ``4 SAFETY``. Kinks near the point but not at it (crossed by one step and
    not the other) change the gap; so do curvature and stairs.
    """
    t = oracle.flat[name][j]
    cast = oracle.dtype.type
    L0, gaps, clear = oracle.L0, [], True
    for h in (oracle.h0 * max(1.0, abs(float(t))), oracle.h0 * max(1.0, abs(float(t))) / JUMP_SHRINK):
        up, down = cast(t + h), cast(t - h)
        hu, hd = float(up - t), float(t - down)
        if hu <= 0.0 or hd <= 0.0:
            return False
        Lp, Lm = oracle.loss_at(name, j, up), oracle.loss_at(name, j, down)
        if not (np.isfinite(Lp) and np.isfinite(Lm)):
            return False
        gap = abs((Lp - L0) / hu - (L0 - Lm) / hd)
        rounding = (oracle.u * (abs(Lp) + abs(Lm) + 2.0 * abs(L0)) + 4.0 * oracle.noise) / min(hu, hd)
        clear = gap > 4.0 * SAFETY * rounding
        gaps.append(gap)
    return bool(clear and gaps[0] > 0 and 1.0 / JUMP_STEADY <= gaps[1] / gaps[0] <= JUMP_STEADY)


def complex_step_agrees(oracle: Oracle, name: str, j: int, g: float, tolerance: float) -> bool:
    """Does the complex step at entry ``j`` give ``g`` to ``tolerance``? (1 evaluation; False where the loss
    refuses complex parameters, warns, or gives no finite value)

    At one kink at the point (``abs`` of a weight at 0, one ReLU unit at exactly 0) the complex step gives
    one side's slope, as the one-sided limits do. Where it gives neither but the gradient, every unit sits
    on its own side of its kink at the point, and the jump the real steps see is many kinks nearer than
    the shortest of them: evidence only that real differences cannot judge the entry. It is never taken
    for the derivative here (a loss through ``np.abs`` of a complex value is not analytic), only to keep a
    fail from resting on slopes beyond those kinks.
    """
    from gradcheck.numeric import complex_step
    from gradcheck.problem import UserFunctionError

    try:  # (Oracle.complex_loss_at turns a dropped imaginary part's ComplexWarning into an error itself)
        c = complex_step(oracle, name, j)
    except (UserFunctionError, TypeError, ValueError, AttributeError, np.exceptions.ComplexWarning):
        return False
    return bool(np.isfinite(c.value)) and abs(c.value - g) <= tolerance


#: :func:`small_step_bracket` halves the step at most this many times (the rounding ceiling it is
#: given ends the walk long before: float64 at 6e-6 / 2**30 ~ 6e-15 rounds to a few units of 1e-1 of
#: a loss of 1). Halving, not quartering: a unit between the last two steps leaves that side unsettled,
#: and a ReLU batch of 256 at weights of 3e-3 has units every 1e-8 to 1e-6 around the point.
BRACKET_HALVINGS = 30


@dataclass(frozen=True)
class Bracket:
    """What the one-sided slopes at :func:`small_step_bracket`'s smallest steps span, and their rounding.

    ``settled``: both sides' last two slopes agreed (``low`` and ``high`` are then the two sides'
    slopes); otherwise the span of the slopes of kinked sides' last :data:`SPAN_STEPS` steps.
    """

    low: float
    high: float
    error: float
    step: float
    settled: bool

    def holds(self, g: float) -> bool:
        """Does ``g`` lie in the span, widened by ``SAFETY`` times its rounding?"""
        return self.low - SAFETY * self.error <= g <= self.high + SAFETY * self.error

    @property
    def width(self) -> float:
        """The span, widened on both sides as in :meth:`holds`."""
        return self.high - self.low + 2.0 * SAFETY * self.error


#: A side whose slopes never settled, but jumped about clear of rounding (kinks), spans its last this many steps.
SPAN_STEPS = 4


def _slopes(oracle: Oracle, name: str, j: int, sign: float, ceiling: float) -> list[tuple[float, float, float]]:
    """``(slope, rounding, step)`` of one side at halving steps, while the rounding stays under ``ceiling``.

    The walk ends early where the loss stops moving (stairs wider than the step: no slope there).
    """
    t = oracle.flat[name][j]
    cast = oracle.dtype.type
    base = oracle.h0 * max(1.0, abs(float(t)))
    L0, kept = oracle.L0, []
    for k in range(BRACKET_HALVINGS + 1):
        moved = cast(t + sign * base * 0.5**k)
        width = float(moved - t) * sign
        if width <= 0.0 or oracle.u * 2.0 * abs(float(L0)) / width > ceiling:
            break
        L = oracle.loss_at(name, j, moved)
        if not np.isfinite(L) or L == L0:
            break
        kept.append((float(sign * (L - L0) / width), oracle.u * (abs(L) + abs(L0)) / width, width))
    return kept


def _jumped(kept: list[tuple[float, float, float]]) -> bool:
    """Did the slopes turn back, clear of rounding? (a smooth loss's move one way, by halving amounts)"""
    d = [(b[0] - a[0], a[1] + b[1]) for a, b in zip(kept, kept[1:])]
    return any(x * y < 0 and abs(x) > 2.0 * rx and abs(y) > 2.0 * ry for (x, rx), (y, ry) in zip(d, d[1:]))


def small_step_bracket(oracle: Oracle, name: str, j: int, ceiling: float) -> Bracket | None:
    """The one-sided slopes at steps as small as rounding ``ceiling`` allows (two per halving of the step).

    Kinks in bulk (a zero-bias ReLU net at weights of 3e-3 over a batch of
    256: units every 1e-8 to 1e-6 around the point, one of them a hair from it)
    leave a measured noise that is the kinks', and estimates at the usual
    steps that average slopes across them. Far shorter steps, down to where
    the loss's modelled rounding reaches ``ceiling``, step inside all kinks but
    those much nearer the point: a side whose last two slopes agree within
    twice their rounding has settled, to the one-sided derivative or to the
    slope just beyond a kink at the point's edge, and a correct gradient lies
    between the two sides. A side whose slopes still jump about at the
    smallest step (kinks nearer than the loss resolves) is known only to span
    its last :data:`SPAN_STEPS` slopes. None where a side did neither (a smooth
    side, or one the loss does not resolve at all): no evidence either way.
    """
    spans = []
    for sign in (-1.0, 1.0):
        kept = _slopes(oracle, name, j, sign, ceiling)
        if len(kept) < 2:
            return None
        (s0, r0, _), (s1, r1, h1) = kept[-2:]
        if abs(s1 - s0) <= 2.0 * (r0 + r1):
            spans.append((s1, s1, r1, h1, True))
        elif _jumped(kept):
            tail = kept[-SPAN_STEPS:]
            spans.append((min(k[0] for k in tail), max(k[0] for k in tail), max(k[1] for k in tail), h1, False))
        else:
            return None
    return Bracket(
        min(sp[0] for sp in spans),
        max(sp[1] for sp in spans),
        max(sp[2] for sp in spans),
        min(sp[3] for sp in spans),
        spans[0][4] and spans[1][4],
    )
