"""A penalty a constructor keeps as an attribute (``self.reg = 0.01``, ``self.l2_lambda = l2_lambda``), switched off.

``loss(X, y)`` adding ``0.5 * self.reg * sum(W**2) / N`` to its value and ``self.reg * W / N`` to its
gradient is right, and no reference network has that penalty: judged as written, the penalty's part of
the gradient reads as a ``regularization_mismatch`` (a penalty of 0.01 at weights of 0.01 moves the loss
value by far less than the tolerance its convention is matched to). As for a penalty argument with a
nonzero default (:mod:`~gradcheck.audit.adapters.penaltyoff`), the attribute is set to 0 on each fresh
network for the check against the reference. Only attributes the forward or backward read (``self.reg``)
and that hold a nonzero number are touched. Its part of the gradient is then judged one of two ways, so
that no term vanishing at 0 (``dW * (1 - 200 * self.reg)``) goes unjudged:

* a backward returning its loss with the gradient is called again at the attribute's own strength and the
  penalty measured apart (:mod:`~gradcheck.audit.adapters.penaltyprobe`);
* elsewhere (stored gradients, an in-place update) the attribute is recorded as a knob turned off
  (:mod:`~gradcheck.audit.adapters.knobs`), and the grader checks the submission again with it as the code
  sets it, against the student's own loss (:mod:`gradcheck.audit.asdefaults`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from gradcheck.audit.adapters import knobs
from gradcheck.audit.adapters.names import PENALTY_NAME
from gradcheck.audit.adapters.sources import source_tree

__all__ = ["check_again", "made_off", "note", "self_reads", "switched_off"]


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


def made_off(fresh: Callable[[], Any], found: dict[str, float]) -> Callable[[], Any]:
    """``fresh`` whose networks have the attributes ``found`` at 0, as the first one checked had: the student's own
    loss evaluated again at other weights is the loss of the network checked (a caller measuring the penalty sets
    it again on the network it gets)."""

    def fresh_off():
        root = fresh()
        held = vars(root) if hasattr(root, "__dict__") and isinstance(vars(root), dict) else {}
        for name in found:
            if _strength(held.get(name)):
                held[name] = 0.0
        return root

    return fresh_off


def note(entry: str, found: dict[str, float]) -> str:
    """What was switched off, said once."""
    shown = ", ".join(f"self.{k} = {v:g}" for k, v in found.items())
    return (
        f"{entry}: the penalty {shown} was set to 0 for the check against the reference network (no reference "
        "network has it); its part of the gradient is checked apart, at its own strength"
    )


def check_again(found: dict[str, float]) -> None:
    """Record the attributes no probe measured as knobs turned off: the grader checks again with them kept."""
    for name, value in found.items():
        knobs.turned_off(f"self.{name}", value)
