"""A notebook's cells saved as separate files: each uses functions another file defines, and none imports them.

Course repositories hand in ``init_params.py``, ``forward_prop.py``, ``backprop.py`` and
``model.py``, one function each, copied cell by cell out of a notebook: ``model.py`` calls
``init_params`` and ``forward_prop`` without importing them, as the notebook's cells did.
By its imports such a folder would be a folder of submissions, each file audited alone and
failing on a name it never defines. It is one student's work: one submission, whose files
share one namespace as the notebook's cells did (a sibling's function or ``np`` is found
wherever it is defined), with a note saying the files do not import each other.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from gradcheck.audit import untrusted

#: Fewest files using a sibling's definitions that make a folder cells saved apart.
FEWEST = 2


def _parse(source: str) -> ast.Module | None:
    return untrusted.parse(source)


def defined(tree: ast.Module) -> set[str]:
    """Names a file defines at its top level: functions, classes, assignments, imports."""
    names: set[str] = set()
    for s in tree.body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(s.name)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in s.names}
        elif isinstance(s, ast.Assign):
            names |= {t.id for t in s.targets if isinstance(t, ast.Name)}
    return names


def _called(tree: ast.Module) -> set[str]:
    """Names a file calls as functions (``init_params(dims)``)."""
    return {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _star_imported(tree: ast.Module) -> list[str]:
    """The modules a file imports every name of (``from layers import *``)."""
    return [
        s.module
        for s in tree.body
        if isinstance(s, ast.ImportFrom) and s.module and not s.level and any(a.name == "*" for a in s.names)
    ]


def sibling_uses(files: list[Path], source_of: Callable[[Path], str]) -> dict[str, list[str]]:
    """For each file, the functions it calls that only another file of the folder defines."""
    trees = {f: _parse(source_of(f)) for f in files}
    defs = {f: defined(t) for f, t in trees.items() if t is not None}
    by_name: dict[str, str] = {}
    for f, names in defs.items():
        for n in names:
            by_name.setdefault(n, f.name)
    stems = {f.stem: names for f, names in defs.items()}
    uses = {}
    for f, t in trees.items():
        if t is None:
            continue
        known = defs[f].union(*(stems.get(m, set()) for m in _star_imported(t)))  # from layers import *
        found = sorted(n for n in _called(t) - known if by_name.get(n, f.name) != f.name)
        if found:
            uses[f.name] = found
    return uses


def _defines_twice(files: list[Path], source_of: Callable[[Path], str]) -> bool:
    """Whether two files define a function or class of the same name: separate submissions, not one's cells."""
    seen: set[str] = set()
    for f in files:
        tree = _parse(source_of(f))
        names = {
            s.name
            for s in (tree.body if tree else [])
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        if names & seen:
            return True
        seen |= names
    return False


def saved_apart(files: list[Path], source_of: Callable[[Path], str]) -> bool:
    """Whether at least two files call functions only their siblings define, and no name is defined twice.

    Students' files handed in side by side define the same functions (``sigmoid``,
    ``backward``); a notebook's cells define each function once.
    """
    return len(sibling_uses(files, source_of)) >= FEWEST and not _defines_twice(files, source_of)


def note(uses: dict[str, list[str]]) -> str:
    """The loading note of a folder of cells saved apart."""
    shown = "; ".join(f"{f} calls {', '.join(ns[:3])}" for f, ns in list(uses.items())[:3])
    return (
        f"the files call each other's functions without importing them ({shown}): read as one notebook's cells "
        "saved apart, sharing one namespace; run as handed in, each file alone would fail on those names"
    )
