"""Load an untrusted student submission (``.py`` or ``.ipynb``) without running its script.

Runs inside the sandboxed audit worker, never in the grader. By default only the
*definitions* of the submission are executed, statement by statement:

* imports (``import numpy as np``; an import that fails is skipped with a note),
* ``def`` / ``class`` statements (with their decorators),
* simple assignments whose right-hand side is a constant, a small literal, a
  lambda, or arithmetic over names and calls of ``numpy``/``math``/a few builtins
  (so ``W1 = np.random.randn(2, 4) * 0.01`` and ``lr = 0.1`` exist),
* ``np.random.seed(...)`` / ``random.seed(...)`` calls and docstrings.

Everything else (training loops, prints, plotting, ``if __name__ == "__main__":``)
is skipped and the skipped line ranges are reported in the notes. With
``run_toplevel=True`` every statement runs. A statement that raises while loading
is skipped with a note, never fatal; only a syntax error in a ``.py`` file is.

Modules imported by the submission from its own directory (``from model import
MLP``) are loaded with the same filtering. If matplotlib is not installed, a
no-op stand-in is put in ``sys.modules`` so ``import matplotlib.pyplot as plt``
and ``plt.plot(...)`` are harmless.

Its rooms: :mod:`gradcheck.audit.statements` (which statements run, and running them),
:mod:`gradcheck.audit.notebooks` (a notebook's code cells as one script),
:mod:`gradcheck.audit.auditerrors` (what loading raises or notes); this module holds the
loaded submission, the import hook for the submission's own modules, and the entry point.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import linecache
import os
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from gradcheck.audit.auditerrors import AuditError, LoadFailure, StudentCodeError
from gradcheck.audit.notebooks import combine_cells, read_notebook
from gradcheck.audit.statements import (  # noqa: F401 - loading's statement filter, used through this module
    MAX_LITERAL_ELEMENTS,
    SAFE_BUILTINS,
    SAFE_CALL_ROOTS,
    _is_safe_expr,
    _range_text,
    compile_statement,
    exec_statements,
    generator_names,
    is_definition,
    parse_python,
    run_statement,
)
from gradcheck.audit.submissions import SKIP_DIRS

__all__ = [
    "AuditError",
    "StudentCodeError",
    "LoadedSubmission",
    "LoadFailure",
    "load_submission",
    "install_fake_matplotlib",
    "install_fake_sklearn",
    "train_test_split",
]

MODULE_NAME = "__main__"  # what a student's own script is called: nothing says "graded"


@dataclass
class LoadedSubmission:
    """A loaded submission: its module namespace and what happened while loading."""

    module: types.ModuleType
    path: Path
    kind: str  # "py" | "ipynb" | "folder"
    notes: list[str] = field(default_factory=list)
    class_nodes: dict[str, ast.ClassDef] = field(default_factory=dict)
    #: notebook only: line in the combined source -> (cell index, line in cell)
    line_map: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: a script only: line after its own -> (file, line) of a training function it imports, written into it
    #: (:mod:`gradcheck.audit.importedtrainers`)
    borrowed: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: the top-level statements of the entry file (run or not)
    stmts: list[ast.stmt] = field(default_factory=list)
    #: a folder submission: the folder (its modules import each other)
    folder: Path | None = None

    @property
    def root(self) -> Path:
        """The directory whose files are the student's own (the folder, or the file's directory)."""
        return self.folder if self.folder is not None else self.path.parent

    def owns(self, filename: str) -> bool:
        """Whether a traceback frame's file is part of the submission."""
        if self.folder is None:
            return filename == str(self.path)
        return filename.startswith(str(self.folder) + os.sep)

    def where(self, filename: str, lineno: int) -> str:
        """``line 7``, ``cell 3, line 2``, or ``model.py line 7`` in a folder submission."""
        if self.folder is None:
            return self.locate(lineno)
        return f"{Path(filename).relative_to(self.folder)} line {lineno}"

    def locate(self, lineno: int) -> str:
        """Human description of a line of the submission ("line 7" or "cell 3, line 2")."""
        if self.kind == "ipynb" and lineno in self.line_map:
            cell, line = self.line_map[lineno]
            return f"cell {cell}, line {line}"
        if lineno in self.borrowed:
            name, line = self.borrowed[lineno]
            return f"{name} line {line}"
        return f"line {lineno}"

    def annotate_traceback(self, text: str) -> str:
        """Append ``(cell N, line M)`` to traceback lines that point into a notebook."""
        if self.kind != "ipynb":
            return text
        pat = re.compile(r'(File "' + re.escape(str(self.path)) + r'", line )(\d+)')
        return pat.sub(lambda m: f"{m.group(0)} ({self.locate(int(m.group(2)))})", text)


