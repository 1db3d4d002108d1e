"""A backward that returns the batch's summed gradient, checked again through the step the code trains with.

``backprop(y)`` returning ``sum over samples`` reads as missing its 1/N against a mean
loss; when the model's own step (``update_batch(x, y, lr)``: the backward, then
``W - lr / m * gW``) divides it by the batch size, the network is trained on the mean
loss's gradient. The grader then runs the submission again with that step as the
backward ([entry] backward), its gradient read off the update:

* a pass there is the verdict, with a note saying how the two methods share the 1/N, and so is a
  fail there that is not itself a missing 1/N (the other bugs, without the one the step undoes);
* anything else leaves the first verdict as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult

__all__ = ["judged", "step_of", "with_step"]


def step_of(out: SubmissionResult, result: Mapping | None, spec: AuditSpec) -> str | None:
    """The step method to check ``out`` again through, or None (not a missing 1/N, no such method, or declared)."""
    step = (result or {}).get("step_method")
    if not isinstance(step, str) or out.status != "fail" or spec.get("entry", "backward"):
        return None
    return step if any(d.code == "missing_batch_mean" for d in out.diagnoses) else None


def with_step(spec: AuditSpec, step: str) -> AuditSpec:
    """``spec`` with ``[entry] backward = step``: the second run's."""
    sections = {**spec.sections, "entry": {**spec.sections.get("entry", {}), "backward": step}}
    return dataclasses.replace(spec, sections=sections)


def judged(out: SubmissionResult, step: str, again: Callable[[], SubmissionResult]) -> SubmissionResult:
    """``out``, or the second run's verdict through ``step`` with a note naming both methods."""
    second = again()
    settled = second.status in ("pass", "kink")
    if not settled and (second.status != "fail" or any(d.code == "missing_batch_mean" for d in second.diagnoses)):
        return out
    note = (
        f"{out.entry} returns the gradient summed over the batch and {step}(), the step the code trains with, "
        f"divides it by the batch size: that step's gradient, read off its update, is checked ({second.status})"
    )
    return dataclasses.replace(second, notes=(*second.notes, note), suggested_spec=out.suggested_spec)
