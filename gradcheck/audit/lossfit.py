"""Which loss the student's gradient must match: declared, read off the student's own loss, or the usual ones.

The instructor's ``[loss]`` wins. Otherwise the value of the student's own loss
function on the checked batch (reported by the worker) is compared with every
named convention of the losses the output allows (``reference_nets.conventions``:
mean or sum over the samples, mean or sum over the outputs, a 1/2 in front of
an MSE; a log-likelihood the student maximizes is a cross-entropy with the sign
flipped). Without either, the losses usual for the output are tried (sigmoid:
BCE then MSE; softmax: cross-entropy; identity and tanh: MSE), mean over the batch.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np

from gradcheck.audit.adapters.names import PENALTY_VALUE
from gradcheck.audit.spec import AuditSpec
from reference_nets.mlp import MLP, MLPConfig

#: The student's loss value matches a convention's to this relative precision. A student's
#: ``log(p + 1e-8)`` or ``np.clip(p, 1e-7, ...)`` moves it far less; the conventions differ by
#: factors of at least 2 (N, outputs, 1/2), and BCE, MSE and cross-entropy values do not meet.
VALUE_RTOL = 1e-4
#: The code's penalty term (``reg_loss = 0.5 * reg * np.sum(W * W)``) agrees with the total minus the data
#: loss to this relative precision: a script's expression is evaluated where the tracer stopped, after its
#: first update may have moved the weights by one small step (a penalty of another form is off by far more).
PENALTY_RTOL = 0.05
#: Two conventions whose values agree to rounding are the same function of the parameters here.
SAME_RTOL = 1e3 * np.finfo(float).eps
#: Losses each output layer allows, most usual first.
LOSSES_FOR = {"sigmoid": ("bce", "mse"), "softmax": ("ce", "mse"), "identity": ("mse",), "tanh": ("mse",)}


class LossError(ValueError):
    """A declared loss the network cannot have (BCE on a softmax output...)."""


class LossDisagrees(LossError):
    """The code computes a loss, and it is none the reference networks model: no verdict on a guessed loss."""


@dataclass(frozen=True)
class LossChoice:
    """A loss to check against: the reference config (loss and convention), a constant factor, where it came from."""

    config: MLPConfig
    factor: float
    source: str

    @property
    def label(self) -> str:
        """``bce (mean)``, ``mse (sum)``, ``mse (mean, sum over outputs, half)``, ``-ce (sum)``..."""
        c = self.config
        parts = [c.over_samples]
        if c.over_outputs is not None:
            parts.append(f"{c.over_outputs} over outputs")
        if c.half:
            parts.append("half")
        penalty = f" + (l2 / 2) * sum(W**2), l2 = {c.l2:g}" if c.l2 else ""
        return f"{'-' if self.factor < 0 else ''}{c.loss} ({', '.join(parts)}){penalty}"


def _declared(spec: AuditSpec, config: MLPConfig) -> list[LossChoice]:
    name = spec.loss
    allowed = LOSSES_FOR[config.output]
    if name not in allowed:
        raise LossError(
            f"[loss] name = {name!r} does not fit the network's {config.output} output (it allows "
            f"{', '.join(allowed)}): set [loss] name to one of them, or [network] output"
        )
    return [LossChoice(_conventions(config, name, spec), spec.scale, "declared")]


def _conventions(config: MLPConfig, name: str, spec: AuditSpec) -> MLPConfig:
    half = bool(spec.get("loss", "half", False)) and name == "mse"
    over_outputs = spec.get("loss", "over_outputs")
    return dataclasses.replace(config, loss=name, over_samples=spec.reduction, over_outputs=over_outputs, half=half)


def _all_conventions(config: MLPConfig, name: str):
    for over_samples, over_outputs, half in itertools.product(("mean", "sum"), ("mean", "sum"), (False, True)):
        if half and name != "mse":
            continue
        yield dataclasses.replace(config, loss=name, over_samples=over_samples, over_outputs=over_outputs, half=half)


def from_student(student: dict, config: MLPConfig, ref: dict, X: np.ndarray, Y: np.ndarray) -> list[LossChoice]:
    """The conventions whose value equals the student's loss value (sign flipped for a log-likelihood).

    Conventions that are the same function here (one sample, one output, or 1/2 of
    a sum over two outputs and their mean) are one choice: the first, simplest, one.
    """
    value = float(student["value"])
    found: list[LossChoice] = []
    seen: list[float] = []
    for name in LOSSES_FOR[config.output]:
        for cand in _all_conventions(config, name):
            ref_value = float(np.real(MLP(cand).loss(ref, X, Y)))
            if any(abs(ref_value - v) <= SAME_RTOL * abs(v) for v in seen):
                continue
            seen.append(ref_value)
            for sign in (1.0, -1.0):
                if abs(sign * ref_value - value) <= VALUE_RTOL * abs(value) + np.finfo(float).tiny:
                    found.append(LossChoice(cand, sign, student["source"]))
    return _distinct(found)


def _distinct(found: list[LossChoice]) -> list[LossChoice]:
    """One choice per (config, sign): a batch or output count of 1 makes conventions coincide."""
    return list({(c.config, c.factor): c for c in reversed(found)}.values())[::-1]


def other_conventions(picks: list[LossChoice]) -> list[LossChoice]:
    """Every other named convention of the losses picked: tried only when no usual one passes.

    Code with no loss of its own may differentiate a sum over the batch (Nielsen's
    ``update_mini_batch``) or a half MSE: a gradient exact for one of them is
    not a bug. A convention is taken only when the gradient passes under it.
    """
    seen = {(c.config, c.factor) for c in picks}
    out = []
    for c in picks:
        for cand in _all_conventions(c.config, c.config.loss):
            if (cand, c.factor) not in seen:
                seen.add((cand, c.factor))
                out.append(LossChoice(cand, c.factor, "convention"))
    return out


def _output_grads(cand: MLPConfig, a: np.ndarray, Y: np.ndarray):
    """dL/d(output) and, for BCE and CE, dL/d(logits) (the shortcut students return), of one convention."""
    d = cand.convention.divisor(a.shape) / (0.5 if cand.half else 1.0)
    if cand.loss == "mse":
        yield 2.0 * (a - Y) / d
    elif cand.loss == "bce":
        yield (a - Y) / (a * (1.0 - a)) / d
        yield (a - Y) / d
    else:
        yield -Y / a / d
        yield (a * Y.sum(axis=1, keepdims=True) - Y) / d


def from_student_grad(student: dict, config: MLPConfig, ref: dict, X, Y) -> list[LossChoice]:
    """The conventions whose dL/d(output) equals the student's loss derivative (``mse_prime``...).

    ``yhat - y`` is both the 1/2-MSE's derivative and BCE's through the sigmoid: every
    match is returned, and the gradient check decides between them.
    """
    g = np.asarray(student["value"], dtype=float)
    a, _ = MLP(config).forward(ref, X)
    if g.shape != a.shape:
        g = g.T if g.T.shape == a.shape else g
    if g.shape != a.shape:
        return []
    scale = max(float(np.max(np.abs(g))), np.finfo(float).tiny)
    found = []
    for name in LOSSES_FOR[config.output]:
        for cand in _all_conventions(config, name):
            for ref_g in _output_grads(cand, a, Y):
                for sign in (1.0, -1.0):
                    if float(np.max(np.abs(sign * ref_g - g))) <= VALUE_RTOL * scale:
                        found.append(LossChoice(cand, sign, student["source"]))
    return _distinct(found)


def _tiers(students: list[dict]) -> list[list[dict]]:
    """The student's loss values grouped by tier (the loss the model holds first; see ``adapters.studentloss``)."""
    tiers: dict[int, list[dict]] = {}
    for st in students:
        tiers.setdefault(int(st.get("tier", 1)), []).append(st)
    return [tiers[k] for k in sorted(tiers)]


