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
from gradcheck.audit.fitscreen import AGREE, DISAGREE, KINKED, directional_fit
from gradcheck.audit.judge import judge, output_candidates, undetermined
from gradcheck.audit.lossfit import LossChoice, choices, other_conventions
from gradcheck.audit.network import ForwardCheck, candidates, label
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.compare import default_rtol
from gradcheck.problem import UserFunctionError
from reference_nets.mlp import MLP

__all__ = ["MAX_JUDGED", "without_forward"]


#: Candidate networks judged in full at most when no forward output identifies the network: those
#: the directional test keeps (:mod:`gradcheck.audit.fitscreen`), best first. Each full judgement
#: checks every entry under every loss convention kept; past the cap the submission is an error
#: that says so.
MAX_JUDGED = 3


def without_forward(ex, X, Y, spec, seed, base, student, lr_unknown) -> SubmissionResult:
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
        judged = judge(ex, layout, config, forward, X, Y, spec, seed, dict(base), student, lr_unknown, checked)
        if judged.status in ("pass", "kink") or undetermined(judged):
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
        except (ValueError, TypeError, UserFunctionError):  # LossError, a shape no reference net takes, a
            # loss that raised or is not finite here: judge would not pass it
            continue
        ok = [(c, v) for c, v in fits if v != DISAGREE]
        if ok:
            kept.append((0 if any(v == AGREE for _, v in ok) else 1, i, layout, config, [c for c, _ in ok]))
    kept.sort(key=lambda t: t[:2])
    return [t[2:] for t in kept], total


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
