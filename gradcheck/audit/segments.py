"""Does the backward's gradient add up to the change of the student's loss over long segments? (grader side)

Checked against the student's own loss (:mod:`gradcheck.audit.ownloss`), a backward is judged by
loss values the submission's process gives, near the points the grader asks at. A loss and a
backward can both answer from a model frozen at the first weights they meet in a neighbourhood:
the loss gives ``value + g . (w - anchor)``, the backward gives ``g``, the gradient it computed
there (``examples/hostile/frozen_own_loss.py``). Near any point, finite differences of that loss
are exactly ``g`` and the backward's Jacobian is zero (symmetric): every local check agrees.

No local check can see it; the fundamental theorem of calculus can. Along a segment from the
grader's second point ``a`` to ``b = a + d``, long beside any neighbourhood a submission could
freeze (half of each tensor's scale, in a direction drawn from the grader's secret seed),

    L(b) - L(a)  ==  integral over t in [0, 1] of  g(a + t d) . d  dt

for the gradient ``g`` of any continuous loss ``L``. The grader draws ten points around its
second point, each moved on its own (so any two are about as far apart), pairs them into five
segments, and asks the loss at all ten in one run of the worker, in a shuffled order after the
second point itself: no segment passes through a point asked before it, and which points are
paired is not told. In another run it asks the backward at the 33 nodes of a 32-interval Simpson
rule on each segment; the integral's own error is read off the same nodes (Simpson on 32 against
16 intervals: kinks of a ReLU or hinge along the segment are where it is largest).
A segment is off when the loss's change
misses the integral by more than that error several times over and more than ``TOLERANCE`` of
``integral |g . d|``; two segments off of five fail the gradient. A frozen backward's anchors
follow its own wrong gradient, whose integral misses the change of the loss, which each far end
gives from its own fresh anchor: the verdict is ``inconsistent_gradient``.
A gradient that does not change at all along any segment
(the same vector at every node, not zero) is a gradient of no weights at all checked against a
loss affine along every line asked: its slope is all this check could compare, and no pass is
given (``inconclusive``, said why).

What remains: a loss written as a function of the weights that is not the student's forward
followed by a loss (a lying loss answering, everywhere, the values of a function whose gradient
the backward returns) is a function like any other; this path never judges the loss itself. A
loss that answers at a far point the value at a point asked before plus the integral of the
backward's own gradient from there comes close: only the loop integral of the wrong gradient
(the triangle of that point and the segment) is left to see, caught on 76 of 80 random hinge nets
(tests/test_segments.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.audit.symmetry import flat_grads
from gradcheck.result import Diagnosis

__all__ = ["INTERVALS", "LENGTH", "SEGMENTS", "judged", "segments"]

#: Segments tried; a gradient fails when ``MISSES`` of them miss (one may run along a badly placed kink).
SEGMENTS = 5
#: Segments that must miss for a failure. On hand-derived tanh and ReLU hinge nets (tests/test_segments.py,
#: 100 seeds each) no correct gradient missed on any segment; the frozen answers of
#: examples/hostile/frozen_own_loss.py (radius 0.05 and 0.2) missed on two or more in 398 of the 400.
MISSES = 2
#: Simpson intervals per segment (even; the rule on half of them estimates the integral's error).
INTERVALS = 32
#: A segment's length along each entry, as a fraction of its tensor's scale (its RMS, at least 0.1): the
#: grader's second point itself is a third of the weights' size away; a neighbourhood a submission
#: freezes its answers in is not this long without its answers being a cached gradient.
LENGTH = 0.5
#: How many times the integral's estimated error the miss must exceed (the estimate |S32 - S16| can fall
#: short of the error where a kink sits in one interval, by a small factor).
SAFETY = 4.0
#: A miss under this fraction of the integral of |g . d| is no evidence (a kink the rule straddles badly).
TOLERANCE = 0.05
#: Rounding of the loss values and of the backward's arithmetic, in ulps, that the floor allows for.
ROUNDING_ULPS = 1e3
#: Gradients at two nodes agree to this fraction of their size when the backward ignores the weights.
SAME_RTOL = 1e-12
#: Gradient entries one check may ask the worker for at most (its answer carries every one): larger networks
#: are not checked along segments, and the verdict says so.
MAX_ENTRIES = 4_000_000
SEED_OFFSET = 0x5E6E7  # directions are drawn from the grader's second-point seed moved by this


def segments(at: list[np.ndarray], seed: int) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """``(a, ends, order)``: the flat weights ``at``; ``2 * SEGMENTS`` points around them, segment ``k`` running from
    ``ends[2k]`` to ``ends[2k + 1]``; the order the loss is asked at them in (after ``a``, asked first).

    Each end is ``a`` moved by its own draw, so every pair of them is about as far apart as any other and no
    segment passes through a point asked before it: a loss answering "the value at the point asked nearest, or
    last, plus the integral of the backward's gradient from there" cannot tell which line is checked.
    """
    rng = np.random.default_rng(seed + SEED_OFFSET)
    scale = np.concatenate([np.full(a.size, max(float(np.sqrt(np.mean(a**2))) if a.size else 0.0, 0.1)) for a in at])
    a = np.concatenate([np.ravel(x) for x in at]).astype(np.float64)
    ends = [a + LENGTH / np.sqrt(2.0) * scale * rng.standard_normal(a.size) for _ in range(2 * SEGMENTS)]
    return a, ends, rng.permutation(len(ends))


def _simpson(f: np.ndarray) -> float:
    """Simpson's rule on [0, 1] over the even number of intervals between the values ``f``."""
    w = np.ones(f.size)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    return float(w @ f) / (3.0 * (f.size - 1))


