"""Entries a tripped block points to that their own checks leave unresolved, measured by a screen of one entry.

A search (:mod:`gradcheck.search`) ends in leaves of a few entries, each
checked one by one (:func:`gradcheck.entries.check_entries`) at the step of
a per-entry estimate. Where the loss is noisy (a float32 forward summed with
``math.log`` in a python loop, a loss behind a ``float()`` cast) that step
leaves each entry's error bar far wider than the screen that tripped: the
entries pass within it or stay ``inconclusive``, and the leaf's excess is left
unexplained although the screen resolves it. Measured on a 41,409-parameter
float32 net (tanh, sigmoid output, BCE in a python loop) with its output bias
sign-flipped: the leaf's screen read -0.092 of it where the gradient says
+0.092, and the per-entry estimate of that bias was -0.071 +/- 0.065
(``inconclusive``); the check ended inconclusive, the bug unnamed.

The leaf's screen restricted to one entry chooses its step for the loss's
measured noise (:func:`gradcheck.along.real_along`): its estimate of
``g_i v_i``, divided by ``v_i``, is an estimate of the entry with the error it
states (on that net: -0.0915 +/- 0.0019), once it reads the same at a quarter
of the step with no kink at the point (:func:`_smooth`: a jump at the point
was failed without it). :func:`sharpen` measures the open
blocks' unresolved entries so and judges each by the per-entry rule
(:meth:`gradcheck.floors.Floors.judge`, the entry's own floors). The sharper
estimate replaces the first only where it says more: a sharp pass, or a
``fail`` that agrees with the first estimate within both error bars (the
first look is its second opinion; two estimates that disagree leave the
entry ``inconclusive``). Real screens only: a complex-step leaf's entries are
checked by the complex step already.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck import numeric as nm
from gradcheck.along import extrapolated_along, real_along
from gradcheck.compare import SAFETY, scale_floor
from gradcheck.directional import GroupScreener

#: Entries one call of :func:`sharpen` measures at most (each costs 20 to 28 evaluations).
SHARPEN_LIMIT = 16
#: :func:`_smooth` measures the entry again at the step divided by this.
STEADY_SHRINK = 4.0


def sharpen(ch, screener, blocks: list, found: dict) -> dict:
    """Evidence of ``found`` that a one-entry screen resolves, replaced (flat indices of ``screener``).

    ``blocks``: the open ``(block, screen)`` pairs whose entries to look at;
    ``found``: the evidence so far, per flat index of ``screener``.
    Returns only the replaced evidence.
    """
    if screener.complex_safe:
        return {}
    wanted = [int(i) for b, _ in blocks for i in b if int(i) in found and found[int(i)].status == "inconclusive"]
    out = {}
    for i in sorted(set(wanted), key=lambda i: -abs(screener.g[i]))[:SHARPEN_LIMIT]:
        if ch.budget_spent():
            break
        better = _judged(ch, screener, i, found)
        if better is not None:
            out[i] = better
    return out


def _judged(ch, screener, i: int, found: dict):
    """The one-entry screen's estimate of entry ``i`` judged by the per-entry rule, or None where it says no more."""
    first = found[i]
    name, j = _tensor_of(screener, i)
    if ch.left_by_kinks(name, j):
        # kinks inside every step of its second opinion, down to the loss's rounding: this step, no smaller, crosses
        # them too, and kinks in bulk read steady from one step to the next (ReLU at weights 1.4e-3, 197 samples:
        # 1.35e-8 +/- 3e-10 at the step and a quarter of it, where the gradient, right, is 1.14e-8)
        return None
    v = float(screener.v[i])
    block = np.array([i])
    moves = screener._moves(block)
    along = real_along(screener.oracle, moves, screener._largest(block))
    if v == 0.0 or not np.isfinite(along.value) or not _smooth(screener.oracle, moves, along):
        return None
    n, err = along.value / v, along.error / abs(v)
    g = np.array([first.analytic])
    others = [e.numeric for k, e in found.items() if _tensor_of(screener, k)[0] == name and np.isfinite(e.numeric)]
    tensor_floor = scale_floor(np.array([*others, n]), ch.oracle.dtype)
    floor = ch.entry_floors(name, np.array([j]), g, tensor_floor, False)
    jd = ch.judge(g, np.array([n]), np.array([err]), floor)
    if bool(jd.ok[0]):
        if not bool(jd.sharp[0]) or bool(jd.weak[0]):
            return None
        status = "pass"
    else:
        if _bracketed(first):
            return None
        status = _failed(ch, name, j, first, n, err, float(floor[0]) if np.ndim(floor) else float(floor))
        if status is None:
            return None
    return dataclasses.replace(
        first,
        numeric=float(n),
        numeric_error=float(err),
        abs_error=float(jd.abs_error[0]),
        rel_error=float(jd.rel_error[0]),
        tolerance=float(jd.tolerance[0]),
        status=status,
        estimator="directional",
    )


