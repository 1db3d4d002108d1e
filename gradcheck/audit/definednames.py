"""The classes and functions a submission defines at the top level of its files, read (never run) by the worker.

The spec an audit suggests names ``[entry] class`` only for a class the code defines, never for an object its
top-level code makes (:mod:`gradcheck.audit.initspec`). The names are read inside the sandbox: parsing a hostile
file (an expression nested thousands deep) can exhaust the parser, which must not happen in the grader.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gradcheck.audit.projects import project_files
from gradcheck.audit.submissions import source_of


def defined_names(path: Path) -> list[str]:
    """The top-level classes and functions of ``path`` (a file, or every file of a project folder), sorted."""
    path = Path(path)
    names: set[str] = set()
    for f in [path] if path.is_file() else project_files(path) if path.is_dir() else []:
        try:
            tree = ast.parse(source_of(f))
        except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
            continue
        names |= {s.name for s in tree.body if isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
    return sorted(names)
