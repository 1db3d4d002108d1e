"""Map a student's parameters onto the reference MLP's layout, and back.

Students store weights in x out or out x in, biases as (out,), (1, out) or
(out, 1), or no biases at all. A :class:`Layout` records, layer by layer, the
student's weight and bias names and orientation; :meth:`Layout.to_reference`
turns any mapping in student form (parameters *or* gradients: the maps are
transposes and reshapes, so they carry gradients along unchanged) into the
reference form ``W1, b1, ...`` (in x out, biases (out,)).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


def _capped(search, n_in: int, way: bool) -> list:
    """``search(0, n_in, way)``, or nothing when even the readings storing every weight ``way`` are too many."""
    try:
        return search(0, n_in, way)
    except _TooMany:
        return []


class LayoutError(ValueError):
    """The parameters do not chain from the inputs to the outputs."""


@dataclass(frozen=True)
class LayerMap:
    """One layer: student weight (and bias) names, orientation, sizes."""

    weight: str
    bias: str | None
    transposed: bool  # True: the student stores W as (out, in)
    n_in: int
    n_out: int
    folded: int | None = None  # the bias is row 0 (or -1) of the in x out weight (a column of ones in the input)

    def split(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(weight in x out, folded bias or None) of a student-form weight."""
        W = W.T if self.transposed else W
        W = W.reshape(-1, 1) if W.ndim == 1 else W  # a vector output weight (n_hid,): one output
        if self.folded is None:
            return W, None
        rest = W[1:] if self.folded == 0 else W[:-1]
        return rest, W[self.folded]


