"""The model's own one-step training method around its backward: ``update_batch(x, y, lr)``.

A backward may return the gradient summed over the batch while the method the code
trains with divides it by the batch size before the update (``W - lr / m * gW``): the
step the network takes is that of the mean loss. The grader checks that method's step
where the backward alone reads as missing its 1/N (:mod:`gradcheck.audit.stepform`).
"""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.calling import plain_params
from gradcheck.audit.adapters.names import role_of
from gradcheck.audit.adapters.objects import methods
from gradcheck.audit.adapters.selfattrs import self_call, writes
from gradcheck.audit.adapters.sources import source_tree


def _calls_self(node: ast.AST, name: str) -> bool:
    return self_call(node) == [name]


def _in_loop(tree: ast.AST, name: str) -> bool:
    return any(
        isinstance(loop, (ast.For, ast.While)) and any(_calls_self(n, name) for n in ast.walk(loop))
        for loop in ast.walk(tree)
    )


def step_method(cls: type, backward: str | None) -> str | None:
    """The method of ``cls`` that calls ``self.<backward>(...)`` once (in no loop), writes the model's attributes
    and takes a learning rate: one training step around the backward; None when there is none."""
    if not backward:
        return None
    for name in sorted(methods(cls)):
        fn = getattr(cls, name, None)
        tree = source_tree(fn) if name != backward and callable(fn) else None
        if tree is None or not any(role_of(p.name) == "lr" for p in plain_params(fn)):
            continue
        if any(_calls_self(n, backward) for n in ast.walk(tree)) and writes(fn):
            if not _in_loop(tree, backward):
                return name
    return None
