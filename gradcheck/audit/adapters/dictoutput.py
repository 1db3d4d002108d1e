"""The network's output in a dict a forward returns: ``return {"z1": z1, "a1": a1, "z2": z2, "a2": a2}``.

Course code often returns its caches as one dict (``forward_res``, ``cache``) and reads the output
back as ``forward_res["a2"]``. The output is the entry named like an output (``AL``, ``y_hat``,
``probs``), else the activation of the highest layer (``a2``, ``A3``, ``h2``); never a
pre-activation (``z2``): a dict holding only those, or no array with the batch's samples, has no
output here.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcheck.audit.adapters.names import role_of

#: An activation key with its layer number: ``a2``, ``A3``, ``act1``, ``h2``, ``out2``.
ACTIVATION_KEY = re.compile(r"^(?:a|act|activation|h|out)_?(\d+)$", re.IGNORECASE)

__all__ = ["dict_output"]


def _batch_array(v: Any, n: int | None) -> bool:
    return isinstance(v, np.ndarray) and v.ndim >= 1 and v.dtype.kind in "fiu" and (n is None or n in v.shape[:2])


def dict_output(ret: Any, n: int | None) -> tuple[np.ndarray, str] | None:
    """(output, how it was found) from a returned dict, or None."""
    if not isinstance(ret, dict):
        return None
    arrays = {str(k): v for k, v in ret.items() if _batch_array(v, n)}
    named = [k for k in arrays if role_of(k) == "out"]
    if named:
        return arrays[named[0]], f"returned dict[{named[0]!r}]"
    layers = [(int(m.group(1)), k) for k in arrays if (m := ACTIVATION_KEY.match(k))]
    if not layers:
        return None
    key = max(layers)[1]
    return arrays[key], f"returned dict[{key!r}] (the highest layer's activation)"
