"""Checking a student's gradient against one candidate loss of the reference network, and scoring the attempt.

An attempt is one entrywise check (:func:`gradcheck.check.check_gradients`) under one
:class:`~gradcheck.audit.lossfit.LossChoice`, with the conventions the spec accepts and, when no
learning rate was found, the rate a uniform factor reveals; its score says how well it explains
the submission. Diagnosis (a search of the catalogue) is made only where it decides something.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import numpy as np

from gradcheck.audit.extracted import check_rtol
from gradcheck.audit.lossfit import LossChoice, other_conventions
from gradcheck.check import check_gradients
from gradcheck.diagnose import Context, diagnose, signatures
from gradcheck.result import Diagnosis, GradientReport
from reference_nets.mlp import MLP

__all__ = [
    "AUDIT_FULL_LIMIT",
    "CONVENTIONS_DIAGNOSED",
    "Checked",
    "check",
    "conventions_tried",
    "diagnosed",
    "loss_fn",
    "screened",
    "top_diagnosed",
]

#: Submissions up to this many parameters are checked entry by entry.
AUDIT_FULL_LIMIT = 20_000
#: The limit in force: 0 inside :func:`screened` (per thread: a batch grades submissions in threads).
_FULL_LIMIT = contextvars.ContextVar("audit_full_limit", default=AUDIT_FULL_LIMIT)


@contextlib.contextmanager
def screened() -> Iterator[None]:
    """Checks made inside screen every tensor first (mode ``auto`` at any size), entry by entry only where a
    screen trips. The grader's second point asks whether the gradient is computed from the weights at all
    (one of other weights is off by tens of percent there, and a discrepancy under 1% is only a note): a
    screen answers that, where every entry of a 12,730-parameter net took as long as the first point's check.
    """
    token = _FULL_LIMIT.set(0)
    try:
        yield
    finally:
        _FULL_LIMIT.reset(token)


def loss_fn(net: MLP, layout, X, Y, factor: float):
    """``loss(params)`` in the student's names: ``factor`` x the reference loss of ``net`` on ``(X, Y)``."""

    def loss(params):
        return factor * net.loss(layout.to_reference(params), X, Y)

    loss.complex_safe = True  # the reference network's loss: its complex step is exact, kinks near the point or not
    return loss


def check(ex, layout, config, X, Y, factor, seed):
    """``(net, report)``: the student's gradient checked entry by entry against ``config``'s loss x ``factor``."""
    net = MLP(config)
    loss = loss_fn(net, layout, X, Y, factor)
    # every entry of a class-sized network: the evidence a student reads, at little cost
    size = sum(v.size for v in ex.params.values())
    mode = "full" if size <= _FULL_LIMIT.get() else "auto"
    context = Context(net, X, Y, layout, factor)  # the student's layout: the checker cannot find it in the loss
    rtol = check_rtol(ex)[0]  # float64 arrays computed from float32 ones carry float32's rounding; so do stored ones
    grads = {k: ex.grads[k] for k in ex.params}
    report = check_gradients(loss, grads, ex.params, seed=seed, mode=mode, rtol=rtol, name_bugs=False, context=context)
    return net, report


def _worst(report: GradientReport) -> float:
    return max((t.max_rel_error for t in report.tensors), default=0.0)


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


def _attempt(ex, layout, choice: LossChoice, X, Y, seed, spec, lr_unknown=False, diagnose=True) -> dict[str, Any]:
    """Check against one candidate loss; score how well it explains the submission.

    When the loss is not declared, the candidate that passes wins; failing
    that, the one under which most tensors are right, then the one whose
    failure is best explained (a fingerprint or a uniform factor beats a
    vague localisation), then the smallest error.
    """
    net, report = check(ex, layout, choice.config, X, Y, choice.factor, seed)
    notes: list[str] = []
    report, _ = _accept_convention(report, ex, layout, net.config, X, Y, choice.factor, seed, spec, notes)
    rate = 1.0
    if lr_unknown and not report.passed:
        report, rate = _unknown_rate(report, ex, layout, net.config, X, Y, choice.factor, seed, notes)
    factor = choice.factor * rate
    diagnoses = [] if report.passed or not diagnose else diagnosis_of(report, ex, layout, net, X, Y, factor)
    return {
        "factor": factor,
        "report": report,
        "diagnoses": diagnoses,
        "diagnosed": diagnose,
        "choice": choice,
        "notes": notes,
        "score": _score(report, diagnoses),
        "net": net,
    }


def top_diagnosed(tried: list[dict[str, Any]], ex, layout, X, Y) -> list[dict[str, Any]]:
    """The attempts, those with the most right tensors (then a right output layer) diagnosed.

    Only among those does the diagnosis decide which attempt is best; the others are
    diagnosed later only if a pass needs them (:func:`judge`).
    """
    top = max((t["score"][1:3] for t in tried), default=None)
    return [diagnosed(t, ex, layout, X, Y) if t["score"][1:3] == top else t for t in tried]


