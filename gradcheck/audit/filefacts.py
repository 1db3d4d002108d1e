"""What the search for submissions reads of a file: its code (a bounded prefix), and the facts it needs of it.

Imports, definitions, calls and the words of the functions defined are read off one bounded read and at most
one parse per file and search (:func:`reading`): a crafted tree of many large files once had each parsed once per
folder above it, and a 64 MiB file of short lines cost 1.6 GB to split into lines.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
from pathlib import Path
from typing import NamedTuple

from gradcheck.audit import cellfiles, helperfiles, untrusted


def source_of(path: Path) -> str:
    """The code of a ``.py`` file, or of a notebook's code cells ("" when unreadable)."""
    text = untrusted.read_text(path)
    if text is None:
        return ""
    if path.suffix != ".ipynb":
        return text
    nb = untrusted.read_json(text)
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    if not isinstance(cells, list):
        return ""
    lines = []
    for c in cells:
        if isinstance(c, dict) and c.get("cell_type") == "code":
            src = c.get("source", "")  # a damaged file's list may hold numbers: read as no code, never an error here
            lines.append("".join(x for x in src if isinstance(x, str)) if isinstance(src, list) else str(src))
    return "\n".join(lines)


#: A file run into the namespace rather than imported: a notebook's ``%run layers.py`` (or its export,
#: ``get_ipython().run_line_magic('run', 'layers.py')``) and ``exec(open("layers.py").read())``.
RUN_FILE = re.compile(
    r"""(?:^[ \t]*%run[ \t]+(?:-i[ \t]+)?|run_line_magic\(\s*['"]run['"]\s*,\s*['"](?:-i\s+)?|exec\(\s*open\(\s*['"])"""
    r"""(?:\./)?([A-Za-z_]\w*)\.py\b""",
    re.MULTILINE,
)


#: Characters of a file the grader reads to learn what it imports (a bounded prefix, :func:`scan_source`): four
#: times what it parses, so that a file short enough to parse is read whole, and a longer one is scanned line by
#: line only this far (imports stand at the top; a 64 MiB file of short lines once cost 1.6 GB to split).
MAX_SCANNED_CHARS = 4 * untrusted.MAX_PARSED_CHARS
#: A notebook larger than this is read as holding no imports by the search (its JSON must be read whole).
MAX_SCANNED_NOTEBOOK_BYTES = 16 * 1024 * 1024

#: What one search (:func:`reading`) has read of each file, so that a file is read and parsed at most once however
#: many folders above it are asked about it; None outside a search.
_memo: dict | None = None


@contextlib.contextmanager
def reading():
    """Keep each file's facts for the length of one search (``discover``); nested searches share them."""
    global _memo
    outer, _memo = _memo, {} if _memo is None else _memo
    try:
        yield
    finally:
        _memo = outer


def _cached(kind: str, path: Path, compute):
    memo = _memo
    if memo is None:
        return compute(path)
    key = (kind, os.fspath(path))
    if key not in memo:
        memo[key] = compute(path)
    return memo[key]


def _bounded_source(path: Path) -> str:
    if path.suffix == ".ipynb":
        try:
            if os.stat(path).st_size > MAX_SCANNED_NOTEBOOK_BYTES:
                return ""
        except OSError:
            return ""
        return source_of(path)[:MAX_SCANNED_CHARS]
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SCANNED_CHARS)
    except OSError:
        return ""
    return data.decode("utf-8-sig", errors="replace")


def scan_source(path: Path) -> str:
    """The code of a file as the search for submissions reads it: at most :data:`MAX_SCANNED_CHARS` characters
    (a file longer than what is parsed is only scanned line by line)."""
    return _bounded_source(Path(path))


class Facts(NamedTuple):
    """What the search needs of one file, read off one bounded read and at most one parse (kept per
    search, :func:`reading`, never the text or the tree: a tree costs about 900 bytes per character)."""

    refs: frozenset[str]  # imported modules' first components, ``.name`` relative, ``..``; files run (``%run``)
    dotted: frozenset[str]  # absolute module paths imported (``src.layers``)
    defs: frozenset[str]  # top-level functions and classes
    defined: frozenset[str]  # every top-level name (definitions, assignments, imports): as notebook cells share
    calls: frozenset[str]  # names called as functions
    parsed: bool
    helper: bool  # a data-loading or plotting script, or test scaffolding (:mod:`gradcheck.audit.helperfiles`)
    scaffolding: bool  # test scaffolding only
    words: frozenset[str]  # the words of the names of the functions it defines (``def backward_pass``)


def read_facts(path: Path) -> Facts:
    """A file's facts, read now (one bounded read, at most one parse)."""
    text = scan_source(path)
    tree = untrusted.parse(text)
    refs = refs_in_tree(tree) if tree is not None else refs_by_line(text)
    dotted: set[str] = set()
    defs: set[str] = set()
    calls: set[str] = set()
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                dotted |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                dotted.add(node.module)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                calls.add(node.func.id)
        defs = {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    words = set().union(*map(helperfiles.name_words, _DEF_NAME.findall(text)))
    return Facts(
        refs=frozenset(refs | set(RUN_FILE.findall(text))),
        dotted=frozenset(dotted),
        defs=frozenset(defs),
        defined=frozenset(cellfiles.defined(tree)) if tree is not None else frozenset(),
        calls=frozenset(calls),
        parsed=tree is not None,
        helper=helperfiles.is_helper(path, text),
        scaffolding=helperfiles.is_test_scaffolding(path, text),
        words=frozenset(words),
    )


def facts(path: Path) -> Facts:
    """A file's facts, read once per search (:func:`reading`)."""
    return _cached("facts", Path(path), read_facts)


def refs_in_tree(tree: ast.Module) -> set[str]:
    """The modules a parsed file imports by first component (a relative import of this folder as ``.name``, of a
    folder above as ``..``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names |= {"." + (node.module or a.name).split(".")[0] for a in node.names}
            elif node.level:
                names.add("..")
            else:
                names.add((node.module or "").split(".")[0])
    return names


#: A line that starts an import, read without splitting the text into lines (one pass, linear in the text).
_IMPORT_LINE = re.compile(r"^[ \t\f\v]*((?:import|from)[ \t][^\n\r]*)", re.MULTILINE)


def refs_by_line(text: str) -> set[str]:
    """Imports of a file that does not parse as a whole (magics, Python 2, past the parse cap): line by line."""
    names: set[str] = set()
    for m in _IMPORT_LINE.finditer(text):
        stripped = m.group(1).strip()
        if stripped.startswith("import "):
            names |= {p.strip().split(" ")[0].split(".")[0] for p in stripped[7:].split(",")}
        elif stripped.startswith("from ") and " import " in stripped:
            mod = stripped[5:].split(" import ")[0].strip()
            if mod.startswith(".."):
                names.add("..")
            elif mod.startswith("."):
                rest = mod[1:].split(".")[0]
                names |= (
                    {"." + rest}
                    if rest
                    else {"." + a.strip().split(" ")[0] for a in stripped.split(" import ")[1].split(",")}
                )
            else:
                names.add(mod.split(".")[0])
    return names


_DEF_NAME = re.compile(r"^[ \t]*def[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
