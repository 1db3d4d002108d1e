"""Reading a student's files in the grader, where nothing they hold may stop the batch.

The grader reads submissions before any sandbox runs (which files make one project, what
imports what). Only our code runs on their text, but the text is the student's: a file of
many gigabytes, a line nested thousands deep (``a[0][0]...``: the parser's recursion or memory
runs out) or a notebook of nested lists must not crash or stall the class's audit. Here each
read is bounded and every way a parse can fail means "unreadable", as a syntax error does.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from gradcheck.audit.isolation import Limits

__all__ = ["MAX_SOURCE_BYTES", "parse", "read_json", "read_text"]

#: A file larger than a sandboxed program may write (the default file-size limit) is not code
#: the grader reads: it is judged "unreadable" here, and its own audit says what it is.
MAX_SOURCE_BYTES = Limits().file_bytes


def read_text(path: Path) -> str | None:
    """The text of ``path`` (undecodable bytes replaced), or None when it is unreadable or too large."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_SOURCE_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


def parse(source: str) -> ast.Module | None:
    """The module ``source`` parses to, or None: a syntax error, NUL bytes, or nesting too deep to parse."""
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
