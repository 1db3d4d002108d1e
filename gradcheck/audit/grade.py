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
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradcheck.audit.spec import AuditSpec
from gradcheck.check import check_gradients
from gradcheck.diagnose import Context, diagnose, signatures
from gradcheck.diagnose.layout import Layout, LayoutError, infer_layouts
from gradcheck.errormap import error_maps
from gradcheck.problem import GradientShapeError
from gradcheck.result import Diagnosis, GradientReport, TensorResult
from reference_nets.mlp import MLP, MLPConfig

#: The student's forward output matches the reference when it agrees to this
#: fraction of its scale (both compute the same float64 expressions).
FORWARD_RTOL = 1e-6
HIDDEN = ("sigmoid", "tanh", "relu")
#: Submissions up to this many parameters are checked entry by entry.
AUDIT_FULL_LIMIT = 20_000
OUTPUTS = ("sigmoid", "identity")


@dataclass(frozen=True)
class ForwardCheck:
    """The student's forward pass against the reference forward.

    Attributes
    ----------
    status : str
        ``match``, ``mismatch`` or ``unavailable``.
    max_abs_error : float or None
        Largest difference with the closest reference network.
    network : str or None
        The reference network used (``2-4-1 tanh|sigmoid``).
    note : str
        How it was decided.
    """

    status: str
    max_abs_error: float | None
    network: str | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return dataclasses.asdict(self)


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

    @classmethod
    def from_result(cls, result: Mapping[str, Any]) -> Extracted:
        """Parse the worker's result JSON."""
        params = {p["name"]: _array(p["data"]) for p in result.get("params", [])}
        grads = {g["param"]: _array(g["data"]) for g in result.get("grads", [])}
        rules = {g["param"]: g.get("rule", "?") for g in result.get("grads", [])}
        fwd = result.get("forward")
        return cls(
            params, grads, rules, None if fwd is None else _array(fwd), bool(result.get("samples_as_columns", False))
        )


def _forward_error(net: MLP, ref_params, X, student_out: np.ndarray) -> float:
    yhat, _ = net.forward(ref_params, X)
    out = student_out
    if out.shape != yhat.shape and out.T.shape == yhat.shape:
        out = out.T
    if out.size != yhat.size:
        return np.inf
    out = out.reshape(yhat.shape)
    return float(np.max(np.abs(out - yhat)))


def _candidates(spec: AuditSpec, depth: int):
    hidden = [spec.hidden] if spec.hidden else list(itertools.product(HIDDEN, repeat=depth))
    if spec.hidden and len(spec.hidden) == 1 and depth > 1:
        hidden = [spec.hidden * depth]
    outputs = [spec.get("network", "output")] if spec.get("network", "output") else OUTPUTS
    return [(h, o) for h in hidden for o in outputs]


def infer_network(
    ex: Extracted, X: np.ndarray, Y: np.ndarray, spec: AuditSpec
) -> tuple[Layout, MLPConfig, ForwardCheck]:
    """Layout, activations and the forward verdict, from the student's forward output."""
    n_in, n_out = X.shape[1], Y.shape[1]
    layouts = infer_layouts({k: v.shape for k, v in ex.params.items()}, n_in, n_out)
    best = None
    for layout in layouts:
        ref = layout.to_reference(ex.params)
        for hidden, output in _candidates(spec, len(layout.layers) - 1):
            if len(hidden) != len(layout.layers) - 1:
                continue
            config = MLPConfig(layout.sizes, hidden, output=output, loss="mse", bias=layout.has_bias)
            if not layout.has_bias and any(lay.bias for lay in layout.layers):
                continue
            err = _forward_error(MLP(config), ref, X, ex.forward) if ex.forward is not None else np.inf
            if best is None or err < best[0]:
                best = (err, layout, config)
    if best is None:
        raise LayoutError("no reference network fits these parameters (mixed biases?); declare [network] in the spec")
    err, layout, config = best
    label = f"{'-'.join(map(str, config.sizes))} {','.join(config.hidden)}|{config.output}"
    if ex.forward is None:
        return layout, config, ForwardCheck("unavailable", None, label, "no forward output: activations assumed")
    scale = max(1.0, float(np.max(np.abs(ex.forward))))
    if err <= FORWARD_RTOL * scale:
        return (
            layout,
            config,
            ForwardCheck(
                "match",
                err,
                label,
                "activations inferred from the forward output" if not spec.hidden else "declared activations",
            ),
        )
    return layout, config, ForwardCheck("mismatch", err, label, "no reference network reproduces the forward output")


def _loss_fn(net: MLP, layout: Layout, X, Y, factor: float):
    def loss(params):
        return factor * net.loss(layout.to_reference(params), X, Y)

    return loss


def _config_with_loss(config: MLPConfig, loss: str) -> MLPConfig:
    return dataclasses.replace(config, loss=loss)


