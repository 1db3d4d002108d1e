"""Is the student's own loss a function of the network's output? (grader side, own-loss verdicts)

A backward checked against the student's own loss (:mod:`gradcheck.audit.ownloss`) is judged
by that loss's values. The network, though, is what the student's forward computes, and the
loss of a network is a function of its output, ``L(w) = l(F(w))`` (plus a penalty on the
weights). A loss that runs another network (another activation than the forward's, a cached
copy of the weights, a fixed model of the first weights it met) can have the backward as its
exact derivative while the network the forward computes has another.

Moving one weight ``w_i`` by ``± h_i`` changes both, and ``l(F(w + h e_i)) - l(F(w - h e_i))``
is ``u . (F(w + h e_i) - F(w - h e_i))`` to third order in ``h``, with the same ``u = dl/dF`` for
every ``i``. So the loss's differences over the weights moved must be one linear combination of
the output's differences over the same moves (plus, per tensor, a multiple of the weights and of
their signs: an L2 or L1 penalty). With more weights moved than the output has entries, that is
a real test: a least-squares fit whose residual is at rounding's level for a loss of the output
(1e-9 of the differences' size on the examples), and far above it (1e-2) for a loss of another
network. It is made in float64 only (float32's rounding at these steps is no test), with the
forward asked twice at the student's weights (a forward that differs, dropout drawn anew, is no
function to test).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.consistency import OTHER_NETWORK
from gradcheck.audit.extracted import Extracted
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis

__all__ = ["MOVED", "RESIDUAL", "STEP", "judged"]

#: Weights moved at most (all of a smaller network); each costs two loss values and two forwards.
MOVED = 256
#: A weight moves by this fraction of its size (at least 0.1): the fit's third-order error is then ~1e-10.
STEP = 1e-5
#: A residual above this fraction of the loss's differences is no truncation error nor rounding (those are ~1e-9
#: on the examples; a ReLU kink inside a step adds ~STEP of the curvature of the loss).
RESIDUAL = 1e-4
#: Rounding of a loss value, in ulps of its size, that the floor allows for.
ROUNDING_ULPS = 64.0
#: The fit must leave at least this many degrees of freedom to be a test.
MIN_FREEDOM = 4
SEED_OFFSET = 0x0F0F7  # weights moved are drawn from the grader's seed moved by this


def _moves(base: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The flat indices moved and their steps."""
    idx = np.arange(base.size)
    if base.size > MOVED:
        idx = np.sort(np.random.default_rng(seed + SEED_OFFSET).choice(base.size, MOVED, replace=False))
    return idx, STEP * np.maximum(np.abs(base[idx]), 0.1)


def _points(base: np.ndarray, idx: np.ndarray, h: np.ndarray) -> list[dict]:
    """The student's weights twice, then each moved weight up and down (sparse, as the worker reads them)."""
    same = {"i": [], "v": []}
    moved = [{"i": [int(i)], "v": [float(base[i] + s * d)]} for i, d in zip(idx, h) for s in (1.0, -1.0)]
    return [same, same, *moved]


def _regressors(base: np.ndarray, idx: np.ndarray, ex: Extracted, outs: np.ndarray, h: np.ndarray) -> tuple:
    """Columns the loss's differences may be made of: the output's differences; and, per tensor, a penalty's."""
    diff = (outs[0::2] - outs[1::2]) / (2 * h[:, None])
    cuts = np.cumsum([0] + [ex.params[n].size for n in ex.params])
    penalty = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        inside = (idx >= lo) & (idx < hi)
        if inside.any():
            penalty.append(np.where(inside, base[idx], 0.0)[:, None])
            penalty.append(np.where(inside, np.sign(base[idx]), 0.0)[:, None])
    return diff, np.hstack([diff, *penalty])


