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
import os
import re
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "AuditError",
    "StudentCodeError",
    "LoadedSubmission",
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


@dataclass
class LoadedSubmission:
    """A loaded submission: its module namespace and what happened while loading."""

    module: types.ModuleType
    path: Path
    kind: str  # "py" | "ipynb"
    notes: list[str] = field(default_factory=list)
    class_nodes: dict[str, ast.ClassDef] = field(default_factory=dict)
    #: notebook only: line in the combined source -> (cell index, line in cell)
    line_map: dict[int, tuple[int, int]] = field(default_factory=dict)

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


# --------------------------------------------------------------------------- fake matplotlib
class _NoOp:
    """Absorbs any attribute access or call; unpacks as two no-ops (fig, ax)."""

    def __getattr__(self, name: str) -> _NoOp:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _NoOp:
        return self

    def __iter__(self):
        return iter((_NoOp(), _NoOp()))

    def __getitem__(self, key: Any) -> _NoOp:
        return self

    def __enter__(self) -> _NoOp:
        return self

    def __exit__(self, *exc: Any) -> bool:
        return False


class _FakeModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _NoOp()


def install_fake_matplotlib() -> bool:
    """Make ``import matplotlib.pyplot`` harmless; returns True if a fake was installed."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        if importlib.util.find_spec("matplotlib") is not None:
            return False
    except (ImportError, ValueError):
        pass
    for name in (
        "matplotlib",
        "matplotlib.pyplot",
        "matplotlib.cm",
        "matplotlib.colors",
        "matplotlib.animation",
        "matplotlib.patches",
    ):
        mod = _FakeModule(name)
        mod.__path__ = []  # type: ignore[attr-defined]  # a package, so submodules import
        sys.modules.setdefault(name, mod)
    sys.modules["matplotlib"].pyplot = sys.modules["matplotlib.pyplot"]  # type: ignore[attr-defined]
    return True


# --------------------------------------------------------------------------- fake sklearn
def _n_samples(a: Any) -> int:
    shape = getattr(a, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return len(a)


def _take(a: Any, idx) -> Any:
    if hasattr(a, "iloc"):  # pandas
        return a.iloc[idx]
    if hasattr(a, "shape") and hasattr(a, "__getitem__") and not isinstance(a, (list, tuple)):
        return a[idx]
    return [a[i] for i in idx]


def train_test_split(
    *arrays: Any,
    test_size: Any = None,
    train_size: Any = None,
    random_state: Any = None,
    shuffle: bool = True,
    stratify: Any = None,
) -> list:
    """Stand-in for ``sklearn.model_selection.train_test_split`` (used only when sklearn is missing).

    Same split as scikit-learn's for the same ``random_state``: ``n_test = ceil(test_size * n)``
    (0.25 by default), a permutation from ``RandomState(random_state)`` (the global numpy
    generator when None), test indices first. ``stratify`` is not supported.
    """
    import math

    import numpy as np

    if not arrays:
        raise ValueError("At least one array required as input")
    n = _n_samples(arrays[0])
    lengths = [_n_samples(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")
    if stratify is not None:
        raise ValueError(
            "stratify is not supported by the gradcheck stand-in for train_test_split "
            "(scikit-learn is not installed in the audit sandbox)"
        )
    if test_size is None and train_size is None:
        test_size = 0.25

    def count(size: Any) -> int | None:
        """Number of samples for a size given as a fraction (float) or a count (int)."""
        if size is None:
            return None
        if np.asarray(size).dtype.kind == "f":
            if not 0 < float(size) < 1:
                raise ValueError(f"test_size/train_size={size} should be in the (0, 1) range")
            return -1  # marker: a fraction, resolved below
        return int(size)

    n_test, n_train = count(test_size), count(train_size)
    if n_test == -1:
        n_test = math.ceil(float(test_size) * n)
    if n_train == -1:
        n_train = math.floor(float(train_size) * n)
    if n_test is None:
        n_test = n - n_train
    if n_train is None:
        n_train = n - n_test
    if n_train + n_test > n or n_train <= 0:
        raise ValueError(
            f"the resulting train set would be empty or too large (n={n}, "
            f"test_size={test_size}, train_size={train_size})"
        )
    if shuffle:
        if isinstance(random_state, np.random.RandomState):
            rng = random_state
        elif random_state is None:
            rng = np.random.mtrand._rand
        else:
            rng = np.random.RandomState(random_state)
        perm = rng.permutation(n)
        test, train = perm[:n_test], perm[n_test : n_test + n_train]
    else:
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    out: list = []
    for a in arrays:
        out += [_take(a, train), _take(a, test)]
    return out


_SKLEARN_WORD = re.compile(r"\bsklearn\b")


def install_fake_sklearn(source: str | None = None) -> bool:
    """A stand-in ``sklearn.model_selection.train_test_split`` when scikit-learn is missing.

    Installed only if ``source`` (when given) mentions sklearn; returns True if installed.
    """
    if source is not None and not _SKLEARN_WORD.search(source):
        return False
    if "sklearn" in sys.modules:
        return bool(getattr(sys.modules["sklearn"], "__gradcheck_stand_in__", False))
    try:
        if importlib.util.find_spec("sklearn") is not None:
            return False
    except (ImportError, ValueError):
        pass
    pkg = types.ModuleType("sklearn")
    pkg.__path__ = []  # type: ignore[attr-defined]
    pkg.__gradcheck_stand_in__ = True  # type: ignore[attr-defined]
    ms = types.ModuleType("sklearn.model_selection")
    ms.train_test_split = train_test_split  # type: ignore[attr-defined]
    pkg.model_selection = ms  # type: ignore[attr-defined]
    sys.modules["sklearn"] = pkg
    sys.modules["sklearn.model_selection"] = ms
    return True


SKLEARN_NOTE = (
    "scikit-learn is not installed: a stand-in sklearn.model_selection.train_test_split "
    "was used (same split as scikit-learn's for an integer random_state; other sklearn "
    "imports fail)"
)


# --------------------------------------------------------------------------- statement filter
def parse_python(source: str, path: Path) -> list[ast.stmt]:
    """The statements of a .py submission; a syntax error becomes an AuditError with its line."""
    try:
        return ast.parse(source, str(path)).body
    except SyntaxError as exc:
        err = AuditError(
            f"syntax error at line {exc.lineno}: {exc.msg}" + (f": {exc.text.strip()}" if exc.text else ""),
            where=f"loading (line {exc.lineno})",
            type_="SyntaxError",
        )
        err.traceback = "".join(traceback.format_exception_only(type(exc), exc))
        raise err from None


def _is_safe_call_func(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in SAFE_BUILTINS
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in SAFE_CALL_ROOTS


def _is_safe_expr(node: ast.expr, depth: int = 0) -> bool:
    """Cheap, side-effect free expressions: literals, names, arithmetic, numpy calls."""
    if depth > 40:
        return False
    rec = lambda n: _is_safe_expr(n, depth + 1)  # noqa: E731
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
    if isinstance(node, ast.Call):
        return (
            _is_safe_call_func(node.func)
            and all(rec(a) for a in node.args)
            and all(rec(k.value) for k in node.keywords)
        )
    return False


def _is_simple_target(t: ast.expr) -> bool:
    if isinstance(t, ast.Name):
        return True
    if isinstance(t, (ast.Tuple, ast.List)):
        return all(_is_simple_target(e) for e in t.elts)
    return False


def is_definition(stmt: ast.stmt) -> bool:
    """Whether a top-level statement is kept when only definitions are loaded."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)):
        return True
    if isinstance(stmt, ast.Assign):
        return all(_is_simple_target(t) for t in stmt.targets) and _is_safe_expr(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and (stmt.value is None or _is_safe_expr(stmt.value))
    if isinstance(stmt, ast.Expr):
        v = stmt.value
        if isinstance(v, ast.Constant):
            return True  # docstring
        return (
            isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "seed" and _is_safe_expr(v)
        )
    if isinstance(stmt, ast.Try):  # try: import x / except ImportError: ...
        body = stmt.body + [s for h in stmt.handlers for s in h.body] + stmt.orelse
        return all(is_definition(s) for s in body)
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
    """Execute the kept statements one at a time; record skipped and failing ones."""
    skipped: list[tuple[int, int]] = []
    for stmt in stmts:
        end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
        if not run_toplevel and not is_definition(stmt):
            if skipped and not _kept_between(stmts, skipped[-1][1], stmt.lineno):
                skipped[-1] = (skipped[-1][0], end)
            else:
                skipped.append((stmt.lineno, end))
            continue
        code = compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")
        try:
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001 - student code, SystemExit included
            if isinstance(exc, KeyboardInterrupt):
                raise
            notes.append(
                f"{locate(stmt.lineno)}: statement raised {type(exc).__name__}: {str(exc)[:200]} while loading; skipped"
            )
    if skipped:
        notes.append(
            "top-level code was not run: " + _range_text(skipped, locate) + " (set spec.run_toplevel = true to run it)"
        )


def _kept_between(stmts: list[ast.stmt], after: int, before: int) -> bool:
    return any(after < s.lineno < before and is_definition(s) for s in stmts)


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
        self.notes.extend(f"{module.__name__}: {n}" for n in sub)


class _SubmissionFinder(importlib.abc.MetaPathFinder):
    """Load modules that live in the submission's directory with the same filtering."""

    def __init__(self, root: Path, run_toplevel: bool, notes: list[str]):
        self.root, self.run_toplevel, self.notes = str(root), run_toplevel, notes

    def find_spec(self, fullname, path=None, target=None):
        search = [self.root] if path is None else list(path)
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        if not os.path.abspath(spec.origin).startswith(self.root + os.sep):
            return None
        spec.loader = _FilteredLoader(spec.origin, self.run_toplevel, self.notes)
        return spec


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
    if install_fake_matplotlib() and "matplotlib" in text:
        notes.append("matplotlib is not installed: a no-op stand-in was used")
    if install_fake_sklearn(text):
        notes.append(SKLEARN_NOTE)
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = str(p)
    sys.modules[MODULE_NAME] = module
    loaded = LoadedSubmission(module=module, path=p, kind="ipynb" if p.suffix == ".ipynb" else "py", notes=notes)
    if loaded.kind == "ipynb":
        sources, reader = read_notebook(p, notes)
        notes.append(f"notebook read with {reader}")
        stmts, loaded.line_map, _ = combine_cells(sources, notes)
    else:
        stmts = parse_python(p.read_text(encoding="utf-8", errors="replace"), p)
    loaded.class_nodes = {s.name: s for s in stmts if isinstance(s, ast.ClassDef)}
    if str(p.parent) not in sys.path:
        sys.path.insert(0, str(p.parent))
    sys.meta_path.insert(0, _SubmissionFinder(p.parent, run_toplevel, notes))
    if run_toplevel:  # "everything" includes the `if __name__ == "__main__":` block
        notes.append("spec.run_toplevel is set: all top-level code was run")
        module.__dict__["__name__"] = "__main__"
    try:
        exec_statements(stmts, module.__dict__, str(p), run_toplevel, loaded.locate, notes)
    finally:
        module.__dict__["__name__"] = MODULE_NAME
    return loaded
