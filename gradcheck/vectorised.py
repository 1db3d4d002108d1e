"""Estimators over many entries per call: batched central differences, and scipy's.

``central`` (batched)
    :func:`gradcheck.numeric.central` for many entries in one vectorised call of
    the loss (``oracle.batched``), with the same values and error bounds.
``scipy``
    :func:`scipy.differentiate.derivative` (adaptive, with its own error estimate).
``fprime``
    :func:`scipy.optimize.approx_fprime` forward differences (the familiar
    baseline; ``h = sqrt(eps)``).
"""

from __future__ import annotations

import numpy as np

from gradcheck.numeric import Estimate, Oracle, _finite, _Pair, _steps

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
