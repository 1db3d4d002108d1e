"""A method handed the weights its own object holds: ``feed_forward_pass(self, x, w)`` of a class keeping them in
``self.W`` (and called by its own code as ``self.feed_forward_pass(x, self.W)``).

An argument no role names (``w``) whose name is, up to case, the one attribute of the
object that holds the weights the audit found is given that attribute: the same
object, so weights the grader sets on the object reach the method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters.calling import signature


def held_args(fn: Callable | None, root: Any, params: list, ctx: dict) -> dict[str, Callable[[], Any]]:
    """``{"=w": <maker of root.W>}`` for each argument of ``fn`` named after the attribute holding the weights."""
    if fn is None or root is None:
        return {}
    holders = {p.steps[0][1] for p in params if p.steps and p.steps[0][0] == "attr"}
    sig = signature(fn)
    if sig is None or not holders:
        return {}
    out = {}
    for p in sig.parameters.values():
        if p.default is not p.empty or f"={p.name}" in ctx:
            continue
        same = [h for h in holders if h.lower() == p.name.lower()]
        if len(same) == 1 and hasattr(root, same[0]):
            out[f"={p.name}"] = lambda h=same[0]: getattr(root, h)
    return out
