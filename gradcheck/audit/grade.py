"""Judge one submission from what the sandboxed worker extracted.

The student's code ran in the sandbox only; here, in the grader, everything is
recomputed from the arrays it returned: the student's parameters are mapped
onto the reference MLP (layout and activations inferred from the forward
pass, or declared in the spec), the declared loss of that reference network is
differentiated numerically, and the student's claimed gradient is checked
against it entry by entry, in the student's own names. Fingerprint diagnosis
then runs with the inferred architecture.

The rooms: :mod:`~gradcheck.audit.extracted` (the worker's arrays), :mod:`~gradcheck.audit.judge`
(one network, its losses, the verdict), :mod:`~gradcheck.audit.attempts` (one check under one loss,
scored), :mod:`~gradcheck.audit.noforward` (no forward output: which network), and
:mod:`~gradcheck.audit.submissionresult` (the verdict's record).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.audit import movedweights, ratetwice
from gradcheck.audit.broadcastgrads import broadcast_onto_params
from gradcheck.audit.extracted import Extracted, as_array, check_rtol, n_out, targets
from gradcheck.audit.judge import UNMODELLED_NET, judge
from gradcheck.audit.loglikelihood import judged_as_its_negative
from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.network import UNTOLD, ForwardCheck, infer_network, narrowed_forward
from gradcheck.audit.noforward import without_forward
from gradcheck.audit.penaltycheck import with_penalty
from gradcheck.audit.signwording import for_update_form
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.audit.verdicts import point_to_code, refuse, scalar_network
from gradcheck.compare import default_rtol
from gradcheck.diagnose.coincide import half_sum_first
from gradcheck.diagnose.layout import LayoutError

#: The shape of a cost function over a flat vector it unpacks itself (adapters/shapes/flatunpack.py): it has no
#: forward, and when no candidate network explains its gradient, its own J is what the gradient is checked against.
FLAT_SHAPE = "flatunpack"
FLAT_UNJUDGED = (
    "the cost function has no forward to identify its network by, and no candidate network explains its gradient"
)

__all__ = ["ForwardCheck", "SubmissionResult", "Extracted", "grade", "point_to_code", "scalar_network"]


def _unjudgeable(result: Mapping[str, Any]) -> str | None:
    """Why the worker's gradient is no gradient (an update not linear in any learning rate)."""
    upd = result.get("update") or {}
    if upd.get("random"):
        return f"the gradient cannot be read from the update: {upd['note']}"
    if upd.get("linear") is False:
        return (
            "the weights changed in place but the update is not plain gradient descent "
            f"({upd.get('note') or 'not linear in the learning rate'}): the gradient cannot be read from it; "
            "have backward return or store the gradient and set [network] grads to where it is"
        )
    return None


