"""Two readings of one factor 2 that a batch of four samples cannot tell apart.

Every gradient twice the true one is, on its own, the MSE factor 2 applied twice. With
``N = 4`` samples it is also ``N / 2``: the gradient of half the *sum* of squared errors,
``0.5 * sum((yhat - y)**2)``, where the loss is a mean over the batch (a missing ``1/N`` and a
missing 2). The fewest-bugs rule of the search names the first; four samples, XOR's, are the
most common batch in hand-written scripts and the second reading the more common code
(``delta = (y - out) * out * (1 - out)`` beside ``print(np.mean((y - out) ** 2))``), so the
diagnosis says both, the second as a tied alternative, and a batch of another size decides.
"""

from __future__ import annotations

import dataclasses

from gradcheck.result import Diagnosis

__all__ = ["HALF_SUM_BATCH", "half_sum_first", "half_sum_reading"]

#: The batch size at which N / 2 equals the MSE factor 2.
HALF_SUM_BATCH = 4

_ALSO = (
    " With N = 4 samples the factor 2 is also N / 2: the gradient of half the sum of squared errors, "
    "0.5 * sum((yhat - y)**2), where the loss is a mean over the batch gives exactly this (a missing 1/N and "
    "a missing 2); a batch of another size tells the two apart."
)


def half_sum_reading(found: list[Diagnosis], batch_size: int | None) -> list[Diagnosis]:
    """``found`` with the half-sum reading beside a lone "factor 2 applied twice" at ``N = 4``; else unchanged."""
    doubled = [d for d in found if d.code == "missing_mse_factor" and _doubled(d)]
    if batch_size != HALF_SUM_BATCH or len(found) != 1 or len(doubled) != 1:
        return found
    first = doubled[0]
    said = dataclasses.replace(first, message=first.message + _ALSO, evidence={**(first.evidence or {}), "tied": 2})
    alternative = Diagnosis(
        "missing_batch_mean",
        first.tensor,
        "Or every gradient sums over the batch where the loss is a mean (N = 4 times too large) and drops the 2 "
        "of d/dyhat (yhat - y)**2 (half): the gradient of 0.5 * sum((yhat - y)**2), together N / 2 = 2 times the "
        "true one. Divide the output delta by N and keep the 2, or report the loss the gradient is of.",
        first.confidence * 0.9,  # tied, said second: the fewest-bugs reading keeps its place
        {"basis": "coincidence", "factor": 2.0, "batch_size": HALF_SUM_BATCH, "tied": 2},
    )
    return [said, alternative]


#: The factor-2 reading said second, of code that multiplies by no 2.
_NO_TWO = (
    "Or the MSE factor 2 is applied twice, which also makes every gradient twice the true one at N = 4; "
    "the code multiplies by no literal 2, so the half-sum reading is said first. If it is, apply it once."
)


def half_sum_first(found: list[Diagnosis]) -> list[Diagnosis]:
    """``found`` with the half-sum reading said first, for code that multiplies by no 2 (it cannot apply the
    MSE factor twice); the pair's confidences are exchanged. Anything but the tied pair is unchanged."""
    if len(found) < 2 or (found[1].evidence or {}).get("basis") != "coincidence" or not _doubled(found[0]):
        return found
    doubled, half_sum = found[0], found[1]
    first = dataclasses.replace(
        half_sum, message="Every" + half_sum.message.removeprefix("Or every"), confidence=doubled.confidence
    )
    second = dataclasses.replace(doubled, message=_NO_TWO, confidence=half_sum.confidence)
    return [first, second, *found[2:]]


def _doubled(d: Diagnosis) -> bool:
    """The factor applied twice (a gradient twice the true one), not the factor dropped: the fingerprint's mutant."""
    return (d.evidence or {}).get("mutant") == "mse-factor-doubled"