from gradcheck.audit.standins import (  # noqa: E402,F401 - the stand-ins are part of loading
    SKLEARN_NOTE,
    _FakeModule,
    _NoOp,
    install_fake_matplotlib,
    install_fake_sklearn,
    install_stand_ins,
    train_test_split,
)


# --------------------------------------------------------------------------- sibling modules
class _FilteredLoader(importlib.abc.Loader):
    def __init__(self, path: str, run_toplevel: bool, notes: list[str]):
        self.path, self.run_toplevel, self.notes = path, run_toplevel, notes

    def create_module(self, spec):  # default module creation
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        source = Path(self.path).read_text(encoding="utf-8-sig", errors="replace")
        tree = ast.parse(source, self.path)
        sub: list[str] = []
        exec_statements(
            tree.body, module.__dict__, self.path, self.run_toplevel, lambda n: f"{Path(self.path).name} line {n}", sub
        )
        self.notes.extend(within(n, module.__name__) for n in sub)


class _AliasLoader(importlib.abc.Loader):
    """A module already loaded, imported under another name (``layer`` for ``Layer``): the same module object,
    whose own ``__spec__`` and ``__loader__`` are kept."""

    def __init__(self, module: types.ModuleType):
        self.module = module
        self.kept = {k: module.__dict__.get(k) for k in ("__spec__", "__loader__", "__name__", "__package__")}

    def create_module(self, spec):
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__.update(self.kept)


class _SubmissionFinder(importlib.abc.MetaPathFinder):
    """Load modules that live in the submission's directory with the same filtering."""

    def __init__(self, root: Path, run_toplevel: bool, notes: list[str]):
        self.root, self.run_toplevel, self.notes = str(root), run_toplevel, notes
        self._holders: dict[str, Path | None] = {}  # module name -> the one subfolder holding it
        self._listing: list[str] | None = None  # the root's .py files, for an import matching one up to case

    def find_spec(self, fullname, path=None, target=None):
        search = [self.root] if path is None else list(path)
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is None and path is None and "." not in fullname:
            cased = self._up_to_case(fullname)
            if cased is not None:
                return cased
            # ``sys.path.append(os.getcwd() + "/src")`` then ``from network import Network``: a project's
            # run-time path hack, which loading definitions only never runs; the one folder holding it
            spec = self._in_one_subfolder(fullname)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        if not os.path.abspath(spec.origin).startswith(self.root + os.sep):
            return None
        spec.loader = _FilteredLoader(spec.origin, self.run_toplevel, self.notes)
        return spec

    def _up_to_case(self, name: str):
        """``import layer`` beside ``Layer.py`` only (written on a case-insensitive file system, where it worked):
        the module ``Layer``, under both names, with a note. None when no file, or more than one, so matches."""
        if self._listing is None:
            try:
                self._listing = [e for e in os.listdir(self.root) if e.endswith(".py")]
            except OSError:
                self._listing = []
        found = [e for e in self._listing if e.lower() == f"{name}.py".lower() and e != f"{name}.py"]
        real = found[0][:-3] if len(found) == 1 else ""
        if not real.isidentifier() or not os.path.isfile(os.path.join(self.root, found[0])):
            return None
        if any(  # a module installed under that name (``import numpy`` beside a student's ``Numpy.py``) is that one
            f.find_spec(name, None) is not None
            for f in sys.meta_path
            if not isinstance(f, _SubmissionFinder) and hasattr(f, "find_spec")
        ):
            return None
        module = importlib.import_module(real)  # (through this finder: loaded with the same filtering)
        origin = getattr(module, "__file__", None) or ""
        if not os.path.abspath(origin).startswith(self.root + os.sep):
            return None
        self.notes.append(
            f"import {name}: no file {name}.py; it matched {found[0]} only up to letter case (as on a "
            f"case-insensitive file system, where it was written): {found[0]} loaded for it"
        )
        return importlib.util.spec_from_loader(name, _AliasLoader(module))

    def _in_one_subfolder(self, name: str):
        """The spec of ``name``.py when exactly one folder of the submission (not the root) holds it.

        The tree is searched once per name (every import the root does not hold comes here, numpy's
        included), and only the path inside the submission is filtered: a submission kept under a
        dot-folder or a folder named ``env`` is still searched.
        """
        if name not in self._holders:
            root = Path(self.root)
            found = [
                f.parent
                for f in root.rglob(f"{name}.py")
                if f.parent != root and not any(p in SKIP_DIRS or p.startswith(".") for p in f.relative_to(root).parts)
            ]
            self._holders[name] = found[0] if len(found) == 1 else None
        folder = self._holders[name]
        return importlib.machinery.PathFinder.find_spec(name, [str(folder)]) if folder is not None else None