def grade(
    result: Mapping[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    spec: AuditSpec,
    *,
    path: str,
    seed: int = 0,
    loss: LossChoice | None = None,
) -> SubmissionResult:
    """Verdict for one submission from the worker's ``result``.

    Parameters
    ----------
    result : mapping
        The worker's result JSON.
    X, Y : ndarray
        The batch the worker used (samples as rows; Y may be integer class labels).
    spec : AuditSpec
        The assignment's spec.
    path : str
        The submission, as shown in reports.
    seed : int
        Seed of the check.
    loss : LossChoice, optional
        The loss to judge under, instead of choosing one (a second point is judged under the
        first point's loss: the student's loss values found in the code belong to the first).
    """
    base = dict(path=path, shape=result.get("shape"), entry=result.get("entry"), notes=tuple(result.get("notes", [])))
    if not result.get("ok", False) or result.get("error"):
        err = result.get("error") or {}
        msg = f"{err.get('type', 'Error')}: {err.get('message', 'the submission could not be run')}"
        where = f" (in {err['where']})" if err.get("where") else ""
        return SubmissionResult(status="error", error=msg + where, **base)
    scalars = scalar_network(result)
    if scalars:
        return SubmissionResult(status="error", error=scalars, **base)
    ex, mended = broadcast_onto_params(Extracted.from_result(result))
    base["notes"] = (*base["notes"], *mended)
    if ex.precision != np.float64:
        note = f"the network computes in {ex.precision}: its gradient is judged to {ex.precision}'s rounding"
        base["notes"] = (*base["notes"], f"{note} (rtol {default_rtol(ex.precision):.2g})")
    elif (stored := check_rtol(ex)[1]) is not None:  # self.db kept in float32 beside float64 weights
        base["notes"] = (*base["notes"], stored)
    refused = refuse(result, ex)
    if refused is not None:
        status, diagnosis = refused
        return SubmissionResult(status=status, error=diagnosis.message, diagnoses=(diagnosis,), rules=ex.rules, **base)
    missing = [k for k in ex.params if k not in ex.grads]
    if missing:
        found = ", ".join(f"{g['param']} <- {g.get('path', '?')}" for g in result.get("grads", []))
        return SubmissionResult(
            status="error",
            error=(
                f"no gradient found for {', '.join(missing)}"
                + (
                    f" (found: {found}): the code never computes it, or keeps it under a name not recognised"
                    if found
                    else ""
                )
                + "; set [network] grads in the spec"
            ),
            rules=ex.rules,
            **base,
        )
    why = _unjudgeable(result)
    if why:
        return SubmissionResult(status="error", error=why, rules=ex.rules, **base)
    Y = targets(Y, n_out(ex, np.asarray(Y), np.shape(X)[1] if np.ndim(X) == 2 else None))
    try:
        layout, config, forward = infer_network(ex.params, *_identifying(result, ex, X), Y.shape[1], spec)
    except LayoutError as exc:  # a network the reference nets do not have: its own loss may still judge it
        found = _with_ones_read_as_bias(ex, result, X, Y.shape[1], spec)
        if found is None:
            return SubmissionResult(status="error", error=str(exc), rules=ex.rules, unmodelled=UNMODELLED_NET, **base)
        X, (layout, config, forward) = found
    unmatched = _outputs_unmatched(ex, config, Y)
    if unmatched:
        return SubmissionResult(status="error", error=unmatched, rules=ex.rules, unmodelled=UNMODELLED_NET, **base)
    narrowed = narrowed_forward(forward, ex.forward, ex.precision)
    if narrowed:
        ex = dataclasses.replace(ex, precision=np.dtype(np.float32))
        base["notes"] = (*base["notes"], f"{narrowed} (rtol {default_rtol(ex.precision):.2g})")
    student = (_student_losses(result), result.get("student_loss_grad"), loss)
    upd = result.get("update") or {}
    lr_unknown = upd.get("linear") is None and upd.get("lrs") == [1.0]
    if forward.status == "unavailable" and not spec.hidden and not spec.get("network", "output"):
        whole = not result.get("unmatched_grads")  # each gradient returned has its parameter
        judged = without_forward(ex, X, Y, spec, seed, base, student, lr_unknown, whole)
        if forward.note == UNTOLD:  # a forward there was, telling no reading of the weights from another
            judged = dataclasses.replace(judged, notes=(*judged.notes, UNTOLD))
        if judged.status == "error" and result.get("target_shape") == FLAT_SHAPE:  # its own J is the only forward
            judged = dataclasses.replace(judged, unmodelled=FLAT_UNJUDGED)
    else:
        first = dict(base)
        judged = judge(ex, layout, config, forward, X, Y, spec, seed, base, student, lr_unknown)
        judged = judged_as_its_negative(
            judged,
            lambda c: judge(ex, layout, config, forward, X, Y, spec, seed, dict(first), (*student[:2], c), lr_unknown),
        )
    judged = with_penalty(judged, result.get("penalty_probe"))
    judged = ratetwice.judged(for_update_form(judged, result.get("update_form")), result.get("update"))
    if result.get("writes_two") is False:  # no factor 2 to apply twice: the half-sum reading leads
        judged = dataclasses.replace(judged, diagnoses=tuple(half_sum_first(list(judged.diagnoses))))
    return dataclasses.replace(movedweights.judged(judged, result.get("moved_reads")), precision=ex.precision.name)


def _outputs_unmatched(ex: Extracted, config, Y: np.ndarray) -> str | None:
    """Why the network the weights chain into cannot be judged on these targets: it has another number of
    outputs (a weight the forward reads left out of the trained ones, the targets or weights misread), or None."""
    if config.sizes[-1] == Y.shape[1]:
        return None
    return (
        f"the weights found ({', '.join(ex.params)}) chain into a network of {config.sizes[-1]} output(s) per "
        f"sample, and the targets have {Y.shape[1]} column(s): a weight the forward reads is left out (one the code "
        "never updates, see the notes), or the targets or weights were misread; set [network] params to every "
        "weight in layer order and [entry] data_y to the targets"
    )


def _with_ones_read_as_bias(ex: Extracted, result: Mapping[str, Any], X, n_out: int, spec: AuditSpec):
    """``(inputs, network)`` where the inputs' leading column of ones is a bias folded into every weight, or None.

    Samples given a leading 1 (code whose weights hold each bias as an extra row, fed ``[1, x]``:
    :mod:`gradcheck.audit.adapters.foldedbias`) chain through the weights only when that column is read as
    the first layer's bias: the reference network, which adds the ones itself, gets the inputs without it.
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] < 2 or not np.all(X[:, 0] == 1.0) or result.get("forward_samples"):
        return None
    inputs = X[:, 1:]
    try:
        found = infer_network(ex.params, ex.forward, inputs, n_out, spec)
    except LayoutError:
        return None
    return (inputs, found) if all(lay.folded is not None for lay in found[0].layers) else None


def _identifying(result: Mapping[str, Any], ex: Extracted, X: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """(forward output, its inputs) the network is identified on: per-sample code's forward on several samples."""
    several = result.get("forward_samples")
    if several and ex.forward is not None:
        return as_array(several["out"]), as_array(several["X"])
    return ex.forward, X


def _student_losses(result: Mapping[str, Any]) -> list[dict]:
    """The values of the student's own loss the worker found (one ``student_loss`` in older results)."""
    found = result.get("student_losses")
    if found is None:
        found = [result["student_loss"]] if result.get("student_loss") else []
    return [dict(f) for f in found if f and f.get("value") is not None]
