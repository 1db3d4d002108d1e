"""The network's output in a dict a forward returns: ``return {"z1": z1, "a1": a1, "z2": z2, "a2": a2}``.

Course code often returns its caches as one dict (``forward_res``, ``cache``) and reads the output
back as ``forward_res["a2"]``. The output is the entry named like an output (``AL``, ``y_hat``,
``probs``), else, of the highest layer's two entries, the one that is an activation (softmax,
sigmoid, tanh, relu) of the other, whatever the letters (``cache["Z3"] = softmax(cache["A3"])``
where Z is the activation), else the activation of the highest layer by name (``a2``, ``A3``,
``h2``); never a pre-activation (``z2``): a dict holding only those, or no array with the batch's
samples, has no output here.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcheck.audit.adapters.names import role_of

#: An activation key with its layer number: ``a2``, ``A3``, ``act1``, ``h2``, ``out2``.
ACTIVATION_KEY = re.compile(r"^(?:a|act|activation|h|out)_?(\d+)$", re.IGNORECASE)

__all__ = ["dict_output"]

#: A key with its layer number, whatever its letters: ``A3``, ``Z3``, ``pre_2``, ``post_2``.
LAYER_KEY = re.compile(r"^([A-Za-z]+)_?(\d+)$")


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


#: What an output layer applies to its pre-activation.
ACTIVATIONS = {
    "softmax": _softmax,
    "softmax over columns": lambda x: _softmax(x.T).T,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
}


def _applies(f, x: np.ndarray, y: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        fx = f(np.asarray(x, dtype=float))
    return bool(np.all(np.isfinite(fx))) and np.allclose(fx, y, rtol=1e-6, atol=1e-9)


def _activated_pair(arrays: dict[str, np.ndarray]) -> tuple[str, str, str] | None:
    """(output key, activation, other key) when the highest layer has two entries of one shape, one an activation
    of the other (``cache["Z3"] = softmax(cache["A3"])``, whatever the letters say): the activated one is the
    output. None when the highest layer has not two such entries, or either could be the other's (a linear
    output, a relu of positive values): the names decide then."""
    by_layer: dict[int, list[str]] = {}
    for k in arrays:
        if (m := LAYER_KEY.match(k)) is not None:
            by_layer.setdefault(int(m.group(2)), []).append(k)
    if not by_layer:
        return None
    top = by_layer[max(by_layer)]
    if len(top) != 2 or arrays[top[0]].shape != arrays[top[1]].shape:
        return None
    found = {
        (out, name, pre)
        for out, pre in (top, top[::-1])
        for name, f in ACTIVATIONS.items()
        if _applies(f, arrays[pre], arrays[out])
    }
    outs = {f[0] for f in found}
    if len(outs) != 1:
        return None
    return min(found)


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
    applied = _activated_pair(arrays)
    if applied is not None:
        return arrays[applied[0]], f"returned dict[{applied[0]!r}] (the top layer's {applied[1]} of {applied[2]!r})"
    layers = [(int(m.group(1)), k) for k in arrays if (m := ACTIVATION_KEY.match(k))]
    if not layers:
        return None
    key = max(layers)[1]
    return arrays[key], f"returned dict[{key!r}] (the highest layer's activation)"
