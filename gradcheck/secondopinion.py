"""Second opinions: what stands between an entry's failed first look and ``fail``.

An entry that fails its first estimate is called ``fail`` only when every
opinion agrees (:meth:`SecondOpinions.second_opinion`): a refined real
estimate, the complex step (in extended precision where the loss cancels), the
loss's noise measured at the entry; where the estimators disagree it is
``inconclusive``; where one-sided slopes bracket the analytic value, ``kink``.
A mixin of :class:`gradcheck.opinions.Checker`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck import analyticity, castscreen, convention, dataprecision, kinks
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY, judge
from gradcheck.kinknotes import (
    ConventionNote,
    bracket_note,
    coincident_note,
    crossed_note,
    kink_note,
    nearer_note,
)
from gradcheck.kinks import subgradient_status
from gradcheck.references import DEEP, EXTENDED_LIMIT, SUBTLE
from gradcheck.throughcast import rounds_in_stairs

#: Above :data:`EXTENDED_LIMIT` parameters, second opinions take the complex step in extended
#: precision this many times per check, and on only while one of them showed the float64 step
#: off by a quarter of the miss it was asked about: the cancellation that misleads the complex
#: step is the loss's, at the point, not the entry's. A 407,050-parameter softmax CE with
#: ``log(p + 1e-8)`` (every entry off by ~1e-7 from the textbook gradient) spent 30 s on 58 of them
#: (0.5 s each), every one agreeing with the float64 step.
WIDEN_TRIES = 4


class SecondOpinions:
    """The second-opinion methods of a check (mixed into :class:`gradcheck.opinions.Checker`)."""

    def wants_second_opinion(self, unresolved: bool) -> bool:
        """Re-examine an entry that passed only within an unresolved error bar? (a noisy loss only)"""
        return unresolved and self.noisy

    def second_opinion(self, name: str, j: int, g: float, first: nm.Estimate, floor: float):
        """Re-examine a failing entry; return ``(status, estimate)``."""
        status, best, exact = self._second_opinion(name, j, g, first, floor)
        if status == "fail" and exact is not None and self._by_convention(name, j, g, floor):
            # (one-sided slopes alike both ways need not mean no unit at 0: leaky ReLU's 1 x 0.01 = 0.01 x 1)
            return "kink", best
        before = best
        if exact is None and status in ("fail", "inconclusive"):
            status, best = self._through_kinks(name, j, g, floor, status, best)
        if status == "fail" and exact is None and self._by_convention(name, j, g, floor):
            return "kink", best  # (a float()-cast loss: the convention measured through its cast)
        if status in ("fail", "inconclusive"):
            # (kinks crossed by the steps widen the estimate's error bar, and are no rounding of the code's)
            rounded = self._rounded(name, j, g, exact or _uncrossed(best), floor)
            # None: the wider run agrees, but too coarsely to tell its rounding from a 1% bug
            status = "pass" if rounded else ("inconclusive" if rounded is None else status)
        if status == "fail" and best is not before and self._rounded(name, j, g, before, floor) is not False:
            # the one-sided limits fail an entry whose refined estimate the gradient code's wider run
            # agrees with (as its own rounding, or too coarsely to tell): two estimators at odds are no
            # evidence of a bug (float32 code rounding 1 - p to 0 beside limits 0.6% off, with error bars
            # of 1e-4 of that: user forms 8787, 5608, 1749; a loss of Python floats, held-out 151)
            status = "inconclusive"
        if status == "fail":  # (a complex step misled by a loss that is not analytic: np.abs of a complex value)
            analyticity.rejudged(self, name, j, g, best, floor, self._refined)
            status = dataprecision.excused(self, name, j, g, best) or status  # (float32 data, float64 parameters)
        refined = self._refined
        if status == "inconclusive" and refined is not None and refined.crossed > 0 and not self.left_by_kinks(name, j):
            self._note_kinks(name, j, crossed_note)
        return status, best

    _widened = 0
    _gap_mattered = False
    #: the last :func:`gradcheck.numeric.refine` estimate a second opinion took
    _refined: nm.Estimate | None = None

    def _note_lenient(self, name: str, g: float, best: nm.Estimate, floor: float) -> None:
        """Remember a pass that only float64's lenient judge makes (agreement within the estimate's own error bar,
        which is over :data:`gradcheck.compare.WEAK` of the entry): how large an error could pass there unseen."""
        strict = judge([g], [best.value], [best.error], self.rtol, floor)
        if strict.sharp[0] or (strict.resolved[0] and not strict.weak[0]):
            return
        hidden = float(SAFETY * best.error / max(abs(g), abs(best.value), floor))
        count, worst = self.lenient.get(name, (0, 0.0))
        self.lenient[name] = (count + 1, max(worst, hidden))

    def _at_longer_steps(self, name: str, j: int, g: float, best: nm.Estimate, floor: float) -> str:
        """``pass`` where Richardson at longer steps resolves a weak pass sharply; else ``inconclusive``.

        A real difference's rounding falls as its step grows while its truncation,
        measured here as the gap between the steps (as :func:`gradcheck.numeric.richardson`
        does), grows: an entry 1e-8 of a float64 loss of 1 whose first estimates
        carry error bars of 1% of it (a net at weights of 1e-3 behind a ``float()``
        cast) is resolved to 1e-5 of itself at 16 to 64 times the step, where the
        loss is that smooth (4 evaluations per step, at most :data:`LONGER_SCALES`).
        An estimate there that contradicts ``g`` is not called ``fail``: it stands
        against estimates that agreed with ``g``.
        """
        for s in LONGER_SCALES:
            est = self.on_reference(lambda ref, s=s: _richardson_at(ref, name, j, s * self.scale_on(ref)))
            if not (np.isfinite(est.value) and est.error < best.error):
                break  # the truncation (or a kink) has taken over: longer steps only add to it
            best = est
            verdict = judge([g], [est.value], [est.error], self.rtol, floor)  # (never lenient: see below)
            if not verdict.ok[0]:
                return "inconclusive"
            if verdict.sharp[0] or (verdict.resolved[0] and not verdict.weak[0]):
                return "pass"
        return "inconclusive"

    def _at_a_tie(self, name: str, j: int, g: float, up: nm.Estimate, scale: float, floor: float):
        """``(status, estimate, up)`` where entry ``j`` sits exactly on a tie of ``np.maximum`` or the like; else None.

        A complex step moves no real part, so kinks near the point (ReLU units a
        hair from zero over a large batch, which spoil every real step's slopes)
        do not touch it. At a tie the point itself is on (a unit at exactly 0:
        zero biases beside a dead sample), numpy's lexicographic complex order
        takes the branch of the imaginary part's sign: ``Im L(t + ih) / h`` is
        the right slope, ``Im L(t - ih) / -h`` the left one, each exact to a few
        ulps. A loss analytic at the point gives the same value both ways. Where
        they differ, ``g`` between them is a valid subgradient (``kink``), and
        outside them ``fail`` (1 evaluation).
        """
        down = self.oracle.complex_loss_at(name, j, -nm.COMPLEX_STEP).imag / -nm.COMPLEX_STEP
        if not (np.isfinite(down) and np.isfinite(up.value)):
            return None
        error = nm.COMPLEX_ULPS * float(np.finfo(np.float64).eps) * max(abs(down), abs(up.value))
        if abs(down - up.value) <= SAFETY * error + self.rtol * scale:
            return None  # the same slope both ways: no tie at the point
        est = nm.Estimate(0.5 * (down + up.value), error, "complex-sides", down, up.value, kink=True)
        status = subgradient_status(g, est, self.rtol * scale)
        if status == "fail" and self._by_convention(name, j, g, floor):
            return "kink", est, up
        if status == "fail" and g == 0.0:
            # every path of the entry through units at exactly 0 (see _through_kinks): 0 is owed nothing
            self._note_kinks(name, j, coincident_note)
            return "inconclusive", est, up
        return status, est, up

    def _by_convention(self, name: str, j: int, g: float, floor: float) -> bool:
        """Is ``g``, failed by the complex step, what ``relu'(0) = 0`` (or 1) gives at units exactly 0? (noted;
        see :mod:`gradcheck.convention`: 3 evaluations an entry, the push found once a check)"""
        if self._convention_oracle() is None:
            return False
        tried = self.__dict__.setdefault("_by_convention_tried", {})
        if (name, j, g) not in tried:
            tried[(name, j, g)] = self._convention_holds(name, j, g, floor)
        return tried[(name, j, g)]

    def convention_push(self):
        """:func:`gradcheck.convention.find_push` for this check (found once; None for a loss not complex-safe, or
        at a point on no kink: :func:`gradcheck.convention.on_a_kink`)."""
        o = self._convention_oracle()
        if o is None:
            return None
        found = self.__dict__.get("_push", ())
        if found == ():
            kinked = convention.on_a_kink(o)
            found = self._push = convention.find_push(o, self.analytic, self.rtol) if kinked else None
        return found

    def _convention_oracle(self):
        """The float64 oracle whose complex step the convention is measured with: the loss's own where it is
        complex-safe, else the loss seen through its ``float()`` cast where that is (:mod:`gradcheck.castscreen`)."""
        if self.oracle.dtype != np.float64:
            return None
        return self.oracle if self.complex_safe else castscreen.seen_oracle(self)

    def _convention_holds(self, name: str, j: int, g: float, floor: float) -> bool:
        """:meth:`_by_convention`, measured."""
        found = self.convention_push()
        if not found:
            return False
        measured = convention.verify(self._convention_oracle(), self.analytic, name, j, self.rtol, found)
        scale = max(abs(g), abs(measured.value), floor) if measured is not None else 0.0
        if not convention.holds(measured, g, self.rtol, scale):
            return False
        self._note_kinks(name, j, ConventionNote(measured))
        return True

    def _through_kinks(self, name: str, j: int, g: float, floor: float, status: str, best: nm.Estimate):
        """``(status, estimate)`` after the one-sided limits of entry ``j`` (for a real-difference second opinion).

        Where ``refine`` or the walk to the limits saw kinks (kinks inside every
        step, read as noise by the noise table too): limits that agree are the
        derivative, and ``g`` is judged against them; limits that differ are a
        kink at the point, ``kink`` when ``g`` lies between them
        (:func:`gradcheck.kinks.subgradient_status`), else ``inconclusive``; a
        side that never settled leaves the entry ``inconclusive``, named in a
        note. Where no kinks showed, the limits may only settle an
        ``inconclusive`` entry as right; a ``fail`` stands (one-sided slopes
        resolve less than the estimates behind it).
        """
        left, right = self.on_reference(lambda ref: kinks.one_sided_limits(ref, name, j, g))
        kinked = _kinked(self._refined) or left.kinks or right.kinks
        if not (np.isfinite(left.error) and np.isfinite(right.error)):
            if kinked or (status == "fail" and _stepped_over(left, right, self._refined)):
                self._note_kinks(name, j)
                return "inconclusive", best
            if status == "fail":
                return self._inside_small_steps(name, j, g, best)
            return status, best
        error = left.error + right.error
        middle = 0.5 * (left.value + right.value)
        if abs(left.value - right.value) <= SAFETY * error:
            error += 0.5 * abs(left.value - right.value)
            est = nm.Estimate(middle, error, "one-sided", left.value, right.value)
            # refine's wider steps (a noisy loss's widened ones) disagreeing with the limits beyond
            # both errors crossed kinks the limits' smaller steps stayed inside
            kinked = kinked or _disagree(est, self._refined)
            verdict = self.judge([g], [est.value], [est.error], floor)
            if not verdict.ok[0]:
                return ("fail", est) if kinked else (status, best)
            sharp = verdict.sharp[0] or not verdict.weak[0]
            settled = "pass" if sharp else "inconclusive"
            return (settled, est) if kinked or (settled == "pass" and status == "inconclusive") else (status, best)
        est = nm.Estimate(middle, error, "one-sided", left.value, right.value, kink=True)
        isolated = not (left.kinks or right.kinks)
        at_point = isolated and self.on_reference(lambda ref: kinks.jump_at_point(ref, name, j))
        if not (kinked or at_point):
            # limits apart with no kink seen by refine, the walk or a jump that stays as the step
            # shrinks: a cancelling loss's stairs, not a kink
            return status, best
        tolerance = self.rtol * max(abs(g), floor)
        if subgradient_status(g, est, tolerance) == "kink":
            return "kink", est
        refined = self._refined
        if at_point and g == 0.0:
            # a kink at the point itself and g exactly 0 outside it: an entry whose every path runs
            # through units at their kink (a zero weight column beside zero biases, a net initialised
            # at zeros: each sample's unit at 0) is 0 under relu'(0) = 0, while each side's slope
            # switches some of those units on; no value between the slopes is owed there
            self._note_kinks(name, j, coincident_note)
            return "inconclusive", est
        if at_point or (isolated and refined is not None and refined.kink):
            if subgradient_status(g, refined if not at_point else est, tolerance) == "fail":
                # one kink at the point, none crossed on either side (abs of a weight at 0), and g
                # (not 0) outside it; unless the complex step, which takes each unit's own branch at
                # the point, gives g: then the jump is many kinks nearer than any real step (leaky
                # ReLU units of a net at weights of 1e-3, their pre-activations 1e-13 from zero)
                if at_point and kinks.complex_step_agrees(self.oracle, name, j, g, tolerance):
                    self._note_kinks(name, j, nearer_note)
                    return "inconclusive", est
                return "fail", est
        # outside the limits: kinks nearer to the point than the smallest step (units a
        # hair from zero beside units at it) leave each side's limit the slope beyond them,
        # not the one-sided derivative, so this is no evidence of a wrong g either
        self._note_kinks(name, j)
        return "inconclusive", est

    def _inside_small_steps(self, name: str, j: int, g: float, best: nm.Estimate):
        """``(status, estimate)`` of a failing entry whose one-sided limits never settled.

        Its fail rests on estimates at the usual steps; where kinks in bulk sit
        around the point (:func:`gradcheck.kinks.small_step_bracket`), the
        one-sided slopes at steps short enough to lie inside them, yet long
        enough that their rounding stays under an eighth of the miss, are asked:
        ``g`` inside what they span is no evidence of a bug (``kink`` where both
        sides settled within :data:`KINK_WIDTH` of ``g`` of each other, else
        ``inconclusive``, named in a note with the width); outside it, or where
        a side neither settled nor showed kinks, the fail stands.
        """
        if not self.oracle.repeatable:
            return "fail", best  # a loss that differs from call to call jumps about at short steps too
        ceiling = abs(g - best.value) / (2.0 * SAFETY)
        bracket = self.on_reference(lambda ref: kinks.small_step_bracket(ref, name, j, ceiling))
        if bracket is None or not bracket.holds(g):
            return "fail", best
        est = nm.Estimate(
            0.5 * (bracket.low + bracket.high),
            0.5 * bracket.width,
            "one-sided",
            bracket.low,
            bracket.high,
            kink=True,
            slope_error=bracket.error,
        )
        if bracket.settled and bracket.width <= KINK_WIDTH * abs(g):
            return "kink", est
        self._note_kinks(name, j, bracket_note(bracket.width / max(abs(g), np.finfo(float).tiny), bracket.step))
        return "inconclusive", est

    def _note_kinks(self, name: str, j: int, note=None) -> None:
        """Name the entries left inconclusive by kinks (one note per tensor and kind, its count kept current).

        ``note(name, first, count)`` writes it: :func:`kink_note` (kinks inside every step) by default;
        a note with a ``key`` attribute is one kind whatever its wording (the last wording is kept).
        """
        note = note or kink_note
        self.__dict__.setdefault("_kinked", set()).add((name, int(j)))
        kind = (name, getattr(note, "key", note))
        unsettled = self.__dict__.setdefault("_unsettled", {})
        first, count, text = unsettled.get(kind, (None, 0, None))
        if first is None:
            first = tuple(int(i) for i in np.unravel_index(j, self.analytic[name].shape))
        else:
            self.notes.remove(text)
        text = note(name, first, count + 1)
        self.notes.append(text)
        unsettled[kind] = (first, count + 1, text)

    def left_by_kinks(self, name: str, j: int) -> bool:
        """Was entry ``j`` of ``name`` left ``inconclusive`` by kinks inside every step its second opinion took?"""
        return (name, int(j)) in self.__dict__.get("_kinked", ())

    def _widen_affordable(self) -> bool:
        """May a second opinion take the complex step in extended precision? (see :data:`WIDEN_TRIES`)"""
        small = self.oracle.problem.size <= EXTENDED_LIMIT
        return small or self._gap_mattered or self._widened < WIDEN_TRIES

    def _second_opinion(self, name: str, j: int, g: float, first: nm.Estimate, floor: float):
        """``(status, best estimate, complex step or None)`` for a failing entry."""
        refined = self._refined = self.refine(name, j)
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
                refined = self._refined = self.refine(name, j)
        if self.noise is not None and (exact is None or self._cancels()):
            # below the loss's resolution only a complex step of a loss free of cancellation sees
            floor = max(floor, self._estimate_floor())
        # (one evaluation per entry the complex step failed: refine's steps across a tie beside near kinks
        # need not show a kink, nor disagree with the complex step beyond their error bars)
        tie = self._at_a_tie(name, j, g, exact, scale, floor) if self.complex_safe and exact is not None else None
        if tie is not None:
            return tie
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
        # an entry far below the gradient's largest (1e-19 beside 0.5) is what float64 leaves of cancelled
        # terms, in the loss (the complex step inherits it) as in the gradient code: any miss there is worth
        # the step in extended precision, as a subtle one is
        subtle = subtle or (exact is not None and max(abs(g), abs(exact.value)) < DEEP * self.gmax)
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
        if exact is not None and refined.value == 0.0 and exact.value != 0.0 and rounds_in_stairs(self.oracle.problem):
            # the loss's own cast (np.float16(...)) rounds it in stairs wider than every real step: its twin's
            # complex step reads the derivative of the value before the rounding, the one the gradient must match
            return ("pass" if self.judge([g], [exact.value], [exact.error], floor).ok[0] else "fail"), exact, exact
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
            sharp = verdict.sharp[0] or (verdict.resolved[0] and not verdict.weak[0])
            if not sharp and exact is None and not refined.kink:
                return self._at_longer_steps(name, j, g, best, floor), best, exact
            if sharp and exact is None:
                self._note_lenient(name, g, best, floor)
            return ("pass" if sharp else "inconclusive"), best, exact
        straddled = _straddled(g, refined, self.rtol * scale) if exact is None else None
        if straddled is not None:
            return straddled, refined, exact
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
            local = self.on_reference(lambda ref: _with_entry_noise(ref, name, j, self.scale_on(ref)))
            if not self.judge([g], [local.value], [local.error], floor).ok[0]:
                return "fail", best, exact
            return "inconclusive", local, exact
        return ("fail" if reliable else "inconclusive"), best, exact


#: Step multiples :meth:`SecondOpinions._at_longer_steps` tries, in order, while each resolves better.
LONGER_SCALES = (4.0, 16.0, 64.0)


def _richardson_at(o: nm.Oracle, name: str, j: int, scale: float) -> nm.Estimate:
    """:func:`gradcheck.numeric.richardson` at ``scale`` times the step (4 evaluations)."""
    p1, p2 = nm._pair(o, name, j, scale), nm._pair(o, name, j, 0.5 * scale)
    if not nm._finite(p1.Lp, p1.Lm, p2.Lp, p2.Lm):
        return nm.Estimate(float("nan"), float("inf"), "richardson")
    (d1, e1), (d2, e2) = p1.central(o.u, o.noise), p2.central(o.u, o.noise)
    return nm.Estimate((4.0 * d2 - d1) / 3.0, abs(d1 - d2) / 3.0 + (4.0 * e2 + e1) / 3.0, "richardson")


def _with_entry_noise(o: nm.Oracle, name: str, j: int, scale: float) -> nm.Estimate:
    """:func:`gradcheck.numeric.refine` of entry ``j``, with the loss's noise measured at that entry (30-38 evals)."""
    sigma = nm.measured_noise(o, name, j)
    before = o.noise
    o.noise = max(before, 2.0 * sigma)
    try:
        return nm.refine(o, name, j, scale)
    finally:
        o.noise = before


