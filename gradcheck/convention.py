"""A gradient taken by a convention at exactly-zero pre-activations: verified, then ``kink``, not ``fail``.

A hand-written ReLU net computes ``relu'(z)`` as ``(z > 0)``: ``relu'(0) = 0``,
as torch does (``np.where(z > 0, 1, 0.01)`` for leaky ReLU). With zero biases
beside zero input rows or zero weights, pre-activations sit at exactly 0 in
one layer and, through activations of exactly 0, in the next. The gradient is
then that of the loss with every such unit held on its lower branch: the
gradient of one linear piece of the loss's directional derivative, not of a
piece any single entry's move reaches. Along an entry whose move switches
units on in one layer and off in the next, that value lies outside both
one-sided slopes, although the code is right.

:func:`verify` tests that claim, knowing nothing of the network: it looks for
a *push*, tensors moved together along their all-ones direction (each one
:data:`RATIO` times less than the one before, from the last tensor), whose
slope just inside the piece it enters the gradient predicts (:func:`limit`:
the complex step along the push at real points ``t + s * push``, ``s`` shrinking,
extrapolated to 0; a real offset, not the imaginary step, puts each unit at 0 on
its branch); that piece holds the pushed units on one branch. The entry's
derivative is measured the same way, along the entry just inside that piece
(there every unit the push moved is off its kink and the loss smooth along the
entry; the piece's gradient is continuous up to the point). An entry whose
value equals that limit within the check's ``rtol``, the limit itself measured
to within ``rtol``, is the convention's value; a wrong factor or sign on it is
not, and stays ``fail``. Only complex-safe float64 losses are verified this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradcheck import numeric as nm
from gradcheck.compare import SAFETY

#: Each tensor joins the push this many times weaker than the one before (tensors are tried from the
#: last to the first, a network's deeper layers first): units at 0 in a later layer are moved by
#: their own bias's push, which must outweigh what the weaker pushes of earlier layers pass on.
RATIO = 16.0
#: The real offset ``s`` of the first measuring point, in per-entry central-difference steps ``h0``
#: (times ``max(1, |t|)``): far from units at 0 only by ``s / RATIO**k``, far enough from rounding.
OFFSET = 1.0
#: :func:`limit` measures again at offsets this many times shorter where the first three disagree.
RETRY = 1.0 / 64.0
#: Relative agreement of a push's complex slope with the gradient's prediction, beyond its rounding.
PUSH_SLACK = 1e-9


@dataclass(frozen=True)
class Convention:
    """What :func:`verify` found: the entry's derivative in the piece the push holds, and the push."""

    value: float
    error: float
    tensors: tuple[str, ...]
    sign: float


def _ones(o: nm.Oracle, names, sign: float) -> dict[str, np.ndarray]:
    """The push: ``sign * RATIO**-k`` on every entry of the ``k``-th tensor of ``names``."""
    return {n: np.full(o.work[n].shape, sign * RATIO**-k, dtype=np.float64) for k, n in enumerate(names)}


def _predicted(analytic: Mapping[str, np.ndarray], moves) -> tuple[float, float]:
    """``g . v`` along ``moves`` and ``sum |g v|``."""
    terms = [np.asarray(analytic[n], np.float64) * v for n, v in moves.items()]
    return float(sum(t.sum() for t in terms)), float(sum(np.abs(t).sum() for t in terms))


def _offset(o: nm.Oracle, push: Mapping[str, np.ndarray]) -> float:
    """The first real offset ``s`` along ``push`` (see :data:`OFFSET`)."""
    return OFFSET * o.h0 * max(1.0, *(float(np.max(np.abs(o.work[n]), initial=0.0)) for n in push))


def _slope_at(o: nm.Oracle, push: Mapping[str, np.ndarray], s: float, moves: Mapping[str, np.ndarray]) -> float:
    """``Im L(t + s * push + i h * moves) / h``: the slope along ``moves`` at a real point off ``t`` along ``push``.

    The real offset, not the imaginary step, puts each unit at 0 on a branch: a
    product of two imaginary parts (a pushed weight times a pushed activation)
    leaves a real part of ``h**2`` that a unit at exactly 0 would take for its
    own sign; beside ``s`` it is nothing.
    """
    moved = {}
    for n, w in o.work.items():
        c = np.array(w, dtype=np.complex128)  # (a copy, an array even for a tensor of no dimensions)
        if n in push:
            c.real = c.real + s * push[n]
        if n in moves:
            c.imag = moves[n] * nm.COMPLEX_STEP
        moved[n] = c
    try:
        value = o.problem.call_loss(moved)
    finally:
        o.evaluations += 1
    return float(np.imag(value) / nm.COMPLEX_STEP)


def _limit_at(o: nm.Oracle, push, moves, s: float) -> tuple[float, float]:
    """The slope along ``moves`` at ``t + s' * push``, extrapolated to ``s' = 0`` from ``s, s/2, s/4`` (3 evals)."""
    values = [_slope_at(o, push, s * 0.5**k, moves) for k in range(3)]
    if not np.all(np.isfinite(values)):
        return float("nan"), float("inf")
    ext = [2.0 * values[k + 1] - values[k] for k in range(2)]
    ulps = nm.COMPLEX_ULPS * float(np.finfo(np.float64).eps) * max(abs(v) for v in values)
    return ext[1], abs(ext[1] - ext[0]) + ulps


