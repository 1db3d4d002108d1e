"""What an entry is measured against: its scale floor, and what the loss and the gradient code resolve.

The floors of :class:`gradcheck.opinions.Checker` (a mixin): an entry's
tolerance is ``rtol`` times the largest of the entry, its tensor's floor, the
gradient code's rounding floor (:data:`ANALYTIC_ULPS` ulps of the gradient's
largest entry) and, for real differences, what the loss as evaluated resolves
(its rounding or measured noise over the step).
"""

from __future__ import annotations

import numpy as np

from gradcheck.compare import SAFETY, judge

#: The user's gradient code rounds each entry relative to the terms it sums; an
#: entry is never measured against less than this many ulps of the gradient's
#: largest entry (over every tensor): below it a correct backprop's rounding
#: (a handful of roundings of terms up to that size) can exceed the entry itself.
ANALYTIC_ULPS = 64.0


class Floors:
    """The floor and resolution methods of a check (mixed into :class:`gradcheck.opinions.Checker`)."""

    def judge(self, g, n, err, floor: float):
        """:func:`gradcheck.compare.judge` at the check's rtol and ``floor``.

        No absolute allowance for the gradient code's rounding: a mutant whose wrong
        entries are 1e-20 where 0 belongs (a dead unit's derivative taken as 1) must
        still fail, so that rounding is told apart by the wider rerun instead
        (:meth:`_rounded`).

        Agreement within an error bar wider than ``rtol`` of the entry is no sharp
        pass for float32 parameters (:attr:`gradcheck.compare.Judgement.sharp`): an
        entry off by 1% passed within a central difference's 1.8% bar on the
        float64 twin. float64 checks keep it (``lenient``): their error bars reach a
        percent of an entry only beside kinks in bulk or in a noisy loss, where the
        second opinions that would follow cannot sharpen them either (a zero-bias
        ReLU net's kinks left its correct W1 inconclusive, not ``kink``).
        """
        return judge(g, n, err, self.rtol, floor, lenient=np.finfo(self.oracle.dtype).bits >= 64)

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
        and the wider runs of the same gradient code measure what the float32
        code rounded each entry by (the float64 run's own rounding is 2**29 times
        smaller, unless it shares a cancellation: the largest gap to any run counts).
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
        runs = [w[name].reshape(-1)[idx] for w in wide if name in w]
        # the widest run that differs: a float64 run may share the float32 code's cancellation (1 - tanh(z)**2
        # of a unit at |z| ~ 15 is 0 in both, 4e-14 at np.longdouble: user form 4441)
        measured = SAFETY * np.max([np.abs(g - r) for r in runs], axis=0) / self.rtol
        # an entry 0 in every run measures nothing: 1 - tanh(z)**2 of a unit at |z| ~ 25 is 0 at float32,
        # float64 and np.longdouble alike, while the derivative is 1e-22; such an entry keeps the floor
        # of the model (user form 502: W1..W3 all 0, their derivatives 1e-29 to 5e-22, inconclusive)
        silent = (g == 0) & np.all([r == 0 for r in runs], axis=0)
        measured = np.where(silent, np.inf, measured)
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

    def resolution(self) -> float:
        """The smallest entry real differences of the loss as evaluated resolve (its noise over the step, times SAFETY).

        In float32, the float32 loss's: an entry below it is invisible to any
        check made in float32 arithmetic, and the float32 gradient code may
        round it by more than itself.
        """
        return SAFETY * self._loss_floor()
