"""Weights handed around as separate number arguments: ``forward(x1, x2, w1_1, w1_2, ..., b2_1, y)``.

A network written one scalar per connection keeps no weights anywhere: the training
function makes ``w1_1 = 0.11``, ``w1_2 = 0.12`` as locals and passes each to the forward
and the backward, which returns the updated numbers. There are no arrays to perturb and
no object or global that holds the weights, so the error names the arguments instead of
asking for a parameters setting.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from gradcheck.audit.adapters.names import is_param_name

#: A weight named by its layer and index: ``w1_1``, ``b2_1``, ``w13``, ``W2_4``.
INDEXED = re.compile(r"^[wWbB]\d+(_\d+)*$")
#: Fewest such arguments that make a function "one number per connection".
FEWEST = 4
#: Arguments shown in the error.
SHOWN = 4


def _one_per_layer(names: list[str]) -> bool:
    """``w1, b1, w2, b2``: one weight array and one bias per numbered layer, a layer stack passed positionally
    (:mod:`.shapes.positional`), not one number per connection."""
    keys = [(n[0].lower(), n[1:]) for n in names]
    return all("_" not in k and len(k) == 1 for _, k in keys) and len(set(keys)) == len(keys)


def spread_weights(stmts: Iterable[ast.stmt]) -> str | None:
    """The error for top-level functions taking several indexed weight arguments, or None."""
    takers = []
    for s in stmts:
        if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names = [a.arg for a in s.args.args if INDEXED.match(a.arg) and is_param_name(a.arg)]
        if len(names) >= FEWEST and not _one_per_layer(names):
            takers.append((s.name, names))
    if not takers:
        return None
    name, names = max(takers, key=lambda t: len(t[1]))
    shown = ", ".join(names[:SHOWN]) + (f", ... ({len(names)} in all)" if len(names) > SHOWN else "")
    return (
        f"{' and '.join(n for n, _ in takers[:3])} take each weight as its own number argument ({name}: {shown}): "
        "a network written one number per connection, whose weights no object or global holds. The audit "
        "perturbs weight arrays; weights passed as separate numbers are not supported, and no spec setting "
        "changes that"
    )
