"""The worker's own functions, left as they were by the submission (run by the worker, in the sandbox).

The submission shares the worker's process. Code that replaces the grader's functions there
(``setattr(gradcheck.audit.probes, "_watched_step", lambda *a: None)``, every callable whose
name reads like a watch) switches off the checks that see a numerical gradient, and the
answer would say ``ok``. :func:`snapshot` records, before any student code runs, every
function and class of every gradcheck module loaded; the ``changed()`` it returns names those
no longer the same object, or a module replaced in ``sys.modules``. The worker then answers
with an error instead of a result: no verdict is built on a run whose grader was rewritten.

This sees code that rebinds the grader's names, the common way; it is no wall against code
that reaches the worker's objects through the garbage collector or native code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["snapshot"]


def _ours(name: str) -> bool:
    return name == "gradcheck" or name.startswith("gradcheck.")


def snapshot() -> Callable[[], list[str]]:
    """``changed()``: the gradcheck functions, classes and modules rebound since this call (sorted names)."""
    modules = {name: mod for name, mod in list(sys.modules.items()) if _ours(name) and mod is not None}
    tables = {name: vars(mod) for name, mod in modules.items()}
    held = {(n, attr): v for n, table in tables.items() for attr, v in list(table.items()) if callable(v)}
    missing = object()

    def changed() -> list[str]:
        out = [name for name, mod in modules.items() if sys.modules.get(name) is not mod]
        out += [f"{n}.{attr}" for (n, attr), v in held.items() if tables[n].get(attr, missing) is not v]
        return sorted(out)

    return changed