def _miss(change: float, f: np.ndarray, ends: tuple[float, float], gsize: float, d: np.ndarray) -> tuple[bool, float]:
    """Whether ``change`` (the loss's, end to end) misses the integral of ``f`` (``g . d`` at the nodes), and by
    what fraction of ``integral |f|``."""
    whole, half = _simpson(f), _simpson(f[::2])
    size = _simpson(np.abs(f))
    reach = max(abs(ends[0]), abs(ends[1])) + gsize * float(np.sum(np.abs(d)))
    rounding = ROUNDING_ULPS * np.finfo(float).eps * reach
    gap = abs(change - whole)
    return gap > SAFETY * abs(whole - half) + TOLERANCE * size + rounding, gap / max(size, np.finfo(float).tiny)


def judged(
    r: SubmissionResult, at: list[np.ndarray], seed: int, ask: Callable[[dict], dict | None], source: str
) -> SubmissionResult:
    """``r`` (a pass against the student's own loss at ``at``) unless its gradient misses the loss's change
    along most of the grader's long segments, or never changes along any of them."""
    if not r.passed:
        return r
    a, ends, order = segments(at, seed)
    if a.size * SEGMENTS * (INTERVALS + 1) > MAX_ENTRIES:
        note = f"not checked along long segments: {a.size} weights are more than this check asks the worker for"
        return dataclasses.replace(r, notes=(*r.notes, note))
    values = _values(ask, source, [a, *(ends[i] for i in order)])
    if values is None:
        return _undecided(r, "the student's loss gave no finite value at every end of the grader's segments")
    at_end = np.empty(len(ends))
    at_end[order] = values[1:]
    shapes, cuts = [x.shape for x in at], np.cumsum([x.size for x in at])[:-1]
    ts = np.linspace(0.0, 1.0, INTERVALS + 1)
    lines = [(ends[2 * k], ends[2 * k + 1] - ends[2 * k]) for k in range(SEGMENTS)]
    nodes = [[c.reshape(s).tolist() for c, s in zip(np.split(o + t * d, cuts), shapes)] for o, d in lines for t in ts]
    answer = ask({"sources": [source], "points": [], "grads_at": nodes}) or {}  # another run: it never saw the ends
    own = answer.get("own_loss") if isinstance(answer, dict) else None
    got = own.get("grads_at") if isinstance(own, dict) else None
    if not isinstance(got, list) or len(got) != len(nodes):
        return _undecided(r, "the student's backward could not be asked along the grader's segments")
    flat = flat_grads(got)
    if flat is None or any(f.shape != a.shape or not np.all(np.isfinite(f)) for f in flat):
        return _fail(r, None)
    gsize = max(float(np.max(np.abs(f))) if f.size else 0.0 for f in flat)
    if gsize > 0 and all(np.max(np.abs(f - flat[0])) <= SAME_RTOL * gsize for f in flat):
        return _undecided(
            r,
            "the backward gave the same gradient at every weight along the grader's segments (half the "
            "weights' size long): a gradient that does not depend on the weights, checked against a loss that "
            "is affine along every line asked, is compared with that slope only, so no pass is given",
        )
    n = INTERVALS + 1
    misses = [
        _miss(
            float(at_end[2 * k + 1] - at_end[2 * k]),
            np.array([g @ d for g in flat[k * n : (k + 1) * n]]),
            (float(at_end[2 * k]), float(at_end[2 * k + 1])),
            gsize,
            d,
        )
        for k, (_, d) in enumerate(lines)
    ]
    bad = [gap for miss, gap in misses if miss]
    if len(bad) >= MISSES:
        return _fail(r, max(bad))
    note = "along the grader's long segments the backward's gradient integrates to the change of the student's loss"
    return dataclasses.replace(r, notes=(*r.notes, note))


def _values(ask: Callable[[dict], dict | None], source: str, points: list[np.ndarray]) -> np.ndarray | None:
    """The student's loss at ``points``, asked in one run of the worker in that order; None unless all finite."""
    answer = ask({"sources": [source], "points": [p.tolist() for p in points]}) or {}
    own = answer.get("own_loss") if isinstance(answer, dict) else None
    values = own.get("values") if isinstance(own, dict) else None
    if not isinstance(values, list) or len(values) != len(points):
        return None
    if not all(isinstance(v, (int, float)) and np.isfinite(v) for v in values):
        return None
    return np.array(values, dtype=float)


def _undecided(r: SubmissionResult, why: str) -> SubmissionResult:
    return dataclasses.replace(r, status="inconclusive", notes=(*r.notes, why))


def _fail(r: SubmissionResult, gap: float | None) -> SubmissionResult:
    how = f"off by {gap:.2g} of the integral of |g . d|" if gap is not None else "no gradient came back"
    diag = Diagnosis(
        "inconsistent_gradient",
        None,
        "Integrated along segments the grader drew (half the weights' size long), the backward's gradient "
        f"does not add up to the change of the student's own loss between their ends ({how}): near each point the "
        "code answers a model of its own first-order guess, not the loss it computes; look for a gradient or loss "
        "value kept from earlier weights, and for a derivative taken at the wrong place.",
        0.9,
        {"segment_miss": gap},
    )
    return dataclasses.replace(r, status="fail", diagnoses=(diag, *r.diagnoses))
