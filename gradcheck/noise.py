"""The loss's own noise, measured: how accurately is the loss evaluated?

The rounding model of :mod:`gradcheck.numeric` (``LOSS_ULPS`` ulps of the
loss) holds for a loss computed without cancellation. A loss written the way
people write it often is not: ``log(1 - p)`` with ``p = 1/(1+exp(-z))`` near 1
keeps ``16 - log10(1/(1-p))`` of float64's digits, ``log(p + 1e-8)`` moves in
stairs, a ``float()`` cast rounds away any extra precision. Real differences
of such a loss are off by its noise divided by the step, far above the model.

Here the noise is *measured*, as in More and Wild, "Estimating computational
noise", SIAM J. Sci. Comput. 33(3), 2011 (ECnoise): the loss at a few equally
spaced points along a direction, whose smooth part is a polynomial of low
degree over so short a stretch, so that its k-th differences vanish and what is
left is the noise, ``Var(Delta^k noise) = C(2k, k) sigma**2`` for independent
noise. The level ``k`` is chosen where consecutive estimates agree and the
differences change sign (noise, not a trend). A loss flat over the stretch
(stairs wider than the spacing) shows its quantum instead (:func:`quantum`).

:func:`loss_noise` measures it once per check along a random direction through
every tensor; :func:`measured_noise` near one entry; :func:`widened` resolves
an entry with steps growing until the noise divided by the step is small.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from gradcheck.ecnoise import ECNOISE_AGREE, ecnoise, ecnoise_seen
from gradcheck.numeric import (  # noqa: F401  (measured_noise: the noise model, defined where refine needs it)
    LOSS_ULPS,
    NOISE_POINTS,
    NOISE_SPACINGS,
    Estimate,
    Oracle,
    _finite,
    _pair,
    measured_noise,
    step_base,
)


@dataclass(frozen=True)
class Noise:
    """The loss's noise at the point, measured along a direction.

    Attributes
    ----------
    sigma : float
        Measured standard deviation of one evaluation (absolute).
    model : float
        What the rounding model assumes, ``u |L|``.
    loss : float
        The loss at the point.
    eps : float
        Machine epsilon of the loss's computation.
    stairs : float
        Height of the smallest stair when the loss moves in stairs (rounded
        coarser than its parameters); 0 otherwise.
    narrow : bool
        The noise is a float32 problem's float64 twin still rounding to float32
        inside (:func:`_narrow_rounding`): its real differences step wider with it.
    """

    sigma: float
    model: float
    loss: float
    eps: float
    stairs: float = 0.0
    narrow: bool = False

    @property
    def excess(self) -> float:
        """How many times the model the measured noise is (>= 1)."""
        return max(1.0, self.sigma / self.model) if self.model > 0 else 1.0

    @property
    def digits_lost(self) -> float:
        """Decimal digits the loss loses beyond a correctly rounded evaluation."""
        return max(0.0, math.log10(self.sigma / (self.eps * abs(self.loss)))) if self.sigma > 0 and self.loss else 0.0


#: A loss is *noisy* (its extended-precision twin is used, the complex step is
#: re-checked in extended precision, the ``loss_ill_conditioned`` note is given) when
#: its measured noise is above this many times the rounding model: two decimal
#: digits lost. Below it, a sum of many terms rounding a few dozen ulps is ordinary;
#: the measured noise still enters every real error bar.
NOISY = 100.0
#: Spacing of :func:`loss_noise`'s points, in central-difference steps: small enough
#: that the smooth part's fourth difference along a direction through every entry
#: stays below rounding, large enough to cross the stairs of a loss rounded by
#: cancellation at the scale central differences see.
LOSS_NOISE_SPACING = 0.25


#: Spacing of a quick measurement (:func:`loss_noise` with ``quick``), in central-difference
#: steps: a single table at a 64th of :data:`LOSS_NOISE_SPACING`, where ReLU kinks along the
#: direction have thinned out and rounding noise has not; flat stairs wider than that
#: spacing read as no noise at all, which only makes a screen judged with it stricter.
QUICK_SPACING = LOSS_NOISE_SPACING / 64.0


def loss_noise(oracle: Oracle, seed: int = 0, extended: bool = True, quick: bool = False, deep: bool = False) -> Noise:
    """Measure the loss's noise at the point along a random direction (12 to 24 evaluations, +1 extended).

    Every entry moves by ``+-d max(1, |t|)`` (random signs), ``d`` a quarter of
    the central-difference step, at ``k = 1 .. NOISE_POINTS`` spacings on each
    side of the point; each side's table gives an :func:`ecnoise` estimate and
    the quieter side is kept (a kink on one side is not noise), never below
    the model. With ``extended``, the loss at the same point in
    ``np.longdouble`` arithmetic (where the loss takes it) bounds the noise
    from below by ``|L - L_extended|``: what a float64 evaluation lost to
    cancellation, flat stairs included (:func:`with_extended_gap`). Where the
    table shows more than four times what the model and that value explain, it
    is measured at a 64th of the spacing too, keeping the smaller: many ReLU
    kinks along the direction look like noise at one spacing, but they thin
    out as the spacing shrinks, while rounding noise does not. ``quick``: only
    that smaller spacing (12 evaluations; see :data:`QUICK_SPACING`).
    ``deep``: stairs are looked for at that smaller spacing too (12 more), for a
    twin that must show it is quieter: a loss that casts to float64 before it
    cancels (``math.log(1 - float(p))``) moves in float64's stairs at any
    precision, often steep enough along a direction through every entry that
    only the smaller spacing sees a value repeat.
    """
    rng = np.random.default_rng(seed)
    moves = {n: _random_move(rng, w) for n, w in oracle.work.items()}
    model = oracle.u * abs(float(oracle.L0))
    gap = _extended_gap(oracle) if extended else 0.0
    spacing = QUICK_SPACING if quick else LOSS_NOISE_SPACING
    first = _sides(oracle, moves, spacing * oracle.h0)
    small = first if quick else None  # the table at the small spacing, evaluated once when needed
    table = _quieter(oracle.L0, first)
    if not quick and table > 4.0 * max(model, gap):
        # more than the model and the extended value explain: kinks along the direction, or
        # rounding noise? kinks thin out at a 64th of the spacing, rounding does not
        small = _sides(oracle, moves, QUICK_SPACING * oracle.h0)
        table = min(table, _quieter(oracle.L0, small))
    # the quieter side of a staircase can be level (stairs wider than the spacing): the
    # stairs' own height then bounds the noise (see stairs_noise)
    # (a float32 loss moves in float32's own stairs: its float64 twin resolves those)
    wide = np.finfo(oracle.dtype).bits >= 64
    stairs = stairs_noise(oracle, moves, spacing * oracle.h0, first) if wide else Stairs()
    if deep and wide and not quick and not stairs.height:
        stairs = stairs_noise(oracle, moves, QUICK_SPACING * oracle.h0, small)
    coarse = _narrow_rounding(oracle, moves, spacing) if not quick else 0.0
    sigma = max(table, model, gap, stairs.sigma)
    # float32 stairs wider than the twin's own table (which then reads them as nothing) show as more noise at the
    # longer spacing than at its own; a float64 cancellation reads the same at both, and is the extended twin's
    narrow = coarse > ECNOISE_AGREE * sigma
    sigma = max(sigma, coarse) if narrow else sigma
    eps = oracle.u / LOSS_ULPS
    return Noise(float(sigma), float(model), float(oracle.L0), float(eps), float(stairs.height), narrow)


def _narrow_rounding(oracle: Oracle, moves, spacing: float) -> float:
    """The noise of a float32 problem's float64 twin that still rounds to float32 inside (0 where none shows).

    A loss summed in float32 whatever its parameters (float32 targets times a
    Python float stay float32 under NumPy's promotion rules; a float32 buffer)
    moves in float32's stairs at float64 parameters too, and a smooth float64
    term beside it (a weight penalty) hides those stairs from the table at the
    twin's own spacing: no value repeats, and a table inside one stair is smooth.
    At the spacing float32's own differences would use, the stairs show as noise.
    Only noise the table shows counts (:func:`gradcheck.ecnoise.ecnoise_seen`):
    there a quiet loss's curvature is not mistaken for it. And only noise that
    stays at a :data:`NARROW_THINNING`-th of that spacing: the kinks of a float32
    ReLU network crossed by so long a table read as noise too, but they thin out
    as the spacing shrinks, while the stairs' rounding does not.
    """
    if oracle.grid is None or np.finfo(oracle.grid).bits >= np.finfo(oracle.dtype).bits:
        return 0.0
    d = spacing * step_base(np.dtype(oracle.grid))
    seen = ecnoise_seen([oracle.L0, *_side(oracle, moves, d)])  # (one side: 6 evaluations, 6 more if it shows)
    if seen == 0.0:
        return 0.0
    closer = ecnoise_seen([oracle.L0, *_side(oracle, moves, d / NARROW_THINNING)])
    return min(seen, closer) if closer * ECNOISE_AGREE >= seen else 0.0  # (kinks: it fell with the spacing)


#: :func:`_narrow_rounding` keeps noise seen at the float32 spacing only where a table this many times shorter reads
#: about as much (within ECNOISE_AGREE): a kink's share of a table's differences shrinks with the spacing (and fewer
#: kinks fall inside; the float32 ReLU nets of the user-form soak read 100 to 1,000 times less), rounding's does
#: not, while a table a 16th as long still crosses many float32 stairs wherever the loss moves at all.
NARROW_THINNING = 16.0


def _random_move(rng: np.random.Generator, w: np.ndarray) -> np.ndarray:
    """``+-max(1, |w_i|)``, the sign ``-`` where a uniform draw is below 1/2 (built in one array, not five)."""
    move = np.asarray(np.abs(w, dtype=np.float64))  # (an array even for a tensor of no dimensions)
    np.maximum(move, 1.0, out=move)
    return np.copysign(move, rng.random(w.shape) - 0.5, out=move)  # (a draw of exactly 1/2 gives +0.0: +)


def with_extended_gap(oracle: Oracle, noise: Noise) -> Noise:
    """``noise`` bounded from below by ``|L - L_extended|`` (one evaluation in extended precision)."""
    gap = _extended_gap(oracle)
    return dataclasses.replace(noise, sigma=gap) if gap > noise.sigma else noise


#: :func:`stairs_noise` widens a level table's spacing by 4 up to this many times
#: (4**6 = 4096 spacings: ~1.5e-2 relative in float64 at a quarter step), far enough
#: to reach the stairs of a loss rounded to float32 (relative 6e-8) along any
#: direction that moves the loss at all.
STAIRS_WIDENINGS = 6


@dataclass(frozen=True)
class Stairs:
    """A staircase loss's noise ``sigma`` and smallest stair ``height`` (both 0 when none show)."""

    sigma: float = 0.0
    height: float = 0.0


def stairs_noise(oracle: Oracle, moves, d: float, first=None) -> Stairs:
    """The noise of a staircase loss along ``moves`` (its stairs seen from spacing ``d``).

    A loss rounded coarser than its parameters (probabilities cast to float32 in
    a float64 net, a float32 buffer, ``np.round``) is exactly constant over a
    stretch of every direction, then jumps by a stair. :func:`ecnoise` reads a
    level side as no noise, and a real difference inside one stair reads as a
    slope of 0 with the rounding model's error bar: every entry a false
    ``fail``. The tell is a value repeated at two different moved points of one
    side, other than a side level at ``L0`` throughout (one side of a kink, a dead
    unit); the noise is then the larger of half the smallest stair and the noisier
    side's :func:`ecnoise`. A table level on both sides is widened by 4 until
    the loss moves. A loss that never moves, or moves without stairs, is not
    noisy (0), so a nonzero analytic gradient there still fails.

    Parameters
    ----------
    first : pair of lists, optional
        The table at spacing ``d`` (the two sides' values, ``k = 1 ..
        NOISE_POINTS``), when already evaluated.
    """
    sides = first if first is not None else _sides(oracle, moves, d)
    for widening in range(STAIRS_WIDENINGS + 1):
        if widening:
            sides = _sides(oracle, moves, d * 4.0**widening)
        height = _stair_height(oracle.L0, sides)
        if height > 0.0:
            return Stairs(max(height / 2.0, max(ecnoise([oracle.L0, *side]) for side in sides)), height)
        if any(v != oracle.L0 for side in sides for v in side):
            return Stairs()  # the loss moves, without stairs
    return Stairs()  # level as far as looked: not noisy


def _stair_height(L0: float, sides) -> float:
    """The smallest stair of a staircase; else 0.

    Stairs show as a value repeated at two points of one side (not ``L0``: one
    side of a kink can be level), or as values that are all float32 numbers
    while the loss moves (:func:`_float32_grid`).
    """
    values = [v for side in sides for v in side]
    if not all(np.isfinite(values)) or all(v == L0 for v in values):
        return 0.0
    grid = 0.0
    if _float32_grid([L0, *values]):
        grid = float(np.spacing(np.float32(max(abs(v) for v in [L0, *values]))))
    if not any(len(set(side)) < len(side) and any(v != L0 for v in side) for side in sides):
        return grid
    jumps = [abs(b - a) for side in sides for a, b in zip([L0, *side], side) if b != a]
    return max(grid, min(jumps))


def _float32_grid(values) -> bool:
    """Is every value a float32 number? (a loss rounded to float32; by chance, odds of 2**-29 a value)

    Such a loss moves by whole float32 ulps. Where the direction's slope is
    close to one ulp per spacing, its table climbs one stair a point, a straight
    line to :func:`ecnoise`, with no value repeated.
    """
    return all(float(np.float32(v)) == float(v) for v in values)


def _side(oracle: Oracle, moves, d: float) -> list[float]:
    """The loss at ``+k d``, ``k = 1 .. NOISE_POINTS``, along ``moves``."""
    return [oracle.loss_along(moves, k * d) for k in range(1, NOISE_POINTS + 1)]


def _sides(oracle: Oracle, moves, d: float) -> tuple[list[float], list[float]]:
    """The loss at ``-k d`` and ``+k d``, ``k = 1 .. NOISE_POINTS``, along ``moves``."""
    return _side(oracle, moves, -d), _side(oracle, moves, d)


def _quieter(L0: float, sides) -> float:
    """The quieter side's :func:`ecnoise` of a table (a kink on one side is not noise)."""
    return min(ecnoise([L0, *side]) for side in sides)


#: ``widened`` doubles the step up to this many times (h0 * 2**10, ~6e-3 relative in
#: float64): far enough that a loss whose rounding is many ulps (a saturated
#: output, a loss of 1e-12 computed by cancellation) is resolved by a step
#: large enough that the noise divided by the step is small.
WIDEN_DOUBLINGS = 10


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


def _extended_gap(oracle: Oracle) -> float:
    """``|L - L_extended|`` at the point (0 where there is no wider type or the loss refuses it)."""
    problem = oracle.problem.extended() if oracle.dtype == np.float64 else None
    if problem is None:
        return 0.0
    try:
        wide = problem.base_loss()
    except Exception:  # the user's loss may refuse longdouble: nothing learnt
        return 0.0
    finally:
        oracle.evaluations += 1
    return float(abs(np.longdouble(oracle.L0) - wide))
