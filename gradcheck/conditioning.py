"""Why a loss loses digits, in the user's terms: the ``loss_ill_conditioned`` note.

When the loss's measured noise (:mod:`gradcheck.noise`) is far above the
rounding model, the check says so, and says where: the loss is evaluated once
more with its parameters wrapped in a recording array type, and every
subtraction whose result is far smaller than its operands (``1 - p`` with
``p = 0.99999999998``) is noted with its position. Its array's leading axis is
the batch, its last the outputs, which names the sample and output that
saturate. The note gives how many digits the loss loses, the smallest
relative error the check could still see at a typical entry, and the fix.
Tracing is best effort: a loss that converts its parameters (``np.asarray``,
``float`` of an array) hides its intermediates, and the note then speaks of the
loss as a whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gradcheck.result import Diagnosis

CODE = "loss_ill_conditioned"
#: A subtraction loses digits worth reporting when its result is below this
#: fraction of its larger operand (three decimal digits cancelled).
CANCELS = 1e-3
#: The fix, in the words people search for.
FIX = (
    "compute the loss from logits rather than from probabilities: binary cross-entropy as "
    "np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y) (or log1p(-p) instead of log(1 - p), "
    "log-sum-exp for softmax); the gradient then stays p - y"
)


COMPLEX_FURTHER = "; where the complex step judged an entry, re-evaluated in extended precision, it saw further"


@dataclass(frozen=True)
class Cancellation:
    """The worst cancellation seen while evaluating the loss."""

    op: str
    index: tuple[int, ...]
    shape: tuple[int, ...]
    operand: float
    result: float

    @property
    def digits(self) -> float:
        """Decimal digits the subtraction cancelled."""
        return math.log10(abs(self.operand) / abs(self.result)) if self.result else float("inf")

    def where(self) -> str:
        """``sample 17, output 3`` for a (batch, outputs) array; the index otherwise."""
        if len(self.shape) == 2:
            return f"sample {self.index[0]}, output {self.index[1]}"
        if len(self.shape) == 1:
            return f"entry {self.index[0]}"
        return f"index {self.index}"


class _Traced(np.ndarray):
    """An array that reports cancelling subtractions to its recorder."""

    recorder: list | None = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(x) if isinstance(x, _Traced) else x for x in inputs]
        out = getattr(ufunc, method)(*plain, **kwargs)
        if method == "__call__" and ufunc in (np.subtract, np.add) and _Traced.recorder is not None:
            _note(ufunc, plain, out)
        if isinstance(out, np.ndarray) and out.dtype.kind in "fc":
            return out.view(_Traced)
        return out


def _note(ufunc, inputs, out) -> None:
    try:
        a, b = (np.broadcast_to(np.abs(np.asarray(x, dtype=np.float64)), np.shape(out)) for x in inputs)
        res = np.abs(np.asarray(out, dtype=np.float64))
    except (TypeError, ValueError):
        return
    big = np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((res > 0) & (big > 0), res / big, 1.0)
    if ratio.size == 0 or float(np.min(ratio)) >= CANCELS:
        return
    k = np.unravel_index(int(np.argmin(ratio)), ratio.shape)
    _Traced.recorder.append(
        Cancellation(
            "1 - p" if ufunc is np.subtract else "a + b",
            tuple(int(i) for i in k),
            ratio.shape,
            float(big[k]),
            float(res[k]),
        )
    )


def trace(call_loss, params: dict[str, np.ndarray]) -> Cancellation | None:
    """The worst cancellation in one evaluation of the loss, or None (none seen, or not traceable)."""
    _Traced.recorder = []
    try:
        call_loss({k: v.view(_Traced) for k, v in params.items()})
    except Exception:  # the user's code may refuse the wrapped arrays: nothing learnt
        return None
    finally:
        seen, _Traced.recorder = _Traced.recorder, None
    return max(seen, key=lambda c: c.digits, default=None)


def diagnosis(noise, cancellation: Cancellation | None, resolution: dict, digits: int, complex_safe: bool) -> Diagnosis:
    """The ``loss_ill_conditioned`` note: what the loss loses, where, what the check could still see, the fix.

    ``resolution`` maps each tensor to the smallest relative error this check
    could see at a typical entry of it.
    """
    lost = noise.digits_lost
    reach = ", ".join(f"{name} {r:.1g}" for name, r in resolution.items())
    where = ""
    if cancellation is not None:
        where = (
            f" The worst cancellation is at {cancellation.where()}: {cancellation.op} with an operand of "
            f"{cancellation.operand:.12g} leaves {cancellation.result:.3g}, {cancellation.digits:.1f} of "
            f"{digits} digits cancelled."
        )
    cause = "an output saturates and the loss is computed by cancellation"
    fix = FIX
    if noise.stairs > 0.0:
        cause = (
            f"the loss moves in stairs of {noise.stairs:.2g} (constant over a stretch, then a jump): it is rounded "
            f"coarser than its parameters, as by a cast to float32, a float32 buffer or np.round"
        )
        fix = f"keep every step of the loss in the parameters' precision (no float32 cast or buffer); or {FIX}"
    message = (
        f"The loss loses about {lost:.1f} of its {digits} significant digits at this point (measured noise "
        f"{noise.sigma:.2g} against {noise.model:.2g} for a correctly rounded value): {cause}.{where} "
        f"The smallest relative error this check could see at a "
        f"typical entry of each tensor: {reach}"
        + (
            "; where the complex step judged an entry, re-evaluated in extended precision, it saw further"
            if complex_safe
            else ""
        )
        + f". Entries the noise hides are inconclusive, not failed. This is not a bug in the gradient. "
        f"To fix the loss, {fix}."
    )
    evidence = {
        "digits_lost": round(lost, 2),
        "noise": noise.sigma,
        "rounding_model": noise.model,
        "resolution": dict(resolution),
    }
    if noise.stairs > 0.0:
        evidence["stairs"] = noise.stairs
    if cancellation is not None:
        evidence |= {"where": cancellation.where(), "index": list(cancellation.index), "operand": cancellation.operand}
    return Diagnosis(CODE, None, message, 1.0, evidence)
