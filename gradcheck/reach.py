"""What a passing directional screen could see, entry by entry, and the entries it cannot vouch for.

A screen along ``v`` moves by ``delta |g_i v_i|`` when entry ``i`` is off by
``delta`` of itself; it trips when that exceeds its tolerance ``T``. So the
smallest relative error it sees at entry ``i`` is its **reach** there,
``T / |g_i v_i|``, and for sure (whatever the screen's own numeric error
within its tolerance) at twice that (:data:`MARGIN`). The tolerance is set by the whole direction (its rounding,
and for a real screen the loss's noise over the step and the truncation of a
direction that curves or crosses kinks), not by the entry: a tensor whose
entries are all small beside the rest of the gradient (a layer of a ReLU net at
small weights, 4e-6 where the gradient's largest entry is 0.05), or a screen
whose real difference crosses kinks, can pass with a reach of several percent
at the tensor's largest entry, though the loss resolves that entry alone to
1e-5.

:func:`unresolved` names the entries a passing screen leaves beyond
:data:`REACH`; the check looks at them one by one (each with its own step and
error bar, so the loss's noise at that entry decides what it can see): all of them
up to :data:`ALL_BELOW` per tensor, else the largest :data:`LIMIT`. Where more are left than that, the
report says how far the screen reached there (:func:`note`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradcheck.references import SUBTLE

#: A screen vouches for an entry where an error of this relative size there would trip it
#: (the issue's bar: no single entry off by 1e-2 or more passes where the loss can show it).
REACH = SUBTLE
#: A passing screen bounds a discrepancy only to its tolerance plus its own numeric error, which
#: the tolerance bounds too (it is ``SAFETY`` times that error and more): an error is seen for sure
#: where it moves the screen by twice its tolerance.
MARGIN = 2.0
#: Entries per tensor checked one by one because the screen could not vouch for them, largest first:
#: a tensor of small entries holds few (a bias, a narrow layer); a large tensor holds many only where
#: its gradient is far below the rest of the net's, and the largest of them are the ones a wrong
#: formula moves most.
LIMIT = 16
#: ... and all of them where no more than this many are unresolved: a float32 softmax CE at weights of
#: 1e-3 left 7 of W2's 23 unresolved entries unchecked, where its note said an error shows only from
#: 1.8%; a float32 BCE's bias of 29 entries left 5 (9.4%). Checking them costs a few evaluations each.
#: Beyond it, the largest :data:`LIMIT` are checked and the note says what the screen saw of the rest.
ALL_BELOW = 2 * LIMIT
#: Only entries of at least this fraction of their tensor's largest term are taken (the soak's
#: "typical entry" bar): the near-zero entries of a tensor are past any screen's reach, and checking
#: them cost the 42,634-parameter user-form net 15 evaluations for one entry of 6e-8 (11 in all before).
TOP = 0.1


@dataclass(frozen=True)
class Unresolved:
    """The entries of one tensor a passing screen could not vouch for.

    Attributes
    ----------
    check : ndarray of int
        Flat indices to check one by one (all where at most :data:`ALL_BELOW` are unresolved, else the
        largest :data:`LIMIT`).
    left : int
        Unresolved entries of at least :data:`TOP` of the tensor's largest that are not checked
        (smaller ones are never taken: the reach at the largest entry says what the screen saw).
    reach : float
        The smallest relative error the screen could see at the tensor's largest entry.
    worst : float
        The same at the largest entry left unchecked (0 when none is left).
    faint : int
        Entries of at least :data:`TOP` of the tensor's largest, beyond the screen's :data:`REACH`, that
        are not taken because checking one alone would not see an error of :data:`REACH` either.
    faint_worst : float
        The smallest relative error the screen could see at the faintest of those (0 when none).
    """

    check: np.ndarray
    left: int
    reach: float
    worst: float = 0.0
    faint: int = 0
    faint_worst: float = 0.0


def _own(screener, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(g, v)`` over the entries of tensor ``name`` in ``screener``."""
    if hasattr(screener, "starts"):  # a group screener: its tensors laid end to end
        start, size = int(screener.starts[name]), int(screener.sizes[name])
        return screener.g[start : start + size], screener.v[start : start + size]
    return screener.g, screener.v


