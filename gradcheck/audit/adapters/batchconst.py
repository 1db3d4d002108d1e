"""A batch size the code hard-codes: ``BATCH_SIZE = 32`` at module level, read inside its functions.

Code like ``one_hot = np.zeros((BATCH_SIZE, 10))`` only runs on batches of exactly that many
samples. With no data given, the audit's batch is made that size (the gradient check does not
depend on it); a note says which constant set it.
"""

from __future__ import annotations

import ast
import re

from gradcheck.audit.astnames import read_names

#: Module constants that name a batch size.
BATCH_NAME = re.compile(r"^(batch(_?size)?|n_?batch|batch_?n|mini_?batch(_?size)?)$", re.IGNORECASE)
#: The largest hard-coded batch the audit makes (a bigger batch only costs time, and is no more telling).
MAX_BATCH = 256
#: The smallest batch a constant makes: on fewer samples a mean over the batch is a sum over it.
MIN_FROM_CONSTANT = 2


def batch_constant(stmts: list[ast.stmt], namespace: dict) -> tuple[str, int] | None:
    """(name, value) of a module-level batch-size constant the submission's functions read, if exactly one."""
    found = []
    for stmt in stmts:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            value = namespace.get(name)
            if BATCH_NAME.match(name) and type(value) is int and 1 <= value <= MAX_BATCH:
                found.append((name, value))
    if len(found) != 1:
        return None
    name = found[0][0]
    bodies = [s for s in stmts if isinstance(s, (ast.FunctionDef, ast.ClassDef))]
    return found[0] if any(name in read_names(b) for b in bodies) else None


def invented_n(loaded, data: dict | None, n: int, notes: list[str]) -> int:
    """The size of the batch to invent: the code's hard-coded batch size, unless ``[data] n`` gives one.

    Never one sample from a constant: on a batch of one, a mean over the batch and a sum over it give the
    same gradient, so ``BATCH_SIZE = 1`` would hide a missing ``1/N``. Only the instructor's ``[data] n``
    makes a batch of one.
    """
    fixed = batch_constant(getattr(loaded, "stmts", None) or [], loaded.module.__dict__)
    if fixed is None or "n" in (data or {}):
        return n
    if fixed[1] < MIN_FROM_CONSTANT:
        notes.append(
            f"the code's functions read its module constant {fixed[0]} = {fixed[1]}, but the batch made has {n} "
            "samples: on one sample a mean over the batch and a sum are the same gradient (set [data] n = 1 to "
            "check the code on one sample all the same)"
        )
        return n
    notes.append(f"the code's functions read its module constant {fixed[0]} = {fixed[1]}: the batch made has that many")
    return fixed[1]
