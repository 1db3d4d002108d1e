"""A sign-flip diagnosis worded for the update the code writes.

The catalogue's sentence assumes the descent form (``W -= lr * dW``): "the error is
y - yhat where the gradient needs yhat - y". Code that writes ``W += lr * delta``
needs the opposite error, so there a flipped gradient is an error written
``yhat - y``: the sentence is turned round to say what is in the code.
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


__all__ = ["ASCENT_SIGN_FLIP", "for_update_form"]
