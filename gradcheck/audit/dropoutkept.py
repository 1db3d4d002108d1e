"""The second check of a submission with its own dropout kept on, judged against the loss its step computes.

The second run of :mod:`gradcheck.audit.asdefaults` keeps the code's dropout. No reference
network applies the code's mask, so a verdict against one (a forward read without dropout,
or a forward that differs by the dropped units) says nothing about the backward. When the
worker read the loss the training step itself computes with that mask
(:mod:`gradcheck.audit.adapters.steploss`), the reference network's verdict is set aside as a
network the references do not model, and the student's own loss judges the backward
(:mod:`gradcheck.audit.ownloss`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from gradcheck.audit.adapters.steploss import KEPT_DROPOUT
from gradcheck.audit.judge import UNMODELLED_NET
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult

#: Verdicts reached against a reference network (an error judged nothing, an own-loss verdict stands).
_REFERENCE = ("pass", "kink", "fail", "inconclusive")


def own_step_loss(graded: SubmissionResult, result: dict[str, Any], spec: AuditSpec) -> SubmissionResult:
    """``graded``, or the unmodelled-network error that sends it to the step's own loss (see the module)."""
    if not spec.get("entry", "keep_defaults") or graded.status not in _REFERENCE or graded.own_loss:
        return graded
    losses = [st for st in result.get("student_losses") or [] if isinstance(st, dict) and st.get(KEPT_DROPOUT)]
    if not losses:
        return graded
    error = (
        "with the code's own dropout on, no reference network has its output (the mask is the code's): "
        f"checked against {losses[0]['source']}"
    )
    return dataclasses.replace(graded, status="error", error=error, tensors=(), diagnoses=(), unmodelled=UNMODELLED_NET)
