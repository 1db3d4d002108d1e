"""Numerical estimators of the gradient of a black-box scalar loss.

Every estimator returns an :class:`Estimate`: a value *and* an estimate of its
absolute error, because a numerical derivative without its error cannot be
used to judge anything.

Estimators
----------
``central``
    ``(L(t + h e_k) - L(t - h e_k)) / (2h)``, ``h = eps**(1/3) * max(1, |t_k|)``,
    the step made exactly representable (``(t + h) - t``). Truncation error is
    ``h**2 L'''/6``, rounding error ``~ u |L| / h``; ``eps**(1/3)`` balances the
    two. The error reported is the rounding bound only; truncation is measured
    by :func:`refine` when an entry needs it.
``richardson``
    central at ``h`` and ``h/2`` extrapolated, ``(4 D(h/2) - D(h)) / 3``:
    ``O(h**4)`` truncation, and ``|D(h) - D(h/2)| / 3`` as an error estimate.
``complex``
    ``Im L(t + i h e_k) / h`` with ``h = 1e-20``: no subtraction, so no
    cancellation; accurate to a few ulps. Valid only where the loss is
    complex-safe (analytic in each parameter); see :func:`probe_complex_safety`.
``scipy``
    :func:`scipy.differentiate.derivative` (adaptive, with its own error estimate).
``fprime``
    :func:`scipy.optimize.approx_fprime` forward differences (the familiar
    baseline; ``h = sqrt(eps)``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradcheck.problem import Problem, UserFunctionError

METHODS = ("auto", "central", "richardson", "complex", "scipy", "fprime")

#: Relative accuracy assumed for one loss evaluation, in units of the dtype's eps.
#: The loss at t+h and t-h is computed by the same sequence of operations, so
#: most rounding is common to both and cancels in the difference; what remains
#: is about an ulp of each value. This is a realistic estimate, not a bound:
#: an entry that fails against it gets a second opinion (``refine``) whose
#: error is *measured* from the spread between step sizes, so a noisier loss
#: is never failed on this assumption alone.
LOSS_ULPS = 2.0

#: Complex step. Any h below ~1e-150 gives the same answer: the h**2 term of
#: the Taylor expansion is below the underflow of the real part's rounding.
COMPLEX_STEP = 1e-20

#: Relative accuracy of a complex-step derivative, in ulps of float64: it has no
#: cancellation, but the imaginary part accumulates the rounding of the
#: forward pass (a handful of operations per layer).
COMPLEX_ULPS = 64.0


@dataclass(frozen=True)
class Estimate:
    """A numerical derivative and its estimated absolute error.

    Attributes
    ----------
    value : float
        The estimate.
    error : float
        Estimated absolute error (``inf`` when the loss was not finite nearby).
    estimator : str
        Name of the estimator.
    left, right : float or None
        One-sided slopes (set by :func:`refine`).
    kink : bool
        True when the one-sided slopes differ by a jump that does not shrink
        with the step: the loss is not differentiable there.
    """

    value: float
    error: float
    estimator: str
    left: float | None = None
    right: float | None = None
    kink: bool = False


def step_base(dtype: np.dtype) -> float:
    """Base relative step ``eps**(1/3)`` of a dtype (optimal for central differences).

    Examples
    --------
    >>> round(step_base(np.float64), 8)
    6.06e-06
    """
    return float(np.finfo(dtype).eps) ** (1.0 / 3.0)


class Oracle:
    """Evaluates the loss with single entries (or directions) perturbed.

    Works on private copies of the parameters, restores every entry after
    use and counts evaluations.
    """

    def __init__(self, problem: Problem):
        self.problem = problem
        self.dtype = problem.dtype
        self.work = {k: v.copy() for k, v in problem.params.items()}
        self.flat = {k: v.reshape(-1) for k, v in self.work.items()}
        self.h0 = step_base(self.dtype)
        self.u = LOSS_ULPS * float(np.finfo(self.dtype).eps)
        self.evaluations = 0
        self._cwork: dict[str, np.ndarray] | None = None
        # A loss may offer ``loss.batched(params_batch) -> losses``, evaluating K
        # parameter sets (each tensor with a leading axis K) in one vectorised call;
        # the reference networks' closures do.
        self.batched = None if problem.single else getattr(problem.loss_fn, "batched", None)
        self.L0 = problem.base_loss()
        # A second evaluation at the same point: a deterministic loss repeats
        # itself exactly; a noisy one (dropout, sampling) shows its noise, which
        # then enters every error estimate (twice the spread seen, for margin).
        self.noise = 2.0 * abs(problem.base_loss() - self.L0)
        self.evaluations += 2
        self.assert_unmodified()

    def assert_unmodified(self) -> None:
        """Raise if the user's loss changed its argument in place."""
        for name, original in self.problem.params.items():
            if not np.array_equal(self.work[name], original):
                raise UserFunctionError(
                    f"loss(params) modified params[{name!r}] in place; gradcheck needs a loss "
                    "without side effects (copy before updating)"
                )

    def _real(self, value) -> float:
        self.evaluations += 1
        if isinstance(value, complex):
            value = value.real
        return float(value) if np.isfinite(value) else float("nan")

    def loss_at(self, name: str, j: int, value: float) -> float:
        """Loss with entry ``j`` of ``name`` set to ``value`` (NaN if not finite)."""
        flat = self.flat[name]
        original = flat[j]
        flat[j] = value
        try:
            out = self.problem.call_loss(self.work)
        finally:
            flat[j] = original
        return self._real(out)

    def loss_along(self, direction: Mapping[str, np.ndarray], step: float) -> float:
        """Loss at ``t + step * direction`` (direction given for some tensors)."""
        moved = dict(self.work)
        for name, v in direction.items():
            moved[name] = (self.work[name] + step * v).astype(self.dtype)
        return self._real(self.problem.call_loss(moved))

    @property
    def cwork(self) -> dict[str, np.ndarray]:
        """complex128 copies of the parameters (made on first use)."""
        if self._cwork is None:
            self._cwork = {k: v.astype(np.complex128) for k, v in self.work.items()}
        return self._cwork

    def complex_loss_at(self, name: str, j: int, h: float = COMPLEX_STEP) -> complex:
        """Loss with entry ``j`` of ``name`` moved by ``i h``."""
        cflat = self.cwork[name].reshape(-1)
        original = cflat[j]
        cflat[j] = original + 1j * h
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", np.exceptions.ComplexWarning)
                out = self.problem.call_loss(self.cwork)
        finally:
            cflat[j] = original
        self.evaluations += 1
        return complex(out)


