"""A gradient read into plain float arrays while the call watch still looks (run by the worker, in the sandbox).

What a backward returns is the submission's own object. A dict subclass, an ndarray subclass or
any object with ``__array__`` runs the submission's code when it is read: item access, iteration,
``items()``, conversion, pickling. Code run there, after the backward has returned, would compute
a gradient outside the watched call (a finite difference on first read, say) and pass for
backpropagation. The probe therefore reads the gradient inside the watched call and keeps only
copies of base-class float64 arrays: whatever the reading runs is watched like the backward, and
nothing of the submission's is left to run later.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plain_floats"]


def plain_floats(values: list[Any]) -> list[np.ndarray | None]:
    """Each value as a fresh base-class ``float64`` array (``None`` stays ``None``)."""
    out: list[np.ndarray | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        arr = np.array(v, dtype=np.float64, copy=True, subok=False)
        out.append(np.array(arr.view(np.ndarray), copy=True))
    return out
