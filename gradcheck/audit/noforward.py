"""No forward output identifies the network: find the candidate under which the gradient is right.

Each candidate network (layout, hidden activation, output layer) is screened along random
directions (:mod:`gradcheck.audit.fitscreen`); those that may be right are checked entry by
entry, and only one whose gradient passes is judged in full (:func:`gradcheck.audit.judge.judge`),
reusing those checks. A gradient right for none is an error that says how to name the forward.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from gradcheck.audit.attempts import Checked, loss_fn
from gradcheck.audit.extracted import check_rtol
from gradcheck.audit.fitscreen import AGREE, DISAGREE, KINKED, directional_fit
from gradcheck.audit.judge import judge, output_candidates, undetermined
from gradcheck.audit.lossfit import LossChoice, choices, other_conventions
from gradcheck.audit.network import ForwardCheck, candidates, label
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.problem import UserFunctionError
from reference_nets.mlp import MLP

__all__ = ["MAX_JUDGED", "without_forward"]


#: Candidate networks judged in full at most when no forward output identifies the network: those
#: the directional test keeps (:mod:`gradcheck.audit.fitscreen`), best first. Each full judgement
#: checks every entry under every loss convention kept; past the cap the submission is an error
#: that says so.
MAX_JUDGED = 3


def without_forward(ex, X, Y, spec, seed, base, student, lr_unknown, whole: bool = True) -> SubmissionResult:
    """No forward output to identify the network: the candidate under which the gradient is right, or an error.

    The candidates whose directional derivatives agree with the gradient are checked entry by
    entry (no diagnosis) under the losses that agree, at most :data:`MAX_JUDGED` of them; only
    one whose gradient passes there is judged in full. ``whole``: every gradient the code returns
    belongs to a parameter found (else no network is told by the loss value: the gradients are not all read).
    """
    kept, total, by_value = _screened(ex, X, Y, spec, seed, student, lr_unknown)
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
        judged = judge(ex, layout, config, forward, X, Y, spec, seed, dict(base), student, lr_unknown, checked)
        if judged.status in ("pass", "kink") or undetermined(judged):
            note = f"no forward output was found: the gradient is right for {label(config)}"
            return dataclasses.replace(judged, notes=(*judged.notes, note))
    told = _by_loss_value(ex, X, Y, spec, seed, base, student, lr_unknown, by_value) if whole else None
    if told is not None:
        return told
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


def _by_loss_value(ex, X, Y, spec, seed, base, student, lr_unknown, found: list[tuple]) -> SubmissionResult | None:
    """The verdict under the candidate networks whose loss has the value the student's code returns, or None.

    No gradient the code returns is right under any candidate, but the loss it returns beside it
    (``propagate(w, b, X, Y) -> (grads, cost)``) has the value of some candidates' loss at the same
    weights and data: the student's network is among them. Each is judged in full; the verdict
    stands only where every one of them gives the same (status, diagnosis, wrong tensors), so that
    it does not depend on which of them the code is (at weights of zero, a sigmoid output and BCE
    from logits, or two layouts, give one value). None: more than :data:`MAX_JUDGED` distinct
    candidates, verdicts that differ, or no fail (a gradient right under a candidate was judged above).
    """
    found = _closest_values([(lay, c, _value_gap(ref, losses, X, Y, student[0])) for lay, c, ref, losses in found])
    if not found or len({_network(c) for _, c in found}) > MAX_JUDGED:
        return None
    verdicts = []
    for layout, config in found:
        why = "no forward output: the network is one whose loss has the value the code's own loss returns"
        forward = ForwardCheck("unavailable", None, label(config), why)
        verdicts.append(judge(ex, layout, config, forward, X, Y, spec, seed, dict(base), student, lr_unknown))
    told = {(v.status, tuple(d.code for d in v.diagnoses[:1]), _wrong(v)) for v in verdicts}
    if len(told) != 1 or verdicts[0].status != "fail":
        return None
    names = ", ".join(dict.fromkeys(label(c) for _, c in found))
    note = (
        f"no forward output was found: the gradient is right for no candidate network, and judged under {names}, "
        "whose loss has the value the code's own loss returns, it is wrong the same way under each"
    )
    return dataclasses.replace(verdicts[0], notes=(*verdicts[0].notes, note))


#: A candidate's loss equal to the student's to this relative distance computes the same expression (float64's
#: rounding of a sum over a batch and its outputs, 1e3 ulps): candidates that only come close (a leaky ReLU of
#: slope 0.01 beside the ReLU, at small weights) are not the student's network when one is that close.
SAME_VALUE = 1e3 * np.finfo(float).eps


def _value_gap(ref, losses, X, Y, students) -> float:
    """How close the candidate's loss comes to the student's loss value (relative; the nearest of its losses)."""
    gaps = [
        abs(c.factor * float(np.real(MLP(c.config).loss(ref, X, Y))) - float(st["value"]))
        / max(abs(float(st["value"])), np.finfo(float).tiny)
        for c in losses
        for st in students
        if isinstance(st, dict) and np.isfinite(st.get("value", np.nan))
    ]
    return min(gaps, default=np.inf)


def _closest_values(found: list[tuple]) -> list[tuple]:
    """``[(layout, config)]`` of ``found`` whose loss is the student's to rounding, when any is; else all of them."""
    same = [(layout, config) for layout, config, gap in found if gap <= SAME_VALUE]
    return same or [(layout, config) for layout, config, _ in found]


