"""The state of one check, and the second opinions that stand between a first look and ``fail``.

A :class:`Checker` holds the loss's oracle, whether the loss is complex-safe
(probed once), the loss's measured noise (once something needs it), and the
references a failing entry is re-examined against:

* the loss's *reference oracle*: the float64 twin of a float32 loss, the
  extended-precision (``np.longdouble``) twin of a float64 loss whose measured
  noise is far above the rounding model (:func:`gradcheck.probe.reference_oracle`);
* the *wider gradients*: the user's gradient code run at those wider
  parameters. A correct backprop in float32 or float64 rounds each entry
  relative to the terms it sums, not to the entry (``1 - a**2`` of a saturated
  tanh, ``p - y`` of a saturated sigmoid), so an entry can be off by far more
  than ``rtol`` of itself with nothing wrong; the same code at wider precision
  tells rounding (in one result only) from a bug (in both).

An entry that fails its first estimate is called ``fail`` only when every
opinion agrees (:meth:`Checker.second_opinion`); where the estimators disagree
it is ``inconclusive``; where one-sided slopes bracket the analytic value, ``kink``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gradcheck import noise as ns
from gradcheck import numeric as nm
from gradcheck import vectorised
from gradcheck.floors import ANALYTIC_ULPS, Floors
from gradcheck.probe import probe_complex_safety
from gradcheck.references import EXTENDED_LIMIT, GAP_LIMIT, References
from gradcheck.secondopinion import SecondOpinions

__all__ = [
    "ANALYTIC_ULPS",
    "EVALUATION_BUDGET",
    "TENSOR_SHARE",
    "EXTENDED_LIMIT",
    "GAP_LIMIT",
    "Checker",
]

#: Loss evaluations a check in directional mode (where the checker chooses what to look at; ``full``
#: looks at every entry, as asked) may spend before it stops looking further (no more searches of
#: tripped screens, longer steps or second opinions: what is still open then ends
#: ``inconclusive``, with that reason, never ``pass``). Correct user-form nets need a median of 11;
#: 1.6% of 9,677 needed more than 1,000, and a saturated 26,000-parameter net over a batch of 256
#: whose screens trip on its cancellation everywhere spent 6,530 (23 minutes, each evaluation of
#: its extended twin ~50 float64 ones) to end inconclusive all the same. A planted error is
#: pinned within a few hundred.
EVALUATION_BUDGET = 2_000
#: Evaluations each tensor gets for itself once that budget is spent (:meth:`Checker.own_share`): a
#: real screen of its own (8 to 16) and a one-entry screen or a second opinion of an entry it points to.
TENSOR_SHARE = 64


class Checker(Floors, References, SecondOpinions):
    """Holds the oracle, the resolved method and the references for one check."""

    def __init__(
        self,
        oracle: nm.Oracle,
        method: str,
        rtol: float,
        analytic,
        notes: list[str],
        seed: int = 0,
        lazy_noise: bool = False,
        budget: int | None = None,
    ):
        self.oracle, self.rtol, self.notes, self.seed = oracle, rtol, notes, seed
        self.analytic = analytic
        #: evaluations after which the check stops looking further (None: no limit; see :meth:`budget_spent`)
        self.budget = budget
        self._wide: list[dict[str, np.ndarray]] | None = None
        self._wide_eps: list[float] = []
        self._ref: nm.Oracle | None = None  # the reference oracle, made on first use
        self.noise: ns.Noise | None = None
        self._gap_measured = False
        #: per tensor, entries whose gradient is off by the code's own rounding
        self.rounded: dict[str, int] = {}
        #: per tensor, entries within the code's rounding that its wider runs computed no wider (unresolved)
        self.unwidened: dict[str, int] = {}
        #: per tensor, (entries, largest fraction of an entry) passed by a second opinion within its own error bar
        self.lenient: dict[str, tuple[int, float]] = {}
        #: tensors whose tripped screens only kinks inside the steps explained (:mod:`gradcheck.excess`)
        self.kinked: set[str] = set()
        #: tensors whose tripped screens smaller steps settled (resolved, or kinks)
        self.stepped: set[str] = set()
        #: tensors whose tripped screens only the analytic floor accounted for (:mod:`gradcheck.excess`)
        self.floored: set[str] = set()
        gmax = max((float(np.max(np.abs(g), initial=0.0)) for g in analytic.values()), default=0.0)
        #: the gradient's largest entry (finite entries; what a tensor of exact zeros is measured against)
        self.gmax = gmax if np.isfinite(gmax) else 0.0
        self.analytic_floor = ANALYTIC_ULPS * float(np.finfo(oracle.dtype).eps) * gmax
        self._noise_note()
        self.complex_safe = method in ("auto", "complex") and self._probe(analytic)
        if not self.complex_safe:
            self._deepen()
        if not self.complex_safe and method in ("auto", "complex", "central", "richardson") and not lazy_noise:
            self.measure_noise()  # every estimate will be a real difference: its error bar needs the noise
        if method == "auto":
            # Per entry, central differences cost two real evaluations and resolve
            # float64 gradients far below rtol; a complex evaluation costs several
            # real ones, so it is kept for second opinions and directions, except
            # in float32, where central differences resolve only ~1e-3.
            low_precision = np.finfo(oracle.dtype).bits < 64
            method = "complex" if self.complex_safe and low_precision else "central"
        elif method == "complex" and not self.complex_safe:
            method = "richardson"
            notes.append("complex step unavailable, fell back to richardson")
        self.method = method

    #: set once :meth:`budget_spent` first said so (the note is written once)
    _over_budget = False
    #: evaluations below which the tensor being checked still has its own share (:meth:`own_share`)
    _share_until = 0

    def spent(self) -> int:
        """Loss evaluations so far, the reference and twin oracles' included."""
        n = self.oracle.evaluations + sum(o.evaluations for o in self._screen_oracles)
        if self._twin_start is not None and self._twin is not None:
            n += self._twin[0].evaluations - self._twin_start
        return n

    def own_share(self, tensors: int) -> None:
        """The check of the next tensor starts with :data:`TENSOR_SHARE` evaluations of its own per tensor it judges.

        ``tensors``: how many it judges at once (a group screen's search judges all of its tensors);
        0 when the tensors' checks are over. The budget is spent in the order the tensors are
        checked; a tensor whose search is deep (a noisy loss's second opinions, kinks walked entry by
        entry) left the tensors after it nothing, not even a screen: a bias sign-flipped behind such
        a layer ended inconclusive, unseen. Each tensor checked after the budget ran out still gets
        its share: its screen and a look at the entries it points to. Nothing checked before changes.
        """
        self._share_until = self.spent() + TENSOR_SHARE * tensors if tensors else 0

    def budget_spent(self) -> bool:
        """Has the check spent its budget (:data:`EVALUATION_BUDGET` in directional mode) and this tensor its share?"""
        if self.budget is None or self.spent() < self.budget:
            return False
        if not self._over_budget:
            self._over_budget = True
            self.notes.append(
                f"the check stopped looking further after {self.budget:,} loss evaluations, but for "
                f"{TENSOR_SHARE} of its own for each tensor checked after that: whatever was still open then is "
                "inconclusive, not pass"
            )
        return self.spent() >= self._share_until

    def _noise_note(self) -> None:
        if self.oracle.noise:
            self.notes.append(
                f"the loss is not deterministic: two evaluations at the same point differ by "
                f"{self.oracle.noise / 2:.2g}; every numeric error includes that noise"
            )

    # ------------------------------------------------------------ the loss's noise
    @property
    def noisy(self) -> bool:
        """The loss's measured noise is far above the rounding model."""
        return self.noise is not None and self.noise.excess > ns.NOISY

    def measure_noise(self, quick: bool = False) -> ns.Noise:
        """Measure the loss's noise once (12 evaluations; one more in extended precision unless ``quick``).

        Every later real error bar includes it. The extended-precision value of
        the loss (where the platform has one and the problem is small enough
        for its slower arithmetic) shows digits lost to a cancellation that no
        difference table sees: a saturated sample whose ``log(1 - p)`` moves in
        stairs wider than any step is flat, not noisy, in float64. A ``quick``
        measurement leaves that out; a later full one adds it.
        """
        if self.noise is None:
            self.noise = ns.loss_noise(self.oracle, self.seed, extended=False, quick=True)
        if not quick and not self._gap_measured:
            self._gap_measured = True
            small = self.oracle.problem.size <= GAP_LIMIT and self.oracle.dtype == np.float64
            if small:
                self.noise = ns.with_extended_gap(self.oracle, self.noise)
        if self.noise.excess > 1.0:  # every real error bar includes what was measured
            self.oracle.noise = max(self.oracle.noise, 2.0 * self.noise.sigma)
            self.oracle.measured = self.noise
        if self.noisy:
            self._ref = None if self._ref is self.oracle else self._ref  # refer a noisy float64 loss to its twin
        return self.noise

    def step_scale(self) -> float:
        """Step multiplier balancing a noisy loss's noise against truncation (1 for a quiet loss).

        A central difference's error is ``sigma / h + h**2 L''' / 6``: its best
        step grows as the cube root of the noise.
        """
        return min(64.0, self.noise.excess ** (1.0 / 3.0)) if self.noise is not None else 1.0

    def scale_on(self, o: nm.Oracle) -> float:
        """:meth:`step_scale` for differences on ``o``: the loss's own, or a twin's.

        The float64 twin of a float32 problem whose loss still rounds to float32
        inside (summed in float32 whatever its parameters) has a noise of its own,
        measured where it was made (:func:`gradcheck.probe.twin_oracle`): its steps
        widen with it as the loss's own do. Other twins step at their base step.
        """
        if o is self.oracle:
            return self.step_scale()
        if o.grid is not None and o.measured is not None and o.measured.narrow:
            return min(64.0, o.measured.excess ** (1.0 / 3.0))
        return 1.0

    # ------------------------------------------------------------ complex safety
    #: ``(directional.Combined, its screen or None)`` once :meth:`_probe` ran
    combined = None

    def _probe(self, analytic: Mapping[str, np.ndarray]) -> bool:
        from gradcheck import directional as dr

        # One complex evaluation along the combined screening direction, confirmed by
        # a real estimate along it, shows a loss complex-safe at 3 to 7 evaluations, and is
        # kept as the combined screen of every tensor (see gradcheck.directional).
        combined = dr.Combined(self.oracle, analytic)
        seen = dr.probe(self.oracle, combined)
        self.combined = (combined, seen.screen)
        if seen.safe or self.oracle.problem.vouched:  # (vouched: judged finer than real differences of stairs can)
            return True
        if getattr(self.oracle.problem.loss_fn, "complex_safe", False) is True:
            # declared by its author (the reference networks' losses): real differences cannot refute it, and at
            # kinks nearer the point than any real step resolves (ReLU units at weights of 1e-4) they would try
            return True
        refuted = self._refutation(combined, seen) if seen.refuted is not None else None
        if refuted is not None:
            self.notes.append(f"complex step not used: {refuted}")
            return False
        if seen.error is not None:
            # the loss refused complex parameters along the combined direction: it refuses them anywhere
            cause = seen.error.__cause__ or seen.error
            self.notes.append(
                f"complex step not used: the loss does not accept complex parameters ({type(cause).__name__}: {cause})"
            )
            return False
        # Not shown there: the per-entry probe decides, at the largest analytic entry of
        # the first, last and largest tensors (a complex step and real estimates each),
        # or of every tensor when the directional derivatives disagreed: the trouble
        # may be on any tensor's path (an L1 term on one weight matrix).
        names = [n for n, g in analytic.items() if g.size] or list(analytic)
        biggest = max(names, key=lambda n: float(np.max(np.abs(analytic[n]), initial=0.0)))
        chosen = names if seen.safe is False else list(dict.fromkeys([names[0], names[-1], biggest]))
        entries = [(n, int(np.argmax(np.abs(analytic[n].reshape(-1))))) for n in chosen if analytic[n].size]
        if seen.safe is False:
            # the real and complex directional derivatives disagreed: a noisy loss (a
            # saturated output computed by cancellation) is probed on its extended twin
            self.measure_noise()
        reason = self.on_reference(lambda ref: probe_complex_safety(self.oracle, entries, ref))
        if reason is not None:
            self.notes.append(f"complex step not used: {reason}")
        return reason is None

    def _refutation(self, combined, seen) -> str | None:
        """The probe's refutation of the complex step, where it stands (None: the per-entry probe decides).

        A loss computed by cancellation (a saturated ``1 - p``) spoils every real
        difference alike, at every step, so they agree with each other and miss a
        right complex step (a saturated BCE net: 1.48e-6 by the complex step,
        -3.68e-7 by every real estimate). Its noise is measured first; a noisy loss is
        refuted only where its extended-precision twin reproduces the real differences.
        """
        from gradcheck import directional as dr

        self.measure_noise()
        if not self.noisy:
            return seen.refuted
        c = seen.screen.numeric
        stands = self.on_reference(lambda ref: ref.extended and dr.reproduced(ref, combined.moves, c, seen))
        return seen.refuted if stands else None

    # ------------------------------------------------------------ first estimates
    def primary(self, name: str, idx: np.ndarray, method: str | None = None) -> list[nm.Estimate]:
        """First estimates of entries ``idx`` of ``name`` (with ``method``, default the check's).

        Real differences of a float32 loss are taken on its float64 twin, and
        those of a noisy float64 loss (small enough) on its extended twin:
        the loss as given rounds at ~1e-7 of itself (or worse), and an entry
        off by 1e-2 would hide in that.
        """
        method = method or self.method
        if method != "complex" and not self.complex_safe:
            self.measure_noise()  # a real difference's error bar includes the loss's noise (measured once)
        if method in ("central", "richardson") and self.quieter_twin():
            return self.on_reference(lambda ref: self._estimates(ref, name, idx, method))
        return self._estimates(self.oracle, name, idx, method)

    def quieter_twin(self) -> bool:
        """Is there a twin of the loss (float64, extended) that real differences should use?"""
        low = np.finfo(self.oracle.dtype).bits < 64
        return low or ((self.noisy or self.extended_wanted) and self.oracle.problem.size <= EXTENDED_LIMIT)

    #: real differences go to the extended twin even for a quiet loss (the complex step was shown wrong for it:
    #: :mod:`gradcheck.analyticity`; entries of 1e-10 beside a loss of 0.1 need the twin's 2048-fold finer rounding)
    extended_wanted = False

    def _estimates(self, o: nm.Oracle, name: str, idx: np.ndarray, method: str) -> list[nm.Estimate]:
        if method == "scipy":
            return vectorised.scipy_derivatives(o, name, idx)
        if method == "fprime":
            return vectorised.fprime_derivatives(o, name, idx)
        scale = self.scale_on(o)
        if method == "central" and o.batched is not None and len(idx) > 1 and scale == 1.0:
            return vectorised.batched_central(o, name, idx)
        if method == "central":
            return [nm.central(o, name, int(j), scale) for j in idx]
        if method == "richardson":  # (at the loss's own step: only a twin's noise of its own widens it)
            wide = scale if o is not self.oracle else 1.0
            return [nm.richardson(o, name, int(j), wide) for j in idx]
        return [nm.complex_step(o, name, int(j)) for j in idx]

    # ------------------------------------------------------------ second opinions
