"""Judge one submission from what the sandboxed worker extracted.

The student's code ran in the sandbox only; here, in the grader, everything is
recomputed from the arrays it returned: the student's parameters are mapped
onto the reference MLP (layout and activations inferred from the forward
pass, or declared in the spec), the declared loss of that reference network is
differentiated numerically, and the student's claimed gradient is checked
against it entry by entry, in the student's own names. Fingerprint diagnosis
then runs with the inferred architecture.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck.audit.fitscreen import AGREE, DISAGREE, KINKED, directional_fit
from gradcheck.audit.lossfit import LossChoice, LossError, choices, other_conventions
from gradcheck.audit.lossverdict import settle
from gradcheck.audit.network import ForwardCheck, candidates, infer_network, label, output_choices
from gradcheck.audit.signwording import for_update_form
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.verdicts import (
    _forward_diagnosis,
    _loss_note,
    _shape_diag,
    _unmodelled,
    point_to_code,
    refuse,
    scalar_network,
)
from gradcheck.check import check_gradients
from gradcheck.compare import default_rtol
from gradcheck.diagnose import Context, diagnose, signatures
from gradcheck.diagnose.layout import LayoutError
from gradcheck.errormap import error_maps
from gradcheck.problem import GradientShapeError
from gradcheck.result import Diagnosis, GradientReport, TensorResult
from reference_nets.mlp import MLP

#: Submissions up to this many parameters are checked entry by entry.
AUDIT_FULL_LIMIT = 20_000

__all__ = ["ForwardCheck", "SubmissionResult", "Extracted", "grade", "point_to_code", "scalar_network"]


@dataclass(frozen=True)
class SubmissionResult:
    """The verdict on one submission (``audit`` JSON: path, status, tensors, diagnoses, forward, error)."""

    path: str
    status: str
    tensors: tuple[TensorResult, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    forward: ForwardCheck | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()
    shape: str | None = None
    entry: str | None = None
    rules: Mapping[str, str] = field(default_factory=dict)
    loss: str | None = None
    elapsed: float = 0.0
    command: str = ""
    output_tail: str = ""
    isolation: tuple[str, ...] = ()
    network_isolated: bool | None = None
    score: float | None = None
    max_score: float | None = None
    cells: Mapping[str, Any] = field(default_factory=dict)
    trace: Mapping[str, Any] = field(default_factory=dict)
    #: Per failing tensor, where its entries are wrong (see :func:`gradcheck.errormap.error_map`).
    error_maps: Mapping[str, Any] = field(default_factory=dict)
    #: The loss the verdict was reached under (not serialised): a second point is judged under the same one.
    loss_choice: LossChoice | None = field(default=None, compare=False, repr=False)

    @property
    def passed(self) -> bool:
        """Gradient and forward both right."""
        return self.status in ("pass", "kink")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form per DESIGN.md (keys may be added, not renamed)."""
        return {
            "path": self.path,
            "status": self.status,
            "tensors": [t.to_dict() for t in self.tensors],
            "diagnoses": [d.to_dict() for d in self.diagnoses],
            "forward": self.forward.to_dict() if self.forward else None,
            "error": self.error,
            "notes": list(self.notes),
            "shape": self.shape,
            "entry": self.entry,
            "rules": dict(self.rules),
            "loss": self.loss,
            "elapsed": round(self.elapsed, 3),
            "command": self.command,
            "output_tail": self.output_tail,
            "isolation": list(self.isolation),
            "network_isolated": self.network_isolated,
            "score": self.score,
            "max_score": self.max_score,
            "cells": dict(self.cells),
            "trace": dict(self.trace),
            "error_maps": dict(self.error_maps),
        }


def _array(value: Any) -> np.ndarray:
    def conv(x):
        if isinstance(x, list):
            return [conv(v) for v in x]
        return float(x) if isinstance(x, str) else (np.nan if x is None else x)

    return np.asarray(conv(value), dtype=np.float64)