def _uncrossed(est: nm.Estimate) -> nm.Estimate:
    """``est`` with the error that kinks crossed by its steps put in it taken out (:func:`gradcheck.numeric.refine`)."""
    return dataclasses.replace(est, error=est.error - est.crossed, crossed=0.0) if est.crossed > 0 else est


def _kinked(refined: nm.Estimate | None) -> bool:
    """Did ``refine`` see kinks? (a kink verdict, or a Richardson value outside its own slopes)

    Not one-sided slopes merely apart: curvature sets them ``h L''`` apart at a smooth point.
    """
    if refined is None or refined.left is None or refined.right is None:
        return False
    lo, hi = sorted((refined.left, refined.right))
    if refined.kink:
        return True
    # a Richardson value outside the slopes of its own smallest step was extrapolated across kinks
    # (by more than both errors: at a smooth point it lies within h L'' / 2 of both, far inside them)
    margin = refined.error + refined.slope_error
    return refined.estimator == "richardson" and not lo - margin <= refined.value <= hi + margin


def _stepped_over(left, right, refined: nm.Estimate | None) -> bool:
    """Did ``refine``'s steps cross kinks that the walk's shorter ones stayed inside?

    ``refine``'s one-sided slopes at its smallest step kept their gap
    (``jump``: kinks inside its steps, or curvature), and its value lies away
    from the walk's cleaner side (the smaller spread, unsettled only because
    the loss's rounding over its steps is above :data:`gradcheck.kinks.COARSEST`
    of the entry) beyond both errors, while the two sides agree within their
    spreads. At a smooth point a one-sided limit is the derivative: ``refine``'s
    value, taken across a unit a hair from zero, is then no evidence against ``g``
    (and where a kink sits at the point, none for it either): inconclusive, not fail.
    """
    if refined is None or not refined.jump:
        return False
    clean = min((left, right), key=lambda side: side.spread)
    if not np.isfinite(clean.spread):
        return False
    agree = abs(left.value - right.value) <= SAFETY * (left.spread + right.spread)
    return bool(agree and abs(refined.value - clean.value) > SAFETY * (refined.error + clean.spread))


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
    if refined.left is None or refined.right is None or not refined.jump or refined.curved:
        # (curved: slopes of a smooth point, apart by h L'', which for a small entry beside a large
        # curvature, a softmax bias of 2e-6 with slopes 17% apart, bracket a wrong g as readily as a right one)
        return False
    lo, hi = sorted((refined.left, refined.right))
    if hi - lo <= SAFETY * refined.slope_error:
        return False
    # each slope is known to its rounding: g 2e-12 below a slope known to 4e-10 lies between them
    slack = tolerance + refined.slope_error
    return lo - slack <= g <= hi + slack


