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
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import json
import linecache
import os
import re
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

from gradcheck.audit import frameworks
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
#: Literal containers longer than this are not "small literals" (skipped).
MAX_LITERAL_ELEMENTS = 100_000
#: Call targets allowed on the right-hand side of a kept top-level assignment.
SAFE_CALL_ROOTS = {"np", "numpy", "math", "random"}
SAFE_BUILTINS = {
    "float",
    "int",
    "bool",
    "str",
    "range",
    "list",
    "tuple",
    "dict",
    "set",
    "len",
    "abs",
    "min",
    "max",
    "sum",
    "round",
    "zip",
    "enumerate",
    "sorted",
    "pow",
}


class AuditError(Exception):
    """The audit cannot proceed; ``message`` says what to set in the spec."""

    def __init__(self, message: str, where: str = "audit", type_: str = "AuditError"):
        super().__init__(message)
        self.message = message
        self.where = where
        self.type = type_
        self.traceback = ""


class StudentCodeError(Exception):
    """Student code raised ``original`` while the worker ran ``where``."""

    def __init__(self, where: str, original: BaseException, tb: str = ""):
        super().__init__(f"{type(original).__name__}: {original}")
        self.where = where
        self.original = original
        self.traceback = tb


class LoadFailure(str):
    """A loading note that keeps its facts: a statement (or file) raised while loading and was skipped.

    The note reads ``line 7: statement raised NameError: name 'np' is not defined while loading; skipped``
    (or ``model.py: SyntaxError: ... while loading; skipped`` for a file of a folder left out) and is
    that string wherever notes are shown; code that needs the facts reads ``where``, ``error``
    (the exception's type name), ``message`` and ``what`` (the note's words before "while loading").
    """

    def __new__(cls, where: str, error: str, message: str, statement: bool = True, during: str = "loading"):
        """The note of ``error: message`` at ``where`` (a statement's line, or a file left out) ``during`` what."""
        what = f"{where}: statement raised {error}: {message}" if statement else f"{where}: {error}: {message}"
        note = super().__new__(cls, f"{what} while {during}; skipped")
        note.where, note.error, note.message, note.statement, note.what = where, error, message, statement, what
        note.during = during
        return note

    def __getnewargs__(self):  # copies and pickles rebuild the facts, not only the text
        return self.where, self.error, self.message, self.statement, self.during

    def within(self, prefix: str) -> LoadFailure:
        """The same failure as seen from the module that imported it (``layer: layer.py line 3: ...``)."""
        return LoadFailure(f"{prefix}: {self.where}", self.error, self.message, self.statement, self.during)

    @classmethod
    def of(cls, where: str, exc: BaseException, statement: bool = True, during: str = "loading") -> LoadFailure:
        """The note for ``exc`` raised at ``where`` (its message cut to 200 characters)."""
        return cls(where, type(exc).__name__, str(exc)[:200], statement, during)


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
        return f"line {lineno}"

    def annotate_traceback(self, text: str) -> str:
        """Append ``(cell N, line M)`` to traceback lines that point into a notebook."""
        if self.kind != "ipynb":
            return text
        pat = re.compile(r'(File "' + re.escape(str(self.path)) + r'", line )(\d+)')
        return pat.sub(lambda m: f"{m.group(0)} ({self.locate(int(m.group(2)))})", text)


from gradcheck.audit import dataslice, mainblock  # noqa: E402
from gradcheck.audit.standins import (  # noqa: E402,F401 - the stand-ins are part of loading
    SKLEARN_NOTE,
    _FakeModule,
    _NoOp,
    install_fake_matplotlib,
    install_fake_sklearn,
    install_stand_ins,
    train_test_split,
)


# --------------------------------------------------------------------------- statement filter
def parse_python(source: str, path: Path) -> list[ast.stmt]:
    """The statements of a .py submission; a syntax error becomes an AuditError with its line."""
    try:
        return ast.parse(source, str(path)).body
    except SyntaxError as exc:
        err = AuditError(
            f"syntax error at line {exc.lineno}: {exc.msg}"
            + (f": {exc.text.strip()}" if exc.text else "")
            + frameworks.python2_hint(exc.msg or ""),
            where=f"loading (line {exc.lineno})",
            type_="SyntaxError",
        )
        err.traceback = "".join(traceback.format_exception_only(type(exc), exc))
        raise err from None


