"""A student's loss value as one finite float, whatever it came as (a float, a 0-d or one-entry array)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scalar"]


def scalar(v: Any) -> float | None:
    """``v`` as a finite float, or None when it is no single finite number."""
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(a.reshape(())) if a.size == 1 and np.isfinite(a).all() else None
