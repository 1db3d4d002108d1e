"""Judging a submission against one network: the losses to try, the best attempt, the verdict.

The network is the one its forward output identified (or the spec declared); the losses are
the declared one, or those the output layer allows, then other conventions when none passes
(:mod:`gradcheck.audit.attempts`). A forward that does not match makes the verdict a fail.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck.audit.attempts import Checked, conventions_tried, diagnosed, diagnosis_of, top_diagnosed
from gradcheck.audit.lossfit import LOSSES_FOR, LossChoice, LossDisagrees, LossError, choices, other_conventions
from gradcheck.audit.lossverdict import settle
from gradcheck.audit.network import ForwardCheck, label, output_choices
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.audit.verdicts import _forward_diagnosis, _loss_note, _shape_diag, _unmodelled, unmatched_forward
from gradcheck.errormap import error_maps
from gradcheck.problem import GradientShapeError
from reference_nets.mlp import MLP

__all__ = ["UNMODELLED_LOSS", "UNMODELLED_NET", "judge", "output_candidates", "undetermined"]

#: What the reference networks do not model, said when the backward is checked against the student's own loss.
UNMODELLED_LOSS = "no loss the reference networks model has this code's loss value"
UNMODELLED_NET = "the reference networks do not have this network"


def _led_by_forward(error: str, exc: LossError, forward, spec) -> str:
    """A loss no reference network has, said after the forward no reference network has, when that is so: a loss
    value is only compared on the closest network's output, so an unmodelled network (two linear layers with no
    activation) makes every loss look unmodelled, and "declare the loss" would not help."""
    undeclared = not (spec.hidden or spec.get("network", "output"))
    if isinstance(exc, LossDisagrees) and forward is not None and forward.status == "mismatch" and undeclared:
        return f"{unmatched_forward(forward)}. Its loss was not found among theirs either: {error}"
    return error


def judge(ex, layout, config, forward, X, Y, spec, seed, base, student, lr_unknown=False, checked=None):
    """The verdict on ``ex`` judged as network ``config`` (mapped by ``layout``), under the losses it allows.

    ``student`` is ``(the student's loss values, their loss's gradient, a loss imposed or None)``;
    ``checked`` holds checks already made on this network (:class:`~gradcheck.audit.attempts.Checked`).
    """
    checked = Checked() if checked is None else checked
    notes = list(base.pop("notes"))
    picks: list[LossChoice] = []
    try:
        ref, outputs = layout.to_reference(ex.params), output_candidates(config, forward, spec, Y, bool(student[0]))
        picks = (
            [_on_this_network(student[2], config, forward)]
            if student[2] is not None
            else choices(spec, outputs, student[0], ref, X, Y, notes, grad=student[1])
        )
        tried = top_diagnosed(
            [checked.attempt(ex, layout, c, X, Y, seed, spec, lr_unknown) for c in picks], ex, layout, X, Y
        )
        # the other conventions are tried only when the loss is still to be chosen: a loss imposed (the
        # first point's, when the grader checks again elsewhere) is not chosen again
        if student[2] is None and all(c.source == "auto" for c in picks) and not any(t["report"].passed for t in tried):
            tried += conventions_tried(ex, layout, picks, X, Y, seed, spec, tried, checked)
        if any(t["report"].passed for t in tried):  # a pass under an assumed loss quotes the other losses' diagnoses
            tried = [diagnosed(t, ex, layout, X, Y) for t in tried]
    except LossError as exc:
        return SubmissionResult(
            status="error",
            error=_led_by_forward(str(exc), exc, forward, spec),
            forward=forward,
            rules=ex.rules,
            notes=tuple(notes),
            unmodelled=UNMODELLED_LOSS if isinstance(exc, LossDisagrees) else "",
            **base,
        )
    except GradientShapeError as first:
        exc, picks = _shapes_under_fitting_loss(first, ex, layout, picks, X, Y, seed, spec, checked)
        tensors, diagnoses = _around_shapes(exc, ex, layout, picks, X, Y)
        return SubmissionResult(
            status="fail",
            error=str(exc),
            tensors=tensors,
            diagnoses=diagnoses,
            forward=forward,
            rules=ex.rules,
            loss=picks[0].label if picks else None,
            notes=tuple(notes),
            **base,
        )
    except (ValueError, TypeError) as exc:  # not the student's gradient (refuse() judged that): ours
        return SubmissionResult(
            status="error",
            error=f"the gradient could not be checked: {exc}",
            forward=forward,
            rules=ex.rules,
            notes=tuple(notes),
            **base,
        )
    best = max(tried, key=lambda t: t["score"])
    report, diagnoses, choice = best["report"], list(best["diagnoses"]), best["choice"]
    notes += best["notes"]
    notes.append(_loss_note(choice, spec, report.passed))
    if choice.config.output != config.output:  # the loss told the output layer the scores could not
        forward = dataclasses.replace(forward, network=label(choice.config), on_logits=True)
    status = report.status
    if forward.status != "mismatch":
        # scores of a classifier (class targets on an identity output) leave the output layer open too
        open_output = forward.on_logits or len({o.output for o in outputs}) > 1
        status, diagnoses = settle(status, diagnoses, best, tried, None if open_output else config.output)
    else:
        unmodelled = _unmodelled(forward, report, spec)
        if unmodelled:
            return SubmissionResult(
                status="error",
                error=unmodelled,
                forward=forward,
                rules=ex.rules,
                notes=tuple(notes),
                unmodelled=UNMODELLED_NET,
                **base,
            )
        status = "fail" if status in ("pass", "kink") else status
        diagnoses.insert(0, _forward_diagnosis(forward))
    return SubmissionResult(
        status=status,
        tensors=report.tensors,
        error_maps=error_maps(report),
        diagnoses=tuple(diagnoses),
        forward=forward,
        rules=ex.rules,
        loss=choice.label,
        notes=tuple(notes),
        loss_choice=choice,
        **base,
    )


#: What a forward output identifies of a network: its activations (and their fitted constants), not its loss.
_ACTIVATIONS = ("hidden", "output", "leaky_slope", "elu_alpha")


def _on_this_network(imposed: LossChoice, config, forward: ForwardCheck) -> LossChoice:
    """The loss imposed from the first point (its reduction, convention and factor), on the activations this
    point's forward output identifies.

    A forward at weights where several activations agree tells none of them apart: a script starting from zero
    weights (``w = np.zeros(7)``) outputs 0 whether the output is ``tanh`` or the identity, and the first that
    matched was kept. At the grader's point the forward says which it is; the first point's guess, imposed there,
    failed a correct tanh unit as inconsistent and passed one whose backward left out ``1 - y**2``. A forward that
    returns scores (logits) leaves the output layer open: the first point's choice stands.
    """
    if forward.status != "match" or forward.on_logits or imposed.config.loss not in LOSSES_FOR[config.output]:
        return imposed
    seen = {name: getattr(config, name) for name in _ACTIVATIONS}
    if all(getattr(imposed.config, name) == value for name, value in seen.items()):
        return imposed
    return dataclasses.replace(imposed, config=dataclasses.replace(imposed.config, **seen))


def undetermined(judged: SubmissionResult) -> bool:
    """Inconclusive only because the loss is open: the gradient is right for this network under some loss."""
    return judged.status == "inconclusive" and any(d.code == "loss_undetermined" for d in judged.diagnoses)


def _shapes_under_fitting_loss(exc, ex, layout, picks, X, Y, seed, spec, checked) -> tuple[GradientShapeError, list]:
    """A wrong shape beside tensors checked under an assumed loss: the loss under which those tensors are right.

    Code with no loss of its own may differentiate a half sum of squares; under the first loss assumed, its
    right weights would be called wrong next to the mis-shaped bias. The other usual losses and conventions
    are tried on the other tensors; the first under which all of them pass is the one they are reported under.
    """
    if not picks or any(c.source != "auto" for c in picks) or _compared_right(exc):
        return exc, picks
    for choice in picks[1:] + other_conventions(picks):
        try:
            checked.attempt(ex, layout, choice, X, Y, seed, spec)
        except GradientShapeError as again:
            if _compared_right(again):
                return again, [choice]
    return exc, picks


def _compared_right(exc: GradientShapeError) -> bool:
    """Every tensor compared entry by entry beside the mis-shaped ones is right (none compared: False)."""
    report = getattr(exc, "report", None)
    compared = [t for t in getattr(report, "tensors", ()) if np.isfinite(t.max_rel_error)]
    return bool(compared) and all(t.status != "fail" for t in compared)


def _around_shapes(exc: GradientShapeError, ex, layout, picks, X, Y) -> tuple[tuple, tuple]:
    """The tensors and diagnoses of a gradient with mis-shaped tensors: the shapes named first, then
    what the other tensors show (checked around the mis-shaped ones), so a second bug is named too."""
    shapes = [
        (n, np.shape(ex.params[n]), np.shape(g))
        for n, g in ex.grads.items()
        if n in ex.params and np.shape(g) != np.shape(ex.params[n])
    ]
    shaped = _shape_diag(exc, shapes if any(n == exc.name for n, _, _ in shapes) else None, len(X))
    report = getattr(exc, "report", None)  # the other tensors, checked by check_gradients (no diagnosis)
    if report is None or not picks:
        return (), tuple(shaped)
    if not any(t.status == "fail" and np.isfinite(t.max_rel_error) for t in report.tensors):  # shapes only
        return report.tensors, tuple(shaped)
    found = diagnosis_of(report, ex, layout, MLP(picks[0].config), X, Y, picks[0].factor)
    codes = {d.code for d in shaped}
    more = [d for d in found if d.code not in codes and d.tensor != exc.name and d.code != "localized"]
    return report.tensors, tuple(shaped + more)


def output_candidates(config, forward: ForwardCheck, spec: AuditSpec, Y: np.ndarray, own_loss: bool = False) -> list:
    """The candidate networks: the one found, or, when the forward may be scores, one per output layer.

    Scores (logits) leave the output activation open: a forward that matched only on
    them, or an identity output whose targets are class labels (one-hot rows) — the
    scores of a classifier — or whose loss the student's code computes (its value
    tells the output layer). The network found stays first.
    """
    open_ = config.output == "identity" and (_class_rows(Y) or own_loss) and not spec.get("network", "output")
    scores = forward.on_logits or open_
    if not scores:
        return [config]
    others = [o for o in output_choices(spec, config.sizes[-1]) if o != config.output]
    return [config, *(dataclasses.replace(config, output=o) for o in others)]


def _class_rows(Y: np.ndarray) -> bool:
    """Targets that are class labels: one-hot rows over at least two classes."""
    return Y.ndim == 2 and Y.shape[1] > 1 and bool(np.all((Y == 0) | (Y == 1))) and bool(np.all(Y.sum(axis=1) == 1))
