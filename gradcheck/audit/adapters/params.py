"""Find a network's weights and biases under a root object (object, dict, list or module namespace)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcheck.audit.adapters.names import (
    PARAM_CONTAINERS,
    SKIP_CONTAINER,
    SKIP_OBJECT,
    is_bias,
    is_param_name,
    layer_key,
    named_as_no_param,
)
from gradcheck.audit.adapters.objects import is_float_array, is_param_object, is_user_object
from gradcheck.audit.adapters.paths import fmt_path, parse_path, resolve, resolve_spec
from gradcheck.audit.adapters.shadowed import without_shadow_dicts
from gradcheck.audit.loader import AuditError

#: Objects nested deeper than this under the root are not searched.
MAX_DEPTH = 4


@dataclass
class Tensor:
    """A found parameter: display name, access steps from the root, shape and grad steps."""

    name: str
    steps: tuple
    shape: tuple
    param_obj: tuple | None = None  # steps of the Parameter-like object (grad at .grad)
    order: int = 0
    bias: bool | None = None  # known from how the code uses it (None: read off the name)


def is_bias_tensor(t: Any) -> bool:
    """Whether a found parameter is a bias: as the code uses it when known, else by its name."""
    known = getattr(t, "bias", None)
    return known if known is not None else is_bias(t.name)


#: Names a float bias goes by (``b``, ``b2``, ``b_out``, ``bias_o``); not ``beta``, ``b_lr``, ``bias_init``.
_SCALAR_BIAS = re.compile(r"^_?(b|bias)_?(\d+|o|out|output|h|hid|hidden)?$", re.IGNORECASE)


def is_scalar_bias(name: Any, val: Any) -> bool:
    """A number attribute named like a bias (``self.b2 = 0.0``, ``self.bias = 0`` as logistic regressions make it,
    or the numpy float ``self.bias -= lr * db`` leaves): the one output's bias, shape ()."""
    floating = type(val) in (float, int) or isinstance(val, np.floating)
    return floating and isinstance(name, str) and bool(_SCALAR_BIAS.match(name)) and is_param_name(name)


def _object_array(obj: Any) -> bool:
    """A numpy array of objects used as a list (``np.array([L1, L2, L3])`` of layer objects)."""
    return isinstance(obj, np.ndarray) and obj.dtype == object and obj.ndim == 1


def is_pairs(value: Any) -> bool:
    """A non-empty list of ``(W, b)`` pairs of float arrays."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(p, (tuple, list))
            and len(p) == 2
            and all(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in p)
            for p in value
        )
    )


def pair_tensors(root: list, name: str) -> list[Tensor]:
    """Each pair's weight then bias (the bias is the smaller array), named ``layers[i].W``/``.b``."""
    out: list[Tensor] = []
    for i, pair in enumerate(root):
        wi = 0 if pair[0].size >= pair[1].size else 1
        for j, label in ((wi, "W"), (1 - wi, "b")):
            out.append(Tensor(f"{name}[{i}].{label}", (("item", i), ("item", j)), tuple(pair[j].shape), None, len(out)))
    return out


