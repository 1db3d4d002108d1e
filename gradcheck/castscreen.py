"""A tensor a cast loss's noise hides from every real screen, screened by the complex step through the cast.

A loss returned as ``float(...)`` (or ``np.float32(...)``, ``.astype(np.float32)``:
:mod:`gradcheck.throughcast`) refuses the complex step (the cast drops the
imaginary part), so it is checked with real differences. Where a tensor's
directional derivative lies under the loss's rounding (a saturated ``tanh``
output: a gradient of 1e-14 beside a loss of 1), the real screen is blind
(:func:`gradcheck.longer.blind`) at every step, and the tensor ends
``inconclusive``. The cast is the identity at real points, so the loss's
derivative is that of the value before it, which the complex step reads with
no cancellation: :func:`screen` evaluates the loss's twin whose ``float()``
keeps imaginary parts (:mod:`gradcheck.throughcast`).

What it relies on, each measured here:

* the twin is complex-safe: the per-entry probe (:func:`gradcheck.probe.probe_complex_safety`)
  at the largest entry of every tensor, against real estimates on the check's
  reference oracle, and at least one of them must resolve its entry and agree
  (a loss too flat to refute anything proves nothing);
* float64 gradient code is screened as the user computed it; where the screen
  trips on the loss's cancellation (which the complex step inherits) or on the
  code's own rounding, the rule of a complex screen of a cancelling loss decides
  (:func:`gradcheck.widescreen.rounding_accounts`: the step again in
  ``np.clongdouble``, and the code's ``np.longdouble`` run, with its measured rounding);
* float32 gradient code is screened as its float64 run, with float64's
  tolerance, as a float32 loss's twin screen is (:mod:`gradcheck.screens`), that
  run's own rounding told by its ``np.longdouble`` run by the same rule: the
  user's entries differ from it by their rounding, counted in the report's
  rounding note, and a bug is in both.

A screen that passes within its own few ulps passes the tensor; one passed by
that rounding rule only where its miss is also within :func:`_within_reach` (an
entry of a tenth of the largest off by ``rtol`` would show). One that trips
leaves the tensor ``inconclusive`` (its entries cannot be checked one by one by
real differences either); a gradient of zeros trips it.

Once a check passes a tensor this way (:func:`rescued`), its other passes that
real differences resolved only coarsely (:func:`weak`) are screened the same
way (:func:`gradcheck.check._confirmed_through_cast`): a check that ended
``inconclusive`` on the blind tensor did not rest on them; a pass now would.
Checks with no blind tensor, and losses without a cast, are judged as before.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from gradcheck import directional as dr
from gradcheck import numeric as nm
from gradcheck.longer import blind
from gradcheck.probe import probe_complex_safety
from gradcheck.problem import UserFunctionError
from gradcheck.references import EXTENDED_LIMIT, SUBTLE
from gradcheck.throughcast import cast_words, casts, through_cast
from gradcheck.widescreen import count_rounded, rounding_accounts

#: What a failed evaluation of the twin may raise (it is the user's code, differently typed).
_REFUSED = (UserFunctionError, TypeError, ValueError, np.exceptions.ComplexWarning, FloatingPointError)


#: :func:`weak`: a real check that cannot see an entry of a tenth of the tensor's largest off by 1%
#: (:data:`gradcheck.references.SUBTLE`: the smallest error every entry's own rule must catch).
REACH = 0.1 * SUBTLE


def weak(ch, g: np.ndarray, result) -> bool:
    """Did a tensor pass by real differences that would let an entry of a tenth of its largest, off by 1%, through?

    Its screen (``result.directional``: ``analytic`` is ``sum |g_i v_i|``) when
    its tolerance exceeds what such an entry adds to it (its weight ``|v_i|`` taken
    as half the mean), or an entry checked with a tolerance wider than 1% of itself.
    Only on nets small enough for extended arithmetic
    (:data:`gradcheck.references.EXTENDED_LIMIT`): the probe the complex step
    through the cast needs costs a few evaluations per tensor.
    """
    if ch.oracle.problem.size > EXTENDED_LIMIT or not g.size:
        return False
    if not np.any(g):
        return True  # (zeros pass a real screen that cannot resolve the tensor; the complex step reads its derivative)
    largest, total = float(np.max(np.abs(g))), float(np.sum(np.abs(g)))
    screen = result.directional
    if screen and total > 0 and screen["tolerance"] > 0.5 * REACH * largest * screen["analytic"] / total:
        return True
    return any(e.tolerance > SUBTLE * abs(e.analytic) for e in result.worst)


def rescue(ch, name: str, g: np.ndarray):
    """:func:`screen` of a tensor whose real screens are blind; a pass is remembered (:func:`rescued`)."""
    seen = screen(ch, name, g)
    if seen is not None and seen.ok:
        ch._cast_rescued = True
    return seen


def rescued(ch) -> bool:
    """Did the complex step through the cast pass a tensor no real difference resolves, in this check?"""
    return bool(vars(ch).get("_cast_rescued"))


def screen(ch, name: str, g: np.ndarray):
    """The tensor's complex screen through the cast, or None where there is none to take or it is blind too."""
    if ch.complex_safe or g.size == 0:
        return None
    done = vars(ch).setdefault("_cast_screens", {})
    if name not in done:
        done[name] = _screen(ch, name, g)
    return done[name]