@dataclass(frozen=True)
class Extracted:
    """What the worker returned, as arrays in the student's names and order."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    rules: dict[str, str]
    forward: np.ndarray | None
    samples_as_columns: bool
    #: the narrowest float type the student's arrays came in: float32 code is judged to float32's rounding
    precision: np.dtype = np.dtype(np.float64)

    @classmethod
    def from_result(cls, result: Mapping[str, Any]) -> Extracted:
        """Parse the worker's result JSON."""
        params = {p["name"]: _array(p["data"]) for p in result.get("params", [])}
        grads = {g["param"]: _array(g["data"]) for g in result.get("grads", [])}
        rules = {g["param"]: g.get("rule", "?") for g in result.get("grads", [])}
        fwd = result.get("forward")
        return cls(
            params,
            grads,
            rules,
            None if fwd is None else _array(fwd),
            bool(result.get("samples_as_columns", False)),
            _precision(result.get("precision")),
        )


def _precision(name: Any) -> np.dtype:
    """float32 for a network seen in float32 (or narrower: float32's bounds stay the loosest), else float64."""
    narrow = {"float32", "float16"}
    return np.dtype(np.float32) if name in narrow else np.dtype(np.float64)


def _loss_fn(net: MLP, layout, X, Y, factor: float):
    def loss(params):
        return factor * net.loss(layout.to_reference(params), X, Y)

    return loss


def _check(ex, layout, config, X, Y, factor, seed):
    net = MLP(config)
    loss = _loss_fn(net, layout, X, Y, factor)
    # every entry of a class-sized network: the evidence a student reads, at little cost
    size = sum(v.size for v in ex.params.values())
    mode = "full" if size <= AUDIT_FULL_LIMIT else "auto"
    context = Context(net, X, Y, layout, factor)  # the student's layout: the checker cannot find it in the loss
    rtol = default_rtol(ex.precision)  # float64 arrays computed from float32 ones carry float32's rounding
    grads = {k: ex.grads[k] for k in ex.params}
    report = check_gradients(loss, grads, ex.params, seed=seed, mode=mode, rtol=rtol, name_bugs=False, context=context)
    return net, report


def _worst(report: GradientReport) -> float:
    return max((t.max_rel_error for t in report.tensors), default=0.0)


def targets(Y: np.ndarray, n_out: int) -> np.ndarray:
    """Targets as rows ``(N, n_out)``: integer class labels become one-hot, a flat vector a column."""
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 2:
        return Y
    if n_out > 1 and np.all(Y == np.round(Y)) and np.all((Y >= 0) & (Y < n_out)):
        return np.eye(n_out)[Y.astype(int)]
    return Y.reshape(-1, 1)


def _n_out(ex: Extracted, Y: np.ndarray) -> int:
    if Y.ndim == 2:
        return Y.shape[1]
    if ex.forward is not None and ex.forward.ndim == 2:
        return ex.forward.shape[0] if ex.samples_as_columns else ex.forward.shape[1]
    return 1


def _unjudgeable(result: Mapping[str, Any]) -> str | None:
    """Why the worker's gradient is no gradient (an update not linear in any learning rate)."""
    upd = result.get("update") or {}
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
    ex = Extracted.from_result(result)
    if ex.precision != np.float64:
        note = f"the network computes in {ex.precision}: its gradient is judged to {ex.precision}'s rounding"
        base["notes"] = (*base["notes"], f"{note} (rtol {default_rtol(ex.precision):.2g})")
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
    Y = targets(Y, _n_out(ex, np.asarray(Y)))
    try:
        layout, config, forward = infer_network(ex.params, ex.forward, X, Y.shape[1], spec)
    except LayoutError as exc:
        return SubmissionResult(status="error", error=str(exc), rules=ex.rules, **base)
    student = (_student_losses(result), result.get("student_loss_grad"), loss)
    upd = result.get("update") or {}
    lr_unknown = upd.get("linear") is None and upd.get("lrs") == [1.0]
    if forward.status == "unavailable" and not spec.hidden and not spec.get("network", "output"):
        judged = _without_forward(ex, X, Y, spec, seed, base, student, lr_unknown)
    else:
        judged = _judge(ex, layout, config, forward, X, Y, spec, seed, base, student, lr_unknown)
    return for_update_form(judged, result.get("update_form"))


def _student_losses(result: Mapping[str, Any]) -> list[dict]:
    """The values of the student's own loss the worker found (one ``student_loss`` in older results)."""
    found = result.get("student_losses")
    if found is None:
        found = [result["student_loss"]] if result.get("student_loss") else []
    return [dict(f) for f in found if f and f.get("value") is not None]


