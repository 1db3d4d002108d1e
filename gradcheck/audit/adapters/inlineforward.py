"""The forward an updater computes inline: ``logits`` of ``nn_epoch(X, y, W1, W2, lr=0.1, batch=100)``.

A function that runs one epoch of mini-batch SGD on the weights it is given (updated in place,
nothing returned) has no forward beside it: its forward is written inside, before the update
(``Z1 = np.maximum(0, X @ W1)``, ``logits = Z1 @ W2``, ``probs = ...``). Without the network's
output the audit can neither identify the network nor evaluate the module's own loss
(``softmax_loss(Z, y)``) there, so a wrong gradient fits no candidate and is no verdict.

This reads that output. The updater is called with its learning rate at 0 (the update then
leaves the weights as they are, so whatever the function computes, before or after its update,
is at the weights given) on copies of every array argument, and the value of its output-named
local (``probs``, ``y_hat``, ``logits``...) is read where it returns. Only one holding a row per
sample of the whole batch counts: a loop over several mini-batches leaves the last one's.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.adapters.calling import BATCH_KNOBS, signature
from gradcheck.audit.adapters.framewatch import watching
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.sources import source_tree

#: Locals that hold the network's scores (logits), before any softmax or sigmoid. Read as first bound: code
#: often rebinds the name to the probabilities (``Z2 = np.exp(Z2 - m); Z2 /= Z2.sum(...)``).
SCORE_LOCALS = ("logits", "scores", "z2", "Z2", "Z", "z", "o", "out2")
#: Locals that hold the network's output, most telling first, read as they stand at the return (normalised in
#: place, ``probs /= probs.sum(...)``, or rebound, ``probs = probs / s``: the last value is the probabilities).
OUTPUT_LOCALS = (
    "probs",
    "prob",
    "probabilities",
    "softmax",
    "y_hat",
    "yhat",
    "y_pred",
    "output",
    "out",
    "a2",
    "A2",
    "h2",
    "S",
    "s",
)


def _assigned(tree: ast.AST) -> set[str]:
    return {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}


def takes_scores(funcs: dict[str, Callable]) -> bool:
    """Does a loss function of the module take the network's scores (``softmax_loss(Z, y)``, ``loss(logits, y)``)?"""
    for name, fn in funcs.items():
        sig = signature(fn)
        first = next(iter(sig.parameters), None) if sig is not None else None
        if "loss" in name.lower() and first in (*SCORE_LOCALS, "Z", "z"):
            return True
    return False


def inline_forward(updater: Callable, scores: bool = False) -> Callable | None:
    """A forward with ``updater``'s signature returning its inline output (its scores first when ``scores``: the
    module's loss takes them), or None when it takes no learning rate. Without an output-named local, the first
    probabilities any local holds are the output (their log the scores)."""
    sig, tree, code = signature(updater), source_tree(updater), getattr(updater, "__code__", None)
    if sig is None or tree is None or code is None:
        return None
    rates = [p.name for p in sig.parameters.values() if role_of(p.name) == "lr"]
    order = [*SCORE_LOCALS, *OUTPUT_LOCALS] if scores else [*OUTPUT_LOCALS, *SCORE_LOCALS]
    wanted = [n for n in dict.fromkeys(order) if n in _assigned(tree)]
    if not rates:
        return None

    def forward(*args: Any, **kwargs: Any) -> np.ndarray | None:
        bound = sig.bind_partial(*args, **kwargs)
        given = set(bound.arguments)
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            bound.arguments[name] = 0.0 if name in rates else (value.copy() if isinstance(value, np.ndarray) else value)
        rows = _rows(bound.arguments)
        for name in set(bound.arguments) - given:  # ``batch=100`` left at its default: the whole batch, as in the step
            if name.lower() in BATCH_KNOBS and type(bound.arguments[name]) is int and rows is not None:
                bound.arguments[name] = rows
        first, last, probabilities = _bound_values(code, wanted, rows, lambda: updater(*bound.args, **bound.kwargs))
        for name in wanted:
            value = _read(first.get(name), last.get(name), rows, name in SCORE_LOCALS or scores)
            if value is not None:
                return value
        if probabilities is None:
            return None
        return np.log(probabilities) if scores else probabilities

    forward.__signature__ = sig  # type: ignore[attr-defined]
    forward.__name__ = updater.__name__
    forward.__qualname__ = updater.__qualname__
    return forward


def _rows(arguments: dict[str, Any]) -> int | None:
    """The samples in the batch given: the rows of the argument playing the input."""
    for name, value in arguments.items():
        if role_of(name) == "X" and isinstance(value, np.ndarray) and value.ndim == 2:
            return value.shape[0]
    return None


def _read(first: Any, last: Any, rows: int | None, scores: bool) -> np.ndarray | None:
    """The output a local holds: a row per sample, never one-hot targets. Where scores are wanted, probabilities
    (the local's last value, when its rows sum to one) are read as their log, the scores up to a constant per
    sample (``Z2 = np.exp(Z2); Z2 /= Z2.sum(...)``, ``Z = np.exp(h) / ...``); else the first value bound."""
    good = [v for v in (first, last) if isinstance(v, np.ndarray) and v.ndim == 2 and v.shape[0] == rows]
    good = [v for v in good if v.dtype.kind == "f" and not _onehot(v)]
    if not good:
        return None
    if not scores:
        return good[-1]
    probabilities = [v for v in good if _stochastic(v)]
    return np.log(probabilities[-1]) if probabilities else good[0]


def _stochastic(value: np.ndarray) -> bool:
    """Rows of positive numbers summing to one: probabilities."""
    return bool(np.all(value > 0)) and bool(np.allclose(value.sum(axis=1), 1.0, rtol=1e-6, atol=0.0))


def _onehot(value: np.ndarray) -> bool:
    """Targets made one-hot (``I_y``), never a network's output: zeros and a single one per row."""
    return bool(np.all((value == 0) | (value == 1))) and bool(np.all(value.sum(axis=1) == 1))


def _bound_values(
    code, names: list[str], rows: int | None, run: Callable[[], Any]
) -> tuple[dict[str, Any], dict[str, Any], np.ndarray | None]:
    """(the first object each of ``names`` is bound to, its value at the return, a copy of the first probabilities
    any local held) in the frame of ``code`` while ``run()`` runs (its errors propagate). The first object is kept,
    not copied: an edit in place (``logits -= logits.max()``) still shows in it, a rebinding does not.

    The probabilities are for code that names its output otherwise (``P = E / E.sum(axis=1, keepdims=True)``):
    the first value, at any line, of any local that is a row per sample of positive numbers summing to one over
    at least two classes; copied when seen, since such code often turns them into the gradient in place
    (``P[np.arange(n), y] -= 1``)."""
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    found: list[np.ndarray] = []

    def seen(frame, event: str) -> None:
        local = frame.f_locals
        for n in names:
            if n not in first and n in local:
                first[n] = local[n]
        if event == "return":
            last.update({n: local[n] for n in names if n in local})
        if not found and rows is not None:
            found.extend(v.copy() for v in local.values() if _probability_rows(v, rows))

    watching(code, seen, run)
    return first, last, (found[0] if found else None)


def _probability_rows(value: Any, rows: int) -> bool:
    """A float (rows, K >= 2) array whose rows are probabilities."""
    if not (isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == rows and value.shape[1] > 1):
        return False
    return value.dtype.kind == "f" and _stochastic(value)


__all__ = ["OUTPUT_LOCALS", "SCORE_LOCALS", "inline_forward", "takes_scores"]