def _screen(ch, name: str, g: np.ndarray):
    judged = _judged(ch, name, g)
    oracle = seen_oracle(ch) if judged is not None else None
    if oracle is None:
        return None
    screener, block = dr.Screener(oracle, True, name, judged), np.arange(g.size)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            seen = screener.test(block)
            if not seen.ok and _within_reach(ch, screener, seen) and _accounted(ch, screener, block, seen, g, judged):
                seen = dataclasses.replace(seen, ok=True)
    except _REFUSED:
        return None
    if blind(seen) or not np.isfinite(seen.numeric):
        return None
    if seen.ok and ch.oracle.dtype != np.float64:
        _count_rounding(ch, name, g, judged)
    return seen


def note(ch, name: str, seen, blind_screen: bool = True) -> str:
    """The report's note for a tensor judged by :func:`screen` (after a blind real screen, or a coarse one)."""
    judged, through = judged_as(ch), cast_words(casts(through_cast(ch.oracle.problem.loss_fn)))
    why = (
        "the loss as evaluated does not resolve this tensor's directional derivative by real differences"
        if blind_screen
        else "real differences of the loss resolve this tensor too coarsely to see an entry of a tenth of its "
        "largest off by 1%"
    )
    return (
        f"{name}: {why}; the complex step through {through} reads it as {seen.numeric:.6g}, "
        f"and {judged} gives {seen.analytic:.6g} (tolerance {seen.tolerance:.2g})"
        + (": pass" if seen.ok else ": they differ, inconclusive, not pass")
    )


def judged_as(ch) -> str:
    """Whose gradient :func:`screen` judged, for its note."""
    return "the gradient" if ch.oracle.dtype == np.float64 else "the same gradient code at float64"


def _judged(ch, name: str, g: np.ndarray) -> np.ndarray | None:
    """The gradient the screen judges, flat float64: the user's (float64), or its float64 run (float32); else None."""
    if ch.oracle.dtype == np.float64:
        return g.reshape(-1)
    runs = ch.wide_gradients()
    if name in ch._narrow or not runs or name not in runs[0]:
        return None
    return np.asarray(runs[0][name], dtype=np.float64).reshape(-1)


#: :func:`_within_reach`: a screen passed by the gradient code's rounding (not within its own few ulps)
#: still misses by at most this fraction of ``rtol`` times its largest term ``|g_i v_i|``: an entry of a
#: tenth of the largest off by ``rtol`` (the least error an entry's own check fails) would trip it.
REACH_OF_RTOL = 0.05


def _within_reach(ch, screener, seen) -> bool:
    """Is the screen's miss small enough that no entry's error the check must catch could hide in it?"""
    largest = float(np.max(np.abs(screener.g * screener.v), initial=0.0))
    return abs(seen.analytic - seen.numeric) <= REACH_OF_RTOL * ch.rtol * largest


def _accounted(ch, screener, block, seen, g, judged) -> bool:
    """Is the screen's miss the gradient code's rounding (and the loss's cancellation)? (counted for the note)"""
    if not rounding_accounts(ch, screener, block, seen, _runs(ch, screener.name, judged)):
        return False
    if ch.oracle.dtype == np.float64:  # (the user's own entries were judged; a float32 code's run is counted after)
        count_rounded(ch, screener, block)
    return True


def _runs(ch, name: str, judged: np.ndarray):
    """``rounding_accounts``' runs for a float32 code's float64 run (None: the user's own, float64)."""
    if ch.oracle.dtype == np.float64:
        return None
    runs = ch.wide_gradients()
    if len(runs) < 2 or name not in runs[-1]:
        return (judged, judged, 1.0)  # (no np.longdouble run: nothing to account for the float64 run's rounding)
    ratio = float(ch._wide_eps[-1]) / float(ch._wide_eps[0])
    return judged, np.asarray(runs[-1][name], dtype=np.float64).reshape(-1), ratio


def seen_oracle(ch):
    """The float64 oracle of the loss seen through its cast, once per check; None where unavailable or unsafe."""
    if "_cast_oracle" not in vars(ch):
        ch._cast_oracle = _made(ch)
    return ch._cast_oracle


def _made(ch):
    seen = ch.oracle.problem.seen_through()
    if seen is None:
        return None
    try:
        oracle = nm.Oracle(seen.widened())
    except _REFUSED:
        return None
    ch.count_oracle(oracle)
    entries = [(n, int(np.argmax(np.abs(v.reshape(-1))))) for n, v in ch.analytic.items() if v.size]
    reason = ch.on_reference(lambda ref: probe_complex_safety(oracle, entries, ref, shown=True))
    return oracle if reason is None else None


def _count_rounding(ch, name: str, g: np.ndarray, wide: np.ndarray) -> None:
    """Count the user's entries off their wider run by more than ``rtol`` (the report's rounding note)."""
    flat = np.asarray(g, dtype=np.float64).reshape(-1)
    size = np.maximum(np.maximum(np.abs(flat), np.abs(wide)), ch.analytic_floor)
    off = int(np.count_nonzero(np.abs(flat - wide) > ch.rtol * size))
    if off:
        ch.rounded[name] = ch.rounded.get(name, 0) + off
