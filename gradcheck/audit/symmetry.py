"""Is the student's gradient the gradient of any function at all? (grader side, own-loss verdicts)

Checked against the student's own loss (:mod:`gradcheck.audit.ownloss`), a backward is judged
by loss values the submission's process gives. A loss written to lie can answer, near every
point it is asked at, the first-order model of the backward's own wrong gradient there
(``value + g . (w - anchor)``): its finite differences are then exactly that gradient
(``examples/hostile/forged_own_loss.py``). No loss value is needed to catch most such
backwards: the gradient of a function has a symmetric Jacobian (its Hessian), so for any two
directions ``u`` and ``v``

    u . (g(w + h v) - g(w - h v)) / 2h  ==  v . (g(w + h u) - g(w - h u)) / 2h

up to O(h^2) and rounding. Backprop bugs (a derivative taken at the wrong place, a missing
factor in one layer, a transpose) make a field that is no gradient: its Jacobian is not
symmetric, whatever loss the code claims. The grader asks the backward (never the loss) at
``w ± h u`` and ``w ± h v`` for a few pairs of directions drawn from its secret seed, around its
own second point, and fails a gradient whose Jacobian is asymmetric in most of them (one pair
may straddle a kink of a ReLU or hinge).

What remains: a wrong gradient that is the gradient of another function (a sign flip, a
constant factor, the derivative of another loss) is the derivative of *some* loss, and a loss
returning that function's values is "the student's loss", which this path does not judge; and a
backward that itself answers from a model fixed at the first point it meets in a neighbourhood
(constant there) has a symmetric Jacobian (zero) there too, which :mod:`gradcheck.audit.segments`
sees at a longer range.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from gradcheck.audit.extracted import as_array
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis

__all__ = ["PAIRS", "STEP", "flat_grads", "judged", "points"]

#: Pairs of directions tried; a gradient fails when most of them show an asymmetric Jacobian.
PAIRS = 3
#: The step along a direction, as a fraction of each tensor's scale (its RMS, at least 0.1): central
#: differences of a smooth gradient are then exact to ~1e-8 relative, and a kink is rarely inside the step.
STEP = 1e-4
#: An asymmetry above this fraction of |u.Hv| + |v.Hu| is no truncation error (~1e-8 at STEP) nor rounding.
ASYMMETRY = 1e-3
#: Rounding of a backward's arithmetic, in ulps of its gradient's size, that the floor allows for.
ROUNDING_ULPS = 1e3
SEED_OFFSET = 0x5E77E7  # directions are drawn from the grader's second-point seed moved by this


def _directions(shapes: list[tuple], scales: list[float], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed + SEED_OFFSET)
    flat_scale = np.concatenate([np.full(int(np.prod(s)), max(c, 0.1)) for s, c in zip(shapes, scales)])
    return [
        (rng.standard_normal(flat_scale.size) * flat_scale, rng.standard_normal(flat_scale.size) * flat_scale)
        for _ in range(PAIRS)
    ]


def points(at: list[np.ndarray], seed: int) -> tuple[list[list[np.ndarray]], list[tuple[np.ndarray, np.ndarray]]]:
    """The weights to ask the backward at (``w ± h v``, ``w ± h u`` per pair) and the pairs ``(u, v)``, flat."""
    shapes = [a.shape for a in at]
    scales = [float(np.sqrt(np.mean(a**2))) if a.size else 0.0 for a in at]
    pairs = _directions(shapes, scales, seed)
    flat = np.concatenate([a.ravel() for a in at])
    cuts = np.cumsum([a.size for a in at])[:-1]
    asked = []
    for u, v in pairs:
        for step in (STEP, STEP / 2):
            for d in (v, -v, u, -u):
                asked.append([c.reshape(s) for c, s in zip(np.split(flat + step * d, cuts), shapes)])
    return asked, pairs


#: Points asked per pair: w +- h v and w +- h u, at the step and at half of it.
PER_PAIR = 8


def _products(grads: list[np.ndarray], u: np.ndarray, v: np.ndarray, step: float) -> tuple[float, float]:
    """u.Hv and v.Hu by central differences of four gradients at ``step``."""
    gpv, gmv, gpu, gmu = grads
    return float(u @ (gpv - gmv)) / (2 * step), float(v @ (gpu - gmu)) / (2 * step)


def _asymmetric(grads: list[np.ndarray], u: np.ndarray, v: np.ndarray) -> tuple[bool, float]:
    """Whether u.Hv and v.Hu disagree, and by what fraction; never on products the two steps do not agree on.

    A ReLU unit whose pre-activation crosses 0 inside the step makes a difference of gradients jump: the
    product at the step and at half of it then disagree, and that pair is no evidence either way (a smooth
    gradient's products agree to truncation, ~1e-8, at both steps).
    """
    (a, b), (a2, b2) = _products(grads[:4], u, v, STEP), _products(grads[4:], u, v, STEP / 2)
    size = max(float(np.max(np.abs(g))) for g in grads) * max(float(np.linalg.norm(u)), float(np.linalg.norm(v)))
    floor = ROUNDING_ULPS * np.finfo(float).eps * size * np.sqrt(u.size) / STEP
    resolved = abs(a - a2) <= ASYMMETRY * abs(a) + floor and abs(b - b2) <= ASYMMETRY * abs(b) + floor
    gap = abs(a - b)
    return resolved and gap > ASYMMETRY * (abs(a) + abs(b)) + floor, gap / max(abs(a) + abs(b), np.finfo(float).tiny)


def judged(
    r: SubmissionResult, at: list[np.ndarray], seed: int, ask: Callable[[dict], dict | None], source: str
) -> SubmissionResult:
    """``r`` (a pass against the student's own loss at ``at``) unless the backward's Jacobian is asymmetric there."""
    if not r.passed:
        return r
    asked, pairs = points(at, seed)
    answer = ask({"sources": [source], "points": [], "grads_at": [[t.tolist() for t in p] for p in asked]})
    got = ((answer or {}).get("own_loss") or {}).get("grads_at")
    if not isinstance(got, list) or len(got) != len(asked):
        note = "the backward's gradient could not be asked near the grader's point: its symmetry was not checked"
        return dataclasses.replace(r, notes=(*r.notes, note))
    flat = flat_grads(got)
    if flat is None or any(f.shape != flat[0].shape or f.size != pairs[0][0].size for f in flat):
        return _fail(r, None)
    verdicts = [_asymmetric(flat[PER_PAIR * k : PER_PAIR * (k + 1)], u, v) for k, (u, v) in enumerate(pairs)]
    bad = [gap for asym, gap in verdicts if asym]
    if len(bad) * 2 > len(pairs):
        return _fail(r, max(bad))
    note = "the backward's Jacobian is symmetric at the grader's point: it is the gradient of a function"
    return dataclasses.replace(r, notes=(*r.notes, note))


def flat_grads(got: list) -> list[np.ndarray] | None:
    """The worker's gradients (``grads_at``: tensors per point) as flat float vectors; None where one is missing."""
    flat = []
    for tensors in got:
        if not isinstance(tensors, list) or any(t is None for t in tensors):
            return None
        flat.append(np.concatenate([as_array(t).astype(float).ravel() for t in tensors]))
    return flat


def _fail(r: SubmissionResult, gap: float | None) -> SubmissionResult:
    how = f"u.Hv and v.Hu differ by {gap:.2g} of their size" if gap is not None else "no gradient came back"
    diag = Diagnosis(
        "inconsistent_gradient",
        None,
        "The backward's gradient is the gradient of no function of the weights: its Jacobian is not symmetric "
        f"at weights the grader chose ({how}), so it cannot be the derivative of the loss the code computes, "
        "whatever values that loss gave: look for a derivative taken at the wrong place or a factor missing in one "
        "layer.",
        0.9,
        {"asymmetry": gap},
    )
    return dataclasses.replace(r, status="fail", diagnoses=(diag, *r.diagnoses))
