"""Reading a student's files in the grader, where nothing they hold may stop the batch.

The grader reads submissions before any sandbox runs (which files make one project, what
imports what). Only our code runs on their text, but the text is the student's: a file of
many gigabytes, a line nested thousands deep (``a[0][0]...``: the parser's recursion or memory
runs out), a notebook of nested lists or folders nested a thousand deep must not crash or stall
the class's audit. Here each read and walk is bounded and every way a parse can fail means
"unreadable", as a syntax error does.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterator
from pathlib import Path

from gradcheck.audit.isolation import Limits

__all__ = ["MAX_DEPTH", "MAX_SOURCE_BYTES", "files", "parse", "read_json", "read_text"]

#: A file larger than a sandboxed program may write (the default file-size limit) is not code
#: the grader reads: it is judged "unreadable" here, and its own audit says what it is.
MAX_SOURCE_BYTES = Limits().file_bytes


#: Folders nested deeper than this under a submission are not searched, and a submission holding them
#: is refused (:mod:`gradcheck.audit.intake`): a project's layout is a few levels deep, while a tree a
#: thousand deep exhausts the interpreter's recursion in every recursive walk (``Path.rglob``).
MAX_DEPTH = 32


def files(folder: Path, max_depth: int = MAX_DEPTH) -> Iterator[Path]:
    """Every file under ``folder``, in no set order: links not followed, folders deeper than ``max_depth``
    not entered, walked without recursion."""
    stack = [(Path(folder), 0)]
    while stack:
        here, depth = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if depth < max_depth:
                    stack.append((Path(e.path), depth + 1))
            elif e.is_file(follow_symlinks=False):
                yield Path(e.path)


def read_text(path: Path) -> str | None:
    """The text of ``path`` (undecodable bytes replaced), or None when it is unreadable or too large."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_SOURCE_BYTES:
        return None
    return data.decode("utf-8-sig", errors="replace")


#: Characters of source the grader parses itself (its callers read a longer one line by line). The syntax tree
#: takes about 900 bytes of the grader's memory per character of a crafted file (500,000 one-letter lines: 0.9 GB
#: and 20 s of the grader's own process, every thread waiting); a student's module is a few thousand lines.
MAX_PARSED_CHARS = 256 * 1024


def parse(source: str) -> ast.Module | None:
    """The module ``source`` parses to, or None: a syntax error, NUL bytes, nesting too deep to parse, or more
    than :data:`MAX_PARSED_CHARS` characters."""
    if len(source) > MAX_PARSED_CHARS:
        return None
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def read_json(text: str):
    """The JSON value of ``text`` (a notebook), or None when it is not JSON or nested too deep to read."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError, MemoryError):
        return None