#: :func:`_straddled` calls an entry ``kink`` only where the one-sided slopes that bracket it lie within
#: this fraction of the entry of each other: an entry off by 1% (:data:`SUBTLE`) from any value in
#: such a bracket lies outside it, by at least half a percent. A wider bracket leaves it inconclusive.
KINK_WIDTH = SUBTLE / 2


def _straddled(g: float, refined: nm.Estimate, tolerance: float) -> str | None:
    """``kink``/``inconclusive`` where kinks inside the steps spoil the Richardson value; None otherwise.

    At a smooth point the Richardson value lies between the one-sided slopes
    of its smallest step (they differ from the derivative by ``h L'' / 2``,
    the extrapolation by far less). One lying outside them, further than
    both their errors, was extrapolated across kinks inside the steps (ReLU
    units of a net at small weights, many of them near zero over a batch):
    it is no evidence against ``g``. If ``g`` lies between the slopes
    (widened by ``tolerance`` and their rounding), it is ``kink`` where they are within
    :data:`KINK_WIDTH` of ``g`` of each other, else ``inconclusive`` (an
    error smaller than the bracket would hide in it). ``g`` outside them:
    None, judged as usual.
    """
    if refined.left is None or refined.right is None or refined.estimator != "richardson":
        return None
    lo, hi = sorted((refined.left, refined.right))
    margin = SAFETY * (refined.error + refined.slope_error)
    if lo - margin <= refined.value <= hi + margin:
        return None
    slack = tolerance + SAFETY * refined.slope_error  # the slopes are known to their rounding
    if not lo - slack <= g <= hi + slack:
        return None
    return "kink" if hi - lo <= KINK_WIDTH * abs(g) else "inconclusive"
