"""A training function a script imports from a sibling module: ``from nn import *`` then ``build_model(X, y, 3)``.

A project written after the WildML tutorial keeps its training function in one module
(``nn.py``: ``def build_model(X, y, nn_hdim, num_passes=20000)``, the weights its locals,
trained inline) and runs it from another (``plot.py``: ``from nn import *``, the data made
there, ``model = build_model(X, y, nn_hdim)`` in a loop over hidden widths). Neither file
alone is a network the audit can drive: the module has no data, the script no training.

So, reading source only (nothing is executed here), each function the script calls at its
top level and imports from a sibling ``.py`` file (by name, or through ``*`` from a module
without ``__all__``), and that makes its weights and updates them in a loop, is written
into the script right after that import, as the module defines it: the script then holds
its own training function, which :mod:`gradcheck.audit.mainbody` runs as the script's body.
Its lines are numbered after the script's own and shown as the module's (``nn.py line 80``).
"""

from __future__ import annotations

import ast
from pathlib import Path

from gradcheck.audit.astnames import RANDOM_MAKERS, called_name, makes_array, updated_from_itself

#: Calls that make a weight array: a trainer makes its own weights with one of these (or an initialiser named for
#: its scheme, ``init.xavier(...)``, ``init.he(...)``).
_MAKERS = (*RANDOM_MAKERS, "xavier", "he")


def _top_calls(stmts: list[ast.stmt]) -> set[str]:
    """Names of plain functions the module's top-level code calls (inside loops and ``if`` blocks too)."""
    out = set()
    for s in stmts:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        out |= {called_name(n) for n in ast.walk(s) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return out - {None}


def _exports_all(tree: ast.Module) -> bool:
    """Does the module define ``__all__`` (a star import then gives only what it lists)?"""
    for s in tree.body:
        targets = s.targets if isinstance(s, ast.Assign) else [getattr(s, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    return False


def _imported(stmt: ast.stmt, wanted: set[str], folder: Path) -> tuple[Path, list[str], ast.Module] | None:
    """(the sibling file, the wanted functions it gives, its parsed source) for ``from sibling import ...``."""
    if not isinstance(stmt, ast.ImportFrom) or stmt.level or not stmt.module or "." in stmt.module:
        return None
    path = folder / f"{stmt.module}.py"
    if not path.is_file():
        return None
    try:
        tree = ast.parse(path.read_text(encoding="utf-8-sig", errors="replace"), filename=str(path))
    except (SyntaxError, ValueError):
        return None  # the import fails when the script runs, and says so there
    defined = {s.name for s in tree.body if isinstance(s, ast.FunctionDef) and _trains(s)}
    star = any(a.name == "*" for a in stmt.names)
    if star and _exports_all(tree):
        return None
    given = defined if star else {a.name for a in stmt.names if a.asname is None}
    names = sorted(given & defined & wanted)
    return (path, names, tree) if names else None


def _trains(fn: ast.FunctionDef) -> bool:
    """Does ``fn`` make a weight array (``w1 = np.random.randn(...)``) and update it from itself in a loop
    (``w1 = w1 + dw1 * (-lr)``, ``w1 -= lr * dw1``)? Only such a function is written into the script."""
    made = {
        t.id
        for n in ast.walk(fn)
        if isinstance(n, ast.Assign) and makes_array(n.value, _MAKERS)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    loops = (n for n in ast.walk(fn) if isinstance(n, (ast.For, ast.While)))
    return any(updated_from_itself(n, made) for loop in loops for n in ast.walk(loop))


def _shifted(fn: ast.FunctionDef, offset: int) -> ast.FunctionDef:
    """``fn`` with every line number moved ``offset`` lines on."""
    for n in ast.walk(fn):
        for attr in ("lineno", "end_lineno"):
            if getattr(n, attr, None) is not None:
                setattr(n, attr, getattr(n, attr) + offset)
    return fn


def with_imported_trainers(
    stmts: list[ast.stmt], script: Path, lines: list[str], notes: list[str]
) -> tuple[list[ast.stmt], dict[int, tuple[str, int]]]:
    """(``stmts`` with the functions it calls from sibling modules defined after their import, the line map of
    what was written in: combined line -> (file name, its own line)). ``lines`` gains the modules' lines."""
    own = {s.name for s in stmts if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    wanted = _top_calls(stmts) - own
    if not wanted:
        return stmts, {}
    out: list[ast.stmt] = []
    borrowed: dict[int, tuple[str, int]] = {}
    for s in stmts:
        out.append(s)
        found = _imported(s, wanted, script.parent)
        if found is None:
            continue
        path, names, tree = found
        offset = len(lines)
        source = path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
        lines.extend(source)
        borrowed.update({offset + i + 1: (path.name, i + 1) for i in range(len(source))})
        out += [_shifted(f, offset) for f in tree.body if isinstance(f, ast.FunctionDef) and f.name in names]
        wanted -= set(names)
        notes.append(
            f"{', '.join(n + '()' for n in names)}: imported from {path.name}, read from its source as part of "
            f"{script.name} (the script calls {'them' if len(names) > 1 else 'it'})"
        )
    return out, borrowed


__all__ = ["with_imported_trainers"]