def unresolved(screener, name: str, screen, checked: set[int], resolution: float = 0.0) -> Unresolved:
    """The entries of ``name`` beyond :data:`REACH` of ``screen``, not already ``checked``.

    A screen that tripped and was accounted for (its search's blocks passed,
    or smaller steps resolved it) vouches for no entry it did not check to
    better than its own discrepancy: that is the tolerance used there.
    ``resolution``: the absolute error bar of an entry checked on its own (the
    loss's noise over the step); an entry whose error of :data:`REACH` is not
    :data:`MARGIN` times that is not taken: checking it would not see the error
    for sure either (the loss's noise hides it; the ``loss_ill_conditioned``
    diagnosis states what the check could see).
    """
    g, v = _own(screener, name)
    t = np.multiply(g, v)
    np.abs(t, out=t)
    tolerance = max(screen.tolerance, abs(screen.analytic - screen.numeric))
    # (where g is NaN so is t, which no mask of _faint takes: "not seen" serves as "alone")
    hidden = ~(np.abs(g) > MARGIN * resolution / REACH)
    faint, faint_worst = _faint(t, hidden, tolerance)
    t[hidden] = 0.0
    top = float(np.max(t, initial=0.0))
    if top == 0.0 or not np.isfinite(tolerance):
        return Unresolved(np.array([], dtype=int), 0, float("inf") if top == 0.0 else 0.0, 0.0, faint, faint_worst)
    reach = MARGIN * tolerance / top
    # (one mask, one pass over the tensor: the entries the screen does not see to REACH, near its top)
    blind = np.flatnonzero((t > 0) & (REACH * t < MARGIN * tolerance) & (t >= TOP * top))
    blind = blind[~np.isin(blind, np.fromiter(checked, dtype=int, count=len(checked)))]
    blind = blind[np.argsort(-t[blind], kind="stable")]
    rest = blind[LIMIT if blind.size > ALL_BELOW else blind.size :]
    worst = float(MARGIN * tolerance / t[rest[0]]) if rest.size else 0.0
    return Unresolved(np.sort(blind[: blind.size - rest.size]), int(rest.size), float(reach), worst, faint, faint_worst)


def wanted(screener, name: str) -> float:
    """The screen tolerance that sees every entry of ``name`` of at least :data:`TOP` of its largest term to
    :data:`REACH` for sure (:data:`MARGIN`)."""
    g, v = _own(screener, name)
    return REACH * TOP * float(np.max(np.abs(g * v), initial=0.0)) / MARGIN


def _faint(t: np.ndarray, alone: np.ndarray, tolerance: float) -> tuple[int, float]:
    """``(count, worst reach)`` of the entries near the top (:data:`TOP`) the screen does not see to
    :data:`REACH` and a check of each alone would not either (``alone``: the loss's noise hides it)."""
    top = float(np.max(t, initial=0.0))
    if top == 0.0 or not np.isfinite(tolerance):
        return 0, 0.0
    faint = alone & (t >= TOP * top) & (REACH * t < MARGIN * tolerance)
    if not faint.any():
        return 0, 0.0
    return int(faint.sum()), float(MARGIN * tolerance / np.min(t[faint]))


def faint_note(name: str, found: Unresolved) -> str:
    """The note of a tensor with entries neither its screen nor a check of each alone resolves to :data:`REACH`."""
    return (
        f"{name}: {found.faint} of its entries (each at least {TOP:g} of its largest) are not seen to {REACH:g} "
        "by its directional screen, and the loss's noise over a step hides an error of that size from a check of "
        f"each alone: an error there shows only from {found.faint_worst:.2g} of the entry"
    )


def note(name: str, found: Unresolved) -> str:
    """The note of a tensor whose screen left more unresolved entries than were checked one by one."""
    return (
        f"{name}: its directional screen sees an entry off by {found.reach:.2g} of itself at the tensor's largest "
        f"entry; {found.left} more of its entries (each at least {TOP:g} of that one) are not seen to {REACH:g} by "
        f"the screen and were not checked one by one: an error there shows only from {found.worst:.2g} of the entry"
    )
