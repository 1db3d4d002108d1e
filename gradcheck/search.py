"""Where a tripped screen's discrepancy lies: bisection, and an account of it.

A directional screen (:mod:`gradcheck.directional`) that trips says that
``sum_i (g_i - t_i) v_i`` over a block of entries is larger than the screen can
explain by its own error. :class:`Search` splits the block in halves and
measures both (a complex-step half may be inferred, ``D(B) = D(S) - D(A)``, where
the loss's noise is not in question), recursively, down to leaves of at most
``LEAF_SIZE`` entries, which are checked entry by entry. ``s`` wrong entries
among ``P`` cost about ``2 s log2(P)`` screens.

Checking entries is evidence about those entries only. A tripped block is
**accounted for** when the entries checked in it explain its excess:

    |A_B - N_B| <= T_B + sum_{i checked in B} |v_i| (|g_i - n_i| + SAFETY e_i)

(``A_B, N_B, T_B``: the screen's analytic and numeric values and tolerance;
``n_i, e_i``: an entry's numeric estimate and its error). A block whose
halves both pass is accounted for when the three measurements agree within
their errors (the whole's own error tripped it). Where the tripped blocks are
too many to follow (``MAX_BLOCKS`` at one level: a whole tensor wrong), a
sample of their entries is checked; a failing entry settles the verdict, and
otherwise the blocks are searched on, since a sample that passes accounts for
nothing. What is still unaccounted for when the budget is spent makes the
tensor ``inconclusive``, never ``pass``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gradcheck.compare import SAFETY
from gradcheck.directional import Screen, Screener

#: Blocks of at most this many entries are checked entry by entry.
LEAF_SIZE = 8
#: Above this many tripped blocks at one level, the errors are dense (a whole tensor
#: wrong): a sample of their entries is checked before the search goes on.
MAX_BLOCKS = 4
#: Screens one search may spend per level of bisection (``log2`` of the block's size),
#: plus a fixed allowance; the same again once a sample of dense blocks accounted for nothing.
BUDGET_PER_LEVEL = 4
BUDGET_FIXED = 16


@dataclass
class Search:
    """The bisection of one tripped screen, and its account.

    Attributes
    ----------
    leaves : list of (ndarray, Screen)
        Tripped blocks small enough to check entry by entry, with their screens.
    dense : list of (ndarray, Screen)
        Tripped blocks left unsplit because there were too many of them.
    unexplained : list of (ndarray, Screen)
        Tripped blocks the budget did not allow to follow.
    spent : int
        Screens measured (each a loss evaluation with the complex step, 8 to 16 without).
    """

    screener: Screener
    budget: int
    leaves: list = field(default_factory=list)
    dense: list = field(default_factory=list)
    unexplained: list = field(default_factory=list)
    spent: int = 0

    @classmethod
    def start(cls, screener: Screener, whole: Screen) -> Search:
        """Search the tripped ``whole`` screen of every entry of ``screener``."""
        n = screener.g.size
        search = cls(screener, budget_for(n))
        search.run([(np.arange(n), whole)], dense_ok=True)
        return search

    def run(self, level: list, dense_ok: bool) -> None:
        """Bisect the tripped blocks of ``level`` down to leaves (or dense, or out of budget)."""
        while level:
            small = [(b, s) for b, s in level if b.size <= LEAF_SIZE]
            self.leaves += small
            level = [(b, s) for b, s in level if b.size > LEAF_SIZE]
            if dense_ok and len(level) > MAX_BLOCKS:
                self.dense += level
                return
            nxt = []
            for block, screen in level:
                if self.budget <= 0:
                    self.unexplained.append((block, screen))
                    continue
                nxt += self._split(block, screen)
            level = nxt

    def _split(self, block: np.ndarray, screen: Screen) -> list:
        """The tripped halves of ``block`` (both measured unless an inference is exact enough)."""
        a, b = np.array_split(block, 2)
        sa = self._test(a)
        sb = self.screener.infer(screen, sa, b)
        if not self._inferable():
            sb = self._test(b)
        tripped = [(part, s) for part, s in ((a, sa), (b, sb)) if not s.ok]
        if not tripped and not self._consistent(screen, sa, sb):
            # neither half trips, yet the halves do not add up to the whole: a measurement
            # is off by more than its error, and the block's excess is not accounted for
            self.unexplained.append((block, screen))
        return tripped

    def _test(self, block: np.ndarray) -> Screen:
        self.budget -= 1
        self.spent += 1
        return self.screener.test(block, fewer=True)  # (a block's screen may stop a node early: along.py)

    def _inferable(self) -> bool:
        """A complex-step half may be inferred from the whole: its error is a few ulps of the sum."""
        return self.screener.complex_safe and self.screener.shadow is None and not self.screener.oracle.noise

    @staticmethod
    def _consistent(whole: Screen, a: Screen, b: Screen) -> bool:
        gap = abs(whole.numeric - a.numeric - b.numeric)
        return bool(gap <= SAFETY * (whole.error + a.error + b.error) + whole.tolerance + a.tolerance + b.tolerance)

    def resume(self, blocks: list) -> None:
        """Search ``blocks`` on (a sample of them accounted for nothing), with a fresh budget."""
        self.budget = max(self.budget, 0) + budget_for(max((b.size for b, _ in blocks), default=1))
        self.run(blocks, dense_ok=False)


def budget_for(n: int) -> int:
    """Screens allowed for searching a block of ``n`` entries."""
    return BUDGET_PER_LEVEL * int(np.log2(max(n, 1)) + 1) + BUDGET_FIXED


def accounted(screener: Screener, block: np.ndarray, screen: Screen, entries: dict) -> bool:
    """Do the entries checked in ``block`` explain ``screen``'s excess? (see the module docstring)

    ``entries`` maps a flat index of ``screener`` to ``(numeric, error, width)``,
    ``width`` the gap between an entry's one-sided slopes where it sits on a kink
    (a direction through a kink has no derivative: the screen may read anything
    between them).
    """
    slack = bars = 0.0
    for i in block:
        if int(i) in entries:
            n, e, width = entries[int(i)]
            slack += abs(screener.v[i]) * (abs(screener.g[i] - n) + SAFETY * e + width)
            bars += abs(screener.v[i]) * SAFETY * e
    off = abs(screen.analytic - screen.numeric)
    # entries whose error bars alone span more than the whole discrepancy are coarser than
    # the screen: passing within them, they leave its excess unexplained, not accounted for
    # (a loss moving in stairs resolves a direction through many entries, not each entry)
    return bool(off <= screen.tolerance + slack and bars <= off + screen.tolerance)