def _steps(oracle: Oracle, name: str, j: int, scale: float) -> tuple[float, float, float]:
    """``(t, t + h, t - h)`` with both points representable in the dtype."""
    t = oracle.flat[name][j]
    h = oracle.h0 * scale * max(1.0, abs(float(t)))
    cast = oracle.dtype.type
    return float(t), float(cast(t + h)), float(cast(t - h))


@dataclass(frozen=True)
class _Pair:
    t: float
    tp: float
    tm: float
    Lp: float
    Lm: float

    def central(self, u: float, noise: float = 0.0) -> tuple[float, float]:
        width = self.tp - self.tm
        value = (self.Lp - self.Lm) / width
        return value, (u * (abs(self.Lp) + abs(self.Lm)) + 2.0 * noise) / width


def _pair(oracle: Oracle, name: str, j: int, scale: float) -> _Pair:
    t, tp, tm = _steps(oracle, name, j, scale)
    return _Pair(t, tp, tm, oracle.loss_at(name, j, tp), oracle.loss_at(name, j, tm))


def _finite(*values: float) -> bool:
    return all(np.isfinite(v) for v in values)


def central(oracle: Oracle, name: str, j: int) -> Estimate:
    """Central difference for entry ``j`` of ``name`` (2 evaluations).

    Returns
    -------
    Estimate
        ``error`` is the rounding bound ``u (|L+| + |L-|) / 2h``.
    """
    p = _pair(oracle, name, j, 1.0)
    if not _finite(p.Lp, p.Lm):
        return Estimate(float("nan"), float("inf"), "central")
    value, err = p.central(oracle.u, oracle.noise)
    return Estimate(value, err, "central")


#: Floats of perturbed copies one batched call may hold (32 MiB of float64).
BATCH_FLOATS = 2**22
#: Parameter sets per batched call, at most.
BATCH_SETS = 256


