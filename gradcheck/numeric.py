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
``scipy``, ``fprime`` and batched central differences
    over many entries per call: :mod:`gradcheck.vectorised`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradcheck.ecnoise import ecnoise
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
    slope_error : float
        Rounding bound of ``left`` and ``right`` (0 when not measured).
    jump : bool
        ``left`` and ``right`` differ by more than their rounding and their
        gap did not double at the last halving of the step (as it does across
        a jump in the loss itself): kinks inside the step, or curvature.
    curved : bool
        The gap halved at the last halving of the step, as curvature's ``h L''``
        does, while the Richardson values converged far inside it: the slopes
        bracket the derivative to ``h L'' / 2``, not a set of subgradients.
    crossed : float
        The part of ``error`` that kinks a step's length from the point put
        there (:func:`refine`; 0 where the slopes followed a smooth loss or a
        kink at the point).
    """

    value: float
    error: float
    estimator: str
    left: float | None = None
    right: float | None = None
    kink: bool = False
    slope_error: float = 0.0
    jump: bool = False
    curved: bool = False
    crossed: float = 0.0


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

    Attributes
    ----------
    noise : float
        Error of one loss evaluation beyond the rounding model ``u |L|``: the
        spread of a non-deterministic loss, or the loss's own rounding as
        measured by :func:`gradcheck.noise.loss_noise` (a loss computed by
        cancellation). Every real estimate's error includes it.
    measured : gradcheck.noise.Noise or None
        The measurement behind ``noise``, once made.
    """

    def __init__(self, problem: Problem, step_dtype: np.dtype | None = None):
        self.problem = problem
        self.dtype = problem.dtype
        self.work = {k: v.copy() for k, v in problem.params.items()}
        self.flat = {k: v.reshape(-1) for k, v in self.work.items()}
        # An extended-precision oracle steps as float64 does: its parameters are
        # float64 values, and a loss returned through float() keeps float64's eps.
        self.h0 = step_base(step_dtype or self.dtype)
        self.evaluations = 0
        self.measured = None
        #: a narrower float type whose values every step lands on (None: the oracle's own dtype's). The float64
        #: twin of a float32 problem steps on float32 values: a loss that casts its parameters to float32 itself
        #: (``W.astype(np.float32)``) rounds any other point to one, and reads a step it was not given.
        self.grid: type | None = None
        self._cwork: dict[str, np.ndarray] | None = None
        self._buffers: dict[str, np.ndarray] = {}  # per tensor, where loss_along moves it
        # A loss may offer ``loss.batched(params_batch) -> losses``, evaluating K
        # parameter sets (each tensor with a leading axis K) in one vectorised call;
        # the reference networks' closures do.
        self.batched = None if problem.single else getattr(problem.loss_fn, "batched", None)
        first = problem.base_loss()
        # the rounding of the value the loss returns: a float() cast rounds an
        # extended-precision loss to float64
        if isinstance(first, np.longdouble):
            returned = np.dtype(np.longdouble)
        else:
            returned = np.dtype(np.float64) if self.dtype == np.longdouble else self.dtype
        narrow = problem.returned if problem.through and isinstance(problem.returned, type) else None
        if narrow is not None and issubclass(narrow, np.floating) and np.finfo(narrow).eps > np.finfo(returned).eps:
            # (a loss seen through its np.float16(...) cast: its real differences move in that type's stairs)
            returned = np.dtype(narrow)
        self.u = LOSS_ULPS * float(np.finfo(returned).eps)
        self.L0 = first
        # A second evaluation at the same point: a deterministic loss repeats
        # itself exactly; a noisy one (dropout, sampling) shows its noise, which
        # then enters every error estimate (twice the spread seen, for margin).
        self.noise = 2.0 * float(abs(problem.base_loss() - self.L0))
        #: the loss repeated itself exactly (noise measured later is then its rounding, or kinks read as noise)
        self.repeatable = self.noise == 0.0
        self.evaluations += 2
        self.assert_unmodified()

    @property
    def extended(self) -> bool:
        """True for an oracle evaluating the loss at extended-precision parameters."""
        return self.dtype == np.longdouble and np.longdouble != np.float64

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
        if not np.isfinite(value):
            return float("nan")
        # an extended-precision loss keeps its digits until the difference is taken
        return value if isinstance(value, np.longdouble) else float(value)

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
            w = self.work[name]
            if w.dtype == v.dtype == self.dtype and w.shape == v.shape:
                moved[name] = self._moved(name, w, v, step)
            else:
                moved[name] = (w + step * v).astype(self.dtype, copy=False)
        return self._real(self.problem.call_loss(moved))

    def _moved(self, name: str, w: np.ndarray, v: np.ndarray, step: float) -> np.ndarray:
        """``w + step * v`` into the tensor's own buffer, the same values as computed afresh.

        A fresh array per evaluation costs more than its arithmetic: above the
        allocator's mmap threshold (a 200,704-entry tensor is 1.6 MB) every one is
        new pages, faulted in one by one. The loss is given the buffer as it is
        given ``work`` by :meth:`loss_at`: the same array, other values, each call.
        """
        buf = self._buffers.get(name)
        if buf is None:
            buf = self._buffers[name] = np.empty_like(w)
        np.multiply(v, step, out=buf)
        return np.add(w, buf, out=buf)

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
                warnings.simplefilter("ignore", RuntimeWarning)  # overflow in exp: the user's code, as they see it
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
    if oracle.extended:  # keep the extended steps: t + h is exact there
        return t, cast(t + h), cast(t - h)
    if oracle.grid is not None:  # (the float64 twin of float32 parameters: points the user's own casts keep)
        return float(t), float(oracle.grid(t + h)), float(oracle.grid(t - h))
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
        value = float((self.Lp - self.Lm) / width)
        return value, float((u * (abs(self.Lp) + abs(self.Lm)) + 2.0 * noise) / width)