def within(note: str, prefix: str) -> str:
    """A note of a module loaded on the way, as its importer shows it (``prefix: note``), keeping its facts."""
    return note.within(prefix) if isinstance(note, LoadFailure) else f"{prefix}: {note}"


def _cache_source(path: Path, combined: str) -> None:
    """Make ``inspect.getsource`` read a notebook's functions from its combined code, not its JSON.

    The entry carries the file's own size and mtime, so ``linecache.checkcache``
    keeps it for as long as the notebook is unchanged.
    """
    st = path.stat()
    linecache.cache[str(path)] = (st.st_size, st.st_mtime, [line + "\n" for line in combined.split("\n")], str(path))


# --------------------------------------------------------------------------- entry point
def load_submission(path: str | os.PathLike, run_toplevel: bool = False) -> LoadedSubmission:
    """Load a ``.py`` or ``.ipynb`` submission as module ``__main__``.

    Parameters
    ----------
    path
        The submission file.
    run_toplevel
        Execute every top-level statement instead of definitions only.

    Returns
    -------
    LoadedSubmission
        ``module`` (the namespace), ``notes`` (what was skipped or failed),
        ``class_nodes`` (ClassDef ASTs by name) and, for notebooks, ``line_map``.

    Raises
    ------
    AuditError
        The file is missing, unreadable, or a ``.py`` file has a syntax error.
    """
    p = Path(path).resolve()
    if not p.is_file():
        raise AuditError(f"submission file not found: {path}", where="loading", type_="FileNotFoundError")
    notes: list[str] = []
    text = p.read_text(encoding="utf-8-sig", errors="replace")
    notes.extend(install_stand_ins(text))
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = str(p)
    sys.modules[MODULE_NAME] = module
    loaded = LoadedSubmission(module=module, path=p, kind="ipynb" if p.suffix == ".ipynb" else "py", notes=notes)
    if loaded.kind == "ipynb":
        sources, reader = read_notebook(p, notes)
        notes.append(f"notebook read with {reader}")
        stmts, loaded.line_map, combined = combine_cells(sources, notes)
        _cache_source(p, combined)
    else:
        stmts = parse_python(p.read_text(encoding="utf-8-sig", errors="replace"), p)
    loaded.stmts = stmts
    loaded.class_nodes = {s.name: s for s in stmts if isinstance(s, ast.ClassDef)}
    if str(p.parent) not in sys.path:
        sys.path.insert(0, str(p.parent))
    sys.meta_path.insert(0, _SubmissionFinder(p.parent, run_toplevel, notes))
    if run_toplevel:  # "everything" includes the `if __name__ == "__main__":` block
        notes.append("[entry] run_toplevel is set: all top-level code was run")
        module.__dict__["__name__"] = "__main__"
    try:
        exec_statements(stmts, module.__dict__, str(p), run_toplevel, loaded.locate, notes)
    finally:
        module.__dict__["__name__"] = MODULE_NAME
    return loaded
