"""The loss a training method computes inline, read off its own frame: ``cost`` of ``train(X, y, epochs, lr)``.

A class that trains in one method (forward, dropout mask, loss with its L2 term, backward and
update written inline) keeps its network's output and loss local to that method. With the
code's own dropout kept on (the grader's second run, :mod:`gradcheck.audit.asdefaults`), no
reference network has that output (the mask is the code's), and a forward method beside the
training one (``predict_proba``) runs without dropout: neither is the loss the backward
differentiates. That loss is the one the method computes: its value is read where the method
returns, after one epoch of the step run at the weights asked for. It is offered as the
student's own loss, first in line, so that the backward with the mask is judged against it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from gradcheck.audit.adapters import inline, knobs
from gradcheck.audit.adapters.framewatch import watching
from gradcheck.audit.adapters.scalar import scalar
from gradcheck.audit.adapters.sources import source_tree
from gradcheck.audit.loader import AuditError, StudentCodeError

#: The learning rate the step is run with: its loss is computed before the update, which must stay small.
LR = 2.0**-10
#: Names of a dropout rate or mask the training method reads (``self.keep_prob``, ``mask``).
_DROPOUT_WORDS = ("keep_prob", "keep", "dropout", "drop_rate", "drop_prob", "p_drop")
#: Marks the entry, for the grader: the loss was read with the code's own dropout on.
KEPT_DROPOUT = "kept_dropout"


def _names(tree) -> set[str]:
    out = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return out | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def _code(fn: Any):
    return getattr(getattr(fn, "__func__", fn), "__code__", None)


def loss_name(fn: Callable) -> str | None:
    """The local a training method keeps its inline loss in, when it applies dropout; else None."""
    tree, code = source_tree(fn), _code(fn)
    if tree is None or code is None or not (_names(tree) & set(_DROPOUT_WORDS)):
        return None
    found = [f.target for f in inline.in_tree(tree, code.co_filename) if "." not in f.target]
    return found[0] if found else None


def _read(code, name: str, run: Callable[[], Any]) -> float | None:
    """``name``'s value in the frame of ``code`` when it returns, while ``run()`` runs."""
    seen: dict[str, Any] = {}

    def returned(frame, event: str) -> None:
        if event == "return":
            seen["value"] = frame.f_locals.get(name)

    try:
        watching(code, returned, run)
    except (StudentCodeError, AuditError):
        return None

    return scalar(seen.get("value"))


def step_loss(runner, s1) -> tuple[dict, Callable[[Any], float | None]] | None:
    """``(entry, at)``: the loss the training step computes, and ``at(root)`` its value on network ``root``.

    None unless the code's own dropout is kept (the second run) and the entry is a method that applies
    dropout and computes its loss inline.
    """
    t = runner.t
    if not knobs.kept() or t.root_name != "self":
        return None
    bfn = t.get_backward(s1.root)
    name = loss_name(bfn) if bfn is not None else None
    if name is None:
        return None
    code = _code(bfn)

    def at(root: Any) -> float | None:
        return _read(code, name, lambda: runner.step(LR, s1.columns, root=root))

    value = at(t.fresh())
    if value is None:
        return None
    source = f"the loss `{name}` {t.entry()} computes as it trains, with its own dropout"
    return {"source": source, "value": value, "tier": 0, KEPT_DROPOUT: True}, at