def _from_code(students: list[dict], configs, ref, X, Y, notes: list[str]) -> list[LossChoice]:
    """The conventions the best tier of the student's loss values match, or with an L2 penalty of a strength the
    grader or the module gave (a tier's total ``loss(model, X, y)`` = mean CE + (reg / 2N) * sum(W**2) outranks a
    plain match lower down: an expression of its body that the script's names happen to evaluate); none:
    :class:`LossDisagrees`."""
    named = [st for st in students if not st.get("swapped")]
    for tier in _tiers(named) + _tiers([st for st in students if st.get("swapped")]):
        found = [c for st in tier for config in configs for c in from_student(st, config, ref, X, Y)]
        if not found and any(st.get("penalties") for st in tier):
            penalized = _given_penalty(_every_convention(configs), tier, ref, X, Y, notes)
            if penalized:
                return penalized
        if not found and any(st.get("trained") for st in tier):
            break  # the loss the network was given to train with fits no convention: never a helper beside it
        if found:
            flipped = {st["source"] for st in tier if st.get("swapped")}
            notes += [
                f"{src} takes its prediction and target the other way round from what their names say"
                for src in sorted(flipped)
            ]
            others = [
                st
                for st in named
                if st["source"] not in flipped and not any(from_student(st, cf, ref, X, Y) for cf in configs)
            ]
            penalized = _with_penalty(found, named, others, ref, X, Y, notes)
            if penalized:
                return penalized
            if others:
                shown = "; ".join(f"{st['source']} = {st['value']:.6g}" for st in others[:3])
                notes.append(f"other values the student's code computes are not this loss ({shown})")
            return _distinct(found)
    penalized = _given_penalty(_every_convention(configs), named, ref, X, Y, notes)
    if penalized:
        return penalized
    raise LossDisagrees(_disagreement(named or students, configs, ref, X, Y))


