"""A learning rate each layer object holds (``Dense(n_in, n_out, lr=0.05)`` keeps ``self.lr``).

A model whose layers step themselves holds no rate of its own: each layer has one, set
by its constructor. The rate is then every layer's attribute of one lr-like name, set to
the same value on all of them; like any other candidate, it is only used once the update
is verified linear in it (:mod:`gradcheck.audit.adapters.readers.update`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.objects import is_user_object


def layers_of(root: Any) -> Iterator[Any]:
    """The student objects ``root`` holds: in attributes, and in lists, tuples and dicts of its attributes."""
    for value in vars(root).values() if hasattr(root, "__dict__") else ():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        yield from (v for v in items if is_user_object(v))


def _rate(v: Any) -> bool:
    return isinstance(v, float) and not isinstance(v, bool)


def layer_rates(root: Any) -> list[str]:
    """Names of lr-like float attributes held by the root's layers (none held by the root itself)."""
    if any(_rate(v) and role_of(k) == "lr" for k, v in (vars(root).items() if hasattr(root, "__dict__") else ())):
        return []
    names: dict[str, None] = {}
    for layer in layers_of(root):
        names.update({k: None for k, v in vars(layer).items() if _rate(v) and role_of(k) == "lr"})
    return list(names)


def set_with_copies(root: Any, name: str, lr: float) -> None:
    """``root.name = lr``, and so every layer's copy of the root's value under that name (``self.lr = lr`` in
    the model's constructor, then ``Layer(..., lr=self.lr)``: each layer steps with its own copy)."""
    before = getattr(root, name, None)
    if _rate(before):
        for layer in layers_of(root):
            if _rate(getattr(layer, name, None)) and getattr(layer, name) == before:
                setattr(layer, name, lr)
    setattr(root, name, lr)


def set_rate(root: Any, name: str, lr: float) -> None:
    """Every layer of ``root`` that holds ``name`` gets ``lr``."""
    for layer in layers_of(root):
        if _rate(getattr(layer, name, None)):
            setattr(layer, name, lr)
