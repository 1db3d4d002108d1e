"""What the grader says without checking a gradient, and the words of its verdicts.

Verdicts given before any numerical check (:func:`refuse`: a loss that is not a scalar,
non-finite parameters or gradients; :func:`scalar_network`: a network of plain numbers), the
diagnosis of a gradient of the wrong shape, the notes naming the loss a verdict was reached
under, the error for a network the reference nets do not model, and the pointer from a
diagnosis to the student's line (:func:`point_to_code`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.network import ForwardCheck
from gradcheck.audit.spec import AuditSpec
from gradcheck.problem import GradientShapeError
from gradcheck.result import Diagnosis, GradientReport

__all__ = ["VERDICT_CODES", "point_to_code", "refuse", "scalar_network"]


#: Parameters that are plain numbers, beyond which a network is one scalar per connection (the XOR
#: tutorial's w1..w6, b1..b3): no layout says which number is which connection.
SCALAR_NETWORK_MIN = 2


def scalar_network(result: Mapping[str, Any]) -> str | None:
    """Why a network whose every parameter is a plain number (``w1 = random.uniform(-1, 1)``) is not judged."""
    params = result.get("params") or []
    if len(params) < SCALAR_NETWORK_MIN or any(np.ndim(p.get("data")) != 0 for p in params):
        return None
    names = ", ".join(p["name"] for p in params[:6]) + (", ..." if len(params) > 6 else "")
    return (
        f"the network's parameters are {len(params)} plain numbers ({names}), one per connection, not arrays: "
        "the auditor maps each layer's weight matrix and bias vector onto a reference network, and cannot tell "
        "which number is which connection, so the gradient was not judged. Keep each layer's weights in a numpy "
        "array (W1 of shape (inputs, hidden), b1 of shape (hidden,), ...) to audit it"
    )


def _loss_note(choice: LossChoice, spec: AuditSpec, passed: bool = True) -> str:
    if choice.source == "declared":
        return f"checked against the declared loss: {choice.config.loss_formula}"
    if choice.source == "convention" and not passed:
        return (
            f"no loss in the code and none declared: checked against {choice.config.loss.upper()} as "
            f"{choice.config.loss_formula}, the convention under which the most tensors are right; declare [loss] "
            "to judge it against the assignment's loss"
        )
    if choice.source == "convention":
        return (
            f"no loss in the code and none declared: the gradient is exactly that of {choice.config.loss.upper()} "
            f'as {choice.config.loss_formula}; declare [loss] (e.g. reduction = "mean") to require another'
        )
    if choice.source == "auto":
        return (
            f"loss not declared: the gradient was checked against {choice.config.loss.upper()} "
            f"({choice.config.loss_formula}), the loss it fits best; declare [loss] name in a spec to fix it"
        )
    sign = " (a log-likelihood the student maximizes: its negative)" if choice.factor < 0 else ""
    return f"loss read off {choice.source}: {choice.config.loss_formula}{sign}; declare [loss] to enforce another"


def _unmodelled(forward: ForwardCheck, report: GradientReport, spec: AuditSpec) -> str | None:
    """An honest error when the forward matches no reference net and the gradient does not either.

    A gradient right for the closest reference network with a different forward is a
    wrong forward (a verdict); a gradient and a forward both unlike every reference
    network are a network the reference nets do not model, or a wrong forward: not
    decided on a wrong model. Declaring the network makes it a verdict.
    """
    if report.passed or spec.hidden or spec.get("network", "output"):
        return None
    return unmatched_forward(forward)


def unmatched_forward(forward: ForwardCheck) -> str:
    """The error for a forward no reference network reproduces (see :func:`_unmodelled`)."""
    return (
        f"the forward pass matches no reference network (closest: {forward.network}, off by up to "
        f"{forward.max_abs_error:.3g}): the network uses a layer the reference nets do not model "
        "(hidden sigmoid, tanh, ReLU, leaky ReLU, ELU; output identity, sigmoid, tanh, softmax), or its "
        "forward is wrong; the gradient was not judged. Declare [network] hidden and [network] output to "
        "judge it against one"
    )


def _forward_diagnosis(forward: ForwardCheck) -> Diagnosis:
    return Diagnosis(
        "forward_mismatch",
        None,
        (
            f"The forward pass does not compute a standard MLP: its output differs from the closest "
            f"reference network ({forward.network}) by up to {forward.max_abs_error:.3g}. A gradient "
            "check cannot see a wrong forward pass; check the activations and the order of operations."
        ),
        0.9,
        {"max_abs_error": forward.max_abs_error},
    )


def _shape_diag(
    exc: GradientShapeError, shapes: list[tuple] | None = None, batch: int | None = None
) -> list[Diagnosis]:
    """What the shapes suggest (a bias not summed, a transpose), then the plain fact: ``shape_mismatch``.

    ``shapes``: ``(name, parameter's shape, gradient's shape)`` of every mis-shaped tensor (default: the one
    ``exc`` names); ``batch``: the number of samples, which tells a sum over the wrong axis."""
    from gradcheck.diagnose.shapes import shape_diagnosis

    pairs = shapes or [(exc.name, tuple(exc.expected), tuple(exc.got))]
    found = [shape_diagnosis(name, want, got, batch) for name, want, got in pairs]
    named = [d for d in found if d.code != "shape_mismatch"]
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
#: ``nonfinite_gradient`` and ``shape_mismatch`` are failures of the gradient; ``nonfinite_parameter``,
#: ``loss_not_scalar`` and ``random_forward`` are errors: the submission cannot be graded as it stands.
VERDICT_CODES = ("loss_not_scalar", "nonfinite_parameter", "nonfinite_gradient", "shape_mismatch", "random_forward")


def _first_bad(name: str, arr: np.ndarray) -> str:
    from gradcheck.naming import format_index

    bad = np.argwhere(~np.isfinite(arr))
    where = format_index(name, tuple(int(i) for i in bad[0]))
    return f"{len(bad)} of its {arr.size} entries are NaN or infinite (first: {where} = {arr[tuple(bad[0])]})"


def refuse(result: Mapping[str, Any], ex: Any) -> tuple[str, Diagnosis] | None:
    """A verdict given before any check: a loss that is not a scalar, non-finite parameters or gradients.

    ``ex`` is the grader's :class:`~gradcheck.audit.extracted.Extracted` (not imported here: the grader imports
    this module). Returns ``(status, diagnosis)``, or None when the submission can be checked.
    """
    moved = result.get("forward_random")
    if moved:
        msg = (
            f"Two forward passes at the same weights on the same data differ (by up to {moved:.3g}): the forward "
            "draws random numbers (dropout, added noise?), so no change of the loss can be traced to one weight. "
            "Give dropout a keep_prob or dropout argument (the check sets it to keep everything), or leave it out "
            "of the graded forward."
        )
        return "error", Diagnosis("random_forward", None, msg, 1.0, {"max_difference": moved})
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


def point_to_code(result: Any) -> Any:
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
