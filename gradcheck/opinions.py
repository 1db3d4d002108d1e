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

from collections.abc import Callable, Mapping

import numpy as np

from gradcheck import noise as ns
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY, judge
from gradcheck.kinks import subgradient_status
from gradcheck.probe import extended_oracle, probe_complex_safety, reference_oracle

#: The user's gradient code rounds each entry relative to the terms it sums; an
#: entry is never measured against less than this many ulps of the gradient's
#: largest entry (over every tensor): below it a correct backprop's rounding
#: (a handful of roundings of terms up to that size) can exceed the entry itself.
ANALYTIC_ULPS = 64.0
#: Up to this many parameters the loss is also evaluated once in extended precision
#: to measure its noise (numpy's longdouble matmul has no BLAS: ~50x a float64
#: forward of a large net, a few times that of a small one).
EXTENDED_LIMIT = 50_000
#: Up to this many parameters the loss's extended-precision gap ``|L - L_extended|`` is measured (one
#: evaluation in np.longdouble, ~50 float64 forwards): without it a loss whose float64 stairs are wider
#: than the quick noise table's spacing reads as quiet. User form 1450 (95,678 parameters, softmax CE of
#: a confident sample, loss 2.8e-8 behind ``float()``) was failed on error bars of 1e-18 where its noise
#: is 1e-16.
GAP_LIMIT = 100_000
#: Up to this many parameters, second opinions on a float32 loss without the complex step go on to
#: ``np.longdouble`` where its float64 twin is noisy (:meth:`Checker._deepen`). Their entries are checked
#: one by one there, hundreds of evaluations: a 11,000-parameter net over a batch of 256 took 190 s.
DEEPER_LIMIT = 4_000
#: A complex step that misses the analytic value by less than this fraction of it is
#: re-evaluated in extended precision before anything is concluded: a subtle miss is
#: where a loss's cancellation shows (a gross one, a sign or a factor, is no rounding).
#: Nor does the gradient code's own rounding ever excuse a miss this large on an entry
#: the loss resolves (:meth:`Checker._rounded`).
SUBTLE = 1e-2
#: Above :data:`EXTENDED_LIMIT` parameters, second opinions take the complex step in extended
#: precision this many times per check, and on only while one of them showed the float64 step
#: off by a quarter of the miss it was asked about: the cancellation that misleads the complex
#: step is the loss's, at the point, not the entry's. A 407,050-parameter softmax CE with
#: ``log(p + 1e-8)`` (every entry off by ~1e-7 from the textbook gradient) spent 30 s on 58 of them
#: (0.5 s each), every one agreeing with the float64 step.
WIDEN_TRIES = 4
#: The most float64 gradient code is taken to round an entry the loss resolves, relative to
#: the entry: a quarter of :data:`SUBTLE`, so that an entry off by 1% (0.99% of the larger of
#: the two values) is never excused as rounding. (float32 code rounds a saturated sample's
#: ``1 - p`` to 0 outright; there the float64 run of the same code alone tells rounding from a bug.)
ROUNDING_CAP = SUBTLE / 4


