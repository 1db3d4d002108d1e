"""A script before it runs: its statements and cells, what they look like, what a capture holds.

:func:`prepare` loads a ``.py`` file or notebook as the tracer runs it (the
combined source of its code cells, with cells mapped to lines);
:func:`looks_like_script` says whether a submission is a plain training script
(the spec names gradient variables its top-level code assigns, and there is no
model class or backward function); :func:`display_only` tells statements that
only plot or print. :class:`Capture` is what the tracer
(:mod:`gradcheck.audit.tracer`) returns.
"""

from __future__ import annotations

import ast
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gradcheck.audit import hoist, importedtrainers, loader, unitfactor
from gradcheck.audit.loader import AuditError, LoadedSubmission

_PY_CELL = re.compile(r"^#\s*(%%|In\s*\[[\s\d]*\]\s*:)")

#: Call roots of statements that only show things (plots, prints, display).
DISPLAY_ROOTS = {
    "plt",
    "pyplot",
    "matplotlib",
    "sns",
    "seaborn",
    "ax",
    "axs",
    "axes",
    "ax1",
    "ax2",
    "fig",
    "figure",
    "display",
    "print",
    "pprint",
    "IPython",
    "Image",
    "HTML",
    "Markdown",
    "clear_output",
    "tqdm",
}
DISPLAY_MODULES = ("matplotlib", "seaborn", "IPython", "pprint", "tqdm", "plotly")


# =========================================================================== results
@dataclass
class Capture:
    """What the script held right before its first update."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    forward: np.ndarray | None
    forward_name: str | None
    X: np.ndarray | None
    Y: np.ndarray | None
    data_names: tuple[str | None, str | None]
    line: int  # line (combined source for notebooks) where the last gradient was assigned
    update_line: int | None  # the update that ended the round (None: the script ended)
    grad_lines: dict[str, int]
    executed: list[int]  # lines of the capturing statement executed before the capture
    interleaved: list[str] = field(default_factory=list)
    #: the script's integer class labels where Y holds them as one-hot (its own loss is called with these)
    labels: np.ndarray | None = None
    #: result fields beyond the capture: ``update`` (inline updates), ``student_losses`` (the script's own loss)
    extra: dict = field(default_factory=dict)


@dataclass
class ScriptRun:
    """A prepared script: its loaded-submission shell (namespace, line map) and statements."""

    loaded: LoadedSubmission
    stmts: list[ast.stmt]
    cells: dict[int, int]  # line -> cell number (notebooks and .py files with cell markers)
    lines: list[str]  # source lines (combined source for notebooks), 1-based via lines[n - 1]
    #: names only statements skipped for a library the sandbox lacks made (``tracer._failed``)
    lost_names: set[str] = field(default_factory=set)

    def cell_of(self, lineno: int) -> int | None:
        """The notebook cell holding combined-source line ``lineno`` (None for a .py file)."""
        return self.cells.get(lineno)

    def where(self, lineno: int | None) -> str:
        """``cell 10, line 27`` (notebook), ``line 80 (cell 10)`` (.py with markers) or ``line 80``."""
        if lineno is None:
            return "?"
        text = self.loaded.locate(lineno)
        if self.loaded.kind == "py" and lineno in self.cells:
            text += f" (cell {self.cells[lineno]})"
        return text

    def code(self, lineno: int) -> str:
        """The source text of combined-source line ``lineno``."""
        return self.lines[lineno - 1].strip() if 0 < lineno <= len(self.lines) else ""


# =========================================================================== preparing
def _py_cells(lines: list[str]) -> dict[int, int]:
    """Cells of a ``.py`` file from ``# %%`` / ``# In[3]:`` markers; {} when it has none."""
    marks = [i + 1 for i, line in enumerate(lines) if _PY_CELL.match(line)]
    if not marks:
        return {}
    before = any(line.strip() and not line.lstrip().startswith("#") for line in lines[: marks[0] - 1])
    cell = 1 if before else 0
    out = {}
    for i in range(1, len(lines) + 1):
        if i in marks:
            cell += 1
        out[i] = max(cell, 1)
    return out