def _pair(oracle: Oracle, name: str, j: int, scale: float) -> _Pair:
    t, tp, tm = _steps(oracle, name, j, scale)
    return _Pair(t, tp, tm, oracle.loss_at(name, j, tp), oracle.loss_at(name, j, tm))


def _finite(*values: float) -> bool:
    return all(np.isfinite(v) for v in values)


def central(oracle: Oracle, name: str, j: int, scale: float = 1.0) -> Estimate:
    """Central difference for entry ``j`` of ``name`` (2 evaluations).

    ``scale`` multiplies the step (a noisy loss is differenced at a wider one).

    Returns
    -------
    Estimate
        ``error`` is the rounding bound ``(u (|L+| + |L-|) + 2 noise) / 2h``.
    """
    p = _pair(oracle, name, j, scale)
    if not _finite(p.Lp, p.Lm):
        return Estimate(float("nan"), float("inf"), "central")
    value, err = p.central(oracle.u, oracle.noise)
    return Estimate(value, err, "central")


def richardson(oracle: Oracle, name: str, j: int, scale: float = 1.0) -> Estimate:
    """Central differences at ``h`` and ``h/2`` extrapolated (4 evaluations; ``scale`` multiplies ``h``).

    Returns
    -------
    Estimate
        ``value = (4 D(h/2) - D(h)) / 3``; ``error = |D(h) - D(h/2)| / 3``
        (the truncation of ``D(h/2)``, an upper estimate for the extrapolated
        value) plus the rounding bound of the combination.
    """
    p1, p2 = _pair(oracle, name, j, scale), _pair(oracle, name, j, 0.5 * scale)
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


def complex_step_extended(oracle: Oracle, name: str, j: int) -> Estimate | None:
    """The complex step in extended precision (``np.clongdouble``), or None where there is none.

    The complex step has no cancellation of its own but inherits the loss's
    (``log(1 - p)`` with ``p`` near 1 keeps the relative error of ``1 - p``,
    a systematic offset no difference table sees); in extended arithmetic that
    error is ``eps_longdouble / eps_float64`` (1/2048) as large.
    """
    if np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
        return None
    cwork = {k: v.astype(np.clongdouble) for k, v in oracle.work.items()}
    cwork[name].reshape(-1)[j] += 1j * COMPLEX_STEP
    value = extended_complex_slope(oracle, cwork)
    if value is None:
        return None
    return Estimate(value, COMPLEX_ULPS * float(np.finfo(np.longdouble).eps) * abs(value), "complex-extended")


