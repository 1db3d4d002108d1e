"""What a passing gradient means when the loss was neither declared nor found in the student's code.

The grader then checks the gradient against the losses usual for the network's
output, and against their conventions (mean or sum over the batch, over the
outputs, a 1/2 in front of an MSE). A gradient that passes under one of them
is exactly the gradient of *that* loss, but nothing says it is the loss of the
assignment:

* **One loss family fits the output** (identity or tanh: MSE; softmax:
  cross-entropy). A convention differs from another by a constant factor,
  which a learning rate absorbs: the gradient is right up to a convention the
  instructor did not state. The verdict stays ``pass``, with the diagnosis
  ``loss_assumed`` naming the loss and convention, shown wherever diagnoses are.
* **Several loss families fit the output** (a sigmoid output: BCE and MSE;
  scores whose output layer is open). Their gradients differ in direction, and
  the classic bugs of one are the exact gradient of the other: BCE's shortcut
  ``yhat - y`` multiplied by sigma' again *is* the gradient of 1/2 MSE, and an
  MSE gradient missing sigma' *is* BCE's. A pass would be a guess, so the
  verdict is ``inconclusive`` with the diagnosis ``loss_undetermined``: the
  loss it is exact for, what it would be under the other loss, and the
  ``[loss]`` lines that settle it (one spec for the whole class).

A gradient that fails under every candidate loss stays ``fail``: no loss the
output allows makes it right.
"""

from __future__ import annotations

from typing import Any

from gradcheck.audit.lossfit import LossChoice, fitting, is_assumed
from gradcheck.result import Diagnosis

__all__ = ["settle", "spec_lines"]


def spec_lines(choice: LossChoice) -> str:
    """The ``[loss]`` table that declares ``choice``: ``name = "mse", reduction = "sum", half = true``."""
    c = choice.config
    parts = [f'name = "{c.loss}"', f'reduction = "{c.over_samples}"']
    if c.over_outputs is not None:
        parts.append(f'over_outputs = "{c.over_outputs}"')
    if c.half:
        parts.append("half = true")
    if abs(choice.factor) != 1.0:
        parts.append(f"scale = {abs(choice.factor):g}")
    return ", ".join(parts)


def _families(tried: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(t["choice"].config.loss for t in tried))


def _other(tried: list[dict[str, Any]], family: str) -> tuple[str, str]:
    """(family, what its gradient check says) of the best attempt under another loss family."""
    others = [t for t in tried if t["choice"].config.loss != family]
    best = max(others, key=lambda t: t["score"])
    name = best["choice"].config.loss.upper()
    top = next((d for d in best["diagnoses"] if d.code != "localized"), None)
    if best["report"].passed:
        return name, f"under {name} it passes too"
    said = f" ({top.code}: {top.message})" if top else ""
    return name, f"under {name} it is wrong{said}"


def settle(
    status: str, diagnoses: list[Diagnosis], best: dict[str, Any], tried: list[dict[str, Any]], output: str | None
):
    """(status, diagnoses) of a passing gradient whose loss was assumed; anything else unchanged.

    ``output``: the output layer of the network found (its losses are the ones that
    fit the forward); None when the forward leaves it open (scores).
    """
    choice: LossChoice = best["choice"]
    if status not in ("pass", "kink") or not all(is_assumed(t["choice"]) for t in tried):
        return status, diagnoses
    formula, lines = choice.config.loss_formula, spec_lines(choice)
    families = _families(tried) if output is None else [f for f in _families(tried) if f in fitting(output)]
    if len(families) == 1:
        msg = (
            "No loss was declared and the code has none the audit could evaluate at the network's output: "
            "the gradient is exactly that of "
            f"{choice.label} ({formula}), a convention the assignment may or may not use. Declare the "
            f"loss to require one: [loss] {lines}."
        )
        return status, [Diagnosis("loss_assumed", None, msg, 1.0, {"loss": choice.label}), *diagnoses]
    other, verdict = _other(tried, choice.config.loss)
    msg = (
        "No loss was declared and the code has none the audit could evaluate at the network's output, "
        "and this output fits several losses "
        f"({', '.join(f.upper() for f in families)}). The gradient is exactly that of {choice.label} "
        f"({formula}): right if that is the assignment's loss; {verdict}. Declare the loss to decide: "
        f"[loss] {lines} (or the other loss's name)."
    )
    evidence = {"loss": choice.label, "other": other}
    return "inconclusive", [Diagnosis("loss_undetermined", None, msg, 1.0, evidence), *diagnoses]