class Checker:
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
    ):
        self.oracle, self.rtol, self.notes, self.seed = oracle, rtol, notes, seed
        self.analytic = analytic
        self._wide: list[dict[str, np.ndarray]] | None = None
        self._wide_eps: list[float] = []
        self._ref: nm.Oracle | None = None  # the reference oracle, made on first use
        self.noise: ns.Noise | None = None
        self._gap_measured = False
        #: per tensor, entries whose gradient is off by the code's own rounding
        self.rounded: dict[str, int] = {}
        #: tensors whose tripped screens only kinks inside the steps explained (:mod:`gradcheck.screens`)
        self.kinked: set[str] = set()
        #: tensors whose tripped screens smaller steps settled (resolved, or kinks)
        self.stepped: set[str] = set()
        #: tensors whose tripped screens only the analytic floor accounted for (:mod:`gradcheck.screens`)
        self.floored: set[str] = set()
        gmax = max((float(np.max(np.abs(g), initial=0.0)) for g in analytic.values()), default=0.0)
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
        if seen.safe:
            return True
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
        return low or (self.noisy and self.oracle.problem.size <= EXTENDED_LIMIT)

    def _estimates(self, o: nm.Oracle, name: str, idx: np.ndarray, method: str) -> list[nm.Estimate]:
        if method == "scipy":
            return nm.scipy_derivatives(o, name, idx)
        if method == "fprime":
            return nm.fprime_derivatives(o, name, idx)
        scale = self.step_scale() if o is self.oracle else 1.0
        if method == "central" and o.batched is not None and len(idx) > 1 and scale == 1.0:
            return nm.batched_central(o, name, idx)
        if method == "central":
            return [nm.central(o, name, int(j), scale) for j in idx]
        one = {"richardson": nm.richardson, "complex": nm.complex_step}
        return [one[method](o, name, int(j)) for j in idx]

    # ------------------------------------------------------------ second opinions
    def judge(self, g, n, err, floor: float):
        """:func:`gradcheck.compare.judge` at the check's rtol and ``floor``.

        No absolute allowance for the gradient code's rounding: a mutant whose wrong
        entries are 1e-20 where 0 belongs (a dead unit's derivative taken as 1) must
        still fail, so that rounding is told apart by the wider rerun instead
        (:meth:`_rounded`).
        """
        return judge(g, n, err, self.rtol, floor)

    def floor(self, tensor_floor: float, complex_step: bool = False) -> float:
        """The scale floor of an entry: its tensor's, never below what the loss or the gradient code resolve.

        An entry ``g`` moves the loss by ``g h`` over a central-difference step
        ``h``; below the loss's own rounding (``u |L|``, or its measured noise)
        the loss as evaluated does not register it at all, and the user's
        gradient code, subject to the same cancellations, does not determine it
        either: such entries are measured against that resolution
        (``noise / h``), and against :data:`ANALYTIC_ULPS` of the largest entry.
        Entries judged by the complex step, which has no such blind spot, keep
        only the latter, unless the loss's noise was measured: a loss computed
        by cancellation misleads the complex step as well.
        """
        if complex_step and not self._cancels():  # the complex step resolves what real differences cannot
            return max(tensor_floor, self.analytic_floor)
        return max(tensor_floor, self.analytic_floor, self._loss_floor())

    def entry_floors(self, name: str, idx: np.ndarray, g: np.ndarray, tensor_floor: float, complex_step: bool):
        """:meth:`floor` per entry: lower where a float32 gradient code is shown to compute the entry well.

        A float32 loss's real differences are taken on its float64 twin
        (:meth:`primary`), which resolves entries the float32 loss does not,
        and the float64 run of the same gradient code measures what the float32
        code rounded each entry by (its own rounding is 2**29 times smaller).
        Where that is small, the entry is measured against the twin's loss floor
        and ``SAFETY`` times its measured rounding (over ``rtol``) instead of the
        float32 loss's floor and :data:`ANALYTIC_ULPS` of the largest entry.
        Measured: an entry of 7.7e-8 (0.58 of its tensor's largest, 4e-7 of the
        gradient's), computed by float32 code to 1e-5 of itself, passed off by
        1% against a floor of 3.5e-5. Entries judged by the complex step keep no
        loss floor; their floor was ``ANALYTIC_ULPS`` of the largest entry alone,
        and a bias entry of 8.3e-9 (1.7e-7 of the gradient's largest) passed off
        by 1% against it.
        """
        base = self.floor(tensor_floor, complex_step)
        ref = self._ref
        if np.finfo(self.oracle.dtype).bits >= 64 or (not complex_step and (ref is None or ref is self.oracle)):
            return base
        wide = self.wide_gradients()
        if not wide or name not in wide[0]:
            return base
        measured = SAFETY * np.abs(g - wide[0][name].reshape(-1)[idx]) / self.rtol
        # the complex step (on the float64 twin) resolves what real differences cannot: no loss floor then
        estimate = 0.0 if complex_step else self._estimate_floor()
        shown = np.maximum(max(tensor_floor, estimate), np.minimum(self.analytic_floor, measured))
        return np.minimum(base, shown)

    def _estimate_floor(self) -> float:
        """The loss floor of the real differences entries are estimated with: a float32 loss's float64 twin's."""
        ref = self._ref
        if ref is None or ref is self.oracle or np.finfo(self.oracle.dtype).bits >= 64:
            return self._loss_floor()
        return max(ref.u * abs(float(ref.L0)), ref.noise / 2.0) / ref.h0

    def _cancels(self) -> bool:
        """Does the loss round above the model as measured (a cancellation, which the complex step inherits)?"""
        return self.noise is not None and self.noise.excess > 1.0

    def _loss_floor(self) -> float:
        o = self.oracle
        rounding = max(o.u * abs(float(o.L0)), self.noise.sigma if self.noise is not None else 0.0)
        return rounding / (o.h0 * self.step_scale())

    def wants_second_opinion(self, unresolved: bool) -> bool:
        """Re-examine an entry that passed only within an unresolved error bar? (a noisy loss only)"""
        return unresolved and self.noisy

    def second_opinion(self, name: str, j: int, g: float, first: nm.Estimate, floor: float):
        """Re-examine a failing entry; return ``(status, estimate)``."""
        status, best, exact = self._second_opinion(name, j, g, first, floor)
        if status in ("fail", "inconclusive"):
            rounded = self._rounded(name, j, g, exact or best, floor)
            # None: the wider run agrees, but too coarsely to tell its rounding from a 1% bug
            status = "pass" if rounded else ("inconclusive" if rounded is None else status)
        return status, best

    _widened = 0
    _gap_mattered = False

    def _widen_affordable(self) -> bool:
        """May a second opinion take the complex step in extended precision? (see :data:`WIDEN_TRIES`)"""
        small = self.oracle.problem.size <= EXTENDED_LIMIT
        return small or self._gap_mattered or self._widened < WIDEN_TRIES

    def resolution(self) -> float:
        """The smallest entry real differences of the loss as evaluated resolve (its noise over the step, times SAFETY).

        In float32, the float32 loss's: an entry below it is invisible to any
        check made in float32 arithmetic, and the float32 gradient code may
        round it by more than itself.
        """
        return SAFETY * self._loss_floor()

    def _rounded(self, name: str, j: int, g: float, best: nm.Estimate, floor: float) -> bool | None:
        """The gradient entry is off by its own rounding, not by a bug.

        The same gradient code run on the parameters cast to a wider type
        (float64 for float32, ``np.longdouble`` for float64) tells the two
        apart: a bug is in both results, rounding only in one. The entry
        passes when a wider result agrees with the numeric estimate (itself
        taken at the wider precision where the loss is noisy) and the entry
        differs from it by no more than ``|g - g_wide|`` allows. Rounding of
        float64 gradient code never excuses a difference of :data:`ROUNDING_CAP`
        of an entry the loss as evaluated resolves (:meth:`resolution`), nor
        does any wider run excuse a difference the numeric estimate does not
        resolve to :data:`SUBTLE` (1%): such a miss is a bug (False), or
        unresolved (None: the wider run agrees, but too coarsely to rule out a
        1% error in the code).
        """
        size = max(abs(g), abs(best.value))
        resolved = size <= self.resolution() or SAFETY * best.error <= SUBTLE * size
        if size > self.resolution() and abs(g - best.value) > ROUNDING_CAP * size and self.oracle.dtype == np.float64:
            return False  # float64 gradient code does not round a resolved entry by that much: a bug
        narrow = float(np.finfo(self.oracle.dtype).eps)
        wides = self.wide_gradients()
        for eps, wide in zip(self._wide_eps, wides):
            if name not in wide:
                continue
            gw = float(wide[name].reshape(-1)[j])
            # The wider result rounds too, less by the ratio of the eps (a cancellation that
            # grows with its arguments may keep more of it: the square root of the ratio is
            # allowed). A bug is in both results alike and is not explained.
            own = np.sqrt(eps / narrow) * abs(g - gw)
            wide_ok = judge([gw], [best.value], [best.error + own], self.rtol, floor).ok[0]
            explained = abs(g - best.value) <= SAFETY * (abs(g - gw) + best.error) + self.rtol * max(abs(g), floor)
            if wide_ok and explained:
                if not resolved:
                    return None  # the numeric side does not resolve the entry to 1%: unresolved, not rounding
                self.rounded[name] = self.rounded.get(name, 0) + 1
                return True
        return False

    def wide_gradients(self) -> list[dict[str, np.ndarray]]:
        """The user's gradient at wider parameters: float64 (for float32), then ``np.longdouble``."""
        if self._wide is None:
            problem = self.oracle.problem
            wider = [problem.widened()] if problem.dtype != np.float64 else []
            # a float32 gradient's float64 run measures its rounding; np.longdouble on top only where
            # affordable (a 399,370-parameter float32 net's longdouble gradient took 2.5 s)
            ext = problem.extended() if not wider or problem.size <= EXTENDED_LIMIT else None
            wider += [ext] if ext is not None else []
            pairs = [(float(np.finfo(p.dtype).eps), _analytic_at(p)) for p in wider]
            pairs = [(eps, g) for eps, g in pairs if g]
            self._wide_eps = [eps for eps, _ in pairs]
            self._wide = [g for _, g in pairs]
        return self._wide

    _twin_start = None
    _twin = None
    #: the float64 twin of a float32 loss whose second opinions went on to np.longdouble
    #: (:meth:`_deepen`): the screens keep judging it, as before
    _screen_ref = None

    def twin(self):
        """``(reference oracle, the gradient code there)`` for the screens, or None to screen as given.

        A float32 loss is screened as its float64 twin; a noisy float64 loss
        (small enough for extended arithmetic) as its extended-precision twin,
        whose noise is 2048 times smaller: one wrong entry stands out of it.
        Once found, the same twin is returned (its evaluations counted once).
        """
        if self._twin is not None:
            return self._twin
        low = np.finfo(self.oracle.dtype).bits < 64
        if not self.quieter_twin():
            return None
        ref = self.on_reference(lambda r: r)
        ref = self._screen_ref if (low and self._screen_ref is not None) else ref
        wide = self.wide_gradients()
        twin = wide[0] if (low and wide) else (wide[-1] if wide and ref.extended else None)
        if twin is None or ref is self.oracle or set(twin) != set(self.analytic):
            return None
        self._twin_start = ref.evaluations
        self._twin = (ref, twin)
        return self._twin

    def twin_gradient(self) -> dict[str, np.ndarray] | None:
        """The wider gradient the twin's screens judged, if a twin was used."""
        return self._twin[1] if self._twin is not None else None

    def count_twin(self) -> None:
        """Add what the twin screens spent on the reference oracle to the check's evaluations."""
        if self._twin_start is not None:
            self.oracle.evaluations += self._twin[0].evaluations - self._twin_start
            self._twin_start = None
        for o in self._screen_oracles:
            self.oracle.evaluations += o.evaluations
        self._screen_oracles = []

    _screen_oracles: list[nm.Oracle] = []

    def count_oracle(self, o: nm.Oracle) -> None:
        """Count the evaluations of ``o``, an oracle the screens made, with the check's (:meth:`count_twin`)."""
        self._screen_oracles = [*self._screen_oracles, o]

    def refine(self, name: str, j: int) -> nm.Estimate:
        """:func:`gradcheck.numeric.refine` on the reference oracle (wider than a float32 or noisy loss)."""
        return self.on_reference(lambda ref: nm.refine(ref, name, j, self.step_scale() if ref is self.oracle else 1.0))

    def _may_deepen(self) -> bool:
        """May a float32 loss's reference go on to np.longdouble? (no complex step, small enough)"""
        return getattr(self, "complex_safe", None) is False and self.oracle.problem.size <= DEEPER_LIMIT

    def _deepen(self) -> None:
        """A float64 twin made while probing, found noisy, replaced by the extended twin for second opinions.

        (see ``reference_oracle``; the screens keep the float64 twin: a quieter screen through
        every tensor would pass one entry off by 1% that the float64 twin's screens trip on)
        """
        ref = self._ref
        if ref is None or ref is self.oracle or ref.extended or not self._may_deepen():
            return
        if ref.measured is None or ref.measured.excess <= ns.NOISY:
            return
        ext = extended_oracle(ref)
        self.oracle.evaluations += ref.evaluations  # measuring the extended twin, counted on the float64 one
        ref.evaluations = 0
        if ext is not None:
            self._screen_ref, self._ref = ref, ext

    def on_reference(self, work: Callable):
        """Run ``work(ref)`` on the check's one reference oracle, counting its evaluations."""
        if self._ref is None:
            # extended arithmetic only where it is affordable (EXTENDED_LIMIT): at 335,114 parameters one
            # longdouble evaluation costs ~70 float64 ones, and the second opinions of a dense bug ran minutes
            small = self.oracle.problem.size <= EXTENDED_LIMIT
            gap = self.oracle.problem.size <= GAP_LIMIT
            self._ref = reference_oracle(self.oracle, noisy=self.noisy and small, deeper=self._may_deepen(), gap=gap)
        ref = self._ref
        before = ref.evaluations
        try:
            return work(ref)
        finally:
            if ref is not self.oracle:
                self.oracle.evaluations += ref.evaluations - before
                if self._twin_start is not None and self._twin is not None and self._twin[0] is ref:
                    self._twin_start += ref.evaluations - before  # counted here, not again by count_twin

    def _second_opinion(self, name: str, j: int, g: float, first: nm.Estimate, floor: float):
        """``(status, best estimate, complex step or None)`` for a failing entry."""
        refined = self.refine(name, j)
        scale = max(abs(g), abs(first.value), floor)
        exact = first if first.estimator == "complex" else None
        if self.complex_safe and exact is None:
            exact = nm.complex_step(self.oracle, name, j)
        suspect = exact is not None and not refined.kink and _disagree(exact, refined)
        if suspect and self.noise is None:
            # the complex step and a real estimate disagree: a loss computed by cancellation
            # misleads both; measure its noise once, and refine again on its extended twin
            self.measure_noise()
            if self.noisy:
                refined = self.refine(name, j)
        if self.noise is not None and (exact is None or self._cancels()):
            # below the loss's resolution only a complex step of a loss free of cancellation sees
            floor = max(floor, self._estimate_floor())
        if refined.kink:
            status = subgradient_status(g, refined, self.rtol * scale)
            agrees = exact is not None and self.judge([g], [exact.value], [exact.error], floor).ok[0]
            if status == "fail" and agrees:
                # At a true kink the complex step returns one branch's slope, so a g equal to
                # it lies between the one-sided slopes; outside them and equal to it, the
                # "kink" was the rounding of a saturated loss: the point is smooth and g right.
                return "pass", exact, exact
            return status, refined, exact
        subtle = exact is not None and abs(g - exact.value) < SUBTLE * max(abs(g), abs(exact.value), floor)
        misses = exact is not None and not self.judge([g], [exact.value], [exact.error], floor).ok[0]
        if exact is not None and (self.noisy or suspect or (subtle and misses)) and self._widen_affordable():
            # the complex step inherits the cancellation of a loss computed by it: the
            # same step in extended precision measures its error, and replaces it
            self._widened += 1
            wide = nm.complex_step_extended(self.oracle, name, j)
            if wide is not None:
                gap = abs(exact.value - wide.value)
                self._gap_mattered |= bool(gap > 0.25 * abs(g - exact.value))
                # its own error: the gap shrunk by the square root of the eps ratio (as for the
                # gradient code: a cancellation may keep more than the ratio promises)
                ratio = float(np.finfo(np.longdouble).eps / np.finfo(np.float64).eps)
                wide = nm.Estimate(wide.value, max(wide.error, np.sqrt(ratio) * gap), wide.estimator)
                widened = nm.Estimate(exact.value, max(exact.error, gap), exact.estimator)
                first = widened if first is exact else first
                exact = wide
        others = [first, refined]
        if exact is not None and exact is not first:
            others.append(exact)
        # A central difference's error leaves out what the second opinion
        # measures (truncation, a kink crossed by the step): trust the later
        # estimates; a complex step has no such blind spot and stays in.
        trusted = others if first.estimator == "complex" else others[1:]
        best = min((e for e in trusted if np.isfinite(e.value)), key=lambda e: e.error, default=refined)
        verdict = self.judge([g], [best.value], [best.error], floor)
        if verdict.ok[0]:
            # a pass the error bar alone allows is no pass after a failed first look, nor is one
            # within a tolerance that would let an entry off by 1% through (compare.WEAK)
            sharp = verdict.abs_error[0] <= self.rtol * verdict.scale[0] or (
                verdict.resolved[0] and not verdict.weak[0]
            )
            return ("pass" if sharp else "inconclusive"), best, exact
        if exact is None and _bracketed(g, refined, self.rtol * scale):
            # kinks in bulk: the step never got inside every unit's kink, so no smooth value
            # converged, but the one-sided slopes at the smallest step bracket g
            return "kink", refined, exact
        if refined.value == 0.0 and (refined.error == 0.0 or (exact is not None and exact.value != 0.0)):
            # the loss did not move at all at any real step (flat in its last digits): the entry
            # is below what the loss as evaluated resolves, and a nonzero complex step there
            # (which sees through the flatness, and through the user's rounding alike) cannot
            # tell a bug from a gradient code rounding to 0; an exactly zero one can
            return "inconclusive", best, exact
        if exact is None and self._cancels() and max(abs(g), abs(best.value)) <= self.resolution():
            # no complex step, and both values below what the loss as evaluated resolves (its
            # measured noise over the step): a loss computed by cancellation moves in stairs
            # there (a saturated tanh is exactly 1), which real differences cannot read
            return "inconclusive", best, exact
        # Fail only when the discrepancy stands clear of everything the numeric
        # side is unsure about: its own error and the spread between estimators.
        # A real difference of exactly zero saw the loss not change at all (a loss
        # rounded in stairs wider than the step): no evidence against a nonzero
        # complex step, which sees through the stairs.
        blind = exact is not None and exact.value != 0.0
        seen = [e for e in others if np.isfinite(e.value) and not (blind and e is not exact and e.value == 0.0)]
        # ... and estimators disagree only beyond their own error bars: a Richardson
        # estimate 1e-11 off a 1e-17 entry, with an error of 1e-11, contradicts nothing.
        spread = max((abs(best.value - e.value) - SAFETY * e.error for e in seen), default=0.0)
        uncertainty = max(best.error, spread)
        reliable = verdict.abs_error[0] > SAFETY * uncertainty + self.rtol * verdict.scale[0]
        if reliable and exact is None and self.noise is not None and self.noise.excess > 1.0:
            # A loss computed by cancellation may move in stairs at this entry that a table
            # along a direction through every entry does not show (a saturated sample
            # whose 1 - p only this entry moves): its noise is measured here before a fail.
            local = self.on_reference(
                lambda ref: _with_entry_noise(ref, name, j, self.step_scale() if ref is self.oracle else 1.0)
            )
            if not self.judge([g], [local.value], [local.error], floor).ok[0]:
                return "fail", best, exact
            return "inconclusive", local, exact
        return ("fail" if reliable else "inconclusive"), best, exact


