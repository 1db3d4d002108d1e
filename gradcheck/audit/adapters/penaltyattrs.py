"""A penalty a constructor keeps as an attribute (``self.reg = 0.01``, ``self.l2_lambda = l2_lambda``), switched off.

``loss(X, y)`` adding ``0.5 * self.reg * sum(W**2) / N`` to its value and ``self.reg * W / N`` to its
gradient is right, and no reference network has that penalty: judged as written, the penalty's part of
the gradient reads as a ``regularization_mismatch`` (a penalty of 0.01 at weights of 0.01 moves the loss
value by far less than the tolerance its convention is matched to). As for a penalty argument with a
nonzero default (:mod:`~gradcheck.audit.adapters.penaltyoff`), the attribute is set to 0 on each fresh
network for the check against the reference, and the penalty is measured apart at its own strength
(:mod:`~gradcheck.audit.adapters.penaltyprobe`) where the code returns its loss with the gradient.
Only attributes the forward or backward read (``self.reg``) and that hold a nonzero number are touched, and
only for a backward that returns its loss with the gradient, which the probe calls at both strengths: an
in-place update or stored gradients would let any term that vanishes at 0 (``dW * (1 - 200 * self.reg)``) go
unjudged, so there the attribute stays as the code sets it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from gradcheck.audit.adapters.names import PENALTY_NAME
from gradcheck.audit.adapters.sources import source_tree

__all__ = ["note", "self_reads", "switched_off", "unchecked"]


def self_reads(fns: Iterable[Callable | None]) -> set[str]:
    """The ``self.<name>`` attributes the functions' source reads."""
    names: set[str] = set()
    for fn in fns:
        tree = source_tree(fn) if fn is not None else None
        if tree is None:
            continue
        names |= {
            n.attr
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
        }
    return names


def _strength(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value != 0


def switched_off(root: Any, fns: Iterable[Callable | None]) -> dict[str, float]:
    """Set each penalty attribute of ``root`` the functions ``fns`` read to 0; ``{name: its value before}``."""
    held = vars(root) if hasattr(root, "__dict__") and isinstance(vars(root), dict) else {}
    found = {k: float(v) for k, v in held.items() if PENALTY_NAME.match(k) and _strength(v)}
    found = {k: v for k, v in found.items() if k in self_reads(fns)} if found else {}
    for name in found:
        held[name] = 0.0
    return found


def note(entry: str, found: dict[str, float]) -> str:
    """What was switched off, said once."""
    shown = ", ".join(f"self.{k} = {v:g}" for k, v in found.items())
    return (
        f"{entry}: the penalty {shown} was set to 0 for the check against the reference network (no reference "
        "network has it); its part of the gradient is checked apart, at its own strength, where the code returns "
        "its loss with the gradient"
    )


def unchecked(found: dict[str, float]) -> str:
    """What stays unchecked when the code does not return its loss with the gradient (no probe can measure it)."""
    shown = ", ".join(f"self.{k} = {v:g}" for k, v in found.items())
    return (
        f"the penalty's part of the gradient ({shown}) was not checked: the code does not return its loss with its "
        "gradient, so the penalty cannot be measured apart; the data loss's gradient was checked with it at 0"
    )
