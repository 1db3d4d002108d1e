"""Complex-step evaluations seen in a backward's locals (run by the worker, in the sandbox).

A complex-step derivative evaluates the loss at ``w + i h v`` with a tiny ``h``: the real
part of the point is the weights themselves, so a watch comparing real values sees nothing
move. Backpropagation never builds such an array: a complex copy of the weights, one tensor
or all of them flattened, whose imaginary part is a tiny step is an evaluation of a
numerical gradient, along the direction of that imaginary part. So is a complex copy of any
intermediate value (a layer's pre-activation ``Z1 + i h e_j``, from which the weight
gradients are then formed): any array of three or more entries whose imaginary part is a
tiny step beside its real part. Distinct directions are distinct places
(:class:`gradcheck.audit.probes.CallWatch` counts them like moved entries).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from gradcheck.audit.stencils import direction_key

__all__ = ["ComplexSteps"]

#: An imaginary part up to this fraction of max(1, |w|) is a differentiation step (complex-step
#: derivatives use 1e-20 .. 1e-8); the same bound as a real finite-difference step's.
STEP_RTOL = 1e-3
#: A tensor is matched alone only from this many entries: a one-entry bias equals many a number.
MIN_TENSOR_SIZE = 3


class ComplexSteps:
    """Finds, among a frame's locals, complex copies of the weights ``base`` with a tiny imaginary step."""

    def __init__(self, base: list[np.ndarray]):
        self.base = [np.asarray(b, dtype=float) for b in base]
        self.total = sum(b.size for b in self.base)
        self.flat_sorted = np.sort(np.concatenate([b.ravel() for b in self.base])) if self.base else np.zeros(0)

    def hit(self, arrays: Iterable[np.ndarray]) -> tuple | None:
        """``("complex", direction)`` for the first complex-step point among ``arrays`` (a frame's complex ones)."""
        for arr in arrays:
            way = self._direction(arr)
            if way is not None:
                return ("complex", way)
        return None

    def _direction(self, arr: np.ndarray) -> str | None:
        im = arr.imag
        if not np.any(im):
            return None
        re = arr.real
        if arr.size < MIN_TENSOR_SIZE and not self._is_weights(re):  # any larger array is a step's point
            return None
        if np.max(np.abs(im)) > STEP_RTOL * max(1.0, float(np.max(np.abs(re)))):
            return None  # a complex number of the model's own, not a step
        return direction_key(im / np.linalg.norm(im)).hex()

    def _is_weights(self, re: np.ndarray) -> bool:
        """``re`` is one weight tensor (any shape of its entries in order) or every weight, flattened in any order."""
        for b in self.base:
            if b.size >= MIN_TENSOR_SIZE and re.size == b.size and np.array_equal(re.ravel(), b.ravel()):
                return True
        return re.size == self.total and np.array_equal(np.sort(re.ravel()), self.flat_sorted)