class _Walk:
    """One search of a root for parameter arrays (each array reported once)."""

    def __init__(self, root: Any, root_is_namespace: bool):
        self.root, self.namespace = root, root_is_namespace
        self.found: list[Tensor] = []
        self.seen: set[int] = set()

    def add(self, name: str, steps: tuple, arr: Any, pobj: tuple | None = None) -> None:
        key = id(arr) if pobj is None else id(resolve(self.root, pobj))
        if isinstance(arr, (float, int, np.floating)):  # equal numbers may be one object: each attribute is its own
            key, arr = steps, np.asarray(arr)
        if key not in self.seen:
            self.seen.add(key)
            self.found.append(Tensor(name, steps, tuple(arr.shape), pobj, len(self.found)))

    def walk(self, obj: Any, steps: tuple, prefix: str, depth: int, params_container: bool) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(obj, dict):
            items = [(k, v) for k, v in obj.items() if isinstance(k, (str, int))]
        elif isinstance(obj, (list, tuple)) or _object_array(obj):
            items = list(enumerate(obj))
        elif is_user_object(obj):
            items = list(vars(obj).items())
        else:
            return
        is_attr = not isinstance(obj, (dict, list, tuple, np.ndarray))
        start = len(self.found)
        for key, val in items:
            if isinstance(key, str) and key.startswith("__"):
                continue
            step = ("item", key) if (self.namespace and depth == 0) or not is_attr else ("attr", key)
            self.visit(key, val, steps + (step,), prefix, depth, params_container, is_attr)
        if is_attr and not self.namespace:
            self.sibling_biases(items, steps, prefix, start)

    def sibling_biases(self, items: list, steps: tuple, prefix: str, start: int) -> None:
        """Vectors of one object that no name rule takes, beside a weight of the same object whose width they
        match: its biases (``self.kernel`` (n_in, n_out) and ``self.shift`` (1, n_out); ``Block.W`` and
        ``Block.c``), unless their names say they are something else (a cache, a statistic, a velocity)."""
        widths = {
            d for t in self.found[start:] if len(t.steps) == len(steps) + 1 and len(t.shape) == 2 for d in t.shape
        }
        for key, val in items:
            if not isinstance(key, str) or key.startswith("_") or not is_float_array(val) or id(val) in self.seen:
                continue
            if is_param_name(key) or named_as_no_param(key) or _NO_WEIGHT.search(key) or _CACHED.match(key):
                continue
            if _MOVES.search(key):  # (a step, an update or a change kept for later: ``self.step_b``)
                continue
            if (val.ndim == 1 or (val.ndim == 2 and 1 in val.shape)) and val.size in widths:
                self.add(f"{prefix}.{key}" if prefix else key, steps + (("attr", key),), val)

    def visit(self, key, val, here: tuple, prefix: str, depth: int, params_container: bool, is_attr: bool) -> None:
        if isinstance(key, int):
            name = f"{prefix}[{key}]"
            leaf = prefix.rsplit(".", 1)[-1].split("[")[0] or "w"
        else:
            name = f"{prefix}.{key}" if prefix and is_attr else (f"{prefix}[{key!r}]" if prefix else key)
            leaf = key
        named = isinstance(key, str)
        if is_float_array(val):
            if params_container or is_param_name(leaf):
                self.add(name, here, val)
        elif is_scalar_bias(leaf, val) and is_attr and not self.namespace:
            self.add(name, here, val)
        elif is_param_object(val):
            if not (named and SKIP_OBJECT.match(key)):
                self.add(name, here + (("attr", "data"),), val.data, here)
        elif isinstance(val, (dict, list, tuple)) or _object_array(val):
            if named and SKIP_CONTAINER.match(key):
                return
            if named and is_attr and is_pairs(val):  # self.layers = [(W, b), ...]: named layers[i].W / .b
                for t in pair_tensors(val, name):
                    self.add(t.name, here + t.steps, resolve(val, t.steps))
                return
            is_params = named and key.lower() in PARAM_CONTAINERS
            self.walk(val, here, name, depth + 1, is_params or (isinstance(key, int) and params_container))
        elif is_user_object(val) and not (named and SKIP_OBJECT.match(key)) and not self.namespace:
            self.walk(val, here, name, depth + 1, False)  # module-level objects are not the network's


#: Names of what a layer keeps from its last pass (``self.out``, ``self.z``, ``self.delta``), never a bias.
_CACHED = re.compile(
    r"^(z|a|h|o|x|y|s|out|output|outputs|input|inputs|pre|act|activations?|net_?inputs?|nets?|weighted_?sums?|sums?|"
    r"deltas?|err|errors?|cache|loss|cost|acc|accuracy|last_\w+|prev_\w+)\d*$",
    re.I,
)


#: Words of a name that say the array is a step or a change of a parameter kept for later, not the parameter.
_MOVES = re.compile(
    r"(^|_)(step|steps|update|upd|change|delta|diff|prev|last|old|new|grad|vel|moment|cache)(_|$|\d)", re.I
)


def discover_params(root: Any, root_is_namespace: bool = False) -> list[Tensor]:
    """Find weight/bias arrays under ``root`` (object, dict, list or module namespace)."""
    w = _Walk(root, root_is_namespace)
    w.walk(root, (), "", 0, False)
    return order_params(without_shadow_dicts(w.found))


#: Keys of a parameters dict that hold something the network reads and never trains: the data's statistics, a
#: dropout mask, a rate or a penalty kept beside the weights (``params["X_mean"]``, ``params["mask1"]``).
_NO_WEIGHT = re.compile(r"(mean|mu|std|sigma|var|min|max|norm|eps|mask|keep|drop|lr|rate|lamb?da|reg)", re.I)


