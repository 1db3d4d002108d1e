"""The combined screen: every tensor along its weighted sign direction, in one complex evaluation.

Its weights are explained in :mod:`gradcheck.directional`; where it trips,
:meth:`Combined.split` screens each tensor on its own along the same direction.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gradcheck import numeric as nm
from gradcheck.compare import SAFETY
from gradcheck.directional.complexstep import complex_along, inherited_error
from gradcheck.directional.screener import DIRECTIONAL_ULPS, Screen, Screener, spread, weights


class Combined:
    """The combined screen: every tensor along its weighted sign direction, one complex evaluation.

    ``shadow``: see :class:`Screener` (an extended-precision combined screen of a
    noisy loss, its error measured against the float64 one).
    """

    def __init__(self, oracle: nm.Oracle, analytic: Mapping[str, np.ndarray], shadow: nm.Oracle | None = None):
        self.oracle, self.shadow = oracle, shadow
        flat = {n: g.reshape(-1) for n, g in analytic.items()}
        totals = {n: (g.size, float(np.dot(np.abs(g), spread(g.size)))) for n, g in flat.items()}
        w = weights(totals)
        self.screeners = {n: Screener(oracle, True, n, g, w[n], shadow) for n, g in flat.items()}
        # g_i v_i = w_T |g_i| spread_i >= 0, so g . v = sum |g_i v_i| = w_T sum_T |g_i| spread_i
        self.sums = {n: (w[n] * totals[n][1],) * 2 for n in analytic}
        self.analytic = float(sum(a for a, _ in self.sums.values()))
        self.scale = float(sum(c for _, c in self.sums.values()))
        self.eps = float(np.finfo(np.float64 if oracle.extended else oracle.dtype).eps)

    @property
    def moves(self) -> dict[str, np.ndarray]:
        """The combined direction, per tensor."""
        return {n: s.v.reshape(self.oracle.work[n].shape) for n, s in self.screeners.items()}

    def judge(self, numeric: float, inherited: float = 0.0) -> Screen:
        """The combined screen for a measured complex directional derivative (and its inherited error)."""
        eps = float(np.finfo(self.oracle.dtype if self.oracle.extended else np.float64).eps)
        err = nm.COMPLEX_ULPS * eps * self.scale + inherited
        tol = DIRECTIONAL_ULPS * self.eps * self.scale + SAFETY * err
        ok = bool(np.isfinite(numeric) and abs(self.analytic - numeric) <= tol)
        return Screen(ok, self.analytic, numeric, err, tol, tuple(self.screeners), self.scale)

    def test(self) -> Screen:
        """Evaluate the combined screen (one complex evaluation; two with a shadow)."""
        value = complex_along(self.oracle, self.moves)
        inherited = inherited_error(value, complex_along(self.shadow, self.moves)) if self.shadow else 0.0
        return self.judge(value, inherited)

    def split(self, whole: Screen) -> dict[str, tuple[Screen, int]]:
        """Per-tensor screens after the combined one tripped, with the evaluations each took.

        Every tensor but the one with the largest share of ``sum |g_i v_i|`` is
        evaluated; that one is inferred, ``D(T) = D(all) - sum D(others)``, with
        the others' errors added to the combined one's (the largest share
        absorbs them best).
        """
        names = list(self.screeners)
        last = max(names, key=lambda n: self.sums[n][1])
        out = {}
        per = 2 if self.shadow is not None else 1
        for n in names:
            s = self.screeners[n]
            if n == last:
                continue
            if s.g.size == 0:
                out[n] = (s.judge_sums((0.0, 0.0), 0.0, 0.0), 0)
            else:
                out[n] = (s.test(np.arange(s.g.size)), per)
        numeric = whole.numeric - sum(s.numeric for s, _ in out.values())
        err = whole.error + sum(s.error for s, _ in out.values())
        out[last] = (self.screeners[last].judge_sums(self.sums[last], numeric, err), 0)
        return {n: out[n] for n in names}