#: Candidate networks judged in full at most when no forward output identifies the network: those
#: the directional test keeps (:mod:`gradcheck.audit.fitscreen`), best first. Each full judgement
#: checks every entry under every loss convention kept; past the cap the submission is an error
#: that says so.
MAX_JUDGED = 3


def _without_forward(ex, X, Y, spec, seed, base, student, lr_unknown) -> SubmissionResult:
    """No forward output to identify the network: the candidate under which the gradient is right, or an error.

    The candidates whose directional derivatives agree with the gradient are checked entry by
    entry (no diagnosis) under the losses that agree, at most :data:`MAX_JUDGED` of them; only
    one whose gradient passes there is judged in full.
    """
    kept, total = _screened(ex, X, Y, spec, seed, student, lr_unknown)
    for layout, config, losses in kept[:MAX_JUDGED]:
        checked = Checked()
        if not any(checked.attempt(ex, layout, c, X, Y, seed, spec, lr_unknown)["report"].passed for c in losses):
            continue
        forward = ForwardCheck(
            "unavailable",
            None,
            label(config),
            "no forward output: the network is the one under which the gradient is right",
        )
        judged = _judge(ex, layout, config, forward, X, Y, spec, seed, dict(base), student, lr_unknown, checked)
        if judged.status in ("pass", "kink") or _undetermined(judged):
            note = f"no forward output was found: the gradient is right for {label(config)}"
            return dataclasses.replace(judged, notes=(*judged.notes, note))
    capped = (
        f" ({len(kept)} of the {total} candidate networks agree with the gradient along random directions; "
        f"only the first {MAX_JUDGED} were checked entry by entry, the cap on work per submission)"
        if len(kept) > MAX_JUDGED
        else ""
    )
    return SubmissionResult(
        status="error",
        error=(
            "no forward output was found, so the network cannot be identified, and the gradient is right for "
            f"none of the candidate networks{capped}: name the forward ([entry] forward, or [entry] "
            "forward_output for a script), or declare [network] hidden and [network] output to judge it against one"
        ),
        rules=ex.rules,
        **base,
    )


def _screened(ex, X, Y, spec, seed, student, lr_unknown) -> tuple[list[tuple], int]:
    """``([(layout, config, losses)], candidates tried)``: the candidates worth judging, with the losses
    under which the gradient may be right; those that agree first, then those on a kink, each in order."""
    rtol, factors = default_rtol(ex.precision), (1.0, *spec.accepted_factors)
    kept, total = [], 0
    for i, (layout, config) in enumerate(candidates(ex.params, X, Y.shape[1], spec)):
        total += 1
        try:
            ref = layout.to_reference(ex.params)
            fits = [
                (c, _fit(ex, layout, c, X, Y, rtol, factors, lr_unknown, seed))
                for c in _candidate_losses(ex, config, ref, X, Y, spec, student)
            ]
        except (ValueError, TypeError):  # LossError, a shape no reference net takes: _judge would not pass it
            continue
        ok = [(c, v) for c, v in fits if v != DISAGREE]
        if ok:
            kept.append((0 if any(v == AGREE for _, v in ok) else 1, i, layout, config, [c for c, _ in ok]))
    kept.sort(key=lambda t: t[:2])
    return [t[2:] for t in kept], total


def _candidate_losses(ex, config, ref, X, Y, spec, student) -> list[LossChoice]:
    """The losses :func:`_judge` would check a candidate against (its picks, then other conventions)."""
    forward = ForwardCheck("unavailable", None, label(config), "")
    if student[2] is not None:
        return [student[2]]
    picks = choices(spec, _outputs(config, forward, spec, Y, bool(student[0])), student[0], ref, X, Y, [], student[1])
    return picks + (other_conventions(picks) if all(c.source == "auto" for c in picks) else [])


def _fit(ex, layout, choice, X, Y, rtol, factors, lr_unknown, seed) -> str:
    """The directional test of one candidate under one loss (a gradient of the wrong shape never passes)."""
    if any(np.shape(ex.grads[k]) != np.shape(v) for k, v in ex.params.items()):
        return DISAGREE
    net = MLP(choice.config)
    kinked = [i for i, h in enumerate(choice.config.hidden) if h in KINKED]

    def kinks(params):
        zs = net.forward(layout.to_reference(params), X)[1].zs
        return [zs[i] for i in kinked]

    kw = dict(rtol=rtol, factors=factors, free_scale=lr_unknown, kinks=kinks if kinked else None, seed=seed)
    return directional_fit(_loss_fn(net, layout, X, Y, choice.factor), ex.grads, ex.params, **kw)[0]