def _network(config) -> str:
    """``config``'s label with scores and a softmax output as one: under cross-entropy (the only loss both take)
    an identity output's scores are the softmax network's logits, the same function of the weights."""
    return label(config).replace("|identity", "|softmax")


def _wrong(verdict: SubmissionResult) -> tuple[str, ...]:
    return tuple(t.name for t in verdict.tensors if t.status == "fail")


def _screened(ex, X, Y, spec, seed, student, lr_unknown) -> tuple[list[tuple], int, list[tuple]]:
    """``([(layout, config, losses)], candidates tried, [(layout, config, reference weights, losses)])``: the
    candidates worth judging, with the losses under which the gradient may be right, those that agree first, then
    those on a kink, each in order; and those whose loss has the value the student's code returns (none without
    such a value)."""
    rtol, factors = check_rtol(ex)[0], (1.0, *spec.accepted_factors)
    kept, total, by_value = [], 0, []
    for i, (layout, config) in enumerate(candidates(ex.params, X, Y.shape[1], spec)):
        total += 1
        try:
            ref = layout.to_reference(ex.params)
            losses = _candidate_losses(ex, config, ref, X, Y, spec, student)
            if student[0] and student[2] is None and spec.loss == "auto" and losses:
                by_value.append((layout, config, ref, losses))  # its value's gap measured only if it is needed
            fits = [(c, _fit(ex, layout, c, X, Y, rtol, factors, lr_unknown, seed)) for c in losses]
        except (ValueError, TypeError, UserFunctionError):  # LossError, a shape no reference net takes, a
            # loss that raised or is not finite here: judge would not pass it
            continue
        ok = [(c, v) for c, v in fits if v != DISAGREE]
        if ok:
            kept.append((0 if any(v == AGREE for _, v in ok) else 1, i, layout, config, [c for c, _ in ok]))
    kept.sort(key=lambda t: t[:2])
    return [t[2:] for t in kept], total, by_value


def _candidate_losses(ex, config, ref, X, Y, spec, student) -> list[LossChoice]:
    """The losses :func:`judge` would check a candidate against (its picks, then other conventions)."""
    forward = ForwardCheck("unavailable", None, label(config), "")
    if student[2] is not None:
        return [student[2]]
    picks = choices(
        spec, output_candidates(config, forward, spec, Y, bool(student[0])), student[0], ref, X, Y, [], student[1]
    )
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
    return directional_fit(loss_fn(net, layout, X, Y, choice.factor), ex.grads, ex.params, **kw)[0]