def _check(ex, layout, config, X, Y, factor, seed):
    net = MLP(config)
    loss = _loss_fn(net, layout, X, Y, factor)
    # every entry of a class-sized network: the evidence a student reads, at little cost
    size = sum(v.size for v in ex.params.values())
    mode = "full" if size <= AUDIT_FULL_LIMIT else "auto"
    report = check_gradients(
        loss, {k: ex.grads[k] for k in ex.params}, ex.params, seed=seed, mode=mode, name_bugs=False
    )
    return net, report


def _loss_choices(spec: AuditSpec, config: MLPConfig) -> list[str]:
    if spec.loss != "auto":
        return [spec.loss]
    return ["bce", "mse"] if config.output == "sigmoid" else ["mse"]


def _worst(report: GradientReport) -> float:
    return max((t.max_rel_error for t in report.tensors), default=0.0)


def grade(
    result: Mapping[str, Any], X: np.ndarray, Y: np.ndarray, spec: AuditSpec, *, path: str, seed: int = 0
) -> SubmissionResult:
    """Verdict for one submission from the worker's ``result``.

    Parameters
    ----------
    result : mapping
        The worker's result JSON.
    X, Y : ndarray
        The batch the worker used (samples as rows).
    spec : AuditSpec
        The assignment's spec.
    path : str
        The submission, as shown in reports.
    seed : int
        Seed of the check.
    """
    base = dict(path=path, shape=result.get("shape"), entry=result.get("entry"), notes=tuple(result.get("notes", [])))
    if not result.get("ok", False) or result.get("error"):
        err = result.get("error") or {}
        msg = f"{err.get('type', 'Error')}: {err.get('message', 'the submission could not be run')}"
        where = f" (in {err['where']})" if err.get("where") else ""
        return SubmissionResult(status="error", error=msg + where, **base)
    ex = Extracted.from_result(result)
    refused = refuse(result, ex)
    if refused is not None:
        status, diagnosis = refused
        return SubmissionResult(status=status, error=diagnosis.message, diagnoses=(diagnosis,), rules=ex.rules, **base)
    missing = [k for k in ex.params if k not in ex.grads]
    if missing:
        return SubmissionResult(
            status="error",
            error=f"no gradient found for {', '.join(missing)}; set [network] grads in the spec",
            rules=ex.rules,
            **base,
        )
    try:
        layout, config, forward = infer_network(ex, X, Y, spec)
    except LayoutError as exc:
        return SubmissionResult(status="error", error=str(exc), rules=ex.rules, **base)
    return _judge(ex, layout, config, forward, X, Y, spec, seed, base)