def _is_safe_call_func(func: ast.expr, rngs: frozenset[str] = frozenset()) -> bool:
    if isinstance(func, ast.Name):
        return func.id in SAFE_BUILTINS
    while isinstance(func, ast.Attribute):
        func = func.value
        if isinstance(func, ast.Call):  # a method of a safe call's result: rng.normal(size=3).astype(np.float32)
            return _is_safe_expr(func, rngs=rngs)
    return isinstance(func, ast.Name) and (func.id in SAFE_CALL_ROOTS or func.id in rngs)


#: numpy's random generators: ``rng = np.random.default_rng(0)`` then ``W = rng.normal(...)`` makes weights.
_GENERATORS = ("default_rng", "RandomState", "Generator")


def generator_names(stmts: list[ast.stmt]) -> frozenset[str]:
    """Names a module binds to a numpy random generator at top level (their methods only draw numbers)."""
    names = set()
    for stmt in stmts:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        v = stmt.value
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in _GENERATORS:
            if _is_safe_expr(v):
                names.add(stmt.targets[0].id)
    return frozenset(names)


def _is_safe_expr(node: ast.expr, depth: int = 0, rngs: frozenset[str] = frozenset()) -> bool:
    """Cheap, side-effect free expressions: literals, names, arithmetic, numpy calls (``rngs``: generators)."""
    if depth > 40:
        return False
    rec = lambda n: _is_safe_expr(n, depth + 1, rngs)  # noqa: E731
    if isinstance(node, (ast.Constant, ast.Name, ast.Lambda)):
        return True
    if isinstance(node, ast.Attribute):
        return rec(node.value)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts) <= MAX_LITERAL_ELEMENTS and all(rec(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys) <= MAX_LITERAL_ELEMENTS and all(
            (k is None or rec(k)) and rec(v) for k, v in zip(node.keys, node.values)
        )
    if isinstance(node, ast.BinOp):
        return rec(node.left) and rec(node.right)
    if isinstance(node, ast.UnaryOp):
        return rec(node.operand)
    if isinstance(node, ast.Compare):
        return rec(node.left) and all(rec(c) for c in node.comparators)
    if isinstance(node, ast.BoolOp):
        return all(rec(v) for v in node.values)
    if isinstance(node, ast.Subscript):
        return rec(node.value) and rec(node.slice)
    if isinstance(node, ast.Slice):
        return all(p is None or rec(p) for p in (node.lower, node.upper, node.step))
    if isinstance(node, ast.Starred):
        return rec(node.value)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):  # weights = [np.random.randn(a, b) for a, b in zip(...)]
        return rec(node.elt) and all(_safe_generator(g, rec) for g in node.generators)
    if isinstance(node, ast.Call):
        return (
            _is_safe_call_func(node.func, rngs)
            and all(rec(a) for a in node.args)
            and all(rec(k.value) for k in node.keywords)
        )
    return False


def _safe_generator(g: ast.comprehension, rec) -> bool:
    """``for a, b in zip(sizes[:-1], sizes[1:]) if a``: names bound, over a safe iterable, safe filters."""
    return not g.is_async and _is_simple_target(g.target) and rec(g.iter) and all(rec(c) for c in g.ifs)


def _is_simple_target(t: ast.expr) -> bool:
    if isinstance(t, ast.Name):
        return True
    if isinstance(t, (ast.Tuple, ast.List)):
        return all(_is_simple_target(e) for e in t.elts)
    return False


