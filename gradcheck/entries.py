"""Checking single entries: first estimates, second opinions, and the evidence kept of them.

Every mode ends here for the entries it looks at: ``full`` and ``sampled``
choose them, ``directional`` checks the ones its screens point to
(:mod:`gradcheck.screened`).
"""

from __future__ import annotations

import numpy as np

from gradcheck import dataprecision
from gradcheck.compare import scale_floor
from gradcheck.opinions import Checker
from gradcheck.result import EntryEvidence

#: Failing entries per tensor that get a second opinion. When the second
#: estimator confirms every one of these, the numeric side is shown reliable for
#: the tensor and further failing entries keep their first estimate (a sign
#: flip in a 40k-entry tensor must not cost 7 evaluations per entry).
CONFIRM_LIMIT = 16


def _evidence(idx, shape, g, n, err, jd, statuses, estimates) -> list[EntryEvidence]:
    out = []
    for k, j in enumerate(idx):
        e = estimates[k]
        out.append(
            EntryEvidence(
                index=tuple(int(i) for i in np.unravel_index(int(j), shape)),
                analytic=float(g[k]),
                numeric=float(n[k]),
                numeric_error=float(err[k]),
                abs_error=float(jd.abs_error[k]),
                rel_error=float(jd.rel_error[k]),
                tolerance=float(jd.tolerance[k]),
                status=statuses[k],
                left=e.left,
                right=e.right,
                estimator=e.estimator,
            )
        )
    return out


def _code_rounding(ch: Checker, name: str, j: int, g: float, first, floor: float, status: str) -> bool:
    """A failing entry's difference is the gradient code's rounding, shown without a second opinion.

    Only for a first look by the complex step of a loss whose measured noise
    shows no cancellation (the step then carries none of its own): the same gradient code
    at wider precision must agree with it to ``rtol`` and the entry differ by
    no more than that code's rounding allows (:meth:`Checker._rounded`). A bug
    is in both runs alike, so it never passes this way; the second opinion it
    saves costs ~12 evaluations per entry (``1 - a**2`` of a saturated tanh
    rounds every entry of a wide layer in float64).
    """
    if status != "fail" or first.estimator != "complex" or ch._cancels():
        return False
    return bool(ch._rounded(name, j, g, first, floor))


def check_entries(ch: Checker, name: str, idx: np.ndarray, g_flat: np.ndarray, shape, method: str | None = None):
    """Check entries ``idx`` of one tensor (with ``method``, default the check's); return evidence for each."""
    estimates = ch.primary(name, idx, method)
    n = np.array([e.value for e in estimates])
    err = np.array([e.error for e in estimates])
    g = g_flat[idx]
    by_complex = all(e.estimator == "complex" for e in estimates)
    floor = ch.entry_floors(name, idx, g, scale_floor(n[np.isfinite(n)], ch.oracle.dtype), by_complex)
    jd = ch.judge(g, n, err, floor)
    # a pass that only the error bar allows, on an entry the estimator cannot resolve, says nothing
    # (agreement within an error bar wider than rtol of the entry is no sharp pass: compare.Judgement.sharp)
    statuses = [
        "fail" if not ok else ("pass" if res or sharp else "inconclusive")
        for ok, res, sharp in zip(jd.ok, jd.resolved, jd.sharp)
    ]
    # failing entries, worst first, then (for a noisy loss) entries the first look could not resolve
    failing = np.flatnonzero(~jd.ok)
    failing = failing[np.argsort(-jd.rel_error[failing], kind="stable")]
    unresolved = [k for k, s in enumerate(statuses) if ch.wants_second_opinion(s == "inconclusive")]
    # and passes so weak that an entry off by 1% would pass too (compare.WEAK)
    # (float32: including first looks left inconclusive only because their error bar is that wide, which
    # compare.Judgement.sharp no longer calls sharp there; a float64 first look keeps its old reading, and
    # a second opinion there, judged as leniently, passed a bias x1.5 within a Richardson bar of 56%)
    again = ("pass", "inconclusive") if np.finfo(ch.oracle.dtype).bits < 64 else ("pass",)
    unresolved += [k for k in np.flatnonzero(jd.weak).tolist() if statuses[k] in again]
    unresolved = list(dict.fromkeys(unresolved))
    failing = np.concatenate([failing, np.array(unresolved[:CONFIRM_LIMIT], dtype=int)])
    for count, k in enumerate(failing):
        if count >= CONFIRM_LIMIT and all(statuses[j] == "fail" for j in failing[:count]):
            break  # the estimators agreed on the worst entries: the rest stand as measured
        if ch.budget_spent():  # no second opinion left to give: a first look never fails an entry alone
            statuses[k] = "inconclusive" if statuses[k] == "fail" else statuses[k]
            continue
        floor_k = float(floor[k]) if np.ndim(floor) else floor  # per entry where the float32 code was measured
        if _code_rounding(ch, name, int(idx[k]), g[k], estimates[k], floor_k, statuses[k]):
            statuses[k] = "pass"
            continue
        if statuses[k] == "fail" and estimates[k].estimator == "complex":  # (exact: no second opinion needed)
            data = dataprecision.excused(ch, name, int(idx[k]), g[k], estimates[k])
            if data is not None:  # within the rounding of float32 data under float64 parameters
                statuses[k] = data
                continue
        statuses[k], estimates[k] = ch.second_opinion(name, int(idx[k]), g[k], estimates[k], floor_k)
        n[k], err[k] = estimates[k].value, estimates[k].error
        if estimates[k].kink:  # compare with the nearest valid subgradient, not the slopes' average
            lo, hi = sorted((estimates[k].left, estimates[k].right))
            n[k] = min(max(g[k], lo), hi)
    jd = ch.judge(g, n, err, floor)
    return _evidence(idx, shape, g, n, err, jd, statuses, estimates)
