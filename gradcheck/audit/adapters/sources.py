"""The parsed source of student functions and classes (no other adapter module needed, so anyone may import it)."""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import textwrap
from collections.abc import Callable


def dedented(source: str) -> str:
    """A method's source moved to column 0, even when comments sit further left than its body.

    ``textwrap.dedent`` leaves the text as it is when one line is less indented than the
    rest, and students comment code out from column 0 (``#        self.W = ...``) inside
    indented methods. Comment and blank lines are not code: they are moved as far as they
    can be, and the code by the first line's indentation.
    """
    lines = source.splitlines(keepends=True)
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    indent = first[: len(first) - len(first.lstrip())]
    if not indent:
        return source
    out = []
    for ln in lines:
        if ln.startswith(indent):
            out.append(ln[len(indent) :])
        elif not ln.strip() or ln.lstrip().startswith("#"):
            out.append(ln.lstrip(" \t"))
        else:
            return textwrap.dedent(source)  # code left of the first line: not a block moved as one
    return "".join(out)


def source_tree(obj) -> ast.AST | None:
    """The parsed source of a function or class, or None."""
    try:
        return ast.parse(dedented(inspect.getsource(obj)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None


def module_tree(fn: Callable) -> ast.AST | None:
    """The whole file ``fn`` is written in (its helpers beside it), or None."""
    code = getattr(fn, "__code__", None)
    text = "".join(linecache.getlines(code.co_filename)) if code is not None else ""
    return _parsed(text) if text else None


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> ast.AST | None:
    """``text`` parsed once however many arguments ask (the tree is only read), None if it does not parse."""
    try:
        return ast.parse(text)
    except SyntaxError:
        return None
