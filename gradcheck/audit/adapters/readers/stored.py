"""Gradients the backward leaves on the object: ``Parameter.grad``, ``self.dW1``, ``self.grads['W1']``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcheck.audit.adapters.names import canon, strip_grad
from gradcheck.audit.adapters.objects import is_user_object
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.paths import fmt_path, resolve
from gradcheck.audit.adapters.step import Grad

GRAD_DICT = re.compile(r"^_*(grads?|gradients?|derivatives?|d|dparams|d_params|grad_dict|grads_dict)$", re.I)


def is_grad_dict(name: str, params_name: str | None) -> bool:
    """A gradient container's name: ``grads``, or the parameters' own container's name as a gradient
    (``params_grad``, ``grad_params``, ``param_grads`` beside ``params``)."""
    if GRAD_DICT.match(name):
        return True
    stripped = strip_grad(name)
    return params_name is not None and stripped is not None and stripped.rstrip("s") == canon(params_name).rstrip("s")


def grads_stored(root: Any, params: list[Tensor], root_name: str) -> tuple[list[Grad], str | None]:
    """Gradients the backward left on the object: ``Parameter.grad``, ``dW1``, ``grads['W1']``."""
    grads: list[Grad] = []
    kind = None
    for i, p in enumerate(params):
        if p.param_obj is not None:
            g = getattr(resolve(root, p.param_obj), "grad", None)
            if isinstance(g, np.ndarray) and g.size and g.dtype.kind in "fiu":
                grads.append(
                    Grad(i, fmt_path(root_name, p.param_obj + (("attr", "grad"),)), "name", np.asarray(g, float))
                )
                kind = "parameter-objects"
                continue
        hit = stored_by_name(root, p, root_name)
        if hit is not None:
            grads.append(Grad(i, hit[0], "name", hit[1]))
            kind = kind or "grads-attributes"
    return grads, kind


def _holder(steps: tuple) -> tuple[tuple, tuple, str, list[tuple]]:
    """(index tail, holder steps, leaf name, places to search) for a parameter's steps."""
    k = len(steps) - 1  # the step naming the param (list indexes are kept as a tail)
    while k > 0 and steps[k][0] == "item" and isinstance(steps[k][1], int):
        k -= 1
    places = [steps[:k]]
    if k > 0 and steps[k][0] == "item":  # params['W1']: also look next to the params dict
        places.append(steps[: k - 1])
    return steps[k + 1 :], steps[:k], str(steps[k][1]), places


def _items(holder: Any) -> tuple[list, str] | None:
    if is_user_object(holder):
        return list(vars(holder).items()), "attr"
    if isinstance(holder, dict):
        return list(holder.items()), "item"
    return None


def _in_grad_dict(val: dict, target: str) -> tuple[str, np.ndarray] | None:
    for key, arr in val.items():
        if isinstance(key, str) and isinstance(arr, np.ndarray) and (canon(key) == target or strip_grad(key) == target):
            return key, arr
    return None


def _mirrored(root: Any, p: Tensor, root_name: str) -> tuple[str, np.ndarray] | None:
    """``self.grads[0]["W"]`` for ``self.layers[0]["W"]``: a gradient container shaped like the parameters'."""
    steps = p.steps
    if len(steps) < 2 or steps[0][0] != "attr" or not is_user_object(root):
        return None
    for name in vars(root):
        if name != steps[0][1] and is_grad_dict(name, str(steps[0][1])):
            where = (("attr", name),) + tuple(steps[1:])
            try:
                arr = resolve(root, where)
            except Exception:  # noqa: BLE001
                continue
            if isinstance(arr, np.ndarray) and arr.dtype.kind in "fiu" and arr.shape == p.shape:
                return fmt_path(root_name, where), np.asarray(arr, float)
    return None


def stored_by_name(root: Any, p: Tensor, root_name: str) -> tuple[str, np.ndarray] | None:
    """Search the param's container, grad dicts next to it, and a container mirroring the parameters'."""
    hit = _stored_in_holder(root, p, root_name)
    return hit if hit is not None else _mirrored(root, p, root_name)


def _stored_in_holder(root: Any, p: Tensor, root_name: str) -> tuple[str, np.ndarray] | None:
    idx_tail, holder, leaf, places = _holder(p.steps)
    target = canon(leaf)
    params_name = str(holder[-1][1]) if holder else None
    for where in places:
        try:
            found = _items(resolve(root, where))
        except Exception:  # noqa: BLE001
            continue
        if found is None:
            continue
        items, kind = found
        for name, val in items:
            if not isinstance(name, str) or name == leaf:
                continue
            if strip_grad(name) == target:
                try:
                    arr = resolve(val, idx_tail)
                except Exception:  # noqa: BLE001
                    continue
                if isinstance(arr, np.ndarray) and arr.dtype.kind in "fiu":
                    return fmt_path(root_name, where + ((kind, name),) + idx_tail), np.asarray(arr, float)
            if isinstance(val, dict) and is_grad_dict(name, params_name):
                hit = _in_grad_dict(val, target)
                if hit is not None:
                    return fmt_path(root_name, where + ((kind, name), ("item", hit[0]))), np.asarray(hit[1], float)
    return None
