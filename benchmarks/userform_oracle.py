"""What the oracle says of a user-form configuration, for :mod:`soak_userforms`: would a perfect numeric
side see a planted error, could real differences of the loss as written resolve it, and how far the
user's own gradient is from the exact one (at its precision and at ``np.longdouble``)."""

from __future__ import annotations

import warnings

import numpy as np

from gradcheck.compare import default_rtol, judge, scale_floor
from gradcheck.opinions import ANALYTIC_ULPS


def visible(g: dict, truth: dict, name: str, index, delta: float, dtype, own: bool = False) -> bool:
    """Would a perfect numeric side fail entry ``index`` of ``name`` off by ``delta``?

    The checker's per-entry rule with the oracle as the numeric side: the
    tensor's floor, and (``own=True``) the floor every entry is also judged
    against (``ANALYTIC_ULPS`` ulps of the gradient's largest entry, for the
    rounding of the gradient code), and only where the user's own, unplanted
    entry passes that rule: a float32 ``1 - a**2`` rounded to 100% of the exact
    value hides a 1% plant on it from any numeric side.
    """
    dt = np.dtype(dtype)
    rtol = default_rtol(dt)
    t = truth[name]
    floor = scale_floor(t.reshape(-1), dt)
    if own:
        top = max(float(np.max(np.abs(np.asarray(v, np.float64)), initial=0.0)) for v in g.values())
        floor = max(floor, ANALYTIC_ULPS * float(np.finfo(dt).eps) * top)
    entry = float(g[name][index])
    jd = judge([entry * (1 + delta), entry], [float(t[index])] * 2, [0.0, 0.0], rtol, floor)
    return not bool(jd.ok[0]) and (bool(jd.ok[1]) or not own)


def resolvable(loss, params: dict, name: str, index, exact: float, delta: float, g: float) -> bool:
    """Could real differences of the loss *as written* see this planted error at all?

    Richardson estimates of the entry's derivative on the float64 (or float32)
    loss at steps ``h0 * 4**k``, ``k = 0 .. 3``, compared with the exact
    derivative: the planted error must exceed four times the best of their
    actual errors (an optimistic bound: no checker knows which step was best).
    """
    t = params[name][index]
    h0 = float(np.finfo(np.float64).eps) ** (1 / 3) * max(1.0, abs(float(t)))
    best = float("inf")
    work = {k: v.astype(np.float64) for k, v in params.items()}  # a float32 loss: its float64 twin, as checked

    def at(value):
        work[name][index] = value
        out = float(loss(work))
        work[name][index] = t
        return out

    for k in range(4):
        h = h0 * 4**k
        c1 = (at(t + h) - at(t - h)) / (2 * h)
        c2 = (at(t + h / 2) - at(t - h / 2)) / h
        best = min(best, abs((4 * c2 - c1) / 3 - exact))
    return abs(delta * g) > 4 * best


#: :func:`unresolvable_tensor` tries steps ``h0 * 4**k``, ``k = 0 .. STEPS - 1`` (past the checker's longest).
STEPS = 10


def unresolvable_tensor(loss, params: dict, truth: dict, name: str) -> bool:
    """No real difference of the loss *as written* sees its largest entry off by 1%.

    Along the signs of the exact gradient of the tensor (every entry moved by
    ``h``), Richardson estimates of the directional derivative on the loss as
    written (float64 parameters, as the checker's real screens use) at steps
    ``h0 * 4**k``, each against the oracle's exact ``sum |g_i|``: unresolvable
    when none comes within 1% of the tensor's largest exact entry (the error
    of that entry off by 1%; the reach :func:`gradcheck.screens.longer_step`
    asks of a screen before it passes one). Optimistic: no checker knows which
    step was best. Used only for losses that refuse complex parameters (a
    ``float()`` cast), where no other evaluation of the loss is available.
    """
    exact = np.asarray(truth[name], np.float64)
    v = np.where(exact < 0, -1.0, 1.0)
    target = float(np.sum(np.abs(exact)))
    work = {k: np.asarray(x, np.float64).copy() for k, x in params.items()}
    base = work[name].copy()
    h0 = float(np.finfo(np.float64).eps) ** (1 / 3) * max(1.0, float(np.max(np.abs(base), initial=0.0)))

    def at(h):
        work[name] = base + h * v
        return float(loss(work))

    best = float("inf")
    for k in range(STEPS):
        h = h0 * 4**k
        c1 = (at(h) - at(-h)) / (2 * h)
        c2 = (at(h / 2) - at(-h / 2)) / h
        best = min(best, abs((4 * c2 - c1) / 3 - target))
    return not (target > 0 and best <= 1e-2 * float(np.max(np.abs(exact))))


BLIND_NOTE = ": the loss as evaluated does not resolve this tensor's directional derivative"


def unresolvable_blind(loss, params: dict, truth: dict, notes: list[str]) -> list[str]:
    """The tensors of blind-screen notes that :func:`unresolvable_tensor` confirms with the oracle."""
    names = [n.split(":")[0] for n in notes if BLIND_NOTE in n]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return [n for n in names if n in truth and unresolvable_tensor(loss, params, truth, n)]


def oracle_gap(g: dict, truth: dict) -> float:
    """The user's gradient against the oracle: largest ``|g - exact|`` over the largest ``|exact|``, every entry."""
    top = max((float(np.max(np.abs(t), initial=0.0)) for t in truth.values()), default=0.0)
    gap = max(
        (float(np.max(np.abs(np.asarray(g[n], np.float64) - t), initial=0.0)) for n, t in truth.items()), default=0.0
    )
    return gap / top if top > 0 else gap


def code_gap(grad, params: dict, truth: dict) -> float:
    """:func:`oracle_gap` of the user's own gradient code run at ``np.longdouble`` (the same formula, 2**11 finer).

    Where the working precision's gap comes from rounding of the user's formula
    (``1 - a**2`` of a saturated tanh in float32, ``p - 1`` of a confident
    softmax), this one is smaller by about the ratio of the eps; a wrong formula
    keeps its gap at every precision. (inf if the code refuses longdouble.)
    """
    try:
        wide = grad({k: np.asarray(v, np.longdouble) for k, v in params.items()})
        return oracle_gap({k: np.asarray(v, np.float64) for k, v in wide.items()}, truth)
    except Exception:  # noqa: BLE001 - user-form code only; a refusal just leaves the gap unmeasured
        return float("inf")
