"""Which directional screens judge a check, cheapest first.

``plan`` returns, per tensor, the screener that judges it, the screen already
measured (None: the tensor's own screen is still to run) and the evaluations
it cost. The order of the work:

complex-safe losses
    The combined complex-step screen of every tensor (kept from the
    complex-safety probe: no evaluation of its own). Where it trips, the loss's
    noise is measured: a float64 loss computed by cancellation (a saturated
    ``log(1 - p)``) passes its cancellation on to the complex step, and such a
    loss is screened again as its extended-precision twin, the user's gradient
    code run at ``np.longdouble`` against the complex step in
    ``np.clongdouble``, whose error is measured from its gap to the float64 one.
    A float32 loss is always screened as its float64 twin.
other losses
    One real screen through every tensor, judged first with the rounding model
    (a model that understates the noise only makes a screen stricter), then,
    if it trips, with the loss's noise measured quickly (no extended
    evaluation), from the same evaluations. Where it still trips, or passes
    only within the noise of a noisy loss small enough for its extended twin
    (a saturated ``log(1 - p)`` behind a ``float()`` cast), the noise is
    measured in full, the twin chosen, and a real screen run per large tensor
    (the small ones share one). Past :data:`ONE_SCREEN_LIMIT` parameters the
    noise is measured first, then one screen runs through every tensor with
    each moved as far as on its own screen (:func:`_merged_first`); the own
    screens run where it trips.

Where a twin judged the gradient code at wider precision, the user's own
gradient is tied to it entry by entry afterwards (:func:`tie_to_twin`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck import directional as dr
from gradcheck import numeric as nm
from gradcheck.problem import UserFunctionError
from gradcheck.references import EXTENDED_LIMIT
from gradcheck.screened import check_directional


def plan(ch, analytic: Mapping[str, np.ndarray]) -> dict[str, tuple[Any, Any, int]]:
    """Per tensor: ``(screener, screen or None, evaluations spent on it)``."""
    if ch.complex_safe:
        return _complex_plan(ch, analytic)
    return _real_plan(ch, analytic)


def _complex_plan(ch, analytic) -> dict[str, tuple[Any, Any, int]]:
    twin = ch.twin()
    if twin is not None:
        # float32: the screens judge the same gradient code at float64 against the float64 loss,
        # with float64's tolerance (at float32's, one entry off by 1e-2 hides in a tensor of a
        # few hundred); the entries they point to are then checked as the user computed them
        ref, wide = twin
        combined = dr.Combined(ref, wide, shadow=ch.oracle if ref.extended else None)
        whole = combined.test()
        if not whole.ok and not ref.extended:
            combined, whole = _deeper_combined(ch, ref, combined, whole)
    else:
        combined, whole = ch.combined if ch.combined is not None else (dr.Combined(ch.oracle, analytic), None)
        whole = whole if whole is not None else combined.test()
        if not whole.ok:
            combined, whole = _extended_combined(ch, combined, whole)
    if whole.ok:
        return {n: (combined.screeners[n], whole, 0) for n in analytic}
    return {n: (combined.screeners[n], screen, spent) for n, (screen, spent) in combined.split(whole).items()}


def _extended_combined(ch, combined, whole):
    """The combined screen again as the extended-precision twin, where the loss proved noisy."""
    ch.measure_noise()
    if not ch.noisy:
        return combined, whole
    twin = ch.twin()
    if twin is None or not twin[0].extended:
        return combined, whole
    wide = dr.Combined(twin[0], twin[1], shadow=ch.oracle)
    return wide, wide.test()


def _deeper_combined(ch, ref, combined, whole):
    """A float32 loss's combined screen, tripped on its float64 twin, again one precision wider.

    The float64 twin of a float32 loss computed by cancellation (a saturated
    ``tanh`` feeding ``log(p + 1e-8)``) passes the cancellation on to its
    complex step, and its gradient code rounds ``1 - a**2`` alike: the combined
    screen trips on every tensor, and the searches and second opinions that
    follow checked 1,000 entries one by one (5,264 evaluations, 121 s, on a
    correct net of 49,179 parameters). The same screen at ``np.longdouble``
    (the gradient code there, the complex step in ``np.clongdouble``, its error
    measured from its gap to the float64 one) is 2048 times quieter; where it
    trips, its per-tensor screens and searches stay at that precision (each
    evaluation ~50 float64 ones, far fewer than the float64 twin's searches
    through tensors its cancellation trips on).
    """
    wides = ch.wide_gradients()
    problem = ref.problem.extended() if len(wides) > 1 and ch.oracle.problem.size <= EXTENDED_LIMIT else None
    if problem is None or set(wides[-1]) != set(combined.screeners):
        return combined, whole
    try:
        ext = nm.Oracle(problem, step_dtype=np.float64)
    except (UserFunctionError, TypeError, ValueError):
        return combined, whole
    ch.count_oracle(ext)
    wide = dr.Combined(ext, wides[-1], shadow=ref)
    return wide, wide.test()


def _real_plan(ch, analytic) -> dict[str, tuple[Any, Any, int]]:
    low = np.finfo(ch.oracle.dtype).bits < 64
    oracle, grads = (ch.twin() or (ch.oracle, analytic)) if low else (ch.oracle, analytic)
    flats = {n: grads[n].reshape(-1) for n in analytic}
    if _past_one_screen(ch, oracle, flats):
        ch.measure_noise(quick=True)
        return _merged_first(oracle, flats)
    group = dr.GroupScreener(oracle, flats)
    before = oracle.noise
    whole = _whole_real(group)
    if not whole.ok and ch.noise is None and oracle is ch.oracle:
        ch.measure_noise(quick=True)  # the same evaluations, judged with the noise they carry
        whole = group.rejudge(whole, ch.oracle.noise - before)
    if whole.ok and not (ch.noisy and ch.quieter_twin()):
        group.results = {n: ([], whole, []) for n in analytic}
        judged = {n: (group, whole, 0) for n in analytic}
        # tensors the whole screen is too coarse for (a large net, a noisy loss) get screens of their own
        coarse = dr.coarse(group, whole)
        return {**judged, **_real_screeners(oracle, {n: flats[n] for n in coarse})} if coarse else judged
    # tripped, or passed only within the noise of a loss that has a quieter twin to screen instead
    ch.measure_noise()
    twin = ch.twin()
    oracle, grads = twin if twin is not None else (ch.oracle, analytic)
    return _real_screeners(oracle, {n: grads[n].reshape(-1) for n in analytic})


#: Parameters from which a real screen through all of them is not tried (see :func:`_past_one_screen`).
ONE_SCREEN_LIMIT = 1.0 / dr.REAL_REACH


def _past_one_screen(ch, oracle, flats) -> bool:
    """Too many entries for one real screen moving all of them alike: the noise is measured, then :func:`_merged_first`.

    A typical entry of a direction through more than :data:`ONE_SCREEN_LIMIT`
    entries holds less than :data:`gradcheck.directional.REAL_REACH` of it. On
    the 335,114-parameter user-form net (784-256-256-256-10, ``float()`` cast)
    that screen's 8 evaluations left every tensor coarse
    (:func:`gradcheck.directional.coarse`) even at the smallest error any step
    gives, and each tensor (the small ones together) got a screen of its own
    after the noise was measured. One screen moving each tensor as far as its
    own screen would (:func:`_merged_first`) sees each entry as those do.
    """
    total = sum(g.size for g in flats.values())
    return oracle is ch.oracle and ch.noise is None and total > ONE_SCREEN_LIMIT


#: A merged screen (:func:`_merged_first`) judges its tensors only where its truncation is at most
#: this share of its rounding: its error is then within a quarter of the noise-bound error that
#: the tensors' own screens, moving every entry as far, could reach at best.
MERGED_TRUNCATION = 0.25


def _merged_first(oracle, flats: Mapping[str, np.ndarray]) -> dict[str, tuple[Any, Any, int]]:
    """One real screen through every tensor, each moved as on its own screen; the own screens where it falls short.

    The tensors' own screens (:func:`_real_screeners`) are each as precise as the
    loss's noise over their step allows, and a direction through all of them, each
    entry moved as far (:class:`gradcheck.directional.MergedScreener`), is too,
    where its truncation stays within :data:`MERGED_TRUNCATION` of its rounding: on
    the 335,114-parameter user-form net, 10 evaluations where the own screens took
    32, their tolerance within 5%. Where it trips, or its truncation is larger, the
    own screens judge (10 evaluations spent for nothing).
    """
    small = _small(flats)
    largest = {n: max(1.0, float(np.max(np.abs(oracle.flat[n]), initial=0.0))) for n in flats}
    shared = max((largest[n] for n in small), default=1.0)
    factors = {n: shared if n in small else largest[n] for n in flats}  # (the step factor of each one's own screen)
    merged = dr.MergedScreener(oracle, flats, factors)
    whole = merged.test(dr.every(merged.g.size), retry=False)
    if not whole.ok or whole.truncation > MERGED_TRUNCATION * (whole.error - whole.truncation):
        return _real_screeners(oracle, flats)
    merged.results = {n: ([], whole, []) for n in flats}
    return {n: (merged, whole, 0) for n in flats}


def _whole_real(group):
    """The real screen through every tensor, retried at a smaller step where truncation dominates the first.

    (Through more than :data:`ONE_SCREEN_LIMIT` entries no such screen is tried at all:
    :func:`_past_one_screen`.)
    """
    every = dr.every(group.g.size)
    first = group.test(every, retry=False)
    if not dr.wants_retry(first.truncation, first.error - first.truncation):
        return first
    return group.retest(every)


def _real_screeners(oracle, flats: Mapping[str, np.ndarray]) -> dict[str, tuple[Any, Any, int]]:
    """A real screen per large tensor; the small ones (``GROUP_SHARE`` of the parameters) share one."""
    small = _small(flats)
    group = dr.GroupScreener(oracle, {n: flats[n] for n in small}) if small else None
    return {
        n: (group if group is not None and n in small else dr.Screener(oracle, False, n, g), None, 0)
        for n, g in flats.items()
    }


def _small(flats: Mapping[str, np.ndarray]) -> list[str]:
    """The tensors :func:`_real_screeners` screens together (none where only one is that small)."""
    total = sum(g.size for g in flats.values())
    small = [n for n, g in flats.items() if g.size < dr.GROUP_SHARE * total]
    return small if len(small) > 1 else []


#: Entries per tensor that :func:`tie_to_twin` checks one by one, largest difference first.
TIE_LIMIT = 16


def tie_to_twin(ch, name: str, g: np.ndarray, checked: set[int]) -> np.ndarray:
    """Entries of the user's gradient to check one by one, after a twin's screens judged the wider run.

    The screens judged the user's gradient code run at wider precision; the
    user's own result differs from it by its rounding. A difference is taken
    as rounding without a look only where it is of rounding size: within
    ``rtol``, on an entry below what the loss as evaluated resolves
    (:meth:`Checker.resolution`), or within :data:`gradcheck.floors.ANALYTIC_ULPS`
    ulps of the gradient's largest entry times the loss's measured excess over
    the rounding model (the cancellation the gradient code shares with the
    loss). Larger differences are checked as the user computed them, the
    largest :data:`TIE_LIMIT` of them (a second opinion then tells rounding from
    a bug, :meth:`gradcheck.opinions.Checker._rounded`); an error of 1% on one
    entry is among them unless that many entries round by more. The rest are
    counted as rounding for the note. ``checked``: flat indices already checked.
    """
    twin = ch.twin_gradient()
    if twin is None or name not in twin:
        return np.array([], dtype=int)
    gw = twin[name].reshape(-1)
    flat = g.reshape(-1)
    diff = np.abs(flat - gw)
    size = np.maximum(np.abs(flat), np.abs(gw))
    off = diff > ch.rtol * np.maximum(size, ch.analytic_floor)
    excess = max(1.0, ch.noise.excess) if ch.noise is not None else 1.0
    rounding = off & ((size <= ch.resolution()) | (diff <= excess * ch.analytic_floor))
    suspects = np.array([j for j in np.flatnonzero(off & ~rounding) if int(j) not in checked], dtype=int)
    suspects = suspects[np.argsort(-diff[suspects], kind="stable")]
    fresh = [j for j in np.flatnonzero(rounding) if int(j) not in checked] + suspects[TIE_LIMIT:].tolist()
    if fresh:
        ch.rounded[name] = ch.rounded.get(name, 0) + len(fresh)
    return np.sort(suspects[:TIE_LIMIT])


__all__ = ["check_directional", "plan", "tie_to_twin"]