@dataclass(frozen=True)
class Layout:
    """The student's layout of every layer, in order.

    Attributes
    ----------
    layers : tuple of LayerMap
        From the input layer to the output layer.
    """

    layers: tuple[LayerMap, ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(n_in, h1, ..., n_out)``."""
        return (self.layers[0].n_in, *(lay.n_out for lay in self.layers))

    @property
    def has_bias(self) -> bool:
        """Every layer has a bias (its own array, or folded into the weight)."""
        return all(lay.bias is not None or lay.folded is not None for lay in self.layers)

    def names(self) -> dict[str, str]:
        """Reference name -> student name (``W1 -> self.w_ih``)."""
        out = {}
        for i, lay in enumerate(self.layers, 1):
            out[f"W{i}"] = lay.weight
            if lay.bias is not None or lay.folded is not None:
                out[f"b{i}"] = lay.bias or lay.weight
        return out

    def to_reference(self, tensors: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Student-form tensors (params or grads) in reference form."""
        out = {}
        for i, lay in enumerate(self.layers, 1):
            W, folded = lay.split(tensors[lay.weight])
            out[f"W{i}"] = W
            if lay.bias is not None:
                out[f"b{i}"] = tensors[lay.bias].reshape(lay.n_out)
            elif folded is not None:
                out[f"b{i}"] = folded
        return out


def _leaf(name: str) -> str:
    """The part of a path that names the tensor: ``b1`` of ``weights['b1']``, ``biases`` of ``biases[0]``,
    ``bias`` of ``layers[0].bias.data``."""
    low = name.lower().rsplit(".", 2)
    leaf = low[-1] if low[-1] not in ("data", "value") else low[-2] if len(low) > 1 else low[-1]
    key = re.search(r"\[\s*['\"]([^'\"]+)['\"]\s*\]$", leaf)  # a dict's key: the key is the name
    return key.group(1) if key else re.sub(r"(\[\s*-?\d+\s*\])+$", "", leaf)


def _named_bias(name: str) -> bool:
    """``b1``, ``biases[0]``, ``params['b1']``, ``layers[0].bias.data``: never a weight."""
    leaf = _leaf(name)
    return leaf.startswith("b") or "bias" in leaf


def _named_weight(name: str) -> bool:
    """``W2``, ``weights[1]``, ``syn1``, ``weights['W1']``: never a bias."""
    return not _named_bias(name) and any(k in _leaf(name) for k in ("w", "weight", "syn", "theta"))


def _is_bias(shape: tuple[int, ...], width: int) -> bool:
    return shape in ((width,), (1, width), (width, 1)) or (shape == () and width == 1)


def _vector_output(shape: tuple[int, ...], width: int, rest: list[str], n_out: int) -> bool:
    """The last weight a vector (``w2`` of shape (n_hid,)) giving the one output (its scalar bias may follow)."""
    return n_out == 1 and shape == (width,) and len(rest) <= 2 and not _named_bias(rest[0])


#: Parameters few enough that, listed in no chaining order (a script updating the output layer
#: first: ``wout``, then ``wh``), every order of them is tried (5! = 120 orders at most).
MAX_REORDERED = 5
#: Readings of one network, at most, before only those storing every weight the same way are kept. Square
#: weights fit both ways at every layer: 40 layers of 3 x 3 have 2**40 readings, whose listing held the
#: grader for hours; a class's networks have a few.
MAX_LAYOUTS = 1024


def _fix(shp: dict[str, tuple[int, ...]]) -> str:
    """What to do when the parameters chain on their own (in the order given) but not from the data's widths: the
    widths they chain between, so that the data is what to look at; else set their order in the spec."""
    weights = [s for s in shp.values() if len(s) == 2 and min(s) > 1]  # (biases of shape (4, 1) left out)
    if not weights:
        return "set [network] params in the spec to list them in layer order"
    ends = {(a, b) for a in weights[0] for b in weights[-1]}
    for a, b in sorted(ends):
        try:
            infer_layouts(shp, a, b, hint=False)
        except LayoutError:
            continue
        return (
            f"they chain from {a} inputs to {b} outputs in the order given, so the data is what does not fit them: "
            "samples as columns ([network] samples_as_columns = true), targets of another width than the output "
            "layer, or the data's sizes ([data] n_in, n_out)"
        )
    return "set [network] params in the spec to list them in layer order"


class _TooMany(Exception):
    """More readings than :data:`MAX_LAYOUTS`."""


def infer_layouts(shapes: Mapping[str, tuple[int, ...]], n_in: int, n_out: int, hint: bool = True) -> list[Layout]:
    """Every consistent layout of ``shapes`` (student names, in layer order; else in the first order that chains).

    Each weight may be stored in x out or out x in, and may be followed by a
    bias of shape (out,), (1, out) or (out, 1). All readings that chain from
    ``n_in`` inputs to ``n_out`` outputs are returned, those where every layer
    has a bias (or none has) first; the forward pass decides between them.

    Raises
    ------
    LayoutError
        When no reading chains, listing the shapes and the spec key to set.
    """
    names = [n for n in shapes]
    shp = {n: tuple(int(d) for d in shapes[n]) for n in names}

    memo: dict[tuple, list[list[LayerMap]]] = {}

    def search(k: int, width: int, way: bool | None = None) -> list[list[LayerMap]]:
        """The readings of ``names[k:]`` from ``width`` inputs (``way``: every weight stored that way)."""
        key = (k, width, way)
        if key not in memo:
            memo[key] = _search(k, width, way)
            if len(memo[key]) > MAX_LAYOUTS:
                raise _TooMany
        return memo[key]

    def _search(k: int, width: int, way: bool | None) -> list[list[LayerMap]]:
        if k == len(names):
            return [[]] if width == n_out else []
        shape = shp[names[k]]
        if _vector_output(shape, width, names[k:], n_out):
            nxt = names[k + 1 :]
            bias = nxt[0] if nxt and _is_bias(shp[nxt[0]], 1) else None
            return [[LayerMap(names[k], bias, False, width, 1)]] if len(nxt) == (bias is not None) else []
        if len(shape) != 2 or (_named_bias(names[k]) and min(shape) == 1):
            return []  # a full matrix named B is a weight (A, a, B, k), never a bias
        found = []
        square = shape[0] == shape[1]
        for transposed, fits in (
            (False, shape[0] == width),
            (True, shape[1] == width and not (square and shape[0] == 1)),
        ):
            if not fits or way not in (None, transposed):
                continue
            out = shape[0] if transposed else shape[1]
            nxt = names[k + 1] if k + 1 < len(names) else None
            if nxt is not None and _is_bias(shp[nxt], out) and not _named_weight(nxt):
                found += [[LayerMap(names[k], nxt, transposed, width, out), *r] for r in search(k + 2, out, way)]
            found += [[LayerMap(names[k], None, transposed, width, out), *r] for r in search(k + 1, out, way)]
        for transposed, fits in ((False, shape[0] == width + 1), (True, shape[1] == width + 1)):
            if fits and way in (None, transposed):  # a bias folded into the weight: one more input, a column of ones
                out = shape[0] if transposed else shape[1]
                for end in (0, -1):
                    found += [
                        [LayerMap(names[k], None, transposed, width, out, end), *r] for r in search(k + 1, out, way)
                    ]
        return found

    def in_order(order) -> list[Layout]:
        names[:] = order  # the order search() walks
        memo.clear()
        try:
            found = search(0, n_in)
        except _TooMany:  # too many readings: only those storing every weight the same way (each way, capped)
            found = [c for way in (False, True) for c in _capped(search, n_in, way)]
        # biases are folded into every weight (a column of ones at each layer's input) or into none
        return [Layout(tuple(c)) for c in found if c and len({x.folded is None for x in c}) == 1]

    given = list(names)
    layouts = in_order(given)
    if not layouts and len(given) <= MAX_REORDERED:
        layouts = next((found for order in itertools.permutations(given) if (found := in_order(order))), [])
    if not layouts:
        listing = ", ".join(f"{n} {shp[n]}" for n in given)
        fix = _fix(shp) if hint else ""
        raise LayoutError(f"the parameters ({listing}) do not chain from {n_in} inputs to {n_out} outputs; {fix}")

    def biased(x: LayerMap) -> bool:
        return x.bias is not None or x.folded is not None

    uniform = [lay for lay in layouts if len({biased(x) for x in lay.layers}) == 1]
    plain = [lay for lay in uniform if all(x.folded is None for x in lay.layers)]
    ordered = plain + [lay for lay in uniform if lay not in plain] + [lay for lay in layouts if lay not in uniform]
    # every weight stored the same way first: a square weight (3 x 3 beside a 4 x 3) reads either way, and where the
    # forward cannot tell them apart (weights of 1e-4: every output near 1/3) the first reading is the one judged
    return sorted(ordered, key=lambda lay: len({x.transposed for x in lay.layers}) > 1)