def extended_complex_slope(oracle: Oracle, cwork: dict) -> float | None:
    """``Im L(cwork) / h`` with the loss run on ``np.clongdouble`` parameters (1 evaluation), or None.

    None where the loss refuses complex input, drops the imaginary part, returns
    something other than a complex number, or a value that is not finite.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            out = oracle.problem.call_loss(cwork)
    except (UserFunctionError, np.exceptions.ComplexWarning):
        return None
    finally:
        oracle.evaluations += 1
    if not isinstance(out, (np.clongdouble, complex)):
        return None
    value = float(np.imag(out) / COMPLEX_STEP)
    return value if np.isfinite(value) else None


def _one_sided(oracle: Oracle, p: _Pair) -> tuple[float, float, float]:
    """Left slope, right slope and their rounding bound at one step."""
    L0 = oracle.L0
    right = float((p.Lp - L0) / (p.tp - p.t))
    left = float((L0 - p.Lm) / (p.t - p.tm))
    noise = (oracle.u * (max(abs(p.Lp), abs(p.Lm)) + abs(L0)) + 2.0 * oracle.noise) / min(p.tp - p.t, p.t - p.tm)
    return left, right, float(noise)


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
    squared binomial coefficients), as in More and Wild's ECnoise
    (:func:`ecnoise`). Each side
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
                oracle.loss_at(name, j, oracle.dtype.type(t + sign * k * d)) for k in range(1, NOISE_POINTS + 1)
            ]
            sides.append(ecnoise(values))
        sigma = max(sigma, min(sides))
    return sigma


#: ``refine`` halves the step at most this many times (down to h/64): far
#: enough to step inside the nearest kink of a ReLU net with a few hundred
#: samples, while the rounding error (growing like 1/h) stays small.
REFINE_HALVINGS = 6
#: Where the last of those steps still crosses kinks (one-sided slopes apart, their gap not
#: shrinking with the step) and nothing converged, the halving goes on this many more times.
#: A loss whose measured noise widened the first step (kinks in its noise table read as noise)
#: starts 8 times wider and ends at h/8, where a ReLU batch of 32 still has units within the
#: step (a leaky ReLU bias at 3e-7 of its kink: the estimate was 40 times the derivative);
#: the extra steps are candidates like the others, kept only where their error is smaller.
KINK_HALVINGS = 4
#: A growing spread between Richardson values is noise when it stays within this many
#: times their rounding; far above it, a kink a little way off is still pulling the
#: larger steps, and the halving goes on until the steps are inside it.
NOISE_LIKE = 64.0


def refine(oracle: Oracle, name: str, j: int, scale: float = 1.0) -> Estimate:
    """Second opinion for an entry that failed its first check (6 to 14 evaluations).

    ``scale`` multiplies the first step (a loss with measured noise starts wider).

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
    pairs = [_pair(oracle, name, j, scale)]
    last_r, best, sigma = None, None, None
    # (halving, estimate) in the order taken, and how far each halving's slopes strayed from both
    # models a step can read (see _unexplained): the estimates are chosen again at the end with it
    candidates, unexplained = [], []
    k, limit = 0, REFINE_HALVINGS
    while k < limit:
        k += 1
        pairs.append(_pair(oracle, name, j, scale * 0.5**k))
        prev, cur = pairs[-2], pairs[-1]
        if not _finite(prev.Lp, prev.Lm, cur.Lp, cur.Lm) or not cur.tm < cur.t < cur.tp:
            break  # (a step halved below the spacing of the grid the points land on moves nothing: no difference)
        (d0, e0), (d1, e1) = prev.central(oracle.u, oracle.noise), cur.central(oracle.u, oracle.noise)
        l0, r0, _ = _one_sided(oracle, prev)
        l1, r1, noise = _one_sided(oracle, cur)
        gap0, gap1 = r0 - l0, r1 - l1
        drift = abs(l0 - l1) + abs(r0 - r1)
        unexplained.append(_unexplained(prev, cur, gap0, gap1, noise))
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
        candidates.append((k, candidate))
        if best is None or candidate.error < best.error:
            best = candidate
        if abs(gap1) <= 4.0 * noise and abs(gap0) > 16.0 * noise:
            # the step just got inside a kink that pulled the larger ones (their slopes differed,
            # these agree to rounding): this step's central difference is clean, and beats
            # Richardson values that mix it with the polluted steps
            clean = Estimate(d1, e1 + abs(gap1), "central", left=l1, right=r1)
            candidates.append((k, clean))
            if clean.error < best.error:
                best = clean
        if k >= 2 and spread <= 8.0 * rounding:
            break  # converged: consecutive estimates agree to rounding
        if k >= 3 and candidate.error > 4.0 * best.error and spread <= NOISE_LIKE * rounding:
            break  # the spread grows as the step shrinks, at the scale of the rounding: noise dominates, stop
        if k == limit == REFINE_HALVINGS and abs(gap1) > 4.0 * noise and abs(gap1) > 0.5 * abs(gap0):
            limit += KINK_HALVINGS  # still crossing kinks at the last step: go inside them
    if best is None:
        return Estimate(float("nan"), float("inf"), "richardson")
    best = _with_kinks_crossed(candidates, unexplained)
    # the one-sided slopes of the smallest step: with kinks inside every step they bracket the valid subgradients
    # one-sided slopes that differ by more than their rounding, and not by a jump in the loss
    # itself (whose gap doubles as the step halves): kinks inside the step (they keep the gap)
    # or curvature (it halves it, and brackets only what is within h L'' of the derivative)
    jump = abs(gap1) < 1.5 * abs(gap0) and abs(gap1) > 4.0 * noise
    # curvature, not kinks: the gap halved with the step and Richardson removed it (kinks inside the
    # steps move the central differences by about the gap from one halving to the next, and the
    # Richardson values with them; a kink at the point keeps the gap as the step halves)
    curved = (
        best.estimator == "richardson" and abs(gap1) <= CURVED_SHRINK * abs(gap0) and (CURVED * best.error <= abs(gap1))
    )
    return dataclasses.replace(best, left=l1, right=r1, slope_error=noise, jump=bool(jump), curved=bool(curved))


