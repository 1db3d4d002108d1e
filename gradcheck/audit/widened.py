"""A pass at one invented output, checked again at several: bugs that scale with the outputs show there.

With no data and no sizes given, the grader invents a batch with one output first: then every
convention of the loss over outputs (mean or sum) gives the same gradient, and a gradient judged
against a convention the grader had to assume is never failed for it. When the loss is the
student's own (read off the code) or declared, that reason is gone, and one output hides what a
missing ``1/K`` or an output summed where it is averaged does at ``K`` outputs. Such a pass is
checked again on a wider batch:

* when the module's own data has ``K > 1`` outputs (``Y`` made at top level, see
  :mod:`gradcheck.audit.ownoutputs`), at ``K``, and a failure there is the verdict; so it is, at
  :data:`WIDE_OUTPUTS`, when the code takes its number of classes by a parameter (``n_classes``): one
  output is then only the size the grader invented;
* otherwise at :data:`WIDE_OUTPUTS`, and a failure there is a warning in the notes: the code
  may be meant for one output (a binary classifier whose ``np.mean`` over ``(N, 1)`` and
  ``(p - y) / N`` agree), and a convention it never meets is no bug of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.sizes import make_batch
from gradcheck.audit.submissionresult import SubmissionResult

__all__ = ["WIDE_OUTPUTS", "needs_widening", "outputs", "widened"]

#: Outputs of the second batch: more than one, none of the usual factors 2 or 1/2 (a missing 1/K at
#: K = 2 would read as MSE's factor 2), and different from the 3 invented inputs.
WIDE_OUTPUTS = 4

#: Loss sources under which the convention over outputs is the grader's assumption, not the code's.
ASSUMED = ("convention", "auto", "")


def needs_widening(out: SubmissionResult, result: dict | None, data: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The wider batch to check ``out`` on again, or None (not a pass, sizes given, or the loss assumed)."""
    if out.status not in ("pass", "kink") or data is not None or not result or result.get("shape") == "script":
        return None
    # per-sample code is widened only where a failure would be the verdict (its own data, or n_classes, say that
    # the code is written for several outputs): a second audit of per-sample code is costly, a warning note is not
    several = result.get("own_outputs") or result.get("outputs_named")
    replaced = result.get("data_replaced") and not (result.get("first_sample") and several)
    if replaced or out.loss_choice is None or out.loss_choice.source in ASSUMED:
        return None
    X, Y = np.asarray(result.get("X"), float), np.asarray(result.get("Y"), float)
    if X.ndim != 2 or Y.ndim != 2 or Y.shape[1] != 1 or X.shape[0] != Y.shape[0]:
        return None
    return make_batch(X.shape[1], outputs(result), X.shape[0], 0)


def outputs(result: dict) -> int:
    """The outputs of the wider batch: the module's own data's, else :data:`WIDE_OUTPUTS`."""
    own = result.get("own_outputs")
    return int(own) if isinstance(own, int) and own > 1 else WIDE_OUTPUTS


def widened(
    out: SubmissionResult, wide: Callable[[], SubmissionResult], own: int | str | None, k: int
) -> SubmissionResult:
    """``out``, or the verdict at ``k`` outputs when it fails there and ``own`` says the code is written for
    several (its own data's ``k`` outputs, or the name of the parameter that takes its number of classes);
    otherwise ``out`` with a note of what was seen (a warning when it failed)."""
    again = wide()
    if again.status == "fail" and own:
        whose = (
            f"the code's own data has {k} outputs"
            if isinstance(own, int)
            else (f"the code takes its number of classes as {own!r}, checked at {k}")
        )
        note = (
            f"{whose}; at 1 output the gradient is right, at {k} it is not: the bug "
            "scales with the number of outputs (e.g. a mean over outputs in the loss, none in the gradient)"
        )
        return dataclasses.replace(again, notes=(*again.notes, note))
    if again.status == "fail":
        codes = ", ".join(d.code for d in again.diagnoses) or "fail"
        note = (
            f"warning: checked again at {k} outputs, the gradient is not that of the code's own loss ({codes}); "
            "right for a network with one output only (declare [data] n_out to judge the assignment's size)"
        )
    elif again.status in ("pass", "kink"):
        note = f"checked again at {k} outputs: {again.status}"
    else:
        note = f"not checked at {k} outputs: {again.error or again.status}"
    return dataclasses.replace(out, notes=(*out.notes, note[:300]))
