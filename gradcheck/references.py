"""The wider references a failing entry is re-examined against, and telling rounding from a bug.

The *reference oracle* of a check is the float64 twin of a float32 loss, or
the extended-precision (``np.longdouble``) twin of a noisy float64 loss
(:func:`gradcheck.probe.reference_oracle`); the *wider gradients* are the
user's gradient code run at those wider parameters. A correct backprop in
float32 or float64 rounds each entry relative to the terms it sums (``1 - a**2``
of a saturated tanh, ``p - y`` of a saturated sigmoid), so an entry can be off
by far more than ``rtol`` of itself with nothing wrong; the same code at wider
precision tells rounding (in one result only) from a bug (in both):
:meth:`References._rounded`. A mixin of :class:`gradcheck.opinions.Checker`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradcheck import noise as ns
from gradcheck import numeric as nm
from gradcheck.compare import SAFETY, judge
from gradcheck.probe import extended_oracle, reference_oracle

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
#: The most float64 gradient code is taken to round an entry the loss resolves, relative to
#: the entry: a quarter of :data:`SUBTLE`, so that an entry off by 1% (0.99% of the larger of
#: the two values) is never excused as rounding. (float32 code rounds a saturated sample's
#: ``1 - p`` to 0 outright; there the float64 run of the same code alone tells rounding from a bug.)
ROUNDING_CAP = SUBTLE / 4
#: Entries smaller than this fraction of the gradient's largest are below what float64 resolves of the
#: terms they are summed from (sqrt(eps): half the digits cancelled). A miss there is measured again in
#: extended precision before anything is concluded, and only there may float64 gradient code be shown
#: (by its own wider run) to round an entry by more than :data:`ROUNDING_CAP`.
DEEP = float(np.sqrt(np.finfo(np.float64).eps))


class References:
    """The reference oracle, the wider gradients and the twins of a check (mixed into ``Checker``)."""

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
        miss = abs(g - best.value)
        if size > self.resolution() and miss > ROUNDING_CAP * size and self.oracle.dtype == np.float64:
            if not self._rounds_by(name, j, g, miss):
                return False  # float64 gradient code does not round a resolved entry by that much: a bug
        narrow, before = float(np.finfo(self.oracle.dtype).eps), g
        wides = self.wide_gradients()
        for eps, wide in zip(self._wide_eps, wides):
            if name not in wide:
                continue
            gw = float(wide[name].reshape(-1)[j])
            # The wider result rounds too, less than the run one precision narrower by the ratio
            # of their eps (a cancellation that grows with its arguments may keep more of it: the
            # square root of the ratio is allowed). A bug is in every result alike and is not
            # explained. (The narrower run, not the user's: a float64 run that rounds 1 - tanh(z)**2
            # to 0 with the float32 one says nothing of the np.longdouble run's rounding, 4e-4 of the
            # entry at |z| ~ 19: user form 2680.)
            own = np.sqrt(eps / narrow) * abs(before - gw)
            narrow, before = eps, gw
            wide_ok = judge([gw], [best.value], [best.error + own], self.rtol, floor).ok[0]
            explained = abs(g - best.value) <= SAFETY * (abs(g - gw) + best.error) + self.rtol * max(abs(g), floor)
            # (float64 code only: a float32 entry rounded by more than a plant hides it from a float64 run that
            # shrinks the miss 2-fold; float64 itself is 2**29 finer, and the rule above tells the two apart)
            shrinks = self.oracle.dtype == np.float64 and _shrinks(g, gw, best, size)
            wide_ok = wide_ok or (explained and shrinks)
            if wide_ok and explained:
                if not resolved:
                    return None  # the numeric side does not resolve the entry to 1%: unresolved, not rounding
                self.rounded[name] = self.rounded.get(name, 0) + 1
                return True
        if self._not_widened(name, j, g, miss):
            return None  # within the code's rounding, which no wider run measured: unresolved, not a bug
        return False

    def _not_widened(self, name: str, j: int, g: float, miss: float) -> bool:
        """The entry is within the gradient code's rounding, and its wider runs computed it no wider.

        A gradient formed from the data alone (a hinge loss's ``-y * (margin > 0) / n``, then
        summed over the batch for the last bias) is computed in the data's dtype whatever the
        parameters' precision: its wider runs return that tensor in the data's dtype, the same
        value to the bit, and tell nothing. Where such an entry and its miss are below
        :data:`DEEP` (sqrt(eps) of the check's dtype) of the gradient's largest entry (what
        float64 leaves of cancelled terms: a last bias summing three labels of +1 and three of
        -1 over n = 6 is 5.6e-17, not 0, beside a largest entry of 3.3e-3: 17 of its ulps, 2
        of its terms'), that rounding cannot be told from a bug: unresolved. A tensor computed
        from the parameters (a dead unit's derivative taken as 1: 1e-20 where 0 belongs) comes
        back in the wider type, whatever its value, and still fails.
        """
        deep = float(np.sqrt(np.finfo(self.oracle.dtype).eps))  # DEEP, for the dtype the code ran in
        if max(abs(g), miss) >= deep * self.gmax or not self.wide_gradients() or name not in self._narrow:
            return False
        self.unwidened[name] = self.unwidened.get(name, 0) + 1
        return True

    def _rounds_by(self, name: str, j: int, g: float, miss: float) -> bool:
        """Does the user's gradient code itself round this entry by about ``miss``?

        Only an entry below :data:`DEEP` of the gradient's largest: one far below the terms it is
        summed from (a hidden bias whose gradient cancels to 1e-19 from terms of 1e-4) keeps
        only the rounding of those terms, and its float64 and ``np.longdouble`` runs then differ
        by a good part of the miss, which a bug (the same in both runs) never makes them do. A
        larger entry off by 1% is never rounding, whatever the wider run says. Whether the
        wider run is right is still judged after.
        """
        if abs(g) + miss >= DEEP * self.gmax:  # the larger of the entry and the estimate, bounded
            return False
        for wide in self.wide_gradients():
            if name in wide and abs(g - float(wide[name].reshape(-1)[j])) >= 0.5 * miss:
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
            runs = [(float(np.finfo(p.dtype).eps), *_analytic_at(p)) for p in wider]
            runs = [run for run in runs if run[1]]
            self._wide_eps = [eps for eps, _, _ in runs]
            self._wide = [g for _, g, _ in runs]
            # tensors no wider run computed wider than the check's own dtype (see _not_widened)
            self._narrow = set.intersection(*(narrow for _, _, narrow in runs)) if runs else set()
        return self._wide

    _narrow: set[str] = set()

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
        return self.on_reference(lambda ref: nm.refine(ref, name, j, self.scale_on(ref)))

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
        if ref.measured is None or ref.measured.excess <= ns.NOISY or ref.measured.narrow:
            return  # (a twin rounding to float32 inside loses the same digits in extended precision)
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
            noisy = (self.noisy or self.extended_wanted) and small
            self._ref = reference_oracle(self.oracle, noisy=noisy, deeper=self._may_deepen(), gap=gap)
        ref = self._ref
        before = ref.evaluations
        try:
            return work(ref)
        finally:
            if ref is not self.oracle:
                self.oracle.evaluations += ref.evaluations - before
                if self._twin_start is not None and self._twin is not None and self._twin[0] is ref:
                    self._twin_start += ref.evaluations - before  # counted here, not again by count_twin


#: :func:`_shrinks`: the wider run must be at least this many times closer to the numeric value,
SHRINK = 2.0
#: ... and within this fraction of the entry: what is left of the miss at np.longdouble bounds an error
#: the rule could hide. At a quarter percent (:data:`ROUNDING_CAP`) a tanh MSE whose float64 entries
#: are off by 0.8% behind a loss that does not move at all (user form 457) passed; the case measured
#: (986, a float64 miss of 5.9e-7) keeps 2.1e-7 at np.longdouble. At 1e-6, one entry of user form 7672
#: planted 1e-6 off (a miss the plant alone leaves at np.longdouble) passed.
SHRINK_CAP = 3e-7


def _shrinks(g: float, gw: float, best: nm.Estimate, size: float) -> bool:
    """The entry's miss shrinks with the precision the same gradient code runs at: rounding, not a bug.

    The rule of :meth:`Checker._rounded` wants the wider run within ``rtol``
    of the numeric value, its own rounding taken as the square root of the eps
    ratio smaller. A cancellation in the user's formula (``1 - a**2`` of a tanh
    unit at ``|z| ~ 15``, ~4e-13, rounded to ~1e-7 of itself even at
    np.longdouble) can keep more than that: measured, an entry 1e-10 of the
    gradient's largest off by 5.9e-7 in float64 and 2.1e-7 at np.longdouble,
    the complex step in extended precision (and an 18-digit oracle) agreeing
    with neither. A wrong formula misses by the same amount at every precision;
    here the wider run is :data:`SHRINK` times closer, to within
    :data:`SHRINK_CAP` of the entry, and the numeric value
    resolves that (its error far below the miss). An error hides only where it
    is about the wider run's own rounding; the note counts the entry as rounded.
    """
    miss, wide_miss = abs(g - best.value), abs(gw - best.value)
    resolved = SAFETY * best.error < wide_miss
    return bool(resolved and SHRINK * wide_miss <= miss and wide_miss <= SHRINK_CAP * size)


def _analytic_at(problem) -> tuple[dict[str, np.ndarray], set[str]]:
    """The user's gradient at ``problem``'s parameters ({} if that fails), and the tensors it returned narrower.

    A tensor returned in a type narrower than the parameters (float64 for
    ``np.longdouble`` parameters) was computed from arrays that did not widen
    with them: the data, in its own dtype.
    """
    try:
        raw = problem.call_grad()
        grads = problem.analytic(raw)
    except Exception:  # the user's code may refuse a wider type: then nothing is learnt from it
        return {}, set()
    eps = np.finfo(problem.dtype).eps
    narrow = {
        name
        for name in grads
        if np.issubdtype(np.asarray(raw[name]).dtype, np.floating) and np.finfo(np.asarray(raw[name]).dtype).eps > eps
    }
    return grads, narrow
