"""A notebook submission's code: its code cells, IPython magics and shell lines dropped, as one script.

Lines keep a map back to (cell, line) so notes and errors point into the notebook.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from gradcheck.audit import frameworks, unloaded
from gradcheck.audit.auditerrors import AuditError

# (no two neighbouring parts match the same characters: a line of 20,000 spaces once took 3.6 s to refuse)
_MAGIC = re.compile(
    r"^[ \t]*(%|!)"  # %matplotlib inline, !pip install x
    r"|^[ \t]*[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*[!%]"  # files = !ls, t = %timeit f(), a, b = !cmd
    r"|^[ \t]*[\w.]+[ \t]*\?\??[ \t]*$"  # np.dot?  np.dot??
    r"|^[ \t]*\?\??[\w.]+[ \t]*$"
)  # ?np.dot


def read_notebook(path: Path, notes: list[str]) -> tuple[list[str], str]:
    """Code cells of a notebook (magics and shell lines blanked) and the reader used."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        cells, reader = _nbformat_cells(text), "nbformat"
    except ImportError:
        cells = _json_cells(path, text)
        reader = "json (nbformat is not installed: pip install 'gradcheck[notebook]' to read notebooks with it)"
    except Exception:  # noqa: BLE001 - nbformat refuses a damaged file: the plain reading names what is wrong
        cells, reader = _json_cells(path, text), "json (nbformat could not read the file)"
    sources = []
    for number, c in enumerate(cells, start=1):
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            sources.append(None)
            continue
        src = c.get("source", c.get("input", ""))
        if isinstance(src, list) and not all(isinstance(x, str) for x in src):
            odd = next(type(x).__name__ for x in src if not isinstance(x, str))
            raise AuditError(
                f"notebook {path.name}: cell {number}'s source holds a {odd} where its lines of text should be: "
                "the file is damaged; open it in Jupyter and save it again",
                where="loading",
                type_="NotebookError",
            )
        sources.append("".join(src) if isinstance(src, list) else str(src))
    return sources, reader


def _nbformat_cells(text: str) -> list:
    import warnings

    import nbformat  # type: ignore

    with warnings.catch_warnings():  # e.g. MissingIDFieldWarning on hand-made notebooks
        warnings.simplefilter("ignore")
        return list(nbformat.reads(text, as_version=4).cells)


def _json_cells(path: Path, text: str) -> list:
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AuditError(
            f"notebook {path.name} is not valid JSON: {exc}", where="loading", type_="NotebookError"
        ) from None
    if not isinstance(nb, dict):
        raise AuditError(
            f"notebook {path.name} is not a notebook (its JSON is a {type(nb).__name__})",
            where="loading",
            type_="NotebookError",
        )
    cells = nb.get("cells") or [
        c for ws in nb.get("worksheets") or [] if isinstance(ws, dict) for c in ws.get("cells") or []
    ]
    return cells if isinstance(cells, list) else []


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
            notes.append(
                f"cell {cell_no}: syntax error at line {exc.lineno}: {exc.msg}"
                + frameworks.newer_python_hint(exc.text)
                + f"; cell skipped{unloaded.lost_definitions(lines)}"
            )
            continue
        ast.increment_lineno(tree, offset)
        stmts.extend(tree.body)
    return stmts, line_map, "\n".join(combined)