def with_keys_read(root: Any, keys: list[str]) -> list[Tensor]:
    """The parameters of the dict ``root``: those :func:`discover_params` finds, and the float arrays under keys
    the network's own functions read (``net["c"]``) that no name rule takes (``V, c, U, d``: the hidden bias
    ``c`` and the output bias ``d``), unless their names say they are something else (``dW``, ``cache``)."""
    found = discover_params(root)
    if not isinstance(root, dict):
        return found
    have = {t.steps for t in found}
    for key in keys:
        val = root.get(key)
        steps = (("item", key),)
        if steps not in have and is_float_array(val) and not named_as_no_param(key) and not _NO_WEIGHT.search(key):
            vector = val.ndim <= 1 or 1 in val.shape  # no name says it: a vector beside the matrices is a bias
            found.append(Tensor(key, steps, tuple(val.shape), None, len(found), bias=vector))
    if len(found) == len(have):
        return found
    position = {k: i for i, k in enumerate(root)}
    return sorted(found, key=lambda t: position.get(t.steps[0][1], len(position)))  # the order the dict was made in


def order_params(found: list[Tensor]) -> list[Tensor]:
    """Layer order: by the numbers in the names when every name has one, else each bias after its weight."""
    if found and all(layer_key(t.name) for t in found):
        return sorted(found, key=lambda t: (layer_key(t.name), is_bias(t.name), t.order))
    return _pair_biases(found) or found


def _pair_biases(found: list[Tensor]) -> list[Tensor] | None:
    """``w_ih, w_ho, b_h, b_o`` -> ``w_ih, b_h, w_ho, b_o``: each bias after the weight whose output size it has.

    None when the weights are not matrices, or the biases do not pair one to one
    with the weights' output sizes (rows or columns, the same for every layer).
    """
    weights = [t for t in found if not is_bias(t.name)]
    biases = [t for t in found if is_bias(t.name)]
    if not biases or len(biases) != len(weights) or any(len(w.shape) != 2 for w in weights):
        return None
    for axis in (1, 0):
        left = list(biases)
        paired = []
        for w in weights:
            match = [b for b in left if int(np.prod(b.shape)) == w.shape[axis]]
            if len(match) != 1:
                break
            left.remove(match[0])
            paired += [w, match[0]]
        else:
            return paired
    return None


def params_from_spec(spec_params: list[str], root: Any, root_name: str) -> list[Tensor]:
    """The parameters ``[network] params`` names, resolved on ``root``."""
    out = []
    for i, text in enumerate(spec_params):
        _, steps = parse_path(text)
        try:
            steps, val = resolve_spec(root, steps)
        except Exception as exc:  # noqa: BLE001
            raise AuditError(
                f"[network] params[{i}] {text!r} not found ({type(exc).__name__}: {exc})",
                where="finding the parameters",
                type_="SpecError",
            ) from None
        pobj = None
        if is_param_object(val):
            pobj, steps, val = steps, steps + (("attr", "data"),), val.data
        if is_scalar_bias(steps[-1][1], val):  # ``self.b2 = 0.0``: the one output's bias, as auto-detection takes it
            val = np.asarray(val)
        if not isinstance(val, np.ndarray):
            raise AuditError(
                f"[network] params[{i}] {text!r} is a {type(val).__name__}, not an array",
                where="finding the parameters",
                type_="SpecError",
            )
        out.append(Tensor(text.removeprefix("self."), steps, tuple(val.shape), pobj, i))
    return out


def snapshot(root: Any, params: list[Tensor]) -> list[np.ndarray]:
    """Copies of the parameters' current values (NaN-filled where one has disappeared)."""
    out = []
    for t in params:
        try:
            out.append(np.array(resolve(root, t.steps), dtype=float, copy=True))
        except Exception:  # noqa: BLE001 - the student may have deleted/renamed it
            out.append(np.full(t.shape, np.nan))
    return out


def dtypes(root: Any, params: list[Tensor]) -> list[str]:
    """The float type each parameter is held in ("float64" where it is not a float array)."""
    out = []
    for t in params:
        try:
            dt = np.asarray(resolve(root, t.steps)).dtype
        except Exception:  # noqa: BLE001 - the student may have deleted/renamed it
            dt = np.dtype(np.float64)
        out.append(dt.name if dt.kind == "f" else "float64")
    return out


def params_out(
    params: list[Tensor], values: list[np.ndarray], root_name: str, kinds: list[str] | None = None
) -> list[dict]:
    """The ``params`` field of the worker's result (``kinds``: the dtypes the student holds them in)."""
    kinds = kinds or ["float64"] * len(params)
    return [
        {"name": p.name, "path": fmt_path(root_name, p.steps), "shape": list(v.shape), "data": v, "dtype": k}
        for p, v, k in zip(params, values, kinds)
    ]
