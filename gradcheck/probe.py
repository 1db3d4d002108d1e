"""Is the loss complex-safe? The per-entry probe, and the real reference it compares with.

The complex step (:func:`gradcheck.numeric.complex_step`) is exact to a few
ulps on a loss that is analytic in each parameter, and wrong without a sign of
it on one that is not (``abs``, ``np.real``, ``np.maximum`` at a tie). The
probe evaluates the loss at complex parameters and compares the complex-step
derivative at a few entries with real estimates on the reference oracle: the
float64 twin of a float32 loss, or the extended-precision (``np.longdouble``)
twin of a float64 loss whose measured noise is far above the rounding model
(:func:`reference_oracle`), where real differences would otherwise drown in it.
"""

from __future__ import annotations

import warnings

import numpy as np

from gradcheck.noise import NOISY, widened
from gradcheck.numeric import Estimate, Oracle, _finite, _one_sided, _pair, complex_step, refine, richardson
from gradcheck.problem import UserFunctionError
from gradcheck.unrounded import VALUE_RTOL, unrounded_reference


def reference_oracle(oracle: Oracle, noisy: bool = False, deeper: bool = False, gap: bool = True) -> Oracle:
    """An oracle for real reference derivatives at the precision of the complex evaluation.

    The complex step runs in complex128 whatever the parameters' dtype; a
    float32 loss's own rounding (its quantum is ~1e-7 of its value) would make
    every real difference useless against it. The same loss at the parameters
    cast to float64 is the fair reference; a loss that refuses float64 keeps
    its own precision. A ``noisy`` float64 loss (its measured noise far above
    the rounding model) is referred to its extended-precision twin where it
    takes one (:func:`extended_oracle`). With ``deeper``, so is a float32
    loss whose float64 twin is itself noisy (a saturated output behind a
    ``float()`` cast, where no complex step sees through the cancellation).
    ``gap``: measure the float64 twin's gap to its extended-precision value
    (one np.longdouble evaluation, ~50 float64 ones; left out on large nets).
    """
    if oracle.dtype == np.float64:
        ext = extended_oracle(oracle) if noisy else None
        return ext if ext is not None else oracle
    try:
        unrounded, spent = unrounded_reference(oracle.problem)  # (its value before its casts: no stairs)
        oracle.evaluations += spent
        twin = Oracle(unrounded or oracle.problem.widened())
    except (UserFunctionError, TypeError, ValueError):
        return oracle
    twin.grid = oracle.dtype.type  # (its parameters are float32 values; steps land on float32 values too)
    _measure(twin, oracle, extended=gap)  # the float64 twin may cancel too (a saturated output)
    # (a twin rounding to float32 inside loses the same digits in extended precision: it stays the reference)
    if deeper and twin.measured is not None and twin.measured.excess > NOISY and not twin.measured.narrow:
        ext = extended_oracle(twin)
        oracle.evaluations += twin.evaluations  # what measuring the extended twin cost
        twin.evaluations = 0
        if ext is not None:
            return ext
    return twin


def _measure(twin: Oracle, parent: Oracle, extended: bool, deep: bool = False) -> None:
    """Measure ``twin``'s own noise into its error bars; its evaluations count as ``parent``'s."""
    from gradcheck.noise import loss_noise

    own = loss_noise(twin, extended=extended, deep=deep)
    if own.excess > 1.0:
        twin.noise, twin.measured = max(twin.noise, 2.0 * own.sigma), own
    parent.evaluations += twin.evaluations
    twin.evaluations = 0


def extended_oracle(oracle: Oracle) -> Oracle | None:
    """The loss at the parameters cast to ``np.longdouble``, if it takes them and is quieter there.

    A loss that loses digits to cancellation in float64 loses 2048 times fewer
    in extended precision, even when it returns its value through ``float()``
    (then only that final rounding is left). None when the platform's
    longdouble is no wider than float64, when the loss refuses it or casts its
    parameters back (its value then does not change at all).
    """
    problem = oracle.problem.extended()
    if problem is None:
        return None
    try:
        ext = Oracle(problem, step_dtype=np.float64)
    except (UserFunctionError, TypeError, ValueError):
        return None
    _measure(ext, oracle, extended=False, deep=True)  # extended precision loses fewer digits, not none
    _cancellation_floor(ext, oracle)
    if ext.L0 == oracle.L0 and not isinstance(ext.L0, np.longdouble) and oracle.measured is not None:
        # the same float64 value to the last bit while float64 is noisy: no extra digits reached the loss
        if oracle.measured.excess > 1.0:
            return None
    return ext


def _cancellation_floor(ext: Oracle, oracle: Oracle) -> None:
    """The extended twin's noise, never below the float64 loss's measured noise scaled by the eps ratio.

    A cancellation loses the same digits at any precision: ``1 - p`` of a
    saturated sigmoid is off by ``eps |p|`` whatever ``eps`` is. The twin's
    own difference table can read 0 where its loss moves in stairs wider than
    the table's spacing (flat, not quiet); the float64 measurement, which saw
    the same cancellation through its extended-precision gap, bounds it.
    """
    if oracle.measured is None:
        return
    ratio = float(np.finfo(ext.dtype).eps) / float(np.finfo(oracle.dtype).eps)
    ext.noise = max(ext.noise, 2.0 * ratio * oracle.measured.sigma)


