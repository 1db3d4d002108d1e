"""How many outputs the submission's own data has, when its module makes data (``Y = ...`` at top level), and
whether its code takes a number of classes (``TwoLayerNet(n_features, n_classes)``).

Read in the worker after loading: a module global named like targets (``Y``, ``y_train``, ``labels``)
that is a 2-D array with several columns, or integer class labels of three or more classes. The
grader uses it to tell a bug that scales with the outputs from a convention the code never meets
(:mod:`gradcheck.audit.widened`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import numpy as np

from gradcheck.audit.scriptdata import DATA_Y_NAMES

__all__ = ["own_outputs", "outputs_named", "CLASSES_NAME"]

#: A parameter that takes the number of classes: code written for several outputs, one output a degenerate size.
CLASSES_NAME = re.compile(r"^(n|num|nb|no|number_of|count)_?(classes|labels|categories)$|^(output_)?classes$", re.I)


def own_outputs(namespace: dict) -> int | None:
    """Outputs of the first target-named global with more than one, else None."""
    names = {n.lower() for n in DATA_Y_NAMES}
    for name, value in namespace.items():
        if name.lower() not in names or not isinstance(value, np.ndarray) or value.size == 0:
            continue
        if value.ndim == 2 and value.shape[0] == 1:  # y.reshape(1, m): one row of labels, samples as columns
            continue
        if value.ndim == 2 and value.shape[1] > 1:
            return int(value.shape[1])
        if value.ndim == 1 and np.issubdtype(value.dtype, np.integer) and value.min() >= 0 and value.max() >= 2:
            return int(value.max()) + 1
    return None


def outputs_named(namespace: dict, owns: Callable[[str], bool]) -> str | None:
    """``n_classes``: a parameter of the submission's own functions or constructors (``owns`` their file) that takes
    the number of classes, by its name; None when none does."""
    for value in list(namespace.values()):
        try:  # (the submission's own objects: whatever they raise when looked at, they are passed over)
            fn = value.__init__ if isinstance(value, type) else value
            if not inspect.isfunction(fn) or not owns(inspect.getsourcefile(fn) or ""):
                continue
            names = list(inspect.signature(fn).parameters)
        except Exception:  # noqa: BLE001
            continue
        found = next((n for n in names if CLASSES_NAME.match(n)), None)
        if found:
            return found
    return None