def prepare(path: str | Path, notes: list[str]) -> ScriptRun:
    """Read and parse a ``.py`` or ``.ipynb`` submission for a traced run (nothing is executed).

    Raises
    ------
    AuditError
        The file is missing, or a ``.py`` file has a syntax error.
    """
    p = Path(path).resolve()
    if not p.is_file():
        raise AuditError(f"submission file not found: {path}", where="loading", type_="FileNotFoundError")
    text = p.read_text(encoding="utf-8-sig", errors="replace")
    module = types.ModuleType(loader.MODULE_NAME)
    module.__file__ = str(p)
    kind = "ipynb" if p.suffix == ".ipynb" else "py"
    loaded = LoadedSubmission(module=module, path=p, kind=kind, notes=notes)
    if kind == "ipynb":
        sources, reader = loader.read_notebook(p, notes)
        notes.append(f"notebook read with {reader}")
        stmts, loaded.line_map, combined = loader.combine_cells(sources, notes)
        lines = combined.split("\n")
        cells = {n: c for n, (c, _) in loaded.line_map.items()}
    else:
        stmts = loader.parse_python(text, p)
        lines = text.split("\n")
        cells = _py_cells(lines)
        stmts, loaded.borrowed = importedtrainers.with_imported_trainers(stmts, p, lines, notes)
    loaded.class_nodes = {s.name: s for s in stmts if isinstance(s, ast.ClassDef)}
    stmts = unitfactor.without_unit_factors(stmts, notes)  # W = (W * momento) + step, momento = 1
    return ScriptRun(loaded, stmts, cells, lines)


# =========================================================================== classification
def _root_name(node: ast.AST) -> str | None:
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def display_only(stmt: ast.stmt) -> bool:
    """Whether a statement only plots, prints or displays (heuristic on its call roots)."""
    if isinstance(stmt, (ast.Pass,)):
        return True
    if isinstance(stmt, ast.Expr):
        if isinstance(stmt.value, ast.Constant):
            return True
        return isinstance(stmt.value, ast.Call) and _root_name(stmt.value) in DISPLAY_ROOTS
    if isinstance(stmt, ast.Assign):  # fig, ax = plt.subplots()
        return isinstance(stmt.value, ast.Call) and _root_name(stmt.value) in DISPLAY_ROOTS
    if isinstance(stmt, ast.Import):
        return all(a.name.split(".")[0] in DISPLAY_MODULES for a in stmt.names)
    if isinstance(stmt, ast.ImportFrom):
        return (stmt.module or "").split(".")[0] in DISPLAY_MODULES
    if isinstance(stmt, (ast.For, ast.While, ast.If, ast.With)):
        body = stmt.body + getattr(stmt, "orelse", [])
        return bool(body) and all(display_only(s) for s in body)
    return False


def _assigned_names(stmts: list[ast.stmt]) -> set[str]:
    """Names bound by module-level code (loops and ifs included, function and class bodies not)."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for s in stmts:
        visit(s)
    return out


def is_identifier(text: Any) -> bool:
    """A plain variable name (what script-mode params and grads must be)."""
    return isinstance(text, str) and text.isidentifier()


def looks_like_script(run_: ScriptRun, spec: dict) -> bool:
    """Automatic script mode: the spec names plain gradient variables that top-level code assigns,
    and the submission has no model class or backward function to call."""
    grads = spec.get("grads") or []
    if not grads or not all(is_identifier(g) for g in grads) or spec.get("entry") or spec.get("backward"):
        return False
    inline = {hoist.InlineUpdate(**u).grad for u in spec.get("inline_updates") or []}
    if not set(grads) - inline <= _assigned_names(run_.stmts):
        return False
    # a training function's body run as the script (mainbody): its weights are its own local variables,
    # so helper functions, backward ones included, can only have been handed them as arguments
    # helpers that update the weights, written out at their calls (helperupdates): the training is the script's
    return bool(spec.get("inline_function") or spec.get("update_helpers")) or not has_model_code(run_.stmts)


def has_model_code(stmts: list[ast.stmt]) -> bool:
    """Whether module code defines a model class (gradient, training or loss methods) or a backward function."""
    from gradcheck.audit.adapters.names import (
        BACKWARD_NAMES,
        CLASS_TRAIN_METHODS,
        FIT_METHODS,
        GRAD_METHODS,
        TRAIN_METHODS,
    )

    methods = set(GRAD_METHODS) | set(TRAIN_METHODS) | set(CLASS_TRAIN_METHODS) | set(FIT_METHODS) | {"loss"}
    for s in stmts:
        if isinstance(s, ast.ClassDef) and any(isinstance(b, ast.FunctionDef) and b.name in methods for b in s.body):
            return True
        if isinstance(s, ast.FunctionDef) and s.name in BACKWARD_NAMES:
            return True
    return False
