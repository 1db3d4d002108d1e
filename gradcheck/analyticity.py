"""Where the complex step fails an entry, real differences in extended precision judge it again.

The complex step ``Im L(t + ih) / h`` is the derivative only where the loss is
analytic along the entry. A loss may take complex parameters and still not be:
``np.abs`` of a complex residual is its modulus, so a Huber loss written as
``np.where(np.abs(r) <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d))`` drops the
imaginary part of every sample on its linear branch. The probe that vouched for
the complex step compares it with real differences, which in float64 resolve an
entry only to the loss's rounding over the step: a net at weights of 1e-3 whose
entries are 1e-8 of a loss of 0.14 is resolved to ~3e-11 there, and the complex
step's miss of 5e-11 hid in that (it failed a correct gradient, every tensor).

Before a complex-step estimate fails an entry, the same entry is estimated by
Richardson extrapolation on the loss at its parameters cast to ``np.longdouble``
(where that type is wider than float64 and the loss computes in it): its
rounding is 2048 times smaller. Where that estimate disagrees with the complex
step beyond both error bars and agrees with the gradient, the complex step was
not the loss's derivative there, and the entry passes on the real estimate.
A wrong gradient entry disagrees with every estimate of the derivative, and
still fails (and the estimate here only starts the check again: it passes nothing
by itself). One such entry shows the loss is not analytic: the check starts
again on real differences alone (:class:`NotAnalytic`, caught by
:func:`gradcheck.check.check_gradients`), as for a loss that refuses complex
parameters, with a note saying why.
"""

from __future__ import annotations

import numpy as np

from gradcheck import numeric as nm
from gradcheck.compare import SAFETY
from gradcheck.problem import UserFunctionError

#: Estimators whose failing verdict is re-judged here.
COMPLEX_ESTIMATORS = ("complex", "complex-extended")


class NotAnalytic(Exception):
    """Extended real differences contradict the complex step at an entry and agree with the gradient."""

    def __init__(self, name: str, j: int, complex_value: float, real: nm.Estimate, evaluations: int):
        super().__init__(name, j)
        self.name, self.j, self.complex_value, self.real, self.evaluations = name, j, complex_value, real, evaluations

    def note(self, index: tuple) -> str:
        """The report's note, ``index`` the entry's index in its tensor."""
        return (
            f"complex step not used: at {self.name}{list(index)} it gives {self.complex_value:.10g}, while real "
            f"differences of the loss in extended precision (np.longdouble) give {self.real.value:.10g} "
            f"(+/- {self.real.error:.1g}), as the gradient does: the loss takes complex parameters but is not "
            "analytic (np.abs of a complex value is its modulus; np.where(np.real(r) >= 0, r, -r) is |r| and "
            f"analytic); checked again with real differences ({self.evaluations} loss evaluations spent before)"
        )


def rejudged(ch, name: str, j: int, g: float, best: nm.Estimate, floor: float, refined=None) -> None:
    """Raise :class:`NotAnalytic` where extended real differences overturn a complex-step failure.

    ``ch`` is the :class:`gradcheck.opinions.Checker` of the check; ``refined`` the
    second opinion's own real estimate, which confirms the complex step where it
    resolves the miss and agrees with it (no extended look is needed then).
    """
    if best.estimator not in COMPLEX_ESTIMATORS or ch.__dict__.get("_complex_confirmed"):
        return None
    if refined is not None and _confirms(refined, best, g):
        ch._complex_confirmed = True
        return None
    ext = _extended(ch)
    if ext is None:
        return None
    before = ext.evaluations
    try:
        est = nm.richardson(ext, name, j)
    finally:
        ch.oracle.evaluations += ext.evaluations - before
    if not np.isfinite(est.value):
        return None
    if abs(est.value - best.value) <= SAFETY * (est.error + best.error):
        # the real estimate agrees with the complex step: the failure stands, and where it resolved the miss, the
        # complex step is shown right on this loss (a bug fails every entry it touches: one look is enough)
        ch._complex_confirmed = _confirms(est, best, g)
        return None
    verdict = ch.judge([g], [est.value], [est.error], floor)
    sharp = verdict.sharp[0] or (verdict.resolved[0] and not verdict.weak[0])
    if verdict.ok[0] and sharp:
        raise NotAnalytic(name, j, best.value, est, ch.oracle.evaluations)


def _confirms(real: nm.Estimate, complex_step: nm.Estimate, g: float) -> bool:
    """A real estimate that resolves the miss ``|g - complex step|`` and agrees with the complex step."""
    agree = abs(real.value - complex_step.value) <= SAFETY * (real.error + complex_step.error)
    return bool(np.isfinite(real.value) and agree and SAFETY * real.error < abs(g - complex_step.value))


def _extended(ch):
    """The loss at the check's parameters cast to ``np.longdouble`` (made once), or None.

    None where the platform's longdouble is no wider than float64, the loss
    refuses it, or returns a float64 value there (it casts its parameters or
    its value back: its differences would be float64's). No noise is measured:
    an estimate here only decides whether the check starts again on real
    differences, whose own error bars then judge every entry.
    """
    from gradcheck.references import EXTENDED_LIMIT

    if "_analytic_ext" not in ch.__dict__:
        o, ext = ch.oracle, None
        problem = o.problem.extended() if o.dtype == np.float64 and o.problem.size <= EXTENDED_LIMIT else None
        if problem is not None:
            try:
                ext = nm.Oracle(problem, step_dtype=np.float64)
            except (UserFunctionError, TypeError, ValueError):
                ext = None
            if ext is not None:
                o.evaluations += ext.evaluations
                ext.evaluations = 0
                ext = ext if isinstance(ext.L0, np.longdouble) and ext.repeatable else None
        ch._analytic_ext = ext
    return ch._analytic_ext
