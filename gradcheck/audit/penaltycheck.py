"""The penalty's gradient, judged against the penalty the student's own loss adds.

A CS231n ``loss(X, y=None, reg=0.0)`` is judged at ``reg = 0`` against the reference
network (declared or inferred loss alike). The worker then calls it again at a
penalty of 0.1 (:mod:`gradcheck.audit.adapters.penaltyprobe`): the gradient's
penalty part (gradient at 0.1 minus gradient at 0) must be the derivative of the
loss's penalty part (loss at 0.1 minus loss at 0), which the worker differentiated
by central differences at two steps. However the code writes its penalty
(``reg * sum(W*W)``, ``0.5 * reg * sum(W**2)``, biases included or not), a gradient
that does not differentiate it is a ``regularization_mismatch`` on the tensors
where it differs; a right one adds a note and changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis, TensorResult

#: Relative agreement asked of the penalty's gradient and the slope of the loss's penalty. Both are
#: exact up to rounding for a polynomial penalty; a penalty written wrong is off by a factor (2, 1/2,
#: 1/N) or a missing term, far beyond this.
RTOL = 1e-6
#: Multiples of the measured error bar (the slopes at h and h/2 differ by about it) and of the
#: rounding of the loss difference, eps * |loss| / h, allowed on top of RTOL.
NOISE_MULT = 16.0
#: Verdicts that judged a gradient (an error or a timeout judged none: nothing to add to).
JUDGED = ("pass", "kink", "fail", "inconclusive")


def with_penalty(judged: SubmissionResult, probe: Mapping[str, Any] | None) -> SubmissionResult:
    """``judged`` with the penalty's own check added (unchanged when the worker measured no penalty)."""
    if not probe or judged.status not in JUDGED:
        return judged
    bad = {t["param"]: ev for t in probe["tensors"] if (ev := _evidence(t, probe)) is not None}
    knob, value = probe["knob"], probe["value"]
    if not bad:
        note = (
            f"the penalty ({knob}) was 0 for the check against the reference; called again at {value:g}, the "
            f"gradient's penalty part is the derivative of the penalty its loss adds ({probe['penalty']:.6g})"
        )
        return dataclasses.replace(judged, notes=(*judged.notes, note))
    tensors = tuple(_failed(t, bad[t.name]) if t.name in bad else t for t in judged.tensors)
    diagnosis = _diagnosis(bad, knob, value, probe)
    diagnoses = (*judged.diagnoses, diagnosis) if judged.status == "fail" else (diagnosis, *judged.diagnoses)
    return dataclasses.replace(judged, status="fail", tensors=tensors, diagnoses=diagnoses)


def _evidence(tensor: Mapping[str, Any], probe: Mapping[str, Any]) -> dict | None:
    """The worst entry of one tensor's penalty part, when it differs from the slope of the loss's penalty."""
    claimed, slope, half = (np.asarray(tensor[k], dtype=float) for k in ("claimed", "slope", "slope_half"))
    rounding = np.finfo(float).eps * max(abs(probe["loss"]), abs(probe["loss0"]), 1.0) / probe["step"]
    tol = RTOL * np.maximum(np.abs(claimed), np.abs(slope)) + NOISE_MULT * (np.abs(slope - half) + rounding)
    err = np.abs(claimed - slope)
    if not np.any(err > tol):
        return None
    k = int(np.argmax(err - tol))
    nonzero = np.abs(slope) > tol
    ratios = claimed[nonzero] / slope[nonzero]
    ratio = float(np.median(ratios)) if ratios.size and np.ptp(ratios) <= 1e-3 * np.abs(ratios).max() else None
    return {
        "index": int(tensor["index"][k]),
        "claimed": float(claimed[k]),
        "slope": float(slope[k]),
        "abs_error": float(err[k]),
        "rel_error": float(err[k] / max(abs(claimed[k]), abs(slope[k]), np.finfo(float).tiny)),
        "ratio": ratio,
    }


def _failed(t: TensorResult, ev: dict) -> TensorResult:
    worst = tuple(int(i) for i in np.unravel_index(ev["index"], t.shape)) if t.shape else ()
    return dataclasses.replace(
        t,
        status="fail",
        max_abs_error=max(t.max_abs_error, ev["abs_error"]),
        max_rel_error=max(t.max_rel_error, ev["rel_error"]),
        worst_index=worst,
        analytic=ev["claimed"],
        numeric=ev["slope"],
    )


def _diagnosis(bad: dict[str, dict], knob: str, value: float, probe: Mapping[str, Any]) -> Diagnosis:
    ratios = {None if ev["ratio"] is None else float(f"{ev['ratio']:.4g}") for ev in bad.values()}
    ratio = ratios.pop() if len(ratios) == 1 else None
    names = ", ".join(bad)
    what = f"the penalty's part of the gradient of {names} is " + (
        f"{ratio:.4g} times the derivative of the penalty the loss adds"
        if ratio is not None
        else "not the derivative of the penalty the loss adds"
    )
    if ratio is not None and abs(ratio) < 1e-12:
        what = f"the gradient of {names} leaves out the penalty the loss adds"
    return Diagnosis(
        code="regularization_mismatch",
        tensor=", ".join(bad),
        message=(
            f"With the penalty on ({knob} = {value:g}), {what} (loss at {value:g} minus loss at 0: "
            f"{probe['penalty']:.6g}); the gradient without the penalty was checked apart. The penalty's gradient "
            "must differentiate the term the loss adds: reg * sum(W**2) gives 2 * reg * W, "
            "0.5 * reg * sum(W**2) gives reg * W"
        ),
        confidence=0.9,
        evidence={name: {k: v for k, v in ev.items() if v is not None} for name, ev in bad.items()},
    )


__all__ = ["with_penalty"]
