"""A tripped screen judged against the user's gradient code run at ``np.longdouble``: rounding, or not.

Where float64 gradient code rounds every entry by far more than a few ulps
(``p * (1 - p)`` and ``1 - p + eps`` of a saturated sigmoid, ``1 - a**2`` of a
saturated tanh), every directional screen of the tensor trips, and a search
for the wrong entries finds every entry off by its own rounding: it checks
them one by one, each with a second opinion, until the check's evaluation
budget is spent and the tensors it did not reach are left inconclusive.

The same code at ``np.longdouble`` tells the two apart over a whole block at
once, as it does entry by entry (:meth:`gradcheck.references.References._rounded`):
a bug is in both runs alike, rounding only in the narrower one. A tripped
block is accounted for by rounding when

* the wider run agrees with the loss's directional derivative over the block,
  ``|sum gw_i v_i - N| <= T + SAFETY sum |v_i| w_i`` (``T`` the screen's own
  tolerance, ``w_i`` the wider run's own rounding, taken as the square root of
  the eps ratio times ``|g_i - gw_i|``, as entry by entry);
* the narrower run's excess is what its measured rounding allows,
  ``|sum g_i v_i - N| <= T + SAFETY sum |v_i| |g_i - gw_i|``;
* the wider run's miss is :data:`gradcheck.references.SHRINK` times smaller than
  the narrower one's, and within :data:`gradcheck.references.SHRINK_CAP` of the
  block's largest term ``|g_i v_i|``: the bound an entry's own rule keeps on what is
  left of its miss at ``np.longdouble`` (:func:`gradcheck.references._shrinks`), here
  for the block's largest entry. A bug is in the wider run's miss whole: one entry off
  by more than that bound, relative to the largest, trips the rule.

float64 gradient code only (float32 code rounds a saturated ``1 - p`` to 0
outright, and its float64 run alone tells rounding from a bug, entry by entry).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck import directional as dr
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY
from gradcheck.references import SHRINK, SHRINK_CAP


def _runs(ch, names) -> tuple[np.ndarray, np.ndarray, float] | None:
    """``(g, g_wide, eps ratio)`` over ``names`` (float64 code and its np.longdouble run), or None."""
    if ch.oracle.dtype != np.float64:
        return None
    wides = ch.wide_gradients()
    if not wides or any(n not in wides[-1] or n not in ch.analytic for n in names):
        return None

    def flat(grads) -> np.ndarray:
        return np.concatenate([np.asarray(grads[n], np.float64).reshape(-1) for n in names])

    g, gw = flat(ch.analytic), flat(wides[-1])
    if g.shape != gw.shape or not (np.all(np.isfinite(g)) and np.all(np.isfinite(gw))):
        return None
    return g, gw, float(ch._wide_eps[-1]) / float(np.finfo(np.float64).eps)


def rounding_accounts(ch, screener, block: np.ndarray, screen, runs=None) -> bool:
    """Is ``screen``'s excess over ``block`` the float64 gradient code's rounding? (see the module docstring)

    A complex-step screen of a loss that cancels (``log(1 - p)`` at ``p`` near
    1) inherits the cancellation's relative error, which its tolerance does not
    hold; where the wider gradient misses it, the screen is measured once more
    by the complex step in extended precision (:func:`extended_screen`, one
    evaluation) and judged again: it passes there, or the rule above accounts for it.
    ``runs``: ``(g, g_wide, eps ratio)`` of a float64 run other than the user's
    (a float32 gradient code's float64 run and its np.longdouble one), flat.
    """
    names = getattr(screener, "names", (screener.name,))
    runs = _runs(ch, names) if runs is None else runs
    if runs is None or runs[0].size != screener.g.size:
        return False
    if _accounts(screener, block, screen, *runs):
        return True
    wider = extended_screen(screener, block, screen)
    if wider is None:
        return False
    # measured without the loss's cancellation, the screen may simply pass: the gradient was right
    if abs(screen.analytic - wider.numeric) <= wider.tolerance:
        if EXTENDED_NOTE not in ch.notes:
            ch.notes.append(EXTENDED_NOTE)
        return True
    return _accounts(screener, block, wider, *runs)


EXTENDED_NOTE = (
    "some complex-step screens tripped on the loss's own cancellation (log(1 - p) or 1 - p + eps at p near 1, which "
    "the complex step inherits): measured again in extended precision (np.clongdouble), they agree with the gradient"
)


def extended_screen(screener, block: np.ndarray, screen):
    """``screen`` measured again by the complex step in ``np.clongdouble`` (1 evaluation), or None.

    Its error is the float64 screen's gap to it shrunk by the square root of
    the eps ratio (:func:`gradcheck.directional.inherited_error`), plus the
    complex step's few ulps at that precision.
    """
    o = screener.oracle
    if not screener.complex_safe or o.extended or np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
        return None
    moves = screener._moves(block)
    moved = {}
    for name, w in o.work.items():
        c = np.empty(w.shape, np.clongdouble)
        c.real = w
        c.imag = nm.COMPLEX_STEP * moves[name] if name in moves else 0.0
        moved[name] = c
    value = nm.extended_complex_slope(o, moved)
    if value is None:
        return None
    error = dr.inherited_error(value, screen.numeric) + nm.COMPLEX_ULPS * float(np.finfo(np.longdouble).eps) * (
        screen.scale or abs(value)
    )
    return dataclasses.replace(screen, numeric=value, error=error, tolerance=SAFETY * error)


def _accounts(screener, block: np.ndarray, screen, g: np.ndarray, gw: np.ndarray, ratio: float) -> bool:
    v = np.abs(screener.v[block])
    rounding = np.abs(g[block] - gw[block])
    own = SAFETY * float(np.sum(v * np.sqrt(ratio) * rounding))
    wide_off = abs(float(np.dot(gw[block], screener.v[block])) - screen.numeric)
    narrow_off = abs(float(np.dot(g[block], screener.v[block])) - screen.numeric)
    largest = float(np.max(np.abs(g[block] * screener.v[block]), initial=0.0))
    return bool(
        wide_off <= screen.tolerance + own
        and SHRINK * wide_off <= narrow_off <= screen.tolerance + SAFETY * float(np.sum(v * rounding))
        and wide_off <= SHRINK_CAP * largest
    )


def count_rounded(ch, screener, block: np.ndarray) -> None:
    """Count the block's entries the float64 code rounds by more than ``rtol`` (the check's rounding note)."""
    names = getattr(screener, "names", (screener.name,))
    g, gw, _ = _runs(ch, names)
    off = np.abs(g[block] - gw[block]) > ch.rtol * np.abs(gw[block])
    parts = screener.split(block[off]) if isinstance(screener, dr.GroupScreener) else {screener.name: block[off]}
    for n, part in parts.items():
        if part.size:
            ch.rounded[n] = max(ch.rounded.get(n, 0), int(part.size))  # a tensor screened again is not counted twice
