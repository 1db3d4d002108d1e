"""Layers a submission assembles only in its tests: ``test_layers.py`` builds ``Dense``, ``Tanh`` and trains them.

A project of layer classes whose only network is built inside a unittest or pytest
function has no model and no training script the audit can replay (test files are
never loaded: they are the student's checks, not the model). When the audit cannot
tell which class is the model, saying where the layers are put together tells the
instructor what the submission lacks, rather than leaving only the list of classes.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gradcheck.audit.projects import TEST_DIRS
from gradcheck.audit.submissions import SKIP_DIRS, SUFFIXES, source_of

#: Test files looked at, at most (a class's whole repository may sit in the folder).
MOST_FILES = 50


def is_test_file(folder: Path, f: Path) -> bool:
    """``test_*.py``, ``*_test.py`` or a file under ``tests/``: what project loading leaves out."""
    rel = f.relative_to(folder).parts
    return f.name.startswith("test_") or f.stem.endswith("_test") or any(p in TEST_DIRS for p in rel[:-1])


def _calls(node: ast.AST) -> tuple[set[str], bool]:
    """Names called in ``node`` and whether some call is a ``.backward(...)``."""
    names, backward = set(), False
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name):
            names.add(n.func.id)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            names.add(n.func.attr)
            backward = backward or n.func.attr == "backward"
    return names, backward


def _tests(tree: ast.Module):
    """(qualified name, node) of the file's test functions and test methods."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for m in node.body:
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name.startswith("test"):
                    yield f"{node.name}.{m.name}", m


def built_in_tests(folder: Path | None, classes: set[str]) -> list[str]:
    """``test_layers.py (TestNet.test_training)`` for each test that builds two or more of ``classes``
    and calls a ``backward``; [] when ``folder`` is None or no test does."""
    if folder is None or not Path(folder).is_dir():
        return []
    folder = Path(folder)
    found = []
    files = [f for f in sorted(folder.rglob("*")) if f.suffix in SUFFIXES and f.is_file() and not f.is_symlink()]
    files = [f for f in files if not set(f.relative_to(folder).parts) & SKIP_DIRS and is_test_file(folder, f)]
    for f in files[:MOST_FILES]:
        try:
            tree = ast.parse(source_of(f))
        except (SyntaxError, ValueError):
            continue
        for name, node in _tests(tree):
            called, backward = _calls(node)
            if backward and len(called & classes) >= 2:
                found.append(f"{f.relative_to(folder).as_posix()} ({name})")
    return found
