"""Gradients the backward returns: a dict, a tuple or list, nested lists, or ``(loss, grads)``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcheck.audit.adapters.names import canon, leaf, strip_grad
from gradcheck.audit.adapters.objects import is_param_object
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.readers.bykind import by_kind, fitting
from gradcheck.audit.adapters.step import Grad


def flatten(value: Any, path: str, names: list[str], out: list[tuple[str, str, np.ndarray]], scalars=False) -> None:
    """Arrays inside nested dict/list/tuple returns as (name, path, array); numbers too when ``scalars``."""
    number = isinstance(value, (float, np.floating)) or (isinstance(value, np.ndarray) and value.ndim == 0)
    if (isinstance(value, np.ndarray) and value.ndim and value.dtype.kind in "fiu") or (scalars and number):
        out.append((names[-1] if names else "", path, np.asarray(value, dtype=float)))
    elif is_param_object(value):
        out.append((names[-1] if names else "", path + ".data", np.asarray(value.data, float)))
    elif isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{path}[{k!r}]", names + [str(k)], out, scalars)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            flatten(v, f"{path}[{i}]", names + ([f"{names[-1]}[{i}]"] if names else []), out, scalars)


def name_match(entry_name: str, param: Tensor, allow_plain: bool) -> bool:
    """Does a grad entry named like ``dW1``/``nabla_w[0]``/``W1`` belong to ``param``?"""
    if not entry_name:
        return False
    pname = param.name
    p_idx, e_idx = re.findall(r"\[(\d+)\]", pname), re.findall(r"\[(\d+)\]", entry_name)
    if p_idx and e_idx and p_idx[-1:] != e_idx[-1:]:
        return False
    if bool(p_idx) != bool(e_idx):
        return False
    stripped = strip_grad(leaf(entry_name))
    target = canon(leaf(pname))
    if stripped is not None and stripped == target:
        return True
    return allow_plain and canon(leaf(entry_name)) == target


def _by_name(entries, params) -> list[Grad]:
    grads: list[Grad] = []
    used: set[int] = set()
    for i, p in enumerate(params):
        for j, (n, path, arr) in enumerate(entries):
            if j not in used and name_match(n, p, allow_plain=True):
                grads.append(Grad(i, path, "name", arr))
                used.add(j)
                break
    return grads


def match_entries(
    entries: list[tuple[str, str, np.ndarray]], params: list[Tensor], named: bool
) -> tuple[list[Grad], str]:
    """Match flattened returned arrays to params: by name, else position, else unique shape."""
    in_place = len(entries) == len(params) and all(a.shape == p.shape for (_, _, a), p in zip(entries, params))
    if named:
        grads = _by_name(entries, params)
        if grads and len(grads) < len(params) and in_place and _named_in_place(grads, entries):
            # ``return gV, gc, gU, gd`` for ``V, c, U, d0``: the names that match are in their places, so are the rest
            named_paths = {g.path for g in grads}
            return [
                Grad(i, path, "name" if path in named_paths else "position", a)
                for i, (_, path, a) in enumerate(entries)
            ], "name"
        if grads:
            return grads, "name"
    if in_place:
        return [Grad(i, path, "position", a) for i, (_, path, a) in enumerate(entries)], "position"
    shapes = [p.shape for p in params]
    if len(set(shapes)) == len(shapes):
        eshapes = [a.shape for _, _, a in entries]
        if len(set(eshapes)) == len(eshapes) and set(eshapes) <= set(shapes):
            return [Grad(shapes.index(a.shape), path, "shape", a) for _, path, a in entries], "shape"
    if len(entries) == len(params):
        return [Grad(i, path, "position", a) for i, (_, path, a) in enumerate(entries)], "position"
    return [], ""


def _named_in_place(grads: list[Grad], entries: list[tuple[str, str, np.ndarray]]) -> bool:
    """Is each gradient matched by name the entry at its parameter's place?"""
    place = {path: j for j, (_, path, _) in enumerate(entries)}
    return all(place[g.path] == g.param for g in grads)


def _grad_names(names: list[str | None] | None, value: Any) -> bool:
    """Whether a returned tuple's source names (``dW1, db1``) each name a gradient."""
    return (
        bool(names)
        and isinstance(value, tuple)
        and len(names) == len(value)
        and all(n is not None and strip_grad(n) is not None for n in names)
    )


def _array_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(a, np.ndarray) and a.ndim for a in v)


def is_array_loss_and_grads(ret: Any) -> bool:
    """``(loss, grads)`` in the CS231n form whose loss is a numeric array rather than a number."""
    return (
        isinstance(ret, (tuple, list))
        and len(ret) == 2
        and isinstance(ret[0], np.ndarray)
        and ret[0].dtype.kind in "fiu"
        and isinstance(ret[1], dict)
    )


def loss_value_info(ret: Any) -> dict[str, Any] | None:
    """What the grader needs to judge a returned loss: its shape and whether it is finite (None: no loss)."""
    if not isinstance(ret, (tuple, list)) or not ret:
        return None
    value = np.asarray(ret[0])
    if value.dtype.kind not in "fiu":
        return None
    return {"shape": list(value.shape), "finite": bool(np.all(np.isfinite(value)))}


def _loss_and_grads(ret: Any, notes: list[str]) -> tuple[Any, str]:
    """Unwrap ``(loss, grads)`` / ``(loss, dW1, db1, ...)``: (value holding the grads, shape name)."""
    number = isinstance(ret, (tuple, list)) and ret and isinstance(ret[0], (int, float, np.generic))
    if number and not isinstance(ret[0], bool):
        notes.append(f"backward returned a loss value ({float(ret[0]):.6g}) and gradients")
    elif is_array_loss_and_grads(ret):  # CS231n (loss, grads) whose loss is an array, not a scalar
        notes.append(f"backward returned a loss of shape {np.shape(ret[0])} (not a scalar) and gradients")
    else:
        return ret, "grads-dict" if isinstance(ret, dict) else "grads-tuple"
    value = ret[1] if len(ret) == 2 else tuple(ret[1:])
    return ((value,) if isinstance(value, np.ndarray) else value), "loss-and-grads"


