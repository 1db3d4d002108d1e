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

for the gradient ``g`` of any continuous loss ``L``. The grader asks, in one run of the worker,
the loss at both ends (each far from every point asked before, so each is the first of its
neighbourhood) and the backward at the 33 nodes of a 32-interval Simpson rule; the integral's
own error is read off the same nodes (Simpson on 32 against 16 intervals: kinks of a ReLU or
hinge along the segment are where it is largest). A segment is off when the loss's change
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
the backward returns) is a function like any other; this path never judges the loss itself.
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
#: examples/hostile/frozen_own_loss.py (radius 0.05 and 0.2) missed on two or more in 399 of the 400.
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


def segments(at: list[np.ndarray], seed: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """``(a, directions)``: the flat start (the weights ``at``) and the flat ``d`` of each segment."""
    rng = np.random.default_rng(seed + SEED_OFFSET)
    scale = np.concatenate([np.full(a.size, max(float(np.sqrt(np.mean(a**2))) if a.size else 0.0, 0.1)) for a in at])
    a = np.concatenate([np.ravel(x) for x in at]).astype(np.float64)
    return a, [LENGTH * scale * rng.standard_normal(a.size) for _ in range(SEGMENTS)]


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
    a, dirs = segments(at, seed)
    if a.size * SEGMENTS * (INTERVALS + 1) > MAX_ENTRIES:
        note = f"not checked along long segments: {a.size} weights are more than this check asks the worker for"
        return dataclasses.replace(r, notes=(*r.notes, note))
    shapes, cuts = [x.shape for x in at], np.cumsum([x.size for x in at])[:-1]
    ts = np.linspace(0.0, 1.0, INTERVALS + 1)
    nodes = [[c.reshape(s).tolist() for c, s in zip(np.split(a + t * d, cuts), shapes)] for d in dirs for t in ts]
    ends = [a.tolist()] + [(a + d).tolist() for d in dirs]
    answer = ask({"sources": [source], "points": ends, "grads_at": nodes}) or {}
    own = answer.get("own_loss") if isinstance(answer, dict) else None
    own = own if isinstance(own, dict) else {}
    values, got = own.get("values"), own.get("grads_at")
    if not isinstance(values, list) or not isinstance(got, list) or len(values) != len(ends) or len(got) != len(nodes):
        return _undecided(r, "the student's loss and backward could not be asked along the grader's segments")
    if not all(isinstance(v, (int, float)) and np.isfinite(v) for v in values):
        return _undecided(r, "the student's loss gave no finite value at the end of a segment the grader drew")
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
            float(values[k + 1]) - float(values[0]),
            np.array([g @ d for g in flat[k * n : (k + 1) * n]]),
            (float(values[0]), float(values[k + 1])),
            gsize,
            d,
        )
        for k, d in enumerate(dirs)
    ]
    bad = [gap for miss, gap in misses if miss]
    if len(bad) >= MISSES:
        return _fail(r, max(bad))
    note = "along the grader's long segments the backward's gradient integrates to the change of the student's loss"
    return dataclasses.replace(r, notes=(*r.notes, note))


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
