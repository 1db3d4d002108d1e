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
    (the small ones share one).

Where a twin judged the gradient code at wider precision, the user's own
gradient is tied to it entry by entry afterwards (:func:`tie_to_twin`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck import directional as dr
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY
from gradcheck.entries import check_entries
from gradcheck.floors import ANALYTIC_ULPS
from gradcheck.longer import longer_step
from gradcheck.problem import UserFunctionError
from gradcheck.references import EXTENDED_LIMIT
from gradcheck.search import LEAF_SIZE, Search, accounted
from gradcheck.widescreen import count_rounded, rounding_accounts


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
        return _real_screeners(oracle, flats)
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
    """Too many entries for one real screen through all of them: each tensor is screened at once.

    A typical entry of a direction through more than :data:`ONE_SCREEN_LIMIT`
    entries holds less than :data:`gradcheck.directional.REAL_REACH` of it. On
    the 335,114-parameter user-form net (784-256-256-256-10, ``float()`` cast)
    that screen's 8 evaluations left every tensor coarse
    (:func:`gradcheck.directional.coarse`) even at the smallest error any step
    gives, and each tensor (the small ones together) got a screen of its own
    after the noise was measured; the same screens now run without it. Where it
    tripped, they ran too (:func:`_real_plan`): the verdicts rest on the same screens.
    """
    total = sum(g.size for g in flats.values())
    return oracle is ch.oracle and ch.noise is None and total > ONE_SCREEN_LIMIT


def _whole_real(group):
    """The real screen through every tensor, retried at a smaller step where truncation dominates the first.

    (Through more than :data:`ONE_SCREEN_LIMIT` entries no such screen is tried at all:
    :func:`_past_one_screen`.)
    """
    every = np.arange(group.g.size)
    first = group.test(every, retry=False)
    if not dr.wants_retry(first.truncation, first.error - first.truncation):
        return first
    return group.retest(every)


def _real_screeners(oracle, flats: Mapping[str, np.ndarray]) -> dict[str, tuple[Any, Any, int]]:
    """A real screen per large tensor; the small ones (``GROUP_SHARE`` of the parameters) share one."""
    total = sum(g.size for g in flats.values())
    small = [n for n, g in flats.items() if g.size < dr.GROUP_SHARE * total]
    group = dr.GroupScreener(oracle, {n: flats[n] for n in small}) if len(small) > 1 else None
    return {
        n: (group if group is not None and n in small else dr.Screener(oracle, False, n, g), None, 0)
        for n, g in flats.items()
    }


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


# ------------------------------------------------------------------ checking by screens
def check_directional(ch, name: str, g: np.ndarray, rng, samples: int, screener=None, whole=None):
    """Judge one tensor by its screen; search and check entries only where it trips.

    Returns ``(evidence, screen, unexplained)``: the entries checked, the
    screen that judged the tensor, and the tripped blocks (of the tensor's own
    flat indices) whose excess the entries checked do not account for
    (:mod:`gradcheck.search`). A screener shared by several tensors (a
    :class:`gradcheck.directional.GroupScreener`) is searched once, for the
    first of them.
    """
    evidence, screen, unexplained = _check_directional(ch, name, g, rng, samples, screener, whole)
    if not evidence and not unexplained and screen.ok and len(screen.tensors) > 1:
        own = dr.Screener(ch.oracle, ch.complex_safe, name, g.reshape(-1))
        if own.sums(np.arange(g.size))[1] < screen.tolerance:
            # a screen through several tensors allows more than this one's whole part (a first layer
            # of 1e-8 entries beside a last of 1e-2; or its gradient returned as zeros, the bug): it
            # would pass whatever this tensor's gradient is; the tensor's own screen judges it
            evidence, screen, unexplained = _check_directional(ch, name, g, rng, samples, own)
    if name in ch.floored and not unexplained:
        ch.notes.append(floor_note(ch, name, g))
    if not evidence and not unexplained and blind(screen) and name not in ch.stepped:
        largest = float(np.max(np.abs(g), initial=0.0))
        if largest <= ch.rtol * ch.analytic_floor and (largest > 0.0 or screen.numeric == 0.0):
            # (a gradient of exact zeros where the loss does move along the tensor is not under the floor)
            # every entry within one entry's tolerance at the floor each entry is judged against one by one:
            # a gradient of zeros passes there too, and so would any error of these entries
            ch.notes.append(floor_note(ch, name, g))
        elif not blind(longer := longer_step(ch, name, screener, screen)):
            screen = longer
        else:
            ch.notes.append(blind_note(name, screen, ch.complex_safe))
            screen = dataclasses.replace(screen, ok=False)
    elif not evidence and not unexplained and not screen.ok:
        ch.notes.append(
            f"{name}: its directional screen differs from the gradient by {abs(screen.analytic - screen.numeric):.2g} "
            f"(tolerance {screen.tolerance:.2g}) and no entry of it was checked: inconclusive, not pass"
        )
    return evidence, screen, unexplained


def floor_note(ch, name: str, g: np.ndarray) -> str:
    """The note of a tensor whose screen only the gradient code's rounding floor accounted for."""
    return (
        f"{name}: its gradient (largest entry {float(np.max(np.abs(g), initial=0.0)):.2g}) lies below the rounding "
        f"of the gradient code ({ANALYTIC_ULPS:g} ulps of the gradient's largest entry, {ch.analytic_floor:.2g}): "
        "the units behind it are saturated or dead, and it is checked only to that floor, as every entry is"
    )


#: A screen that passes with a tolerance above this fraction of ``sum |g_i v_i|`` says nothing
#: about the tensor: at 1, a gradient of zeros would pass it. (Below it, a pass stands, and the
#: ``loss_ill_conditioned`` diagnosis states the smallest relative error the check could see.)
BLIND = 1.0


def blind(screen) -> bool:
    """Did ``screen`` pass only because its tolerance dwarfs what it measures? (a loss too noisy to resolve it)"""
    # (a gradient of zeros has no scale of its own: what the screen measured stands in for it)
    scale = max(screen.scale, abs(screen.numeric))
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


def _check_directional(ch, name: str, g: np.ndarray, rng, samples: int, screener=None, whole=None):
    g_flat = g.reshape(-1)
    screener = screener if screener is not None else dr.Screener(ch.oracle, ch.complex_safe, name, g_flat)
    how = "complex step" if ch.complex_safe else "richardson extrapolation"
    note = f"directional screens (sign-aligned directions, {how}); entries checked where a screen tripped"
    if note not in ch.notes:
        ch.notes.append(note)
    if isinstance(screener, dr.GroupScreener):
        if not screener.results:
            whole = whole if whole is not None else screener.test(np.arange(screener.g.size))
            screener.results = _searched_group(ch, screener, whole, rng, samples)
        return screener.results[name]
    whole = whole if whole is not None else screener.test(np.arange(g.size))
    if whole.ok:
        return [], whole, []
    if rounding_accounts(ch, screener, np.arange(g.size), whole):  # gradcheck.widescreen
        count_rounded(ch, screener, np.arange(g.size))
        return [], _cleared(whole), []
    method = "complex" if ch.complex_safe else None

    def check(idx: np.ndarray) -> dict[int, Any]:
        return dict(zip(idx.tolist(), check_entries(ch, name, idx, g_flat, g.shape, method)))

    found, unexplained = _searched(ch, screener, whole, rng, samples, check)
    if unexplained and not any(e.status == "fail" for e in found.values()):
        unexplained = _within_code_rounding(ch, screener, unexplained, found)
        unexplained = _wider_run_accounts(ch, screener, unexplained)
        unexplained = _through_kinks(ch, screener, unexplained)
    # nothing checked and nothing left unexplained: the search accounted for the trip (halves that
    # pass and add up to the whole), as a group screen's search does (:func:`_searched_group`)
    whole = whole if (found or unexplained) else _cleared(whole)
    return list(found.values()), whole, unexplained


def _searched_group(ch, screener, whole, rng, samples: int) -> dict[str, tuple]:
    """The search of a group screen, its evidence and unexplained blocks handed to each tensor."""
    if whole.ok:
        return {n: ([], whole, []) for n in screener.names}
    if rounding_accounts(ch, screener, np.arange(screener.g.size), whole):  # gradcheck.widescreen
        count_rounded(ch, screener, np.arange(screener.g.size))
        return {n: ([], _cleared(whole), []) for n in screener.names}
    grads = {n: ch.analytic[n].reshape(-1) for n in screener.names}
    shapes = {n: ch.analytic[n].shape for n in screener.names}

    def check(idx: np.ndarray) -> dict[int, Any]:
        out = {}
        for n, mine in screener.split(idx).items():
            start = int(screener.starts[n])
            for j, e in zip(mine.tolist(), check_entries(ch, n, mine, grads[n], shapes[n])):
                out[start + j] = e
        return out

    found, unexplained = _searched(ch, screener, whole, rng, samples, check)
    if unexplained and not any(e.status == "fail" for e in found.values()):
        unexplained = _within_code_rounding(ch, screener, unexplained, found)
        unexplained = _wider_run_accounts(ch, screener, unexplained)
        unexplained = _through_kinks(ch, screener, unexplained)
    results = {}
    for n in screener.names:
        start, size = int(screener.starts[n]), int(screener.sizes[n])
        mine = [e for i, e in found.items() if start <= i < start + size]
        open_blocks = [(b[(b >= start) & (b < start + size)] - start, s) for b, s in unexplained]
        open_blocks = [(b, s) for b, s in open_blocks if b.size]
        # a tripped group screen whose search cleared this tensor: its entries lie in blocks that passed
        screen = whole if (mine or open_blocks) else _cleared(whole)
        results[n] = (mine, screen, open_blocks)
    return results


def _cleared(whole):
    return dataclasses.replace(whole, ok=True)


def _searched(ch, screener, whole, rng, samples: int, check) -> tuple[dict[int, Any], list]:
    """Search a tripped screen, check the entries it points to, and account for its excess.

    ``check(idx)`` checks entries (screener indices) and maps each to its
    evidence. Returns that evidence and the blocks still unaccounted for.
    Once the check has spent its evaluations (:meth:`Checker.budget_spent`),
    the dense blocks are left unexplained instead of searched on.
    """
    search = Search.start(screener, whole)
    found: dict[int, Any] = {}
    resumed = False
    while True:
        leaves, dense = search.leaves, search.dense
        search.leaves, search.dense = [], []
        per_block = max(LEAF_SIZE, samples)
        picks = [b for b, _ in leaves] + [sample(screener.g, b, per_block, rng) for b, _ in dense]
        wanted = np.unique(np.concatenate(picks)) if picks else np.array([], dtype=int)
        wanted = wanted[[int(i) not in found for i in wanted]] if wanted.size else wanted
        if wanted.size and ch.budget_spent():
            search.unexplained += leaves + dense  # nothing left to check them with
            break
        if wanted.size:
            found.update(check(wanted))
        if any(e.status == "fail" for e in found.values()):
            return found, []  # a failing entry settles the verdict: nothing left to account for
        entries = {i: (e.numeric, e.numeric_error, _width(e)) for i, e in found.items()}
        open_leaves = [(b, s) for b, s in leaves if not accounted(screener, b, s, entries)]
        open_dense = [(b, s) for b, s in dense if not accounted(screener, b, s, entries)]
        search.unexplained += open_leaves
        if not open_dense:
            break
        if resumed or ch.budget_spent():
            search.unexplained += open_dense
            break
        # a sample that passes is no evidence about the rest: search the dense blocks on
        resumed = True
        search.resume(open_dense)
    return found, search.unexplained


def sample(g: np.ndarray, block: np.ndarray, size: int, rng) -> np.ndarray:
    """``size`` entries of a dense ``block`` to check: every entry that dominates its norm, then a random draw.

    The entries with ``g_i**2 >= sum_B g**2 / size`` (at most ``size`` of
    them) are always taken: an error of a given relative size on one of them
    moves the block's directional derivative the most, and a random draw must
    never leave the largest entry out (an error of 1% there, missed while a
    sample of the small ones passes, is the worst miss there is).
    """
    if block.size <= size:
        return block
    mag = np.abs(g[block])
    dominant = block[mag * mag >= float(np.sum(mag * mag)) / size]
    dominant = dominant[np.argsort(-np.abs(g[dominant]), kind="stable")][:size]
    rest = np.setdiff1d(block, dominant, assume_unique=True)
    drawn = rng.choice(rest, min(size - dominant.size, rest.size), replace=False) if size > dominant.size else rest[:0]
    return np.concatenate([dominant, drawn])


def _width(e) -> float:
    """The gap between an entry's one-sided slopes where it was judged at a kink (else 0)."""
    if e.status != "kink" or e.left is None or e.right is None:
        return 0.0
    return abs(e.right - e.left)


def _within_code_rounding(ch, screener, unexplained: list, found: dict) -> list:
    """The unexplained blocks whose excess the gradient code's own rounding does not explain either.

    A screen compares ``g . v`` with the loss's directional derivative; the
    gradient code rounds each ``g_i`` relative to the terms it sums (``1 - a**2``
    of a saturated tanh, ``p - y`` of a saturated sigmoid), far above the few
    ulps of the screen's tolerance, and in every entry at once. The same code
    run at ``np.longdouble`` measures that rounding, ``|g_i - g_wide_i|``; a bug
    is in both runs alike and is not in it. A block is accounted for when its
    excess is within the screen's tolerance, what the entries checked in it
    explain (:func:`gradcheck.search.accounted`), and ``SAFETY`` times
    ``sum |v_i| |g_i - g_wide_i|`` over it, plus ``rtol`` times the check's
    analytic floor (:data:`gradcheck.floors.ANALYTIC_ULPS` ulps of the
    gradient's largest entry) times ``max |v_i|``: one entry's tolerance at
    that floor, the same allowance an entry judged one by one gets, so that
    a single wrong entry hides here exactly where it would hide there. Where the wider run rounds
    alike (``1 - a**2`` of a tanh unit at ``|z| > 22`` is 0 at np.longdouble too),
    that floor alone accounts for a tensor whose whole gradient lies below it
    (a layer behind saturated units, 1e-60 where the net's largest is 1e-3);
    such tensors are named in a note.
    """
    rounding = _code_rounding(ch, screener)
    entries = {i: (e.numeric, e.numeric_error, _width(e)) for i, e in found.items()}
    still = []
    for block, screen in unexplained:
        v = np.abs(screener.v[block])
        code = SAFETY * float(np.sum(v * rounding[block])) if rounding is not None else 0.0
        floor = ch.rtol * ch.analytic_floor * float(np.max(v, initial=0.0))
        widened = dataclasses.replace(screen, tolerance=screen.tolerance + code + floor)
        if not accounted(screener, block, widened, entries):
            still.append((block, screen))
        elif not accounted(screener, block, dataclasses.replace(screen, tolerance=screen.tolerance + code), entries):
            names = screener.split(block) if isinstance(screener, dr.GroupScreener) else {screener.name: block}
            ch.floored.update(n for n, b in names.items() if b.size)
    return still


def _wider_run_accounts(ch, screener, unexplained: list) -> list:
    """The unexplained blocks the gradient code run at np.longdouble does not explain (:mod:`gradcheck.widescreen`)."""
    still = []
    for block, screen in unexplained:
        if rounding_accounts(ch, screener, block, screen):
            count_rounded(ch, screener, block)
        else:
            still.append((block, screen))
    return still


def _code_rounding(ch, screener) -> np.ndarray | None:
    """``|g_i - g_wide_i|`` over the screener's entries (the user's code at ``np.longdouble``), or None.

    Where the screener judges that widest run itself (the extended twin of a
    noisy float64 loss, the np.longdouble run of a float32 one), the difference
    is zero and says nothing about the widest run's own rounding, which a
    cancellation in the user's formula keeps far above its eps (``1 - a**2`` of a
    tanh unit at ``|z| ~ 15`` rounds to ~1e-7 of itself at np.longdouble). It is
    then measured from the run one precision narrower, shrunk by the square
    root of the eps ratio, as :meth:`gradcheck.references.References._rounded`
    takes a wider run's own rounding. A bug is in every run alike and adds
    nothing to it.
    """
    wides = ch.wide_gradients()
    names = getattr(screener, "names", (screener.name,))
    if not wides or any(n not in wides[-1] for n in names):
        return None

    def flat(grads) -> np.ndarray:
        return np.concatenate([np.asarray(grads[n], np.float64).reshape(-1) for n in names])

    gw = flat(wides[-1])
    if gw.size != screener.g.size:
        return None
    diff = np.abs(screener.g - gw)
    runs = [(float(np.finfo(ch.oracle.dtype).eps), ch.analytic), *zip(ch._wide_eps, wides)]
    if not np.any(diff) and len(runs) > 1 and all(n in runs[-2][1] for n in names):
        (eps_before, before), (eps_wide, _) = runs[-2], runs[-1]
        diff = np.sqrt(eps_wide / eps_before) * np.abs(flat(before) - gw)
    return np.where(np.isfinite(diff), diff, np.inf)


#: A tripped real screen that the entries checked leave unexplained is measured again at steps
#: shrinking by this factor, up to :data:`KINK_TRIES` times: kinks crossed by the screen's steps
#: (ReLU units near zero over a large batch, moved together by a direction through many
#: entries) drop out once the step is inside them, while a wrong gradient stays at every step.
KINK_SHRINK = 4.0
KINK_TRIES = 5
#: Unexplained blocks followed this way per search (each costs up to 4 * KINK_TRIES evaluations).
KINK_BLOCKS = 8


def _through_kinks(ch, screener, unexplained: list) -> list:
    """The unexplained blocks that smaller steps along their direction do not account for either.

    A block is accounted for when, at a smaller step, the Richardson
    directional derivative agrees with the gradient within the screen's own
    rule, resolving it (not :func:`blind`); or when the one-sided slopes keep a gap that does not
    shrink with the step (a jump, not curvature), clear of rounding, and the
    gradient's directional derivative lies between them: a valid subgradient,
    and the tensors of the block are marked ``kink`` (``ch.kinked``). Real
    screens only: a complex step does not cross kinks.
    """
    if screener.complex_safe:
        return unexplained
    still = []
    for k, (block, screen) in enumerate(unexplained):
        how = _along_smaller_steps(screener, block) if k < KINK_BLOCKS and not ch.budget_spent() else None
        if how is None:
            still.append((block, screen))
            continue
        names = screener.split(block) if isinstance(screener, dr.GroupScreener) else {screener.name: block}
        names = [n for n, b in names.items() if b.size]
        if how == "kink" and len(names) > 1:
            # kinks along a direction through several tensors bracket the sum of their parts: a
            # tensor whose part is small (a bias layer of 1e-8 entries, returned as zeros) hides
            # in the bracket of another's kinks; each tensor's part is bracketed on its own
            alone = _kinks_per_tensor(screener, block, names)
            still += [(part, screen) for part in alone.values() if part is not None]
            names = [n for n in names if alone[n] is None]
        ch.stepped.update(names)
        if how == "kink":
            ch.kinked.update(names)
    return still


def _kinks_per_tensor(screener, block: np.ndarray, names: list[str]) -> dict:
    """Per tensor of a group block: None where its own part is accounted for at smaller steps, else that part."""
    out = {}
    for n in names:
        start, size = int(screener.starts[n]), int(screener.sizes[n])
        part = block[(block >= start) & (block < start + size)]
        out[n] = None if _along_smaller_steps(screener, part) is not None else part
    return out


def _along_smaller_steps(screener, block: np.ndarray) -> str | None:
    """``'resolved'``, ``'kink'`` or None for a tripped block (see :func:`_through_kinks`)."""
    o = screener.oracle
    moves = screener._moves(block)
    analytic, scale = screener.sums(block)
    d = dr.SCREEN_STEP / dr.SCREEN_NODES * o.h0 * max(1.0, screener._largest(block))
    L0, gap0 = float(o.L0), None
    for k in range(1, KINK_TRIES + 1):
        h = d / KINK_SHRINK**k
        Lp, Lm = o.loss_along(moves, h), o.loss_along(moves, -h)
        if not np.isfinite(Lp) or not np.isfinite(Lm):
            return None
        first = ((Lp - Lm) / (2 * h), (o.u * (abs(Lp) + abs(Lm)) + 2 * o.noise) / (2 * h))
        value, err = dr._richardson_along(o, moves, h, first)
        screen = screener._judge(analytic, value, err, scale)
        if screen.ok and not blind(screen):
            return "resolved"
        right, left = (Lp - L0) / h, (L0 - Lm) / h
        rounding = (o.u * (abs(Lp) + abs(Lm) + 2 * abs(L0)) + 4 * o.noise) / h
        gap = abs(right - left)
        lo, hi = min(left, right), max(left, right)
        slack = screen.tolerance - dr.SAFETY * err + dr.SAFETY * rounding
        if gap0 is not None and gap > 0.75 * gap0 and gap > 4.0 * rounding and lo - slack <= analytic <= hi + slack:
            return "kink"
        gap0 = gap
    return None
