"""Gradients of the wrong shape: named for what they are, and the other tensors still checked.

A bias gradient of one row per sample (``(N, out)`` for a ``(out,)`` or
``(1, out)`` bias: not summed over the batch) is ``bias_not_summed``; a weight
gradient of the transposed shape is ``transposed``; any other shape is
``shape_mismatch``. The checker refuses a gradient whose shape differs from its
parameter's; :func:`check_around_shapes` checks every tensor whose shape is right
on its own (the loss as a function of those, the others held fixed) and reports
the mis-shaped ones as failing, so that a second bug elsewhere is still seen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from gradcheck.diagnose.calibration import confidence
from gradcheck.diagnose.messages import MESSAGES
from gradcheck.result import Diagnosis, GradientReport, TensorResult, worst_status


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
    """
    want, got = tuple(want), tuple(got)
    extra = _extra_axis(want, got)
    if extra is not None and (batch is None or extra == batch) and extra > 1:
        return "bias_not_summed"
    if len(want) == 1 and batch is not None and got in ((batch,), (batch, 1), (1, batch)) and batch != want[0]:
        return "bias_not_summed"  # summed over the units instead of the samples
    if len(want) == 2 and got == want[::-1]:
        return "transposed"
    return "shape_mismatch"


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
    if kind == "bias_not_summed":
        message = MESSAGES["bias_not_summed_shape"].format(t=name, got=got, want=want)
        basis = "shape:batch"
    elif kind == "transposed":
        message = MESSAGES["transposed"].format(t=name)
        basis = "shape:transposed"
    else:
        message = MESSAGES["shape_mismatch"].format(t=name, got=got, want=want, hint=_hint(kind, want, got))
        basis = "shape:other"
    return Diagnosis(kind, name, message, confidence(basis), {**evidence, "basis": basis})


def misshaped(raw: Mapping[str, Any], params: Mapping[str, np.ndarray]) -> dict[str, tuple]:
    """``{name: (expected shape, got shape)}`` for every gradient whose shape is not its parameter's."""
    out = {}
    for name, p in params.items():
        if name in raw and np.shape(raw[name]) != np.shape(p):
            out[name] = (tuple(np.shape(p)), tuple(np.shape(raw[name])))
    return out


def _failed_by_shape(name: str, want: tuple[int, ...], size: int) -> TensorResult:
    nan = float("nan")
    return TensorResult(name, want, "fail", nan, nan, (), nan, nan, 0, size, {"fail": 0}, 0)


def check_around_shapes(
    loss: Callable, raw: Mapping[str, Any], params: Mapping[str, np.ndarray], **options: Any
) -> GradientReport:
    """Check every gradient of the right shape; mark the mis-shaped ones failed.

    Parameters
    ----------
    loss : callable
        The user's ``loss(params)``.
    raw : mapping
        The claimed gradient, as returned (some shapes wrong).
    params : mapping of str to ndarray
        The parameters (validated).
    **options
        Passed on to :func:`gradcheck.check_gradients` (``method``, ``mode``,
        ``rtol``, ``seed``, ``samples``); no diagnosis is made there.

    Returns
    -------
    GradientReport
        Status ``fail``; the mis-shaped tensors have status ``fail``, no checked
        entries and NaN errors; ``analytic`` holds them as given.
    """
    from gradcheck.check import check_gradients  # the checker imports this package

    bad = misshaped(raw, params)
    good = {k: v for k, v in params.items() if k not in bad}
    fixed = {k: params[k] for k in bad}

    def partial_loss(sub):
        return loss({k: (sub[k] if k in sub else fixed[k]) for k in params})

    analytic = {k: np.asarray(raw[k], float) for k in params}
    numeric = {k: np.full(np.shape(params[k]), np.nan) for k in bad}
    if good:
        options = {**options, "name_bugs": False}
        checked = check_gradients(partial_loss, {k: raw[k] for k in good}, good, **options)
        numeric.update(checked.numeric)
    else:
        checked = None
    results = {t.name: t for t in checked.tensors} if checked else {}
    tensors = tuple(results.get(k) or _failed_by_shape(k, bad[k][0], int(np.size(params[k]))) for k in params)
    rtol = options.get("rtol") or float(np.sqrt(np.finfo(float).eps))  # the checker's float64 default
    base = checked or GradientReport("fail", (), "-", "-", options.get("seed", 0), rtol, "float64", 0, 0.0)
    return dataclasses.replace(
        base,
        status=worst_status([t.status for t in tensors]),
        tensors=tensors,
        analytic=analytic,
        numeric=numeric,
        notes=(*base.notes, _note(bad)),
    )


def _note(bad: Mapping[str, tuple]) -> str:
    listed = ", ".join(f"{k} {got} for {want}" for k, (want, got) in bad.items())
    return f"gradient of the wrong shape ({listed}): not comparable entry by entry; the other tensors were checked"