def _every_convention(configs) -> list[LossChoice]:
    """Every convention of every loss the candidate outputs allow (the bases a total with a penalty is read on)."""
    return [
        LossChoice(c, 1.0, "") for cf in configs for name in LOSSES_FOR[cf.output] for c in _all_conventions(cf, name)
    ]


def _with_penalty(
    found: list[LossChoice], totals: list[dict], others: list[dict], ref, X, Y, notes: list[str]
) -> list[LossChoice]:
    """The data loss plus an L2 penalty, when the code's total loss is the matched one plus another of its values.

    ``loss = data_loss + reg_loss`` with ``reg_loss = 0.5 * reg * np.sum(W * W) + ...``: the code computes
    the penalty itself, and the total is what its gradient differentiates. Read only then (a total that
    is the matched value plus a value the code computes on its own), as ``(l2 / 2) * sum(W**2)`` with
    the l2 that makes the reference's total equal the code's; [] otherwise.
    """
    squares = sum(float(np.sum(np.real(v) ** 2)) for k, v in ref.items() if k.startswith("W"))
    if not found or not squares:
        return []
    base = found[0]
    data = float(np.real(MLP(base.config).loss(ref, X, Y))) * base.factor
    for total in totals:
        for part in others:
            penalty = float(total["value"]) - data
            if part["source"] == total["source"] or not 0 < penalty < np.inf:  # a penalty computed apart, finite
                continue
            if abs(float(part["value"]) - penalty) > PENALTY_RTOL * penalty:
                continue
            cand = dataclasses.replace(base.config, l2=2.0 * penalty / squares)
            if abs(float(np.real(MLP(cand).loss(ref, X, Y))) - float(total["value"])) <= VALUE_RTOL * abs(
                float(total["value"])
            ):
                notes.append(
                    f"the loss is {total['source']}: the data loss plus {part['source']}, an L2 penalty "
                    f"(l2 / 2) * sum(W**2) with l2 = {cand.l2:.6g} on the weights (not the biases)"
                )
                return [LossChoice(cand, base.factor, total["source"])]
    return _given_penalty(found[:1], totals, ref, X, Y, notes)


def _given_penalty(bases: list[LossChoice], totals: list[dict], ref, X, Y, notes: list[str]) -> list[LossChoice]:
    """A total that is the data loss plus an L2 penalty of the strength the grader gave (``lambd``).

    ``compute_cost_with_regularization(A3, Y, parameters, lambd)`` computes its penalty inline: no
    value of the code's is the penalty alone. The total is read as the data loss plus
    ``(l2 / 2) * sum(W**2)`` only when that l2 is one of the usual forms of the value the
    grader passed, ``lambd``, ``2 lambd``, ``lambd / N`` or ``2 lambd / N`` (``lambd / (2m) * sum(W**2)``
    is ``lambd / m``): a chance match of one of four numbers to this precision is not plausible.
    """
    squares = sum(float(np.sum(np.real(v) ** 2)) for k, v in ref.items() if k.startswith("W"))
    n = Y.shape[0]
    for base, total in itertools.product(bases, totals):
        penalty = float(total["value"]) - float(np.real(MLP(base.config).loss(ref, X, Y))) * base.factor
        l2 = 2.0 * penalty / squares if squares else 0.0
        for name, value, whose in _strengths(total):
            forms = {name: 1.0, f"2 {name}": 2.0, f"{name} / N": 1.0 / n, f"2 {name} / N": 2.0 / n}
            form = next((f for f, c in forms.items() if abs(l2 - c * value) <= VALUE_RTOL * l2), None)
            if l2 > 0 and form is not None:
                l2 = forms[form] * value  # the strength as given, not as read off values rounded by the loss's guards
                notes.append(
                    f"the loss is {total['source']}: the data loss plus an L2 penalty (l2 / 2) * sum(W**2) on the "
                    f"weights (not the biases) with l2 = {form} = {l2:.6g}, {name} = {value:g} being {whose}"
                )
                return [LossChoice(dataclasses.replace(base.config, l2=l2), base.factor, total["source"])]
    return []


