"""Networks trained by top-level loops the script reader does not take apart, named in the error.

A notebook may hold no function or class of a network at all: its weights are arrays made
at top level and a ``for`` loop over the samples updates them (``output_weights =
output_weights + dw + alpha * momentum``). When the script reader (an update ``W -= lr *
dW`` per weight, :mod:`gradcheck.audit.adapters.shapes.script`) found nothing, this finds
those weights and the loop, so the error says where the network is, what in its update
the reader does not model, and which data the loop needed but loading could not make.
"""

from __future__ import annotations

import ast

from gradcheck.audit.astnames import RANDOM_MAKERS, makes_array, updated_from_itself


def _terms(stmt: ast.stmt) -> int:
    """How many terms are added to the weight (``W + dw + a * m`` has two)."""
    value = stmt.value
    count = 0
    while isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub)):
        count += 1
        value = value.left
    return count


def loop_trained(stmts: list[ast.stmt]) -> tuple[list[str], int, bool] | None:
    """(weights, line of the loop, whether an update adds more than one term) for the first top-level loop
    that updates arrays made at top level by a random call; None when there is none."""
    made = {
        t.id
        for s in stmts
        if isinstance(s, ast.Assign) and makes_array(s.value, RANDOM_MAKERS)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    for s in stmts:
        if not isinstance(s, (ast.For, ast.While)):
            continue
        found, extra = [], False
        for node in ast.walk(s):
            name = updated_from_itself(node, made) if isinstance(node, ast.stmt) else None
            if name is not None and name not in found:
                found.append(name)
                extra = extra or _terms(node) > 1
        if found:
            return found, s.lineno, extra
    return None


#: Errors of a statement that failed for a missing library or data file while loading.
MISSING_DATA = frozenset({"ModuleNotFoundError", "FileNotFoundError"})


def message(found: tuple[list[str], int, bool], locate, broken: list[str]) -> str:
    """The error for a network trained only by top-level code the reader cannot take apart."""
    names, line, extra = found
    why = (
        "its update adds more than one term (a momentum or decay term beside the step), which is not plain "
        "gradient descent: no gradient can be read from it"
        if extra
        else "its update is not written W -= lr * dW with a gradient the script names"
    )
    data = f"; the loop's data could not be made here: {'; '.join(broken[:2])}" if broken else ""
    return (
        f"no function or class holds the network: top-level code trains {', '.join(names)} in the loop at "
        f"{locate(line)}, and {why}{data}. A plain-gradient-descent script is read with [entry] run_toplevel "
        "= true and [network] params / grads naming the weights and their gradients"
    )
