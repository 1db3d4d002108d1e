"""Loss conventions: how per-entry terms become one number, by name.

Courses write the same loss many ways: ``mean((yhat - y)**2)`` over every
entry, ``0.5 * sum`` over the outputs then a mean over the batch, a plain sum
over the batch (gradient without ``1/N``), cross-entropy summed over the
classes and averaged over the samples.  A :class:`Convention` names the choice
(``over_samples``, ``over_outputs``, ``half``) so that every one is a config
value rather than a magic scale, and gives both sides of it: the reduction of
the loss and the divisor of its gradient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["REDUCTIONS", "Convention"]

#: The reductions a loss may apply over the samples and over the outputs.
REDUCTIONS = ("mean", "sum")


@dataclass(frozen=True)
class Convention:
    """How per-entry loss terms become one number: the reductions and the MSE's 1/2.

    Attributes
    ----------
    over_samples : {'mean', 'sum'}
        Reduction over the samples (every axis but the last; the second to
        last for batched arrays).
    over_outputs : {'mean', 'sum'}
        Reduction over the outputs (the last axis of a 2-D or higher array;
        a 1-D array has one output per sample).
    half : bool
        Multiply the loss by 1/2 (MSE only).

    Examples
    --------
    >>> c = Convention("mean", "sum", half=True)
    >>> float(c.reduce(np.array([[1.0, 2.0], [3.0, 4.0]])))
    2.5
    >>> c.divisor((2, 2))
    2
    """

    over_samples: str = "mean"
    over_outputs: str = "mean"
    half: bool = False

    def __post_init__(self) -> None:
        for field in ("over_samples", "over_outputs"):
            value = getattr(self, field)
            if not isinstance(value, str) or value not in REDUCTIONS:
                raise ValueError(f"{field} must be 'mean' or 'sum', got {value!r}")
        if not isinstance(self.half, (bool, np.bool_)):
            raise ValueError(f"half must be True or False, got {self.half!r}")

    def _axes(self, ndim: int, lead: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(sample axes, output axes) of an array with ``lead`` leading batch axes."""
        outputs = (ndim - 1,) if ndim - lead >= 2 else ()
        return tuple(range(lead, ndim - len(outputs))), outputs

    def reduce(self, terms: np.ndarray, lead: int = 0) -> np.ndarray:
        """Reduce per-entry terms over samples and outputs (``lead`` leading axes kept).

        Parameters
        ----------
        terms : numpy.ndarray
            Per-entry loss terms.
        lead : int
            Number of leading axes that index parameter sets, not samples.

        Returns
        -------
        numpy scalar or numpy.ndarray
            Shape ``terms.shape[:lead]``, times 1/2 with ``half``.
        """
        value = self._reduce(terms, lead)
        return 0.5 * value if self.half else value

    def _reduce(self, terms: np.ndarray, lead: int) -> np.ndarray:
        samples, outputs = self._axes(terms.ndim, lead)
        if self.over_samples == self.over_outputs:
            reducer = np.mean if self.over_samples == "mean" else np.sum
            return reducer(terms) if lead == 0 else reducer(terms, axis=samples + outputs)
        over_k = np.mean if self.over_outputs == "mean" else np.sum
        over_n = np.mean if self.over_samples == "mean" else np.sum
        return over_n(over_k(terms, axis=outputs), axis=samples)

    def divisor(self, shape: tuple[int, ...], lead: int = 0) -> int:
        """What the gradient of a per-entry term is divided by: ``N`` and/or ``K`` for each mean (not the 1/2)."""
        samples, outputs = self._axes(len(shape), lead)
        n = math.prod(shape[a] for a in samples) if self.over_samples == "mean" else 1
        return n * (math.prod(shape[a] for a in outputs) if self.over_outputs == "mean" else 1)

    @property
    def text(self) -> str:
        """The convention in words, e.g. ``'0.5 * mean over samples of sum over outputs'``."""
        words = f"{self.over_samples} over samples of {self.over_outputs} over outputs"
        return ("0.5 * " if self.half else "") + words
