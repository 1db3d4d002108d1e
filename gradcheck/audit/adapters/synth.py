"""Parameters the grader makes itself, for code that reads weights it never creates.

``forward_prop(W1, b1, W2, b2, X)`` with no initializer, or ``parameters["W1"]``
read from a dict nothing builds: the names say how many layers there are and
which arrays are weights or biases; the sizes are the batch's (or invented),
and the layout (samples as rows: W in x out, b (out,); as columns: W out x in,
b (out, 1)) is tried both ways by the driver.
"""

from __future__ import annotations

import ast
import inspect
import re

import numpy as np

from gradcheck.audit.adapters.names import is_bias, is_param_name
from gradcheck.audit.adapters.sizes import Sizes

_LAYERED = re.compile(r"^(?P<kind>[A-Za-z_]+?)_?(?P<n>\d+)$")
#: Weights are drawn with this standard deviation (small enough for no saturation,
#: large enough that every unit is active and every gradient entry nonzero).
WEIGHT_STD = 0.5


def layered_names(names: list[str]) -> list[str] | None:
    """Parameter names of a numbered layer stack (``W1 b1 W2 b2``) in layer order, or None."""
    picked = [n for n in names if is_param_name(n) and _LAYERED.match(n)]
    if not picked or not any(not is_bias(n) for n in picked):
        return None
    layers = sorted({int(_LAYERED.match(n).group("n")) for n in picked})
    if layers != list(range(layers[0], layers[0] + len(layers))):
        return None
    return sorted(picked, key=lambda n: (int(_LAYERED.match(n).group("n")), is_bias(n)))


def _layer(name: str) -> int:
    """The layer number a name carries (``W2`` -> 2); an un-numbered one (``w``, ``b``) is the only layer."""
    m = _LAYERED.match(name)
    return int(m.group("n")) if m else 1


def make(names: list[str], sizes: Sizes, columns: bool, seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays for ``names`` (layer order) chaining n_in -> hidden... -> n_out.

    One un-numbered weight and bias (``w``, ``b``: logistic regression) are one layer whose
    weight is a column per output, ``(n_in, n_out)``, in either layout (``w.T @ X`` or ``X @ w``).
    """
    layer_of = {n: _layer(n) for n in names}
    depth = len(set(layer_of.values()))
    widths = [sizes.n_in, *sizes.hidden(depth - 1), sizes.n_out]
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    first = min(layer_of.values())
    numbered = all(_LAYERED.match(n) for n in names)
    for n in names:
        k = layer_of[n] - first
        fan_in, fan_out = widths[k], widths[k + 1]
        if is_bias(n):
            shape = (fan_out, 1) if columns else (fan_out,)
            out[n] = rng.normal(0.0, 0.1, shape)
        else:
            shape = (fan_out, fan_in) if columns and numbered else (fan_in, fan_out)
            out[n] = rng.normal(0.0, WEIGHT_STD, shape)
    return out


def keys_read(fn, arg: str) -> list[str]:
    """String keys the function reads from its argument ``arg`` (``arg["W1"]``)."""
    try:
        tree = ast.parse(inspect.getsource(fn).lstrip() if not isinstance(fn, str) else fn)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return []
    keys = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == arg
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            keys.append(node.slice.value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == arg:
            keys += computed_layer_keys(node.slice)
    return list(dict.fromkeys(keys))


#: Layers assumed for keys computed from a loop index (``parameters[f"W{l}"]``, ``params["b" + str(l)]``):
#: such code runs at any depth its dict has, so the grader picks the smallest with a hidden layer.
COMPUTED_DEPTH = 2


def computed_layer_keys(key: ast.expr) -> list[str]:
    """``W1, W2`` for a key computed as a constant prefix and a number: ``f"W{l}"``, ``"W" + str(l + 1)``."""
    prefix = None
    if isinstance(key, ast.JoinedStr) and len(key.values) == 2:
        head, tail = key.values
        if isinstance(head, ast.Constant) and isinstance(tail, ast.FormattedValue):
            prefix = head.value
    elif isinstance(key, ast.BinOp) and isinstance(key.op, ast.Add) and isinstance(key.left, ast.Constant):
        right = key.right
        if isinstance(right, ast.Call) and isinstance(right.func, ast.Name) and right.func.id == "str":
            prefix = key.left.value
    if not isinstance(prefix, str) or not is_param_name(f"{prefix}1"):
        return []
    return [f"{prefix}{k}" for k in range(1, COMPUTED_DEPTH + 1)]