def _unexplained(prev: _Pair, cur: _Pair, gap0: float, gap1: float, noise: float) -> float:
    """How far the one-sided slopes' gap at one halving strays from what a step can explain, beyond rounding.

    At a smooth point the gap is ``h L''`` and scales with the step; at a kink
    at the point it stays the jump; across a jump in the loss itself (a step
    function of the parameter) it grows as ``1 / h``. Kinks a step's length away (ReLU units
    spread around the point over a batch, one every 1e-8 to 1e-6) enter the
    wider step and not the narrower one, and the gap follows neither: the
    central differences then average slopes across them, and the Richardson
    values extrapolate from those, both off by about that much while their
    spread can agree by chance (a bias of 2.9e-9 whose unit had a sample
    2.5e-8 from its kink: 4.6e-9 +/- 2e-10 from steps of 6e-6 and 3e-6). The
    nearer model's miss, less the gap's rounding (each slope's ``noise``
    bound, the wider step's half that), is added to the estimates that used
    those steps or wider ones (:func:`_with_kinks_crossed`).
    """
    ratio = (cur.tp - cur.tm) / (prev.tp - prev.tm)
    strays = min(abs(gap1 - ratio * gap0), abs(gap1 - gap0), abs(gap1 - gap0 / ratio))
    return max(0.0, strays - (2.0 + ratio) * noise)


def _with_kinks_crossed(candidates: list, unexplained: list[float]) -> Estimate:
    """The candidate (``(halving, estimate)`` pairs, in order) with the smallest error once the slopes'
    unexplained gap at its halving and every shorter one is added to it (kinks a shorter step
    crosses, the longer ones cross too)."""
    best = None
    for k, est in candidates:
        crossed = max(unexplained[k - 1 :], default=0.0)
        widened = dataclasses.replace(est, error=est.error + crossed, crossed=crossed)
        if best is None or widened.error < best.error:
            best = widened
    return best


#: :func:`refine` reads the gap of its one-sided slopes as curvature when it shrank to at most this
#: fraction of the one before at the last halving (curvature halves it: ``h L''``) ...
CURVED_SHRINK = 0.6
#: ... and the Richardson value's error is at most the gap divided by this.
CURVED = 16.0