def batched_central(oracle: Oracle, name: str, idx: np.ndarray) -> list[Estimate]:
    """Central differences for entries ``idx`` through ``oracle.batched``.

    The 2K perturbed parameter sets of K entries go through the loss in one
    vectorised call (chunked so memory stays bounded); the other tensors are
    broadcast, not copied. Same values and error bounds as :func:`central`.
    """
    work = oracle.work
    base = work[name]
    per_call = max(2, min(BATCH_SETS, BATCH_FLOATS // max(1, base.size)) // 2 * 2)
    out: list[Estimate] = []
    for chunk in np.array_split(idx, max(1, int(np.ceil(2 * len(idx) / per_call)))):
        steps = [_steps(oracle, name, int(j), 1.0) for j in chunk]
        stack = np.repeat(base.reshape(1, -1), 2 * len(chunk), axis=0)
        for k, (j, (_, tp, tm)) in enumerate(zip(chunk, steps)):
            stack[2 * k, j], stack[2 * k + 1, j] = tp, tm
        batch = {n: np.broadcast_to(v, (2 * len(chunk), *v.shape)) for n, v in work.items()}
        batch[name] = stack.reshape(2 * len(chunk), *base.shape)
        losses = np.asarray(oracle.batched(batch), dtype=np.float64).reshape(-1)
        oracle.evaluations += 2 * len(chunk)
        for k, (_, tp, tm) in enumerate(steps):
            Lp, Lm = float(losses[2 * k]), float(losses[2 * k + 1])
            if not _finite(Lp, Lm):
                out.append(Estimate(float("nan"), float("inf"), "central"))
                continue
            value, err = _Pair(0.0, tp, tm, Lp, Lm).central(oracle.u, oracle.noise)
            out.append(Estimate(value, err, "central"))
    return out


def richardson(oracle: Oracle, name: str, j: int) -> Estimate:
    """Central differences at ``h`` and ``h/2`` extrapolated (4 evaluations).

    Returns
    -------
    Estimate
        ``value = (4 D(h/2) - D(h)) / 3``; ``error = |D(h) - D(h/2)| / 3``
        (the truncation of ``D(h/2)``, an upper estimate for the extrapolated
        value) plus the rounding bound of the combination.
    """
    p1, p2 = _pair(oracle, name, j, 1.0), _pair(oracle, name, j, 0.5)
    if not _finite(p1.Lp, p1.Lm, p2.Lp, p2.Lm):
        return Estimate(float("nan"), float("inf"), "richardson")
    (d1, e1), (d2, e2) = p1.central(oracle.u, oracle.noise), p2.central(oracle.u, oracle.noise)
    value = (4.0 * d2 - d1) / 3.0
    return Estimate(value, abs(d1 - d2) / 3.0 + (4.0 * e2 + e1) / 3.0, "richardson")


def complex_step(oracle: Oracle, name: str, j: int) -> Estimate:
    """Complex-step derivative ``Im L(t + i h e_j) / h`` (1 evaluation)."""
    value = oracle.complex_loss_at(name, j).imag / COMPLEX_STEP
    if not np.isfinite(value):
        return Estimate(float("nan"), float("inf"), "complex")
    return Estimate(value, COMPLEX_ULPS * float(np.finfo(np.float64).eps) * abs(value), "complex")


def _one_sided(oracle: Oracle, p: _Pair) -> tuple[float, float, float]:
    """Left slope, right slope and their rounding bound at one step."""
    L0 = oracle.L0
    right = (p.Lp - L0) / (p.tp - p.t)
    left = (L0 - p.Lm) / (p.t - p.tm)
    noise = (oracle.u * (max(abs(p.Lp), abs(p.Lm)) + abs(L0)) + 2.0 * oracle.noise) / min(p.tp - p.t, p.t - p.tm)
    return left, right, noise


#: ``refine`` halves the step at most this many times (down to h/64): far
#: enough to step inside the nearest kink of a ReLU net with a few hundred
#: samples, while the rounding error (growing like 1/h) stays small.
REFINE_HALVINGS = 6


def refine(oracle: Oracle, name: str, j: int) -> Estimate:
    """Second opinion for an entry that failed its first check (6 to 14 evaluations).

    Central differences at ``h, h/2, h/4, ...`` give Richardson values from
    consecutive pairs, and one-sided slopes tell a kink from a smooth point.
    The step is halved until two consecutive Richardson values agree (smooth)
    or the one-sided slopes are stable with a persistent gap (kink).

    Returns
    -------
    Estimate
        For a smooth point, the Richardson value with the smallest error
        estimate (the spread between consecutive steps plus rounding): a
        noisy loss, whose spread grows as the step shrinks, keeps the larger
        step. ``kink=True`` when the gap between the
        one-sided slopes does not shrink with the step (a jump in the
        derivative, e.g. ReLU at 0): ``left``/``right`` bound the valid
        subgradients.

    Notes
    -----
    For a smooth loss the gap ``right - left`` is ``h L'' + O(h**3)``, halving
    with the step; at a kink it tends to the jump. Gaps that stay above three
    quarters of their previous size, clear of rounding, with each one-sided
    slope stable to 2% of the gap between the two steps (noise is not; nor is
    a second kink a little further away), are kinks. A kink
    crossed by the larger steps only (a unit close to, not at, zero) shows as
    disagreeing Richardson values at those steps, and the halving goes on.
    """
    pairs = [_pair(oracle, name, j, 1.0)]
    last_r, best, sigma = None, None, None
    for k in range(1, REFINE_HALVINGS + 1):
        pairs.append(_pair(oracle, name, j, 0.5**k))
        prev, cur = pairs[-2], pairs[-1]
        if not _finite(prev.Lp, prev.Lm, cur.Lp, cur.Lm):
            break
        (d0, e0), (d1, e1) = prev.central(oracle.u, oracle.noise), cur.central(oracle.u, oracle.noise)
        l0, r0, _ = _one_sided(oracle, prev)
        l1, r1, noise = _one_sided(oracle, cur)
        gap0, gap1 = r0 - l0, r1 - l1
        drift = abs(l0 - l1) + abs(r0 - r1)
        if abs(gap1) > 4.0 * noise and abs(gap1) > 0.75 * abs(gap0) and drift < 0.02 * abs(gap1) + 2.0 * noise:
            # the rounding model may understate a saturated loss's noise, whose gaps
            # then look like a jump: a kink must stand clear of the measured noise too
            if sigma is None:
                sigma = measured_noise(oracle, name, j)
            measured = 2.0 * (sigma + oracle.noise) / min(cur.tp - cur.t, cur.t - cur.tm)
            if abs(gap1) > 4.0 * measured and drift < 0.02 * abs(gap1) + 2.0 * measured:
                return Estimate(d1, drift + max(noise, measured), "one-sided", left=l1, right=r1, kink=True)
        value = (4.0 * d1 - d0) / 3.0
        rounding = (4.0 * e1 + e0) / 3.0
        spread = abs(d0 - d1) / 3.0 if last_r is None else abs(value - last_r)
        last_r = value
        candidate = Estimate(value, spread + rounding, "richardson", left=l1, right=r1)
        if best is None or candidate.error < best.error:
            best = candidate
        if k >= 2 and spread <= 8.0 * rounding:
            break  # converged: consecutive estimates agree to rounding
        if k >= 3 and candidate.error > 4.0 * best.error:
            break  # the spread grows as the step shrinks: noise dominates, stop
    return best if best is not None else Estimate(float("nan"), float("inf"), "richardson")


#: ``widened`` doubles the step up to this many times (h0 * 2**10, ~6e-3 relative in
#: float64): far enough that a loss whose rounding is many ulps (a saturated
#: output, a loss of 1e-12 computed by cancellation) is resolved by a step
#: large enough that the noise divided by the step is small.
WIDEN_DOUBLINGS = 10


#: Points on each side of ``t`` for :func:`measured_noise`: three fourth differences a side.
NOISE_POINTS = 6
#: Spacings of those points, in central-difference steps. A loss rounded by
#: cancellation is a staircase in ``t``: points closer than one stair see no
#: noise at all, so a spacing of a whole step is tried too; the smooth part's
#: fourth difference at that spacing, ``h**4 L`` (~1e-21 of ``L``), stays
#: far below any rounding.
NOISE_SPACINGS = (1.0 / 16.0, 1.0)


def measured_noise(oracle: Oracle, name: str, j: int) -> float:
    """Rounding noise of the loss near entry ``j``, measured (24 evaluations).

    The loss at ``t + k d``, ``k = -6..6``, with ``d`` a fraction of the
    central-difference step and the step itself: the smooth part of ``L`` is a
    polynomial of low degree over so short a stretch, and its fourth
    differences vanish, so the fourth differences measure the rounding
    (``Var(Delta^4 noise) = 70 sigma^2`` for independent noise: the sum of the
    squared binomial coefficients), as in More and Wild's ECnoise. Each side
    of ``t`` is measured on its own and the quieter side kept: a kink at
    ``t`` (or near it, on one side) is not noise. A loss computed by
    cancellation (a saturated output whose loss is a difference of nearly
    equal terms) rounds far above the few ulps of ``LOSS_ULPS``; this sees
    it. Never less than the modelled rounding.
    """
    t = float(oracle.flat[name][j])
    sigma = oracle.u * abs(oracle.L0)
    for spacing in NOISE_SPACINGS:
        d = oracle.h0 * max(1.0, abs(t)) * spacing
        sides = []
        for sign in (-1.0, 1.0):
            values = [oracle.L0] + [
                oracle.loss_at(name, j, float(oracle.dtype.type(t + sign * k * d))) for k in range(1, NOISE_POINTS + 1)
            ]
            fourth = np.diff(np.array(values), 4)
            sides.append(float(np.sqrt(np.mean(fourth**2) / 70.0)) if np.all(np.isfinite(fourth)) else float("inf"))
        sigma = max(sigma, min(sides))
    return sigma


def quantum(L0: float, values: list[float]) -> float:
    """The loss's quantum, if ``values`` (at points other than ``t``) show it; else 0.

    A loss computed by cancellation (``(z + s) - z`` with ``s`` far below
    ``z``) is a staircase: exactly ``L0`` over a stretch of ``t``, then a jump
    of one unit of ``z``'s last place, far above ``L0``'s own ulp. A value
    equal to ``L0`` at a moved point is the tell; the smallest change seen
    elsewhere is then the height of a stair.
    """
    finite = [v for v in values if np.isfinite(v)]
    if not any(v == L0 for v in finite):
        return 0.0
    steps = [abs(v - L0) for v in finite if v != L0]
    return min(steps) if steps else float("inf")  # flat everywhere: stairs of unknown height


def widened(oracle: Oracle, name: str, j: int) -> Estimate:
    """Richardson estimates from steps growing ``h, 2h, 4h, ...``; the most consistent one (46 evaluations).

    The counterpart of :func:`refine` for a loss noisier than the rounding
    model: its error is *measured* as the spread between consecutive
    Richardson values, plus the rounding of the loss as measured by
    :func:`measured_noise`, so a loss whose noise dominates small steps is
    judged at a step where the noise no longer does, and a smooth one at a
    step where truncation is still small.

    Returns
    -------
    Estimate
        The Richardson value with the smallest measured error (spread to
        its neighbour plus the rounding bound).
    """
    sigma = measured_noise(oracle, name, j)
    pairs = [_pair(oracle, name, j, 2.0**k) for k in range(WIDEN_DOUBLINGS + 1)]
    sigma = max(sigma, quantum(oracle.L0, [v for p in pairs for v in (p.Lp, p.Lm)]) / 2.0)
    rich = []
    for small, big in zip(pairs, pairs[1:]):
        if not _finite(small.Lp, small.Lm, big.Lp, big.Lm):
            break
        d1, d2 = small.central(0.0)[0], big.central(0.0)[0]
        # rounding of (4 D(h) - D(2h)) / 3 with noise sigma on each value
        rounding = (4.0 * 2.0 * sigma / (small.tp - small.tm) + 2.0 * sigma / (big.tp - big.tm)) / 3.0
        rich.append(((4.0 * d1 - d2) / 3.0, rounding + 2.0 * oracle.noise / (small.tp - small.tm)))
    best = Estimate(float("nan"), float("inf"), "richardson")
    for (v0, r0), (v1, _) in zip(rich, rich[1:]):
        err = abs(v0 - v1) + r0
        if err < best.error:
            best = Estimate(v0, err, "richardson")
    return best


#: How far the real part of the loss at complex parameters may stray from the real
#: loss. This only catches gross misuse (a loss that returns the magnitude of a
#: complex intermediate changes its value by orders more); numpy's complex
#: elementary functions (log1p, expm1 of a complex argument go through log and
#: exp) lose up to ``eps / |x|`` of a small result, so a loss of 1e-12 computed
#: that way differs by ~1e-5 of itself with nothing wrong. ``eps**(1/4)`` of
#: float64 (1.2e-4) sits between the two.
VALUE_RTOL = float(np.finfo(np.float64).eps) ** 0.25


def reference_oracle(oracle: Oracle) -> Oracle:
    """An oracle for real reference derivatives at the precision of the complex evaluation.

    The complex step runs in complex128 whatever the parameters' dtype; a
    float32 loss's own rounding (its quantum is ~1e-7 of its value) would make
    every real difference useless against it. The same loss at the parameters
    cast to float64 is the fair reference; a loss that refuses float64 keeps
    its own precision.
    """
    if oracle.dtype == np.float64:
        return oracle
    try:
        return Oracle(oracle.problem.widened())
    except (UserFunctionError, TypeError, ValueError):
        return oracle


def probe_complex_safety(oracle: Oracle, entries: list[tuple[str, int]], ref: Oracle | None = None) -> str | None:
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
    evaluations the caller then counts).
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
        return _probe_entries(oracle, ref, value, entries)
    ref = reference_oracle(oracle)
    try:
        return _probe_entries(oracle, ref, value, entries)
    finally:
        if ref is not oracle:
            oracle.evaluations += ref.evaluations


def _probe_entries(oracle: Oracle, ref: Oracle, value: complex, entries: list[tuple[str, int]]) -> str | None:
    if not abs(value.real - ref.L0) <= VALUE_RTOL * abs(ref.L0):
        return "the loss's value changes when given complex parameters"
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
        if not _consistent(c, r) and not _near_kink(ref, name, j, c):
            return (
                f"complex step ({c.value:.6g}) disagrees with central differences "
                f"({r.value:.6g}) on {name}: the loss is not analytic (abs, max, clip or similar)"
            )
    return None


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


def scipy_derivatives(oracle: Oracle, name: str, idx: np.ndarray) -> list[Estimate]:
    """:func:`scipy.differentiate.derivative` for entries ``idx`` of ``name``.

    One vectorised call per tensor; scipy's own error estimate is reported.
    """
    from scipy.differentiate import derivative

    flat = oracle.flat[name]
    x0 = flat[idx].astype(np.float64)

    def f(x, ids):
        out = np.empty(x.shape)
        ids = np.broadcast_to(ids, x.shape)
        for k in np.ndindex(x.shape):
            out[k] = oracle.loss_at(name, int(ids[k]), x[k])
        return out

    step = 1e-2 * np.maximum(1.0, np.abs(x0))
    res = derivative(f, x0, args=(idx.astype(float),), initial_step=step, order=4)
    errors = np.where(res.success, res.error, np.inf)
    return [Estimate(float(v), float(e), "scipy") for v, e in zip(res.df, errors)]


def fprime_derivatives(oracle: Oracle, name: str, idx: np.ndarray) -> list[Estimate]:
    """:func:`scipy.optimize.approx_fprime` (forward differences) for entries ``idx``.

    Error: rounding ``2u|L|/h`` plus the truncation bound ``h |L''| / 2``
    estimated from the curvature seen between the forward and a backward step.
    """
    from scipy.optimize import approx_fprime

    flat = oracle.flat[name]
    eps = float(np.finfo(oracle.dtype).eps) ** 0.5
    out = []
    for j in idx:
        t = float(flat[j])

        def f(x, j=int(j)):
            return oracle.loss_at(name, j, x[0])

        fwd = float(approx_fprime(np.array([t]), f, eps)[0])
        bwd = float(approx_fprime(np.array([t]), f, -eps)[0])
        err = abs(fwd - bwd) / 2.0 + 2.0 * oracle.u * abs(oracle.L0) / eps
        out.append(Estimate(fwd, err, "fprime"))
    return out
