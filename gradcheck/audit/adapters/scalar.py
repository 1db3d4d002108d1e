"""A student's loss value as one finite float, whatever it came as (a float, a 0-d or one-entry array, or the
one number of a pair returned with its gradient: ``return gap, 0.5 * np.sum(gap**2)``, either order)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scalar"]


def scalar(v: Any) -> float | None:
    """``v`` as a finite float, or None when it is no single finite number."""
    if isinstance(v, tuple) and len(v) == 2:
        sizes = [np.size(x) if isinstance(x, (np.ndarray, float, int, np.number)) else 0 for x in v]
        if sorted(sizes)[0] == 1 and sorted(sizes)[1] > 1:  # (loss, gradient) or (gradient, loss)
            v = v[sizes.index(1)]
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(a.reshape(())) if a.size == 1 and np.isfinite(a).all() else None
