"""The network's output, wherever a forward leaves it.

Forwards return the output, a tuple ``(A2, cache)`` or ``(Z1, A1, Z2, A2)``, a dict of
caches (``{"z1": ..., "a2": ...}``, :mod:`.dictoutput`), the
list of every layer's activations (``return activations``: the output is its last
entry) or the lists of pre-activations and activations (``return pres, acts``), a
loss (nnfs-style ``forward(X, y)``), or nothing at all (the output is stored on the
object, ``self.output``). The output is the array the grader compares with the
reference network's, never a thresholded ``predict``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcheck.audit.adapters.dictoutput import dict_output
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.objects import is_user_object
from gradcheck.audit.adapters.returns import assigned_last, output_index, returned_names

#: Attribute names searched for a stored output, best first.
STORED = ("output", "out", "y_hat", "yhat", "probs", "predictions", "a_out", "final_output", "outputs", "A2", "a2")
#: Names of a list of every layer's activations, the output last, that a forward keeps on the model.
STORED_LISTS = ("activations", "layer_outputs", "outputs", "acts", "As")


def _samples_axis_ok(a: Any, n: int | None) -> bool:
    return isinstance(a, np.ndarray) and a.ndim >= 1 and a.dtype.kind in "fiu" and (n is None or n in a.shape[:2])


def stored_output(root: Any, n: int | None, depth: int = 0) -> np.ndarray | None:
    """An output-named array on ``root`` or on its sub-objects (the last layer's ``.output`` last)."""
    if not is_user_object(root) or depth > 2:
        return None
    attrs = vars(root)
    for name in STORED:
        if _samples_axis_ok(attrs.get(name), n):
            return attrs[name]
    for name in STORED_LISTS:  # ``self.activations``, each layer's, kept by a forward that returns nothing
        if _array_list(attrs.get(name), n):
            return attrs[name][-1]
    for val in reversed(list(attrs.values())):
        if is_user_object(val):
            found = stored_output(val, n, depth + 1)
            if found is not None:
                return found
    return None


#: Names of a list of pre-activations (``zs``, ``pres``, ``pre_acts``, ``nets``, ``logits``), never the output's list.
PRE_LIST = re.compile(r"^(z|pre|net|logit|s$|scores)", re.I)


def _numbers(v: Any) -> bool:
    """A list of real Python or numpy scalars (never bools)."""
    return (
        isinstance(v, list)
        and bool(v)
        and all(isinstance(a, (float, int, np.floating, np.integer)) and not isinstance(a, bool) for a in v)
    )


def _array_list(v: Any, n: int | None) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(a, np.ndarray) for a in v) and _samples_axis_ok(v[-1], n)


def list_output(ret: tuple, names: list[str | None], n: int | None) -> tuple[np.ndarray, str] | None:
    """(output, label) from returned lists of per-layer arrays: the last entry of the activations' list.

    The activations' list is the one holding the input too (one entry longer than
    the pre-activations'), else the one not named like pre-activations, else the last.
    """
    found = [(i, v) for i, v in enumerate(ret) if _array_list(v, n)]
    if not found:
        return None
    named = names if len(names) == len(ret) else [None] * len(ret)
    longest = max(len(v) for _, v in found)
    pick = [(i, v) for i, v in found if len(v) == longest]
    if len(pick) > 1:
        pick = [(i, v) for i, v in pick if not (named[i] and PRE_LIST.match(named[i]))] or pick
    i, v = pick[-1]
    return v[-1], f"returned {named[i] or f'element {i}'}[-1]"


def network_output(fwd, ret: Any, root: Any, n: int | None) -> tuple[Any, str]:
    """(output array or None, how it was found) from a forward's return value ``ret``."""
    if isinstance(ret, np.ndarray) and ret.ndim >= 1:
        return ret, "returned"
    if _numbers(ret):  # ``return [sigmoid(...) for neuron in layer]``: one sample's outputs as Python numbers
        return np.asarray(ret, dtype=float), "returned list of numbers"
    if _array_list(ret, n):  # ``return activations``: every layer's activations, the output last
        return ret[-1], "returned list[-1] (the last layer's activations)"
    if isinstance(ret, tuple) and ret:
        names = returned_names(fwd) if fwd is not None else []
        fits = names if len(names) == len(ret) else []
        i = output_index(fits, ret, n, assigned_last(fwd, fits) if fwd is not None and fits else None)
        if isinstance(ret[i], np.ndarray):
            label = names[i] if len(names) == len(ret) and names[i] else f"element {i}"
            return ret[i], f"returned {label}"
        from_lists = list_output(ret, names if len(names) == len(ret) else [], n)
        if from_lists is not None:
            return from_lists
    from_dict = dict_output(ret, n)
    if from_dict is not None:
        return from_dict
    stored = stored_output(root, n)
    if stored is not None:
        return stored, "stored"
    return None, "none"


def thresholded(out: np.ndarray) -> bool:
    """An output of class decisions (0/1 or argmax integers), not of the network's activations: integers or
    bools (what a step or threshold gives, ``(p > 0.5).astype(int)``, even one sample's one decision), or
    floats that are all whole numbers of a few values."""
    a = np.asarray(out)
    if a.dtype.kind in "biu" and a.size:
        return True
    distinct = len(np.unique(a))
    integral = a.dtype.kind in "iub" or (bool(np.all(a == np.round(a))) and distinct >= 2)
    return a.size > 1 and integral and distinct <= 10


def compared_forward(out: Any) -> np.ndarray | None:
    """A step's forward output (the first of a returned tuple) as the grader compares it, in floats; None when
    there is none or it is class decisions (:func:`thresholded`), which no reference forward is compared with."""
    first = out[0] if isinstance(out, tuple) and out else out
    if first is None or thresholded(first):
        return None
    return np.asarray(first, dtype=float)


def is_output_name(name: str) -> bool:
    """``y_hat``, ``probs``, ``output``..."""
    return role_of(name) == "out"