def limit(o: nm.Oracle, push: Mapping[str, np.ndarray], moves: Mapping[str, np.ndarray]) -> tuple[float, float]:
    """``(value, error)``: the slope along ``moves`` just inside the piece ``push`` enters (3 or 6 evaluations).

    Measured at offsets ``s, s/2, s/4`` along ``push`` and extrapolated to 0;
    where the three disagree beyond :data:`PUSH_SLACK` of the value (units near
    0 but not at it, crossed by the push: a ReLU net at small weights), once
    more at offsets :data:`RETRY` times shorter, the better kept.
    """
    s = _offset(o, push)
    first = _limit_at(o, push, moves, s)
    if first[1] <= PUSH_SLACK * abs(first[0]):
        return first
    second = _limit_at(o, push, moves, s * RETRY)
    return second if second[1] < first[1] else first


def push_of(o: nm.Oracle, found: tuple[tuple[str, ...], float]) -> dict[str, np.ndarray]:
    """The push of :func:`find_push`'s answer."""
    tensors, sign = found
    return _ones(o, tensors, sign)


def _agrees(o: nm.Oracle, analytic, push, rtol: float) -> bool:
    """Does the slope along ``push``, just inside the piece it enters, equal the gradient's ``g . push``?"""
    value, error = limit(o, push, push)
    expect, size = _predicted(analytic, push)
    return bool(np.isfinite(value) and abs(value - expect) <= SAFETY * error + max(rtol, PUSH_SLACK) * size)


#: :func:`on_a_kink` halves its offset at most this many times (units near 0 but not at it, crossed at
#: the first offsets, drop out as the offset shrinks; units exactly at 0 never do).
KINK_HALVINGS = 6


def on_a_kink(o: nm.Oracle) -> bool:
    """Is the point on a kink along a random direction? (4 to 14 evaluations)

    The slope along ``v`` at ``t + s v`` and at ``t - s v`` (the complex step at
    real offsets, :func:`_slope_at`) differ by ``2 s`` times the curvature at a
    smooth point, half that at ``s / 2``; across units exactly 0 by a jump that
    keeps its size as ``s`` halves. The offset halves until the gap does either
    (units a hair from 0, crossed at the first offsets, change it otherwise). A
    smooth point (a bug's failing entries) is told here before any push is
    looked for. (The complex step both ways at the point would not do: a pushed
    weight times a pushed activation leaves the same real part ``h**2`` both
    ways, which a unit at exactly 0 takes for its sign.)
    """
    rng = np.random.default_rng(0)
    v = {n: rng.standard_normal(w.shape) for n, w in o.work.items() if w.size}
    s, gaps = _offset(o, v), []
    eps = float(np.finfo(np.float64).eps)
    for k in range(KINK_HALVINGS + 1):
        up, down = _slope_at(o, v, s * 0.5**k, v), _slope_at(o, v, -s * 0.5**k, v)
        if not (np.isfinite(up) and np.isfinite(down)):
            return False
        if abs(up - down) <= 2.0 * SAFETY * nm.COMPLEX_ULPS * eps * max(abs(up), abs(down)):
            return False  # (as smooth as the slopes resolve)
        gaps.append(up - down)
        if len(gaps) >= 2:
            ratio = gaps[-1] / gaps[-2]
            if 0.75 <= ratio <= 1.0 / 0.75:
                return True
            if 0.4 <= ratio <= 0.6:
                return False
    return False


def find_push(o: nm.Oracle, analytic: Mapping[str, np.ndarray], rtol: float) -> tuple[tuple[str, ...], float] | None:
    """``(tensors, sign)`` of a push the gradient predicts; None if there is none.

    Each sign (down: ``relu'(0) = 0``; up: ``relu'(0) = 1``) is tried in turn;
    tensors join one by one from the last, each only where the push with it
    still agrees with the gradient (3 evaluations a tensor and sign). A tensor
    that moves no unit at exactly 0 joins as well, harmlessly.
    """
    names = [n for n in reversed(list(o.work)) if o.work[n].size]
    for sign in (-1.0, 1.0):
        chosen: list[str] = []
        for n in names:
            if _agrees(o, analytic, _ones(o, [*chosen, n], sign), rtol):
                chosen.append(n)
        if chosen:
            return tuple(chosen), sign
    return None


def verify(o: nm.Oracle, analytic: Mapping[str, np.ndarray], name: str, j: int, rtol: float, found=None):
    """The entry's derivative in the piece a push holds (:class:`Convention`), or None (see the module).

    ``found``: :func:`find_push`'s answer when already known (it serves every entry of a check).
    """
    found = find_push(o, analytic, rtol) if found is None else found
    if not found:
        return None
    tensors, sign = found
    along = np.zeros(o.work[name].shape)
    along.reshape(-1)[j] = 1.0
    value, error = limit(o, _ones(o, tensors, sign), {name: along})
    return Convention(value, error, tensors, sign) if np.isfinite(value) else None


def holds(convention: Convention | None, g: float, rtol: float, scale: float) -> bool:
    """Is ``g`` the convention's value, within ``rtol * scale`` and the measurement's error (itself at most that)?"""
    if convention is None or not convention.error <= rtol * scale:
        return False  # (a measurement coarser than rtol, kinks crossed between its points: no evidence)
    return bool(abs(g - convention.value) <= rtol * scale + SAFETY * convention.error)


def note(name: str, first: tuple, count: int, convention: Convention) -> str:
    """The report's note for the entries of ``name`` judged by a convention."""
    others = f" and {count - 1} more" if count > 1 else ""
    way, rule = ("down", "relu'(0) = 0") if convention.sign < 0 else ("up", "relu'(0) = 1")
    return (
        f"{name}: entry {list(first)}{others} kink by convention: the gradient lies outside the one-sided slopes "
        f"along the entry, and is what {rule} (the derivative of the branch below the kink, as torch takes it) gives "
        f"at pre-activations exactly 0 in consecutive layers (zero biases beside zero inputs or zero weights): the "
        f"loss's derivative at points just inside the piece where those units stay on that branch (pushing "
        f"{', '.join(convention.tensors)} {way} together) equals it; a wrong factor or sign would not"
    )