def _with_entry_noise(o: nm.Oracle, name: str, j: int, scale: float) -> nm.Estimate:
    """:func:`gradcheck.numeric.refine` of entry ``j``, with the loss's noise measured at that entry (30-38 evals)."""
    sigma = nm.measured_noise(o, name, j)
    before = o.noise
    o.noise = max(before, 2.0 * sigma)
    try:
        return nm.refine(o, name, j, scale)
    finally:
        o.noise = before


def _disagree(a: nm.Estimate, b: nm.Estimate) -> bool:
    return bool(np.isfinite(b.value) and abs(a.value - b.value) > SAFETY * (a.error + b.error))


def _bracketed(g: float, refined: nm.Estimate, tolerance: float) -> bool:
    """``g`` lies between one-sided slopes that differ by a jump, not by noise.

    :func:`gradcheck.numeric.refine` reports the one-sided slopes of its
    smallest step. At a smooth point they differ by ``h L''`` (tiny) and a
    wrong ``g`` is never between them; with kinks inside the step (many ReLU
    units near zero) they differ by the jumps, and a valid subgradient lies
    between them. Their gap must stand clear of the estimate's error (noise
    divided by the step), or noise would pass for a jump.
    """
    if refined.left is None or refined.right is None or not refined.jump:
        return False
    lo, hi = sorted((refined.left, refined.right))
    if hi - lo <= SAFETY * refined.slope_error:
        return False
    return lo - tolerance <= g <= hi + tolerance


def _analytic_at(problem) -> dict[str, np.ndarray]:
    """The user's gradient at ``problem``'s parameters ({} if that fails)."""
    try:
        return problem.analytic()
    except Exception:  # the user's code may refuse a wider type: then nothing is learnt from it
        return {}
