"""The verdict on a script that updates a layer before the gradients read through it are taken (grader side).

The worker's tracer notes, for a training script, each gradient whose line reads a weight the same
pass had already updated, or a gradient so taken (``w_out += ...`` then ``delta_h = w_out.T @ ...``):
``result["moved_reads"]``. Those gradients are the student's, checked like any other; when some of
them fail, the fail is named after the order of the statements, first among the diagnoses when it
accounts for every failing tensor: the update moved the weights before the backward pass was done.
"""

from __future__ import annotations

import dataclasses

from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis

__all__ = ["CODE", "judged"]

#: The diagnosis code of gradients taken at weights the same pass had already updated.
CODE = "update_before_backward"


def judged(r: SubmissionResult, reads: list | None) -> SubmissionResult:
    """``r`` with the moved-weights diagnosis when a gradient read at moved weights is among the failing ones."""
    if not reads or r.status != "fail":
        return r
    stale = {str(x.get("param")) for x in reads if isinstance(x, dict)}
    failing = [t.name for t in r.tensors if t.status == "fail"]
    hit = [t for t in failing if t in stale]
    if not hit:
        return r
    first = next(x for x in reads if isinstance(x, dict) and x.get("at") is not None)
    moved, at = str(first.get("reads")), first.get("at")
    diagnosis = Diagnosis(
        CODE,
        None,
        f"The gradient of {' and '.join(hit)} is taken after {moved} was updated (line {at}): the backward pass reads "
        f"{moved} at its new value, not the one the forward pass used, so the gradient is off by a term "
        "proportional to the learning rate. Compute every gradient first, then update the weights.",
        0.9 if len(hit) == len(failing) else 0.6,
        {"tensors": hit, "moved": moved, "line": at},
    )
    others = tuple(d for d in r.diagnoses if d.code != CODE)
    ordered = (diagnosis, *others) if len(hit) == len(failing) else (*others, diagnosis)
    return dataclasses.replace(r, diagnoses=ordered)