def _smooth(o, moves, along) -> bool:
    """Is the entry's directional derivative the same at a quarter of the step, with no kink at the point?

    A discrepancy of the gradient is the same at every step; a jump at the point reads as ``1 / h``
    (a loss with ``(w > c)`` at ``w = c``), and kinks crossed by the step move the reading from one
    step to the next. At a kink at the point itself the central differences are the average of
    the one-sided slopes at every step, steady: there the gap between those slopes, which curvature
    shrinks with the step and a kink keeps, decides (12 evaluations in all).
    """
    again = extrapolated_along(o, moves, along.step / STEADY_SHRINK)
    if not np.isfinite(again.value) or abs(again.value - along.value) > SAFETY * (again.error + along.error):
        return False
    gaps = []
    for h in (along.step, along.step / STEADY_SHRINK):
        Lp, Lm, L0 = o.loss_along(moves, h), o.loss_along(moves, -h), float(o.L0)
        rounding = (o.u * (abs(Lp) + abs(Lm) + 2 * abs(L0)) + 4 * o.noise) / h
        gaps.append((abs((Lp - L0) / h - (L0 - Lm) / h), rounding))
    (wide, wide_rounding), (narrow, rounding) = gaps
    if wide > SAFETY * wide_rounding and wide / STEADY_SHRINK < SAFETY * rounding:
        # a gap at the step that the narrower step cannot resolve shrinking: a kink crossed is not ruled out
        # (ReLU at weights 1e-3, 256 samples: slopes -8.3e-9 and 3.7e-10 at the step, the gradient 2.6e-10)
        return False
    # curvature's gap falls with the step (STEADY_SHRINK-fold); a kink's stays
    return not (narrow > 2.0 * wide / STEADY_SHRINK and narrow > SAFETY * rounding)


def _bracketed(first) -> bool:
    """Do the entry's one-sided slopes (its first look's, within its error) bracket the gradient?

    Then kinks around the point explain the miss (:mod:`gradcheck.secondopinion`), and a screen whose
    step crosses them cannot fail it: on a zero-bias ReLU net at weights 3e-3 the one-entry screen read
    1.0e-7 at its step and at a quarter and a 64th of it, where the slopes on both sides, and the gradient, are
    5.59e-8.
    """
    sides = [s for s in (first.left, first.right) if s is not None and np.isfinite(s)]
    if len(sides) != 2:
        return False
    slack = first.numeric_error if np.isfinite(first.numeric_error) else 0.0  # the slopes' own error bar
    return min(sides) - slack <= first.analytic <= max(sides) + slack


def _failed(ch, name: str, j: int, first, n: float, err: float, floor: float) -> str | None:
    """``fail`` or ``pass`` (the gradient code's rounding) for an entry the one-entry screen misses, else None.

    As for any failing entry (:meth:`gradcheck.secondopinion.SecondOpinions.second_opinion`): the
    first estimate must agree with the sharper one within both error bars; below what a loss computed
    by cancellation resolves no real difference decides; and the same gradient code run at wider
    precision tells its own rounding from a bug (:meth:`gradcheck.references.References._rounded`):
    a saturated softmax whose ``p - y`` rounds every entry of 1e-17 by 100% is rounding, not a bug; and
    one-sided slopes at steps inside the kinks around the point that bracket the gradient
    (:meth:`gradcheck.secondopinion.SecondOpinions._inside_small_steps`) leave it ``kink`` or, noted,
    ``inconclusive`` (None: the first look stands).
    """
    if first.numeric == 0.0 and first.numeric_error == 0.0:
        return None  # the loss did not move at all along the entry: stairs wider than its step
    if abs(n - first.numeric) > SAFETY * (err + first.numeric_error):
        return None
    if ch._cancels() and max(abs(first.analytic), abs(n)) <= ch.resolution():
        return None
    sharper = nm.Estimate(n, err, "directional")
    rounded = ch._rounded(name, j, first.analytic, sharper, floor)
    if rounded is None:
        return None
    if rounded:
        return "pass"
    # kinks a step's length away read steady at this step and a quarter of it when both cross them (a zero-bias
    # leaky-ReLU net at weights 6.6e-3: 2.70e-5 at both, where the slopes inside the kinks, 1e-7 either side,
    # and the gradient are 2.496e-5): the one-sided slopes at steps as short as the miss allows decide
    status, _ = ch._inside_small_steps(name, j, first.analytic, sharper)
    return None if status == "inconclusive" else status


def _tensor_of(screener, i: int) -> tuple[str, int]:
    """The tensor and its flat index of the screener's flat index ``i``."""
    if isinstance(screener, GroupScreener):
        for n in screener.names:
            start = int(screener.starts[n])
            if start <= i < start + int(screener.sizes[n]):
                return n, i - start
    return screener.name, i
