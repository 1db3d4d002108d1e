"""A constructor given its architecture as ``(width, activation)`` pairs.

``ANN([(12288, "relu"), (20, "relu"), (1, "sigmoid")])``: the argument is known by its
annotation (``List[Tuple[int, str]]``); the activation names are the strings the
submission's own code compares against (``if activation == "relu"``). Hidden layers get
ReLU (else tanh, else sigmoid), the output sigmoid for one output and softmax for
several, as such code pairs them with its binary and categorical cross-entropy.
"""

from __future__ import annotations

import ast
import collections.abc
import inspect
import re
import typing
from collections.abc import Callable
from pathlib import Path

#: Activation names such code compares against.
KNOWN = ("relu", "leaky_relu", "tanh", "sigmoid", "softmax", "linear", "identity", "elu")
HIDDEN_ORDER = ("relu", "tanh", "sigmoid", "leaky_relu", "elu")
_TEXT = re.compile(r"^(typing\.)?(list|List|Sequence)\[(typing\.)?(tuple|Tuple)\[int,str\]\]$")


def is_pairs_annotation(annotation) -> bool:
    """``List[Tuple[int, str]]`` (or its text, under ``from __future__ import annotations``)."""
    if isinstance(annotation, str):
        return bool(_TEXT.match(annotation.replace(" ", "")))
    if typing.get_origin(annotation) not in (list, collections.abc.Sequence):
        return False
    inner = typing.get_args(annotation)
    return len(inner) == 1 and typing.get_origin(inner[0]) is tuple and typing.get_args(inner[0]) == (int, str)


def compared_activations(fn: Callable) -> list[str]:
    """The activation names the code of ``fn``'s module compares strings against, in ``KNOWN`` order."""
    try:
        module = inspect.getmodule(fn)
        text = inspect.getsource(module) if module is not None else Path(inspect.getsourcefile(fn)).read_text()
        tree = ast.parse(text)
    except (TypeError, OSError, SyntaxError, UnicodeDecodeError):
        return []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
            for side in [node.left, *node.comparators]:
                if isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value.lower() in KNOWN:
                    found.add(side.value)
    return [k for k in KNOWN if k in {f.lower() for f in found}]


def pairs(widths: list[int], fn: Callable, name: str, label: str, notes: list[str]) -> list | None:
    """``[(w, act), ...]`` for ``widths``, or None when the code names no usable activations."""
    acts = compared_activations(fn)
    hidden = next((a for a in HIDDEN_ORDER if a in acts), None)
    out = "sigmoid" if widths[-1] == 1 else "softmax"
    if hidden is None or out not in acts:
        return None
    made = [(w, hidden) for w in widths[:-1]] + [(widths[-1], out)]
    notes.append(f"{label}: {name} = {made} given as (width, activation) pairs, named as the code compares them")
    return made