def probe_complex_safety(
    oracle: Oracle, entries: list[tuple[str, int]], ref: Oracle | None = None, shown: bool = False
) -> str | None:
    """Is the loss complex-safe? ``None`` if so, else the reason.

    The loss must accept complex parameters without raising or warning
    (a ``ComplexWarning`` means it silently dropped imaginary parts), return
    the same real value (to its measured rounding), and its complex-step
    derivative must match a real estimate at ``entries`` (catches ``abs``,
    ``np.real`` and other non-analytic operations that keep the types happy).

    The real estimate is Richardson's; where that disagrees, the loss may be
    noisier than the rounding model (a saturated output) or have kinks near
    the point (a ReLU net over a large batch), so wider steps with the noise
    measured (:func:`widened`) and narrower ones down to the kinks
    (:func:`refine`) get their say. Float32 losses are differenced at float64
    parameters (:func:`reference_oracle`; pass ``ref`` to reuse one, whose
    evaluations the caller then counts). ``shown``: safe only where a real
    estimate resolved at least one entry and agreed (not merely nothing refuted).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            warnings.simplefilter("error", RuntimeWarning)
            value = oracle.problem.call_loss(oracle.cwork)
        oracle.evaluations += 1
    except (UserFunctionError, TypeError, ValueError, np.exceptions.ComplexWarning) as exc:
        cause = exc.__cause__ or exc
        return f"the loss does not accept complex parameters ({type(cause).__name__}: {cause})"
    if not isinstance(value, complex):
        return "the loss returns a real value for complex parameters (imaginary part dropped)"
    if ref is not None:
        return _probe_entries(oracle, ref, value, entries, shown)
    ref = reference_oracle(oracle)
    try:
        return _probe_entries(oracle, ref, value, entries, shown)
    finally:
        if ref is not oracle:
            oracle.evaluations += ref.evaluations


def _probe_entries(
    oracle: Oracle, ref: Oracle, value: complex, entries: list[tuple[str, int]], needs_shown: bool = False
) -> str | None:
    if not abs(value.real - ref.L0) <= VALUE_RTOL * abs(ref.L0):
        return "the loss's value changes when given complex parameters"
    zeros, shown = 0, 0
    for name, j in entries:
        try:
            c = complex_step(oracle, name, j)
        except (UserFunctionError, np.exceptions.ComplexWarning) as exc:
            return f"complex evaluation failed at {name} entry {j} ({exc})"
        r = richardson(ref, name, j)
        if not _consistent(c, r):
            # the rounding model may understate a saturated or cancelling loss's
            # noise: measure it over wider steps before calling the loss unsafe
            r = widened(ref, name, j)
        if not np.isfinite(r.error):
            continue  # the loss does not change measurably with this entry: no evidence either way
        if c.value == 0.0 and r.value != 0.0:
            # exactly zero is what a loss that drops the imaginary part gives (np.abs of a complex
            # residual); a real estimate that moved agrees with it only within its error bar
            zeros += 1
            if abs(r.value) > 4.0 * r.error:
                return _unsafe(c, r, name)
            continue
        if not _consistent(c, r) and not _near_kink(ref, name, j, c):
            return _unsafe(c, r, name)
        shown += 1
    if needs_shown and not shown:
        return "no real estimate resolves an entry the complex step could be checked against: it is not relied on"
    if zeros and not shown:
        return (
            "the complex step reads exactly zero where the real differences move but cannot resolve the entries: "
            "the loss may drop imaginary parts (abs or similar), so it is not relied on"
        )
    return None


def _unsafe(c: Estimate, r: Estimate, name: str) -> str:
    return (
        f"complex step ({c.value:.6g}) disagrees with central differences "
        f"({r.value:.6g}) on {name}: the loss is not analytic (abs, max, clip or similar)"
    )


def _consistent(c: Estimate, r: Estimate) -> bool:
    """A complex step agrees with a real estimate within that estimate's error.

    The ``1e-6`` relative slack covers what a real estimate's error estimate
    leaves out (it is first-order); a non-analytic operation on the loss's path
    (``abs``, ``np.real``) changes the complex derivative by a whole term.
    """
    return abs(c.value - r.value) <= 4.0 * r.error + 1e-6 * max(abs(r.value), abs(c.value))


def _near_kink(oracle: Oracle, name: str, j: int, c: Estimate) -> bool:
    """The complex step is consistent with a kink at or near the point.

    At a kink the complex step returns one branch's slope; near one (a ReLU
    unit whose pre-activation crosses zero within the step, many of them over
    a large batch), the smallest steps' one-sided slopes bracket the
    derivative: the side without the kink is accurate, the other is pulled
    by it. A complex step between them (widened by their error) or equal to
    :func:`refine`'s estimate is consistent, not unsafe.
    """
    k = refine(oracle, name, j)
    if not k.kink and _consistent(c, k):
        return True
    if k.left is None or k.right is None:
        return False
    lo, hi = sorted((k.left, k.right))
    if lo - 4.0 * k.error <= c.value <= hi + 4.0 * k.error:
        return True
    # A one-sided slope at step s is off by s L''/2; on a strongly curved branch
    # (a large loss, an exact kink at t) that can exceed the bracket's margin.
    # Halving the step halves that error: 2 D(s/2) - D(s) removes it, and what
    # is left is allowed up to the size of the correction itself.
    (l0, r0, n0), (l1, r1, n1) = (_one_sided(oracle, _pair(oracle, name, j, 2.0**-k)) for k in (5, 6))
    if not _finite(l0, r0, l1, r1):
        return False
    lo, hi = sorted((2.0 * l1 - l0, 2.0 * r1 - r0))
    slack = abs(l1 - l0) + abs(r1 - r0) + 8.0 * (n0 + n1)
    return lo - slack <= c.value <= hi + slack
