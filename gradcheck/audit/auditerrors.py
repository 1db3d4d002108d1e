"""What loading and auditing a submission can raise, and what a statement that failed while loading left.

:class:`AuditError` is the grader's own "cannot audit this" (with where and a type name);
:class:`StudentCodeError` wraps whatever the student's code raised; :class:`LoadFailure`
is a note of a statement or import that raised while loading (not fatal).
"""

from __future__ import annotations

import sys

#: What an f-string that parses on Python 3.12 and later but not here is told (PEP 701: quotes reused inside).
NEWER_FSTRINGS = (
    "if this file runs on Python 3.12 or later: it lets an f-string reuse its own quotes inside its braces, "
    f'f"{{row["x"]}}"; the audit runs Python {sys.version_info[0]}.{sys.version_info[1]}, so use the other '
    "quote inside, f\"{row['x']}\""
)


def clipped(text: str, limit: int = 200) -> str:
    """``text`` cut to about ``limit`` characters at a word's end, marked with "..." where it was cut (a student's
    exception message, which may be long, quoted in a note: never a word cut in half, as in "set [loss] studen")."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind(" ", limit // 2)
    return (head[:cut] if cut > 0 else head).rstrip(" ,;:") + " ..."


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
        """The note for ``exc`` raised at ``where`` (its message cut to about 200 characters)."""
        message = clipped(str(exc))
        if isinstance(exc, SyntaxError) and "f-string" in str(exc) and sys.version_info < (3, 12):
            message += f" ({NEWER_FSTRINGS})"
        return cls(where, type(exc).__name__, message, statement, during)