def _judge(ex, layout, config, forward, X, Y, spec, seed, base) -> SubmissionResult:
    factor = spec.scale * (X.shape[0] if spec.reduction == "sum" else 1.0)
    notes = list(base.pop("notes"))
    try:
        tried = [
            _attempt(ex, layout, _config_with_loss(config, name), X, Y, factor, seed, spec, name)
            for name in _loss_choices(spec, config)
        ]
    except GradientShapeError as exc:
        return SubmissionResult(
            status="fail",
            error=str(exc),
            diagnoses=tuple(_shape_diag(exc)),
            forward=forward,
            rules=ex.rules,
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
    report, diagnoses, loss_name = best["report"], list(best["diagnoses"]), best["loss"]
    notes += best["notes"]
    if spec.loss == "auto":
        notes.append(
            f"loss not declared: the gradient was checked against {loss_name.upper()} "
            f"({spec.reduction}), the loss it fits best; declare [loss] name in a spec to fix it"
        )
    status = report.status
    if forward.status == "mismatch":
        status = "fail" if status in ("pass", "kink") else status
        diagnoses.insert(
            0,
            Diagnosis(
                "forward_mismatch",
                None,
                (
                    f"The forward pass does not compute a standard MLP: its output differs from the closest "
                    f"reference network ({forward.network}) by up to {forward.max_abs_error:.3g}. A gradient "
                    "check cannot see a wrong forward pass; check the activations and the order of operations."
                ),
                0.9,
                {"max_abs_error": forward.max_abs_error},
            ),
        )
    return SubmissionResult(
        status=status,
        tensors=report.tensors,
        error_maps=error_maps(report),
        diagnoses=tuple(diagnoses),
        forward=forward,
        rules=ex.rules,
        loss=f"{loss_name} ({spec.reduction})",
        notes=tuple(notes),
        **base,
    )


def _attempt(ex, layout, config, X, Y, factor, seed, spec, name) -> dict[str, Any]:
    """Check against one candidate loss; score how well it explains the submission.

    When the loss is not declared, the candidate that passes wins; failing
    that, the one under which most tensors are right, then the one whose
    failure is best explained (a fingerprint or a uniform factor beats a
    vague localisation), then the smallest error.
    """
    net, report = _check(ex, layout, config, X, Y, factor, seed)
    notes: list[str] = []
    report, _ = _accept_convention(report, ex, layout, net.config, X, Y, factor, seed, spec, notes)
    diagnoses = [] if report.passed else _diagnose(report, ex, layout, net, X, Y, factor)
    right = sum(t.status in ("pass", "kink") for t in report.tensors)
    explained = max((d.confidence for d in diagnoses if d.code != "localized"), default=0.0)
    score = (report.passed, right, explained, -_worst(report))
    return {"report": report, "diagnoses": diagnoses, "loss": name, "notes": notes, "score": score}


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


def _diagnose(report, ex, layout, net, X, Y, factor) -> list[Diagnosis]:
    # the same diagnosis as check_gradients: the fewest bugs explaining every entry, else what the numbers show
    return list(diagnose(report, params=ex.params, context=Context(net, X, Y, layout, factor)).diagnoses)


def _shape_diag(exc: GradientShapeError) -> list[Diagnosis]:
    """What the shapes suggest (a bias not summed, a transpose), then the plain fact: ``shape_mismatch``."""
    from gradcheck.diagnose import diagnose_shape_error

    named = [d for d in diagnose_shape_error(exc, {}, {}, None) if d.code != "shape_mismatch"]
    fact = Diagnosis(
        "shape_mismatch",
        exc.name,
        f"The gradient of {exc.name} has shape {tuple(exc.got)} but {exc.name} has shape {tuple(exc.expected)}: "
        "a gradient has the shape of its parameter.",
        0.95 if not named else min(0.95, named[0].confidence) - 0.01,
        {"expected": list(exc.expected), "got": list(exc.got)},
    )
    return [*named, fact]


#: Verdict codes the grader gives before any numerical check (diagnosis codes: add, never rename).
#: ``nonfinite_gradient`` and ``shape_mismatch`` are failures of the gradient; ``nonfinite_parameter``
#: and ``loss_not_scalar`` are errors: the submission cannot be graded as it stands.
VERDICT_CODES = ("loss_not_scalar", "nonfinite_parameter", "nonfinite_gradient", "shape_mismatch")


def _first_bad(name: str, arr: np.ndarray) -> str:
    from gradcheck.naming import format_index

    bad = np.argwhere(~np.isfinite(arr))
    where = format_index(name, tuple(int(i) for i in bad[0]))
    return f"{len(bad)} of its {arr.size} entries are NaN or infinite (first: {where} = {arr[tuple(bad[0])]})"


def refuse(result: Mapping[str, Any], ex: Extracted) -> tuple[str, Diagnosis] | None:
    """A verdict given before any check: a loss that is not a scalar, non-finite parameters or gradients.

    Returns ``(status, diagnosis)``, or None when the submission can be checked.
    """
    lv = result.get("loss_value")
    if lv and int(np.prod(lv.get("shape") or [1])) != 1:
        shape = tuple(lv["shape"])
        msg = (
            f"The loss returned with the gradients is an array of shape {shape}, not a scalar: reduce it "
            "over the batch (for example with .mean() or .sum()) so that it is one number."
        )
        return "error", Diagnosis("loss_not_scalar", None, msg, 1.0, {"shape": list(shape)})
    for name, arr in ex.params.items():
        if not np.all(np.isfinite(arr)):
            msg = f"Parameter {name} is not finite: {_first_bad(name, arr)}. Check the initialisation."
            return "error", Diagnosis("nonfinite_parameter", name, msg, 1.0, {})
    for name, arr in ex.grads.items():
        if not np.all(np.isfinite(arr)):
            msg = f"The gradient of {name} is not finite: {_first_bad(name, arr)}."
            return "fail", Diagnosis("nonfinite_gradient", name, msg, 1.0, {})
    return None


#: Diagnosis codes whose bug sits in the line forming a layer's delta dZ.
_DELTA_CODES = (
    "derivative_at_activation",
    "derivative_at_preactivation",
    "wrong_activation_derivative",
    "missing_activation_derivative",
    "extra_activation_derivative",
)


def point_to_code(result: SubmissionResult) -> SubmissionResult:
    """Name the student's line where the top diagnosis points (script submissions).

    For an activation-derivative bug in layer ``l``, the line that assigns the
    layer's delta (``dZl = ...``, ``delta... =``) among the lines the script ran
    before its gradients were captured.
    """
    import re

    executed = (result.trace or {}).get("executed") or []
    if not result.diagnoses or not executed:
        return result
    top = result.diagnoses[0]
    layer = top.evidence.get("layer")
    if top.code not in _DELTA_CODES or not isinstance(layer, int):
        return result
    pattern = re.compile(rf"^\s*(dZ{layer}|dz{layer}|delta{layer}|delta_{layer})\s*=")
    hits = [e for e in executed if pattern.search(e.get("code", ""))]
    if not hits:
        return result
    hit = hits[-1]
    pointed = dataclasses.replace(
        top,
        message=f"{top.message} See {hit['where']}: `{hit['code'].strip()}`.",
        evidence={**top.evidence, "where": hit["where"], "code": hit["code"].strip()},
    )
    return dataclasses.replace(result, diagnoses=(pointed, *result.diagnoses[1:]))
