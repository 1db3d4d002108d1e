"""What the worker reports of an exception: its type, message, where in the submission, and a short traceback.

Runs inside the sandbox (imported by :mod:`gradcheck.audit.worker` before any student code).
"""

from __future__ import annotations

import traceback
from typing import Any

__all__ = ["TRACEBACK_LINES", "error_dict", "student_line"]

#: Lines of traceback kept (the innermost).
TRACEBACK_LINES = 15
#: Errors of the student's own code that come from the numpy version, not from the code's logic: what they mean.
VERSION_ERRORS = {
    "only 0-dimensional arrays can be converted to Python scalars": (
        " (NumPy 2 no longer turns an array with dimensions, such as a (1, 1) loss, into a number, which NumPy 1 "
        "did with a warning: the code was written for NumPy 1; .item() or [0, 0] runs under both)"
    ),
}


def error_dict(exc: BaseException, loaded: Any) -> dict:
    """``{"type", "message", "where", "traceback", "raised_by"}`` of ``exc`` (``loaded``: the submission, or None).

    ``raised_by`` is ``"submission"`` for an exception of the submission's own code (whatever its class is
    called: a student's ``EntryNotFound`` is the student's), ``"audit"`` for the audit's verdict that it
    cannot run the code (no entry, no parameters), ``"worker"`` for anything else.
    """
    from gradcheck.audit.loader import AuditError, StudentCodeError

    raised_by = (
        "submission" if isinstance(exc, StudentCodeError) else "audit" if isinstance(exc, AuditError) else "worker"
    )
    if isinstance(exc, StudentCodeError):
        orig, where, tb = exc.original, exc.where, exc.traceback
        etype, message = type(orig).__name__, str(orig)
        if isinstance(orig, SystemExit):
            message = f"the submission called sys.exit({orig.code!r}) in {exc.where}"
        message += next((why for said, why in VERSION_ERRORS.items() if said in message), "")
        if loaded is not None:
            line = student_line(orig, loaded)
            if line:
                where = f"{where} ({line})"
    elif isinstance(exc, AuditError):
        etype, message, where, tb = exc.type, exc.message, exc.where, exc.traceback
    else:
        etype, message, where = type(exc).__name__, str(exc), "worker"
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if loaded is not None and tb:
        tb = loaded.annotate_traceback(tb)
    tb_lines = tb.rstrip("\n").splitlines()[-TRACEBACK_LINES:] if tb else []
    lines = "\n".join(tb_lines)
    etype = str.__str__(etype)[:TYPE_CHARS] if issubclass(type(etype), str) else "Exception"  # (a class's own name)
    return {"type": etype, "message": message[:2000], "where": where, "traceback": lines, "raised_by": raised_by}


#: Characters of an exception's class name kept: a name is the submission's to choose, and a class named ", set
#: spec" x 600 once held every report for minutes.
TYPE_CHARS = 120


def student_line(exc: BaseException, loaded: Any) -> str | None:
    """``line 12`` / ``cell 3, line 4`` of the innermost frame of ``exc`` in the submission's files."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if loaded.owns(f.filename)]
    return loaded.where(frames[-1].filename, frames[-1].lineno) if frames else None