def grads_from_return(
    ret: Any, params: list[Tensor], ret_names: list[str | None] | None = None
) -> tuple[list[Grad], str | None, list[str]]:
    """Gradients in a backward's return value; (grads, shape name, notes).

    ``ret_names``: the names in the backward's ``return dW1, dW2, db1, db2``; when
    each is a gradient's name, the tuple is matched to the parameters by them,
    whatever their order.
    """
    notes: list[str] = []
    if ret is None or isinstance(ret, (int, float, np.generic)):
        return [], None, notes
    if isinstance(ret, np.ndarray):
        if len(params) == 1 and ret.shape == params[0].shape:
            return [Grad(0, "ret", "position", np.asarray(ret, float))], "grads-tuple", notes
        return [], None, notes
    value, shape = _loss_and_grads(ret, notes)
    entries: list[tuple[str, str, np.ndarray]] = []
    base = "ret" if shape != "loss-and-grads" else "ret[1]"
    flatten(value, base, [], entries)
    if len(entries) < len(params):  # a bias gradient summed down to a number: db = np.sum(dZ)
        with_numbers: list[tuple[str, str, np.ndarray]] = []
        flatten(value, base, [], with_numbers, scalars=True)
        if len(with_numbers) == len(params):
            entries = with_numbers
    if not entries:
        return [], None, []  # (loss, accuracy): a loss and no gradient, nothing to say
    named = isinstance(value, dict) or (isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value))
    if not named and _grad_names(ret_names, value) and len(entries) == len(value):
        entries = [(n, path, a) for n, (_, path, a) in zip(ret_names, entries)]
        named = True
    elif not named and _grad_names(ret_names, value) and all(_array_list(v) for v in value):
        # ``return grad_b, grad_w``: one list per name, each entry named by its index (``grad_b[0]``)
        entries = [
            (f"{n}[{i}]", f"{base}[{k}][{i}]", np.asarray(a, float))
            for k, n in enumerate(ret_names)
            for i, a in enumerate(value[k])
        ]
        named = True
    grads, rule = match_entries(entries, params, named)
    if named and rule == "name" and len(grads) < len(params):
        grads = _numbers_by_name(value, base, params, grads, notes)
    if grads and rule == "position" and fitting(grads, params) < len(grads):
        grads, rule = _kind_over_position(value, base, params, grads, notes)
    if grads and rule == "position" and fitting(grads, params) < len(grads):
        notes.append("returned gradients matched to the parameters by position although some shapes differ")
    return grads, shape, notes


def _kind_over_position(
    value: Any, base: str, params: list[Tensor], grads: list[Grad], notes: list[str]
) -> tuple[list[Grad], str]:
    """A return of one sequence per kind (``[dW1, dW2], [db1, db2]``) paired by kind where more shapes fit so
    than by position; else the positional pairing kept."""
    kind = by_kind(value, base, params)
    if fitting(kind, params) <= fitting(grads, params):
        return grads, "position"
    notes.append("returned gradients paired by kind: the weights' in one sequence, the biases' in the other")
    return kind, "kind"


def unmatched(ret: Any, grads: list[Grad]) -> list[str]:
    """Where a return value holds a gradient no parameter was found for (``grads['b1']`` of a bias kept as
    ``params['b1'] = 0``, which no parameter search takes for one): their paths, none when all are matched."""
    if not isinstance(ret, (tuple, list, dict)) or not grads:
        return []
    value, shape = _loss_and_grads(ret, [])
    entries: list[tuple[str, str, np.ndarray]] = []
    flatten(value, "ret" if shape != "loss-and-grads" else "ret[1]", [], entries, scalars=True)
    used = {g.path for g in grads}
    return [path for name, path, _ in entries if path not in used and not ACTIVATION_GRADIENT.match(name)]


#: What a backward returns beside the weights' gradients for the layer below to use: the gradient of an
#: activation or pre-activation, ``grads["dA1"]``/``grads["dZ2"]`` (the Coursera convention), ``dX``,
#: ``delta2``. It is no weight's: a parameter the search missed is named like one (``db1``, ``dW1``).
ACTIVATION_GRADIENT = re.compile(r"^(d[AZXH]|delta|dout|dinputs?)_?\d*$")


def _numbers_by_name(value: Any, base: str, params: list[Tensor], grads: list[Grad], notes: list[str]) -> list[Grad]:
    """Add the gradients kept as one number under a parameter's gradient name (``db1 = np.sum(dZ1) / m``).

    The update ``b1 - lr * db1`` broadcasts the number onto every entry of ``b1``, so that number, on
    every entry, is the gradient the student's code applies; a note says so.
    """
    entries: list[tuple[str, str, np.ndarray]] = []
    flatten(value, base, [], entries, scalars=True)
    have = {g.param for g in grads}
    numbers = [e for e in entries if e[2].ndim == 0]
    for i, p in enumerate(params):
        for n, path, arr in numbers if i not in have else []:
            if name_match(n, p, allow_plain=False):
                grads.append(Grad(i, path, "name", np.full(p.shape, float(arr))))
                have.add(i)
                notes.extend(
                    [
                        f"{path} is one number, not an array of {p.name}'s shape {tuple(p.shape)}: it is taken on "
                        f"every entry of {p.name}, as the update {p.name} - lr * {n} applies it"
                    ]
                    if int(np.prod(p.shape)) > 1
                    else []
                )
                break
    return grads