def _judge(ex, layout, config, forward, X, Y, spec, seed, base, student, lr_unknown=False, checked=None):
    checked = Checked() if checked is None else checked
    notes = list(base.pop("notes"))
    picks: list[LossChoice] = []
    try:
        ref, outputs = layout.to_reference(ex.params), _outputs(config, forward, spec, Y, bool(student[0]))
        picks = (
            [student[2]]
            if student[2] is not None
            else choices(spec, outputs, student[0], ref, X, Y, notes, grad=student[1])
        )
        tried = _top_diagnosed(
            [checked.attempt(ex, layout, c, X, Y, seed, spec, lr_unknown) for c in picks], ex, layout, X, Y
        )
        if all(c.source == "auto" for c in picks) and not any(t["report"].passed for t in tried):
            tried += _other_conventions(ex, layout, picks, X, Y, seed, spec, tried, checked)
        if any(t["report"].passed for t in tried):  # a pass under an assumed loss quotes the other losses' diagnoses
            tried = [_diagnosed(t, ex, layout, X, Y) for t in tried]
    except LossError as exc:
        return SubmissionResult(
            status="error", error=str(exc), forward=forward, rules=ex.rules, notes=tuple(notes), **base
        )
    except GradientShapeError as exc:
        return SubmissionResult(
            status="fail",
            error=str(exc),
            diagnoses=tuple(_shape_diag(exc)),
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
                status="error", error=unmodelled, forward=forward, rules=ex.rules, notes=tuple(notes), **base
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


def _undetermined(judged: SubmissionResult) -> bool:
    """Inconclusive only because the loss is open: the gradient is right for this network under some loss."""
    return judged.status == "inconclusive" and any(d.code == "loss_undetermined" for d in judged.diagnoses)


def _outputs(config, forward: ForwardCheck, spec: AuditSpec, Y: np.ndarray, own_loss: bool = False) -> list:
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


def _other_conventions(ex, layout, picks, X, Y, seed, spec, tried, checked) -> list[dict[str, Any]]:
    """The first other convention under which the gradient passes; else those under which as many tensors are
    right as under any loss tried (a missing 1/N in code that sums by design is not its bug), diagnosed so that
    the fewest bugs explaining the gradient decide (at most ``CONVENTIONS_DIAGNOSED`` of them)."""
    best = max(tried, key=lambda t: t["score"])
    best_right, family = best["score"][1:3], best["choice"].config.loss
    contenders = []
    for choice in other_conventions(picks):
        attempt = checked.attempt(ex, layout, choice, X, Y, seed, spec)
        if attempt["report"].passed:
            return [attempt]
        right = attempt["score"][1:3]
        if right > best_right or (right == best_right and choice.config.loss == family):
            contenders.append(attempt)
    if not contenders:
        return []
    contenders.sort(key=lambda a: a["score"], reverse=True)  # the most right tensors, then the smallest error
    # none is checked again; the diagnosis decides only among those with the most right tensors
    return _top_diagnosed(contenders[:CONVENTIONS_DIAGNOSED], ex, layout, X, Y)


#: Other conventions diagnosed at most when none passes (each diagnosis searches the catalogue).
CONVENTIONS_DIAGNOSED = 8


def _attempt(ex, layout, choice: LossChoice, X, Y, seed, spec, lr_unknown=False, diagnose=True) -> dict[str, Any]:
    """Check against one candidate loss; score how well it explains the submission.

    When the loss is not declared, the candidate that passes wins; failing
    that, the one under which most tensors are right, then the one whose
    failure is best explained (a fingerprint or a uniform factor beats a
    vague localisation), then the smallest error.
    """
    net, report = _check(ex, layout, choice.config, X, Y, choice.factor, seed)
    notes: list[str] = []
    report, _ = _accept_convention(report, ex, layout, net.config, X, Y, choice.factor, seed, spec, notes)
    if lr_unknown and not report.passed:
        report = _unknown_rate(report, ex, layout, net.config, X, Y, choice.factor, seed, notes)
    diagnoses = [] if report.passed or not diagnose else _diagnose(report, ex, layout, net, X, Y, choice.factor)
    return {
        "report": report,
        "diagnoses": diagnoses,
        "choice": choice,
        "notes": notes,
        "score": _score(report, diagnoses),
        "net": net,
    }


class Checked:
    """The undiagnosed attempts made on one candidate network, so that none is checked twice.

    The no-forward path checks a candidate under its losses before judging it in full; the
    full judgement then reads those checks instead of repeating them.
    """

    def __init__(self):
        self._done: list[tuple[LossChoice, bool, dict[str, Any]]] = []

    def attempt(self, ex, layout, choice: LossChoice, X, Y, seed, spec, lr_unknown=False) -> dict[str, Any]:
        """:func:`_attempt` with ``diagnose=False``, made once per loss and learning-rate reading."""
        for c, unknown, done in self._done:
            if c == choice and unknown == lr_unknown:
                return done
        done = _attempt(ex, layout, choice, X, Y, seed, spec, lr_unknown, diagnose=False)
        self._done.append((choice, lr_unknown, done))
        return done


def _top_diagnosed(tried: list[dict[str, Any]], ex, layout, X, Y) -> list[dict[str, Any]]:
    """The attempts, those with the most right tensors (then a right output layer) diagnosed.

    Only among those does the diagnosis decide which attempt is best; the others are
    diagnosed later only if a pass needs them (:func:`_judge`).
    """
    top = max((t["score"][1:3] for t in tried), default=None)
    return [_diagnosed(t, ex, layout, X, Y) if t["score"][1:3] == top else t for t in tried]


def _diagnosed(attempt: dict[str, Any], ex, layout, X, Y) -> dict[str, Any]:
    """An attempt made with ``diagnose=False``, diagnosed now and scored again (its check is not repeated)."""
    report = attempt["report"]
    if report.passed:
        return attempt
    diagnoses = _diagnose(report, ex, layout, attempt["net"], X, Y, attempt["choice"].factor)
    return {**attempt, "diagnoses": diagnoses, "score": _score(report, diagnoses)}


def _score(report: GradientReport, diagnoses: list[Diagnosis]) -> tuple:
    """How well an attempt explains the submission (see :func:`_attempt`)."""
    right = sum(t.status in ("pass", "kink") for t in report.tensors)
    # the output layer's gradient is the loss's own derivative: of two readings with as many right
    # tensors, the one under which the output layer is right names the loss the code differentiates
    output_right = bool(report.tensors) and report.tensors[-1].status in ("pass", "kink")
    explained = max((d.confidence for d in diagnoses if d.code != "localized"), default=0.0)
    bugs = diagnoses[0].evidence.get("bugs", 1) if diagnoses and diagnoses[0].code != "localized" else 9
    return (report.passed, right, output_right, -bugs, explained, -_worst(report))


def _accept_convention(report, ex, layout, config, X, Y, factor, seed, spec, notes):
    if report.passed or not spec.accepted_factors:
        return report, None
    found = signatures(report)
    uniform = [d for d in found if d.tensor is None and "factor" in d.evidence]
    for d in uniform:
        c = d.evidence["factor"]
        for accepted in spec.accepted_factors:
            if abs(c - accepted) <= 1e-3 * abs(accepted):
                _, again = _check(ex, layout, config, X, Y, factor * accepted, seed)
                if again.passed:
                    notes.append(
                        f"every gradient is {accepted:g} x the declared loss's gradient: an accepted "
                        "convention ([loss] accept)"
                    )
                    return again, accepted
    return report, None


def _unknown_rate(report, ex, layout, config, X, Y, factor, seed, notes):
    """With no learning rate found, (before - after) is lr x the gradient: a uniform positive factor is the lr."""
    for d in signatures(report):
        c = d.evidence.get("factor") if d.tensor is None else None
        if c is not None and c > 0:
            _, again = _check(ex, layout, config, X, Y, factor * c, seed)
            if again.passed:
                notes.append(
                    f"no learning rate was found (hard-coded or none): the update is {c:.6g} x the loss's "
                    "gradient, which a learning rate of that size explains; checked up to that factor"
                )
                return again
    return report


def _diagnose(report, ex, layout, net, X, Y, factor) -> list[Diagnosis]:
    # the same diagnosis as check_gradients: the fewest bugs explaining every entry, else what the numbers show
    return list(diagnose(report, params=ex.params, context=Context(net, X, Y, layout, factor)).diagnoses)