def _strengths(total: dict) -> list[tuple[str, float, str]]:
    """The penalty strengths a total may carry: the grader's ``lambd``, and the module's own that the loss reads
    (``reg_lambda = 0.01``, reported by the worker with the value; untrusted, so only positive finite numbers)."""
    found = [("lambd", PENALTY_VALUE, "the penalty the grader gave the loss and the backward")]
    own = total.get("penalties")
    for name, value in own.items() if isinstance(own, dict) else []:
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        if isinstance(name, str) and name.isidentifier() and np.isfinite(v) and v > 0:
            found.append((name, v, "the module's own, which the loss reads"))
    return found


def _disagreement(students: list[dict], configs, ref, X, Y) -> str:
    shown = "; ".join(f"{st['source']} = {st['value']:.6g}" for st in students[:3])
    usual = []
    for config in configs:
        for name in LOSSES_FOR[config.output]:
            cand = dataclasses.replace(config, loss=name, over_samples="mean", over_outputs=None, half=False)
            usual.append(f"{name.upper()} (mean) = {float(np.real(MLP(cand).loss(ref, X, Y))):.6g}")
    return (
        f"the student's own loss ({shown}) is none of the losses the reference networks model for this output "
        f"(on the same batch: {', '.join(dict.fromkeys(usual))}, and their sum, half and per-output variants): "
        "the gradient was not judged against a guessed loss. Declare the assignment's loss ([loss] name, "
        "reduction, over_outputs, half) to judge it against that loss"
    )


def choices(
    spec: AuditSpec,
    configs: list[MLPConfig],
    students: list[dict],
    ref: dict,
    X,
    Y,
    notes: list[str],
    grad=None,
) -> list[LossChoice]:
    """The losses to check the gradient against, best first.

    ``configs``: the candidate networks (one, or one per output activation when the
    forward returned scores and cannot tell the output layer). ``students``: the
    values of the student's own loss found in the code (``{"source", "value", "tier"}``).
    The declared loss wins; then the student's loss values (the best tier that
    matches a convention; values that match none mean the code's loss is not one
    the reference networks model: :class:`LossDisagrees`); then the student's loss
    derivative; then the losses usual for the output (source ``auto``: assumed).

    Raises
    ------
    LossError
        A declared loss no candidate output layer allows.
    LossDisagrees
        The student's loss matches none of the modelled losses.
    """
    if spec.loss != "auto":
        fitting = [c for c in configs if spec.loss in LOSSES_FOR[c.output]]
        return _declared(spec, (fitting or configs)[0])
    if students:
        return _from_code(students, configs, ref, X, Y, notes)
    if grad is not None:
        found = [c for config in configs for c in from_student_grad(grad, config, ref, X, Y)]
        if found:
            return found
        notes.append(
            f"the student's loss derivative ({grad['source']}) matches no known convention of the losses this "
            "output allows; the usual ones were tried"
        )
    return assumed(spec, configs)


def fitting(output: str) -> tuple[str, ...]:
    """The losses usual for an output layer (a softmax's is cross-entropy; an MSE on it is declared, or in the code)."""
    return tuple(name for name in LOSSES_FOR[output] if name != "mse" or output != "softmax")


def assumed(spec: AuditSpec, configs: list[MLPConfig]) -> list[LossChoice]:
    """The losses usual for the candidate outputs, mean over the batch (neither declared nor in the code)."""
    return [
        LossChoice(_conventions(config, name, spec), spec.scale, "auto")
        for config in configs
        for name in fitting(config.output)
    ]


def is_assumed(choice: LossChoice) -> bool:
    """A loss neither declared nor found in the student's code (the usual ones, or a fitted convention)."""
    return choice.source in ("auto", "convention")
