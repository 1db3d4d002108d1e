"""A sign-flip diagnosis worded for the update the code writes, and for the samples it shows on.

The catalogue's sentence assumes the descent form (``W -= lr * dW``): "the error is
y - yhat where the gradient needs yhat - y". Code that writes ``W += lr * delta``
needs the opposite error, so there a flipped gradient is an error written
``yhat - y``: the sentence is turned round to say what is in the code.

"Every gradient has the wrong sign" is also untrue of code whose sign is wrong on some
samples only (a branch on the label, ``if t == 1: err = 1 - y``): where per-sample code
was checked on several samples and is right on some, the sentence names the samples and
their targets on each side instead.
"""

from __future__ import annotations

import dataclasses

from gradcheck.result import Diagnosis

ASCENT_SIGN_FLIP = (
    "Every gradient has the wrong sign: the update is written in the ascent form (W += lr * delta), "
    "where what is added must be minus the gradient, with the error y - yhat; here it is built from "
    "yhat - y, so each step climbs the loss. Use the error y - yhat with +=, or keep yhat - y and "
    "update with W -= lr * delta."
)


def _reworded(d: Diagnosis, form: str | None) -> Diagnosis:
    if d.code != "sign_flip" or d.tensor is not None or form != "ascent":
        return d
    return dataclasses.replace(d, message=ASCENT_SIGN_FLIP, evidence={**d.evidence, "update_form": form})


def for_update_form(judged, form: str | None):
    """``judged`` (a SubmissionResult) with a whole-network sign flip worded for the update ``form``.

    Parameters
    ----------
    judged
        The verdict, as graded.
    form
        ``"ascent"``, ``"descent"`` or None, as the adapter read it off the code's updates.
    """
    if form != "ascent" or not any(d.code == "sign_flip" for d in judged.diagnoses):
        return judged
    return dataclasses.replace(judged, diagnoses=tuple(_reworded(d, form) for d in judged.diagnoses))


def _samples(items: list[tuple[int, str]]) -> str:
    return ", ".join(f"{i} (target {t})" for i, t in items)


def on_some_samples(diagnoses, wrong: list[tuple[int, str]], right: list[tuple[int, str]]) -> tuple:
    """``diagnoses`` with a sign flip said of the samples it shows on: ``wrong`` and ``right`` are
    ``(sample, its target as shown)``; the code and the tensors stay the diagnosis's own."""
    if not wrong or not right:
        return tuple(diagnoses)
    message = (
        f"The gradient has the wrong sign on sample(s) {_samples(wrong)} and the right one on sample(s) "
        f"{_samples(right)}: the sign error depends on the sample, as when the error term is written the other "
        "way round (y - yhat where the gradient needs yhat - y) in the branch for some targets only (if y == 1: "
        "... else: ...). Check the error term for the target(s) it is wrong on."
    )
    return tuple(
        dataclasses.replace(
            d,
            message=message,
            evidence={**d.evidence, "wrong_on": [i for i, _ in wrong], "right_on": [i for i, _ in right]},
        )
        if d.code == "sign_flip"
        else d
        for d in diagnoses
    )


__all__ = ["ASCENT_SIGN_FLIP", "for_update_form", "on_some_samples"]
