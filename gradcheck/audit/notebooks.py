"""A notebook submission's code: its code cells, IPython magics and shell lines dropped, as one script.

Lines keep a map back to (cell, line) so notes and errors point into the notebook.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from gradcheck.audit.auditerrors import AuditError

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
