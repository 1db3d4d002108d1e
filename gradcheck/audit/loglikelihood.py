"""A loss function that returns a log-likelihood, next to a gradient of the loss proper.

``loss_function`` returning ``np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))`` (no minus) is
a log-likelihood: its value at the checked batch is negative, and the loss it was read as is
"minus BCE" (:mod:`gradcheck.audit.lossfit`). A backward that returns ``p - y`` at the output
is BCE's gradient, the negative log-likelihood's, which a descent step ``W -= lr * dW``
decreases: right, and what every text writes. Judged against the log-likelihood it read as
"every gradient has the wrong sign: the error is y - yhat" — a sentence about an error the code
does not contain, failing a correct backward (and, beside a real bug, burying it under a sign
flip of every tensor). When the verdict under the log-likelihood is a fail, the gradient is
judged again as the gradient of its negative; that verdict is kept when it passes or fails on
fewer tensors, with a note naming the function whose value is the log-likelihood.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from gradcheck.audit.lossfit import LossChoice
from gradcheck.audit.submissionresult import SubmissionResult

__all__ = ["judged_as_its_negative"]


def _under_likelihood(judged: SubmissionResult) -> bool:
    choice = judged.loss_choice
    return (
        judged.status == "fail"
        and choice is not None
        and choice.factor < 0
        and judged.forward is not None
        and judged.forward.status != "mismatch"
    )


def _wrong(judged: SubmissionResult) -> int:
    return sum(t.status == "fail" for t in judged.tensors)


def judged_as_its_negative(
    judged: SubmissionResult, rejudge: Callable[[LossChoice], SubmissionResult]
) -> SubmissionResult:
    """``judged``, or its judgement under the negated loss when that passes or fails on fewer tensors.

    Parameters
    ----------
    judged
        The verdict under the loss read off the student's code.
    rejudge
        Judges the same gradient under a given loss choice.
    """
    if not _under_likelihood(judged):
        return judged
    choice = judged.loss_choice
    negated = LossChoice(choice.config, -choice.factor, choice.source)
    again = rejudge(negated)
    if not again.passed and (again.status != "fail" or _wrong(again) >= _wrong(judged)):
        return judged
    note = (
        f"{choice.source} returns a log-likelihood (negative here), not a loss: the gradient is that of its "
        f"negative, {choice.config.loss.upper()} as {choice.config.loss_formula}, the loss a descent step "
        "(W -= lr * dW) decreases, and was checked as that. Return the loss (with the minus sign) to print what "
        "is minimized"
    )
    return dataclasses.replace(again, notes=(*again.notes, note))