def is_definition(stmt: ast.stmt, rngs: frozenset[str] = frozenset()) -> bool:
    """Whether a top-level statement is kept when only definitions are loaded (``rngs``: generator names)."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)):
        return True
    if isinstance(stmt, ast.Assign):
        return all(_is_simple_target(t) for t in stmt.targets) and _is_safe_expr(stmt.value, rngs=rngs)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and (stmt.value is None or _is_safe_expr(stmt.value, rngs=rngs))
    if isinstance(stmt, ast.Expr):
        v = stmt.value
        if isinstance(v, ast.Constant):
            return True  # docstring
        return (
            isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "seed" and _is_safe_expr(v)
        )
    if isinstance(stmt, ast.Try):  # try: import x / except ImportError: ...
        body = stmt.body + [s for h in stmt.handlers for s in h.body] + stmt.orelse
        return all(is_definition(s, rngs) for s in body)
    return False


# --------------------------------------------------------------------------- execution
def _range_text(ranges: list[tuple[int, int]], locate) -> str:
    parts = []
    for a, b in ranges:
        la, lb = locate(a), locate(b)
        if a == b:
            parts.append(la)
        elif la.startswith("cell") and lb.startswith("cell") and la.split(",")[0] == lb.split(",")[0]:
            parts.append(f"{la.split(',')[0]} (lines {la.split('line ')[1]}-{lb.split('line ')[1]})")
        elif la.startswith("line"):
            parts.append(f"lines {a}-{b}")
        else:
            parts.append(f"{la} to {lb}")
    return ", ".join(parts)


def exec_statements(
    stmts: list[ast.stmt], namespace: dict, filename: str, run_toplevel: bool, locate, notes: list[str]
) -> None:
    """Execute the kept statements one at a time; record skipped and failing ones.

    A definition that fails for a name only the skipped code binds (weights sized from
    the data) gets that code's data preparation run first (:mod:`gradcheck.audit.dataslice`).
    """
    rngs = generator_names(stmts + mainblock.guarded(stmts))
    if not run_toplevel:
        stmts, lifted = mainblock.unguard(stmts, lambda s: is_definition(s, rngs))
        if lifted:
            notes.append(f"{mainblock.NOTE}: {_range_text(lifted, locate)}")
    skipped = [s for s in stmts if not run_toplevel and not is_definition(s, rngs)]
    failures = {}
    for stmt in stmts:
        if stmt not in skipped:
            failures.update(_run_one(stmt, namespace, filename, locate))
    pulled = dataslice.backward_slice(stmts, skipped, [s for s, (e, _) in failures.items() if isinstance(e, NameError)])
    if pulled:
        notes.append("data preparation the definitions need was run: " + _range_text(_ranges(stmts, pulled), locate))
        for stmt in sorted(
            pulled + [s for s in failures if isinstance(failures[s][0], NameError)], key=lambda s: s.lineno
        ):
            failures.pop(stmt, None)
            failures.update(_run_one(stmt, namespace, filename, locate))
        skipped = [s for s in skipped if s not in pulled]
    notes.extend(note for _, (_, note) in sorted(failures.items(), key=lambda kv: kv[0].lineno))
    if skipped:
        notes.append(
            "top-level code was not run: "
            + _range_text(_ranges(stmts, skipped), locate)
            + " (set [entry] run_toplevel = true to run it)"
        )


def compile_statement(stmt: ast.stmt, filename: str):
    """One statement of the student's code compiled on its own, to run as a module statement.

    Raises
    ------
    SyntaxError
        ``stmt`` is no module statement (``return``, ``yield`` or ``nonlocal`` taken from a function body).
    """
    return compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")


def run_statement(stmt: ast.stmt, namespace: dict, filename: str) -> BaseException | None:
    """Run one statement of the student's code in ``namespace``: what it raised (SystemExit included), or None.

    A statement that does not compile raises ``SyntaxError`` here (see :func:`compile_statement`).
    """
    code = compile_statement(stmt, filename)
    try:
        exec(code, namespace)
    except BaseException as exc:  # noqa: BLE001 - student code, SystemExit included
        if isinstance(exc, KeyboardInterrupt):
            raise
        return exc
    return None


def _run_one(stmt: ast.stmt, namespace: dict, filename: str, locate) -> dict:
    """Run one statement; ``{stmt: (exception, note)}`` if it raised, else ``{}``."""
    exc = run_statement(stmt, namespace, filename)
    return {} if exc is None else {stmt: (exc, LoadFailure.of(locate(stmt.lineno), exc))}


def _ranges(stmts: list[ast.stmt], chosen: list[ast.stmt]) -> list[tuple[int, int]]:
    """Line ranges of ``chosen`` statements, merged when no other statement lies between them."""
    out: list[tuple[int, int]] = []
    prev_chosen = False
    for stmt in stmts:
        if stmt not in chosen:
            prev_chosen = False
            continue
        end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
        if prev_chosen:
            out[-1] = (out[-1][0], end)
        else:
            out.append((stmt.lineno, end))
        prev_chosen = True
    return out


# --------------------------------------------------------------------------- notebooks
_MAGIC = re.compile(
    r"^\s*(%|!)"  # %matplotlib inline, !pip install x
    r"|^\s*[\w.,\s]+=\s*[!%]"  # files = !ls, t = %timeit f()
    r"|^\s*[\w.]+\s*\?\??\s*$"  # np.dot?  np.dot??
    r"|^\s*\?\??[\w.]+\s*$"
)  # ?np.dot


def read_notebook(path: Path, notes: list[str]) -> tuple[list[str], str]:
    """Code cells of a notebook (magics and shell lines blanked) and the reader used."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        import warnings

        import nbformat  # type: ignore

        with warnings.catch_warnings():  # e.g. MissingIDFieldWarning on hand-made notebooks
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
        cells = [c for c in nb.cells]
        reader = "nbformat"
    except ImportError:
        try:
            nb = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AuditError(
                f"notebook {path.name} is not valid JSON: {exc}", where="loading", type_="NotebookError"
            ) from None
        cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        reader = "json (nbformat is not installed: pip install 'gradcheck[notebook]' to read notebooks with it)"
    sources = []
    for c in cells:
        if c.get("cell_type") != "code":
            sources.append(None)
            continue
        src = c.get("source", c.get("input", ""))
        src = "".join(src) if isinstance(src, list) else str(src)
        sources.append(src)
    return sources, reader


