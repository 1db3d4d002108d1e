"""Gradients of the wrong shape: named for what they are, and the other tensors still checked.

A bias gradient of one row per sample (``(N, out)`` for a ``(out,)`` or
``(1, out)`` bias: not summed over the batch) is ``bias_not_summed``; a weight
gradient of the transposed shape is ``transposed``; any other shape is
``shape_mismatch``. The checker refuses a gradient whose shape differs from its
parameter's; the checker still checks every tensor whose shape is right
on its own (:func:`gradcheck.check.check_around_shapes`) and reports the
mis-shaped ones as failing, so that a second bug elsewhere is still seen.
"""

from __future__ import annotations

import numpy as np

from gradcheck.diagnose.calibration import confidence
from gradcheck.diagnose.messages import MESSAGES
from gradcheck.result import Diagnosis


def shape_kind(want: tuple[int, ...], got: tuple[int, ...], batch: int | None) -> str:
    """``bias_not_summed`` (an extra axis of samples), ``transposed``, or ``shape_mismatch``.

    The extra axis is the batch when removing it (or, where the parameter has an
    axis of length 1, putting the 1 back) gives the parameter's shape, and its
    length is the batch size (when known).

    Examples
    --------
    >>> shape_kind((4,), (16, 4), 16), shape_kind((1, 4), (16, 4), None), shape_kind((1, 1), (1, 12), 12)
    ('bias_not_summed', 'bias_not_summed', 'bias_not_summed')
    >>> shape_kind((3, 4), (4, 3), 16), shape_kind((4,), (), 16), shape_kind((4,), (16,), 16)
    ('transposed', 'shape_mismatch', 'bias_not_summed')
    >>> shape_kind((8, 1), (1, 16), 16), shape_kind((8, 1), (1, 8), 16)
    ('bias_not_summed', 'transposed')
    """
    want, got = tuple(want), tuple(got)
    extra = _extra_axis(want, got)
    if extra is not None and (batch is None or extra == batch) and extra > 1:
        return "bias_not_summed"
    if _over_units(want, got, batch):
        return "bias_not_summed"  # summed over the units instead of the samples
    if len(want) == 2 and got == want[::-1]:
        return "transposed"
    return "shape_mismatch"


def _over_units(want: tuple[int, ...], got: tuple[int, ...], batch: int | None) -> bool:
    """A bias gradient of one number per sample: summed over the units instead of over the samples (``(N,)``,
    ``(1, N)`` or ``(N, 1)`` for a ``(k,)``, ``(k, 1)`` or ``(1, k)`` bias, ``k`` not the batch size)."""
    units = [d for d in want if d != 1]
    if batch is None or len(want) > 2 or len(units) != 1 or units[0] == batch:
        return False
    return got in ((batch,), (batch, 1), (1, batch))


def _extra_axis(want: tuple[int, ...], got: tuple[int, ...]) -> int | None:
    """The length of the one axis ``got`` has beyond ``want`` (as an added axis or in place of a 1), else None."""
    if len(got) == len(want) + 1:
        for i in range(len(got)):
            if got[:i] + got[i + 1 :] == want:
                return got[i]
    if len(got) == len(want):
        diff = [i for i in range(len(want)) if want[i] != got[i]]
        if len(diff) == 1 and want[diff[0]] == 1:
            return got[diff[0]]
    return None


def _hint(kind: str, want, got) -> str:
    if kind == "shape_mismatch" and int(np.prod(got)) == 1:
        return "It is one number: summed over every axis. Sum over the samples only: dZ.sum(axis=0)."
    if kind == "shape_mismatch" and int(np.prod(got)) == int(np.prod(want)):
        return "Same number of entries: reshape it to the parameter's shape."
    return "Compute it with the parameter's shape."


def shape_diagnosis(name: str, want, got, batch: int | None) -> Diagnosis:
    """The diagnosis of one mis-shaped gradient."""
    want, got = tuple(want), tuple(got)
    kind = shape_kind(want, got, batch)
    evidence = {"expected": list(want), "got": list(got)}
    if kind == "bias_not_summed" and _over_units(want, got, batch):
        message = MESSAGES["bias_over_units_shape"].format(t=name, got=got, want=want)
        basis = "shape:batch"
    elif kind == "bias_not_summed":
        message = MESSAGES["bias_not_summed_shape"].format(t=name, got=got, want=want)
        basis = "shape:batch"
    elif kind == "transposed":
        message = MESSAGES["transposed"].format(t=name)
        basis = "shape:transposed"
    else:
        message = MESSAGES["shape_mismatch"].format(t=name, got=got, want=want, hint=_hint(kind, want, got))
        basis = "shape:other"
    return Diagnosis(kind, name, message, confidence(basis), {**evidence, "basis": basis})