def _asked(ask: Callable, source: str, points: list[dict]) -> tuple[np.ndarray, np.ndarray] | str:
    """(loss values, outputs) at ``points`` as the worker gave them; or why there are none."""
    answer = ask({"sources": [source], "points": points, "outputs": True})
    own = (answer or {}).get("own_loss") if isinstance(answer, dict) else None
    if not isinstance(own, dict) or own.get("error"):
        return "the worker gave no values"
    values, outs = own.get("values"), own.get("outputs")
    if (
        not isinstance(values, list)
        or not isinstance(outs, list)
        or len(values) != len(points)
        or len(outs) != len(points)
    ):
        return "the worker's answer does not match the points asked"
    if any(not isinstance(v, (int, float)) for v in values) or any(not isinstance(o, list) for o in outs):
        return "the loss or the forward gave no value at some of the points"
    sizes = {len(o) for o in outs}
    if len(sizes) != 1:
        return "the forward's output changed size"
    v, o = np.asarray(values, dtype=float), np.asarray(outs, dtype=float)
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(o))):
        return "the loss or the forward is not finite near the student's weights"
    if v[0] != v[1] or not np.array_equal(o[0], o[1]):
        return "the loss or the forward differs between two calls at the same weights"
    return v, o


def residual(g: np.ndarray, cols: np.ndarray) -> tuple[float, int]:
    """(residual, degrees of freedom) of the loss's differences ``g`` fitted by ``cols``."""
    coef, _, rank, _ = np.linalg.lstsq(cols, g, rcond=None)
    return float(np.linalg.norm(g - cols @ coef)), int(g.size - rank)


def _differences(values: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, float]:
    """The loss's central differences over the moves, and their rounding floor (its values' ulps over the steps)."""
    noise = ROUNDING_ULPS * np.finfo(np.float64).eps * float(np.max(np.abs(values)))
    return (values[0::2] - values[1::2]) / (2 * h), float(np.linalg.norm(noise / h))


def judged(
    r: SubmissionResult, ex: Extracted, base: np.ndarray, ask: Callable[[dict], Any], source: str, seed: int
) -> SubmissionResult:
    """``r`` (a pass against the student's own loss ``source`` at the flat weights ``base``) unless that loss is
    no function of the forward's output there."""
    if not r.passed or ex.precision != np.float64:
        return r
    idx, h = _moves(base, seed)
    got = _asked(ask, source, _points(base, idx, h))
    if isinstance(got, str):
        return _noted(r, f"not checked ({got})")
    values, outs = got
    if _coarse(values):
        return _noted(r, "not checked (the loss's values are rounded to float32 or coarser)")
    g, floor = _differences(values[2:], h)
    size = float(np.linalg.norm(g))
    fits = []
    for cols in _regressors(base, idx, ex, outs[2:], h):  # the output alone first, then with a penalty
        res, freedom = residual(g, cols)
        if freedom < MIN_FREEDOM:
            break
        fits.append(res)
        if res <= RESIDUAL * size + 10 * floor:
            return _noted(r, f"it is (residual {res / max(size, np.finfo(float).tiny):.1g} over {idx.size} weights)")
    if not fits:
        return _noted(r, f"not checked (the output has {outs.shape[1]} entries, too many for {idx.size} weights)")
    if len(fits) < 2:
        return _noted(
            r,
            "not told (the output's changes do not explain the loss's, and too few weights are left to "
            "tell whether a penalty on them does)",
        )
    res = fits[-1]
    share = res / size
    diag = Diagnosis(
        "forward_mismatch",
        None,
        f"The student's loss ({source}) is no function of the output the forward computes: over {idx.size} "
        f"weights moved one at a time, its changes are no combination of the output's changes (a residual of "
        f"{share:.2g} of their size, where a loss of the output leaves rounding). The loss runs another network "
        "than the forward (another activation, a stored copy of the weights, values kept from an earlier call): "
        "the backward differentiates that loss, not the network. Compute the loss from the forward's output.",
        0.9,
        {"residual": share, OTHER_NETWORK: int(idx.size)},  # no gradient points (consistency.py)
    )
    return dataclasses.replace(r, status="fail", diagnoses=(diag, *r.diagnoses))


def _coarse(values: np.ndarray) -> bool:
    """Are the loss's values all float32 (or float16) numbers, as a loss returned through np.float32() gives?
    Its differences over these steps are then rounding, no test (one in 2**29 float64 values is a float32)."""
    return bool(np.array_equal(values, values.astype(np.float32).astype(np.float64)))


def _noted(r: SubmissionResult, how: str) -> SubmissionResult:
    return dataclasses.replace(r, notes=(*r.notes, f"is the student's loss a function of the forward's output? {how}"))