def diagnosed(attempt: dict[str, Any], ex, layout, X, Y) -> dict[str, Any]:
    """An attempt made with ``diagnose=False``, diagnosed now and scored again (its check is not repeated)."""
    report = attempt["report"]
    if report.passed or attempt.get("diagnosed"):  # a diagnosis is never made twice (it searches bug combinations)
        return attempt
    diagnoses = diagnosis_of(report, ex, layout, attempt["net"], X, Y, attempt["factor"])
    return {**attempt, "diagnoses": diagnoses, "score": _score(report, diagnoses), "diagnosed": True}


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
                _, again = check(ex, layout, config, X, Y, factor * accepted, seed)
                if again.passed:
                    notes.append(
                        f"every gradient is {accepted:g} x the declared loss's gradient: an accepted "
                        "convention ([loss] accept)"
                    )
                    return again, accepted
    return report, None


def _unknown_rate(report, ex, layout, config, X, Y, factor, seed, notes):
    """With no learning rate found, (before - after) is lr x the gradient: a uniform positive factor is the lr.

    Where no one factor explains every tensor (a bug in one layer besides the unknown rate), a factor some tensor
    is of its true gradient is taken as the rate when, read off the check's own numbers, it makes more tensors
    right than any other such factor (a tie decides nothing): a rate is never a bug, so the diagnosis then names
    the layer's own bug alone, not "every gradient is 16 x" beside it. One check more at most.
    """
    uniform = [d.evidence.get("factor") for d in signatures(report) if d.tensor is None]
    rate = next((c for c in uniform if c is not None and c > 0), None)
    if rate is None:
        fits = {c: _right_at(report, c) for c in _tensor_factors(report)}
        top = max(fits.values(), default=0)
        if top <= _right(report) or list(fits.values()).count(top) > 1:  # none better, or two as good
            return report, 1.0
        rate = next(c for c, n in fits.items() if n == top)
    _, again = check(ex, layout, config, X, Y, factor * rate, seed)
    if not again.passed and _right(again) <= _right(report):
        return report, 1.0
    whole = "" if again.passed else ", the one rate under which the most tensors are right"
    notes.append(
        f"no learning rate was found (hard-coded or none): the update is {rate:.6g} x the loss's "
        f"gradient{whole}, which a learning rate of that size explains; checked up to that factor"
    )
    return again, rate


def _right(report: GradientReport) -> int:
    return sum(t.status in ("pass", "kink") for t in report.tensors)


def _right_at(report: GradientReport, c: float) -> int:
    """Tensors right at rate ``c`` by the check's own numbers: those passing, and failing ones ``c`` x true."""
    right = 0
    for t in report.tensors:
        if t.status in ("pass", "kink") and abs(c - 1.0) <= RATIO_FIT:
            right += 1
        elif (pair := _compared(report, t.name)) is not None:
            a, n = pair
            right += bool(a.size) and np.linalg.norm(a - c * n) <= RATIO_FIT * max(np.linalg.norm(a), 1e-300)
    return right


def _tensor_factors(report: GradientReport) -> list[float]:
    """The positive factors some failing tensor is of its true gradient, distinct, the last layer's first."""
    found: list[float] = []
    for t in reversed(report.tensors):
        pair = _compared(report, t.name) if t.status == "fail" else None
        if pair is None or not (nn := float(pair[1] @ pair[1])):
            continue
        a, n = pair
        c = float(a @ n) / nn
        fits = np.linalg.norm(a - c * n) <= RATIO_FIT * np.linalg.norm(a)
        if c > 0 and fits and not any(abs(c - f) <= RATIO_FIT * f for f in found):
            found.append(c)
    return found


def _compared(report: GradientReport, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """A tensor's analytic and numeric entries where the numeric one is finite (flat), or None."""
    a, n = report.analytic.get(name), report.numeric.get(name)
    if a is None or n is None or np.shape(a) != np.shape(n):
        return None
    n = np.asarray(n, float).reshape(-1)
    mask = np.isfinite(n)
    return np.asarray(a, float).reshape(-1)[mask], n[mask]


#: A failing tensor counts as c x its true gradient when c leaves under this part of it unexplained (float64
#: gradients of a correct layer fit to ~1e-12; a bug of the layer's own leaves tens of percent).
RATIO_FIT = 1e-6


def diagnosis_of(report, ex, layout, net, X, Y, factor) -> list[Diagnosis]:
    """The same diagnosis as check_gradients: the fewest bugs explaining every entry, else what the numbers show."""
    return list(diagnose(report, params=ex.params, context=Context(net, X, Y, layout, factor)).diagnoses)


def conventions_tried(ex, layout, picks, X, Y, seed, spec, tried, checked) -> list[dict[str, Any]]:
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
    return top_diagnosed(contenders[:CONVENTIONS_DIAGNOSED], ex, layout, X, Y)


#: Other conventions diagnosed at most when none passes (each diagnosis searches the catalogue).
CONVENTIONS_DIAGNOSED = 8
