"""What a report says about rounding: the gradient code's own (entries off by its float32 or float64
arithmetic), and the loss's (``loss_ill_conditioned``: its measured noise far above the model, with the
smallest relative error the check could have seen at a typical entry of each tensor), and the estimates'
(entries passed only within a second opinion's own wide error bar).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcheck import conditioning
from gradcheck.compare import SAFETY
from gradcheck.result import GradientReport

__all__ = ["lenient_notes", "resolution", "rounding_notes", "with_conditioning"]

#: A tensor's typical (median) magnitude is taken over at most about twice this many entries, evenly strided.
TYPICAL_SAMPLE = 4096


def rounding_notes(ch: Any, dtype) -> list[str]:
    """The note naming entries off by the gradient code's own rounding (none if there are none)."""
    notes = []
    # (an entry met again, by a tensor screened twice or its own check after a whole-tensor one, counts once)
    where = ", ".join(f"{n} ({min(k, ch.analytic[n].size)})" for n, k in ch.rounded.items())
    wider = "float64" if dtype == np.float32 else "extended precision (np.longdouble)"
    if ch.rounded:
        notes.append(
            f"{dtype} rounding: entries of {where} differ from the derivative by more than rtol, and the same "
            f"gradient code at {wider} agrees with it: {dtype} arithmetic, not a bug"
        )
    if ch.unwidened:
        where = ", ".join(f"{n} ({min(k, ch.analytic[n].size)})" for n, k in ch.unwidened.items())
        notes.append(
            f"entries of {where} and their differences from the derivative are below sqrt(eps) of the "
            f"gradient's largest entry ({ch.gmax:.2g}), where {dtype} gradient code keeps only the rounding of "
            f"the terms it sums, and the same code given parameters in {wider} returns them in {dtype} (they are "
            f"computed from the data alone, in its dtype): rounding cannot be told from a bug there, so they are "
            f"inconclusive, not failed"
        )
    return notes


def lenient_notes(ch: Any) -> list[str]:
    """Per tensor, the entries a float64 second opinion passed only within its own wide error bar, and the error
    that could pass there unseen (:meth:`gradcheck.secondopinion.SecondOpinions._note_lenient`)."""
    return [
        f"{name}: {'1 entry' if count == 1 else f'{count} entries'} passed on a second look only within the "
        f"estimate's own error bar, up to {hidden:.2g} of the entry: an error in the gradient smaller than that "
        "there would pass too"
        for name, (count, hidden) in ch.lenient.items()
    ]


def with_conditioning(report: GradientReport, ch: Any, analytic) -> GradientReport:
    """Add the ``loss_ill_conditioned`` note when the loss's measured noise is far above the model."""
    import dataclasses

    if not ch.noisy:
        return report
    problem = ch.oracle.problem
    found = conditioning.trace(lambda p: problem.loss_fn(problem._call_args(p)), problem.params)
    digits = int(round(-np.log10(float(np.finfo(problem.dtype).eps))))
    note = conditioning.diagnosis(ch.noise, found, resolution(report, ch, analytic), digits, ch.complex_safe)
    return dataclasses.replace(report, diagnoses=(*report.diagnoses, note))


def resolution(report: GradientReport, ch: Any, analytic) -> dict[str, float]:
    """Per tensor, the smallest relative error at a typical (median-magnitude) entry this check could see.

    A tensor judged by a directional screen could see an entry off by the
    screen's tolerance (its direction weighs every entry alike); one checked
    entry by entry, an entry off by the central difference's error bar.
    """
    per_entry = SAFETY * ch.oracle.noise / (ch.oracle.h0 * ch.step_scale())
    out = {}
    for t in report.tensors:
        g = analytic[t.name].reshape(-1)
        g = np.abs(g[:: max(1, g.size // TYPICAL_SAMPLE)])  # an evenly strided sample: a median of 200,000 took 4 ms
        typical = float(np.median(g[g > 0])) if np.any(g > 0) else 0.0
        # (a screen's tolerance over the tensor's share of its direction: sign(g_i) spread_i times its weight)
        seen = t.directional["tolerance"] / t.directional.get("weight", 1.0) if t.directional else per_entry
        reach = seen if not t.checked else per_entry
        out[t.name] = reach / typical if typical > 0 else float("inf")
    return out
