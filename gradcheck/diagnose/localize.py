"""Which layers are wrong, which are right, and so where the bug must sit.

Backprop runs from the output layer down: a wrong step in layer ``l`` makes every
tensor of layers ``l, l-1, ..., 1`` wrong and leaves the layers above right. A wrong
bias gradient with a right weight gradient of the same layer means the delta is
right and only its sum over the batch is wrong; a wrong weight gradient with a
right bias means the product forming ``dW``. Anything else is more than one bug,
or one bug in a step those tensors share.
"""

from __future__ import annotations

import re

from gradcheck.diagnose.calibration import confidence
from gradcheck.result import Diagnosis, GradientReport


def layer_of(name: str) -> int | None:
    """Layer number of a tensor name (``W2``, ``b_2``, ``weights[1]`` -> 2).

    Examples
    --------
    >>> layer_of("W2"), layer_of("weights[0]"), layer_of("gamma")
    (2, 1, None)
    """
    m = re.search(r"\[(\d+)\]\s*$", name)
    if m:
        return int(m.group(1)) + 1
    m = re.search(r"(\d+)\D*$", name)
    return int(m.group(1)) if m else None


def _is_bias(name: str) -> bool:
    """``b2``, ``biases[1]``, ``params['b1']``, ``layers[0].bias``: a bias tensor."""
    tokens = re.findall(r"[a-z_]+", name.lower())
    return bool(tokens) and (tokens[-1].startswith("b") or "bias" in tokens[-1])


def _one_kind(wrong: list[str], right: list[str], top: int) -> str | None:
    """Only the bias (or only the weight) of one layer wrong: its sum over the batch (or its dW product)."""
    if all(_is_bias(n) for n in wrong):
        weights = [n for n in right if layer_of(n) == top and not _is_bias(n)]
        shown = f"{', '.join(weights)} {'is' if len(weights) == 1 else 'are'} right, so" if weights else "so"
        return (
            f"the bias gradient of layer {top} (its sum over the batch, db{top} = dZ{top}.sum(axis=0)): "
            f"{shown} the delta of layer {top} is right"
        )
    if not any(_is_bias(n) for n in wrong) and any(layer_of(n) == top and _is_bias(n) for n in right):
        return (
            f"the product forming dW{top} (the cached input activation or a stray factor): "
            f"db{top} is right, so the delta of layer {top} is right"
        )
    return None


def _where(wrong: list[str], right: list[str], n_layers: int) -> str:
    layers = sorted({layer_of(n) for n in wrong})
    top = layers[-1]
    in_layer = {lay: [n for n in wrong if layer_of(n) == lay] for lay in layers}
    below_all = not any(layer_of(n) <= top for n in right)  # every tensor at or below the top wrong layer is wrong
    if len(layers) == 1 and (one := _one_kind(wrong, right, top)):
        return one
    if below_all:
        if top == n_layers:
            return (
                f"the output layer's backward step (layer {top}: the loss derivative or the output "
                "activation's derivative), which every layer below inherits"
            )
        return (
            f"the backward step of layer {top} (its activation derivative, or the delta "
            f"propagated into it from layer {top + 1})"
        )
    if len(layers) == 1:
        name = "the output layer" if top == n_layers else f"layer {top}"
        return (
            f"forming dW{top} and db{top} from the delta of {name} (a stray factor or a wrong term there "
            "only): the layers below are right, so the delta they receive is right"
        )
    parts = "; ".join(f"layer {lay}: {', '.join(in_layer[lay])}" for lay in layers)
    return f"more than one place ({parts}), with right tensors between them: two bugs, or one in a step they share"


def localize(report: GradientReport) -> Diagnosis | None:
    """Which layers are wrong and which are right, as a ``localized`` diagnosis."""
    wrong = [t.name for t in report.tensors if t.status == "fail"]
    right = [t.name for t in report.tensors if t.status in ("pass", "kink")]
    layers = [layer_of(n) for n in wrong]
    if not wrong or None in layers or any(layer_of(n) is None for n in right):
        return None
    top = max(layers)
    above = [n for n in right if (layer_of(n) or 0) > top]
    n_layers = max((layer_of(t.name) or 0) for t in report.tensors)
    where = _where(wrong, right, n_layers)
    msg = f"{', '.join(wrong)} wrong" + (f"; {', '.join(above)} right" if above else "") + f": the bug is in {where}."
    evidence = {"wrong": wrong, "right": right, "layer": top, "basis": "localized"}
    return Diagnosis("localized", ", ".join(wrong), msg, confidence("localized"), evidence)
