"""One tensor judged by its directional screen; entries searched and checked only where it trips.

:func:`check_directional` takes the screener :func:`gradcheck.screens.plan`
chose for the tensor. A passing screen that could not have told the
gradient from zeros (:func:`gradcheck.longer.blind`) is measured again at
longer steps, then by the complex step through a ``float()`` cast
(:mod:`gradcheck.castscreen`), else the tensor is inconclusive with the reason named. A
tripped screen is searched (:mod:`gradcheck.search`), the entries it points
to checked one by one, and an excess they leave unexplained is looked at by
:mod:`gradcheck.excess`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from gradcheck import castscreen, entryscreens
from gradcheck import directional as dr
from gradcheck.entries import check_entries
from gradcheck.excess import account, kink_width
from gradcheck.floors import ANALYTIC_ULPS
from gradcheck.longer import blind, blind_note, longer_step, zero_bar
from gradcheck.search import LEAF_SIZE, Search, accounted
from gradcheck.widescreen import count_rounded, rounding_accounts


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
        # (this tensor's own screen's sum |g_i v_i|, v_i = sign(g_i) spread_i, before building that screen)
        if float(np.dot(np.abs(g.reshape(-1)), dr.spread(g.size))) < screen.tolerance:
            own = dr.Screener(ch.oracle, ch.complex_safe, name, g.reshape(-1))
            # a screen through several tensors allows more than this one's whole part (a first layer
            # of 1e-8 entries beside a last of 1e-2; or its gradient returned as zeros, the bug): it
            # would pass whatever this tensor's gradient is; the tensor's own screen judges it
            evidence, screen, unexplained = _check_directional(ch, name, g, rng, samples, own)
    if isinstance(screener, dr.MergedScreener) and screen.tensors == screener.names:
        screen = dataclasses.replace(screen, weight=screener.factors[name])
    if name in ch.floored and not unexplained:
        ch.notes.append(floor_note(ch, name, g))
    if not evidence and not unexplained and blind(screen) and name not in ch.stepped:
        largest = float(np.max(np.abs(g), initial=0.0))
        if largest <= ch.rtol * ch.analytic_floor and (largest > 0.0 or screen.numeric == 0.0):
            # (a gradient of exact zeros where the loss does move along the tensor is not under the floor)
            # every entry within one entry's tolerance at the floor each entry is judged against one by one:
            # a gradient of zeros passes there too, and so would any error of these entries
            ch.notes.append(floor_note(ch, name, g))
        elif not blind(longer := longer_step(ch, name, screener, screen, zero_bar(ch, g)), zero_bar(ch, g)):
            screen = longer
        elif (seen := castscreen.rescue(ch, name, g)) is not None:
            ch.notes.append(castscreen.note(ch, name, seen))
            screen = seen
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
        unexplained = account(ch, screener, unexplained, found)
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
        unexplained = account(ch, screener, unexplained, found)
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
        open_leaves, open_dense = _still_open(screener, leaves, dense, found)
        if open_leaves or open_dense:  # entries their own checks leave unresolved, measured by a screen of one
            found.update(entryscreens.sharpen(ch, screener, open_leaves + open_dense, found))
            if any(e.status == "fail" for e in found.values()):
                return found, []
            open_leaves, open_dense = _still_open(screener, open_leaves, open_dense, found)
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


def _still_open(screener, leaves: list, dense: list, found: dict) -> tuple[list, list]:
    """The leaves and dense blocks whose excess the entries checked do not account for."""
    entries = {i: (e.numeric, e.numeric_error, kink_width(e)) for i, e in found.items()}
    return (
        [(b, s) for b, s in leaves if not accounted(screener, b, s, entries)],
        [(b, s) for b, s in dense if not accounted(screener, b, s, entries)],
    )


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
