"""How many outputs the submission's own data has, when its module makes data (``Y = ...`` at top level).

Read in the worker after loading: a module global named like targets (``Y``, ``y_train``, ``labels``)
that is a 2-D array with several columns, or integer class labels of three or more classes. The
grader uses it to tell a bug that scales with the outputs from a convention the code never meets
(:mod:`gradcheck.audit.widened`).
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.scriptdata import DATA_Y_NAMES

__all__ = ["own_outputs"]


def own_outputs(namespace: dict) -> int | None:
    """Outputs of the first target-named global with more than one, else None."""
    names = {n.lower() for n in DATA_Y_NAMES}
    for name, value in namespace.items():
        if name.lower() not in names or not isinstance(value, np.ndarray) or value.size == 0:
            continue
        if value.ndim == 2 and value.shape[1] > 1:
            return int(value.shape[1])
        if value.ndim == 1 and np.issubdtype(value.dtype, np.integer) and value.min() >= 0 and value.max() >= 2:
            return int(value.max()) + 1
    return None
