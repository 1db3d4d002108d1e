"""The verdict on an update that applies the learning rate twice (grader side).

The worker reads such an update's gradient as ``(before - after) / lr**2``
(:mod:`gradcheck.audit.adapters.readers.squaredrate`) and says so in its answer
(``update["squared"]``); the gradient is checked like any other, and the verdict is a
fail naming the rate applied twice, first among the diagnoses, whether or not the
gradient itself is right: the step a training loop takes is ``lr`` times too small.
"""

from __future__ import annotations

import dataclasses

from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis

__all__ = ["CODE", "judged"]

#: The diagnosis code of a learning rate applied twice.
CODE = "learning_rate_twice"


def judged(r: SubmissionResult, update: dict | None) -> SubmissionResult:
    """``r`` failed for the rate applied twice when the worker read the update so (``update["squared"]``)."""
    if not (update or {}).get("squared") or r.status in ("error", "timeout"):
        return r
    via = str(update.get("via") or "the learning rate")
    first = Diagnosis(
        CODE,
        None,
        f"The update moves the weights by the learning rate ({via}) squared times the gradient: the rate is "
        "applied twice, once in the gradient (dW = lr * ...) and again in the step (W -= lr * dW). Compute "
        "dW without the rate and apply it once, in the step.",
        0.95,
        {"via": via},
    )
    return dataclasses.replace(r, status="fail", diagnoses=(first, *(d for d in r.diagnoses if d.code != CODE)))
