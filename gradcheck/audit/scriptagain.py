"""A training script checked again at weights the grader chose (grader side).

A script has no backward to call again: the grader runs the whole script a second time in a
fresh sandbox, and the worker sets the grader's weights ``P2 = P1 + probe_delta(seed)`` where
the first run's weights first held P1 (:mod:`gradcheck.audit.scriptpoint`), watching the
script's calls from there. Then, as for a backward function (:mod:`gradcheck.audit.consistency`):

* the weights the second run captured its gradient at must be P2 (a script that puts its own
  weights back, or caches its gradient, fails ``inconsistent_gradient``);
* its gradient there is graded by the grader's own arithmetic, on the data the second run
  captured, under the loss of the first point;
* evaluations at weights moved by a tiny step are a numerical gradient (``numerical_gradient``).

The second run's answer comes from the submission's process like the first: nothing in it can
make the grader check less. Without the grader's weights set in it there is no verdict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from gradcheck.audit.extracted import as_array
from gradcheck.audit.probes import probe_delta
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult

__all__ = ["judged", "request"]

NOT_SET = (
    "the grader's second run of the script could not set its weights at the point where the first run's "
    "weights were set (the script ran differently the second time): its gradient was checked at its own "
    "weights only, which does not show that it is computed from them"
)


def request(result: dict, probe_seed: int) -> dict | None:
    """The second run's request part: where to set the weights, and P2 (None: the first answer lacks where)."""
    at = result.get("script_weights_from")
    if not isinstance(at, int) or isinstance(at, bool):
        return None
    p1 = [as_array(p["data"]) for p in result.get("params") or []]
    p2 = [a + d for a, d in zip(p1, probe_delta([a.shape for a in p1], p1, probe_seed))]
    return {"script_point": {"at": at, "params": [v.tolist() for v in p2]}}


def judged(
    r: SubmissionResult, result: dict, spec: AuditSpec, probe_seed: int, rerun: Callable[[dict], dict | None]
) -> SubmissionResult:
    """``r`` (the verdict at the script's own weights) after its second run at the grader's weights."""
    from gradcheck.audit import consistency

    if not r.passed:  # wrong at its own weights already: a second run adds nothing
        return r
    asked = request(result, probe_seed)
    if asked is None:
        return dataclasses.replace(r, status="error", error=consistency.NO_SECOND_POINT)
    again = rerun(asked)
    if not isinstance(again, dict):
        return dataclasses.replace(r, status="error", error="no answer from the script's run at the grader's weights")
    seen = again.get("script_point") if isinstance(again.get("script_point"), dict) else {}
    if not again.get("ok") or again.get("error") or again.get("shape") != "script":
        err = again.get("error") if isinstance(again.get("error"), dict) else {}
        return consistency.failed_at_point(r, err)
    if not seen.get("point_set"):
        return dataclasses.replace(r, status="error", error=NOT_SET)
    names = [p.get("name") for p in result.get("params") or []]
    if [p.get("name") for p in again.get("params") or []] != names or len(again.get("grads") or []) != len(names):
        return consistency.failed_at_point(r, {"type": "Mismatch", "message": "other weights or gradients captured"})
    if again.get("X") is None or again.get("Y") is None:
        return consistency.failed_at_point(r, {"type": "DataNotFound", "message": "the data was not captured"})
    X, Y = np.asarray(again["X"], float), np.asarray(again["Y"], float)
    point = {
        "params": [p["data"] for p in again["params"]],
        "grads": [g["data"] for g in again["grads"]],
        "forward": again.get("forward"),
    }
    r = consistency.at_point(r, result, point, X, Y, spec, probe_seed)
    if r.status == "error":
        return r
    r = consistency.judge_calls(r, seen.get("calls") or {})
    note = "a script is checked at its own weights and again, in a second run, at weights the grader chose"
    return dataclasses.replace(r, notes=(*r.notes, note))
