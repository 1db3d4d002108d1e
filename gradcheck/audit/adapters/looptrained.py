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


def _held_in_dicts(stmts: list[ast.stmt]) -> set[str]:
    """Names of top-level dicts whose entries are arrays drawn at random (``weights['W%d' % i] = np.random.randn(...)``,
    in a loop or not, or ``params = {"W1": np.random.randn(...)}``)."""
    held = set()
    for node in (n for s in stmts if not isinstance(s, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(s)):
        if not isinstance(node, ast.Assign) or not makes_array(node.value, RANDOM_MAKERS):
            continue
        for t in node.targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and not _int_index(t):
                held.add(t.value.id)
            elif isinstance(t, ast.Name) and isinstance(node.value, ast.Dict):
                held.add(t.id)
    return held


def _int_index(t: ast.Subscript) -> bool:
    return isinstance(t.slice, ast.Constant) and type(t.slice.value) is int


def _dict_entry_updated(stmt: ast.stmt, dicts: set[str]) -> str | None:
    """``weights['W3']`` of ``weights['W3'] -= ...`` (or ``= weights['W3'] - ...``) for a dict of ``dicts``."""
    target = (
        stmt.target
        if isinstance(stmt, ast.AugAssign)
        else stmt.targets[0]
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        else None
    )
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in dicts):
        return None
    if isinstance(stmt, ast.Assign) and ast.dump(target) not in {ast.dump(n) for n in ast.walk(stmt.value)}:
        return None
    return ast.unparse(target)


def loop_trained(stmts: list[ast.stmt]) -> tuple[list[str], int, bool] | None:
    """(weights, line of the loop, whether an update adds more than one term) for the first top-level loop
    that updates arrays made at top level by a random call (variables, or a dict's entries: ``weights['W1']``);
    None when there is none."""
    made = {
        t.id
        for s in stmts
        if isinstance(s, ast.Assign) and makes_array(s.value, RANDOM_MAKERS)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    dicts = _held_in_dicts(stmts)
    for s in stmts:
        if not isinstance(s, (ast.For, ast.While)):
            continue
        found, extra = [], False
        for node in ast.walk(s):
            if not isinstance(node, ast.stmt):
                continue
            name = updated_from_itself(node, made) or _dict_entry_updated(node, dicts)
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
    data = f"; the loop's data could not be made here: {'; '.join(broken[:2])}" if broken else ""
    if any("[" in n for n in names):
        return (
            f"no function or class holds the network: top-level code trains {', '.join(names)} in the loop at "
            f"{locate(line)}, entries of a dict{data}. The script reader takes a script's weights from module-level "
            "variables or list elements (weights[0]), never from a dict's entries, and no spec setting changes "
            "that: keep each weight in a variable of its own (W1 = np.random.randn(...)), or move the network "
            "into functions or a class"
        )
    why = (
        "its update adds more than one term (a momentum or decay term beside the step), which is not plain "
        "gradient descent: no gradient can be read from it"
        if extra
        else "its update is not written W -= lr * dW with a gradient the script names"
    )
    return (
        f"no function or class holds the network: top-level code trains {', '.join(names)} in the loop at "
        f"{locate(line)}, and {why}{data}. A plain-gradient-descent script is read with [entry] run_toplevel "
        "= true and [network] params / grads naming the weights and their gradients"
    )