def combine_cells(sources: list[str | None], notes: list[str]) -> tuple[list[ast.stmt], dict, str]:
    """Parse each code cell; return the statements (combined line numbers) and line map."""
    stmts: list[ast.stmt] = []
    line_map: dict[int, tuple[int, int]] = {}
    combined: list[str] = []
    code_idx = 0
    for cell_no, src in enumerate(sources, start=1):
        if src is None:
            continue
        code_idx += 1
        lines = src.split("\n")
        if lines and lines[0].lstrip().startswith("%%"):
            notes.append(f"cell {cell_no}: cell magic {lines[0].split()[0]} skipped")
            lines = [""] * len(lines)
        stripped = 0
        for i, line in enumerate(lines):
            if _MAGIC.match(line) or "get_ipython()" in line:
                indent = line[: len(line) - len(line.lstrip())]
                lines[i] = indent + "pass" if indent else ""  # keeps an indented block non-empty
                stripped += 1
        if stripped:
            notes.append(f"cell {cell_no}: {stripped} IPython magic/shell line(s) removed")
        offset = len(combined)
        for i in range(len(lines)):
            line_map[offset + i + 1] = (cell_no, i + 1)
        combined.extend(lines)
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as exc:
            notes.append(f"cell {cell_no}: syntax error at line {exc.lineno}: {exc.msg}; cell skipped")
            continue
        ast.increment_lineno(tree, offset)
        stmts.extend(tree.body)
    return stmts, line_map, "\n".join(combined)


# --------------------------------------------------------------------------- sibling modules
class _FilteredLoader(importlib.abc.Loader):
    def __init__(self, path: str, run_toplevel: bool, notes: list[str]):
        self.path, self.run_toplevel, self.notes = path, run_toplevel, notes

    def create_module(self, spec):  # default module creation
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        source = Path(self.path).read_text(encoding="utf-8", errors="replace")
        tree = ast.parse(source, self.path)
        sub: list[str] = []
        exec_statements(
            tree.body, module.__dict__, self.path, self.run_toplevel, lambda n: f"{Path(self.path).name} line {n}", sub
        )
        self.notes.extend(within(n, module.__name__) for n in sub)


class _SubmissionFinder(importlib.abc.MetaPathFinder):
    """Load modules that live in the submission's directory with the same filtering."""

    def __init__(self, root: Path, run_toplevel: bool, notes: list[str]):
        self.root, self.run_toplevel, self.notes = str(root), run_toplevel, notes
        self._holders: dict[str, Path | None] = {}  # module name -> the one subfolder holding it

    def find_spec(self, fullname, path=None, target=None):
        search = [self.root] if path is None else list(path)
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is None and path is None and "." not in fullname:
            # ``sys.path.append(os.getcwd() + "/src")`` then ``from network import Network``: a project's
            # run-time path hack, which loading definitions only never runs; the one folder holding it
            spec = self._in_one_subfolder(fullname)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        if not os.path.abspath(spec.origin).startswith(self.root + os.sep):
            return None
        spec.loader = _FilteredLoader(spec.origin, self.run_toplevel, self.notes)
        return spec

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
    text = p.read_text(encoding="utf-8", errors="replace")
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
        stmts = parse_python(p.read_text(encoding="utf-8", errors="replace"), p)
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
