"""Why a submission that starts a process gets an error, in the words an instructor can act on (grader side).

The worker forbids new processes before it loads a submission (:func:`gradcheck.audit.seccomp.forbid_new_processes`),
so that everything the submission computes runs where the grader watches it. Code that parallelises
honestly (``multiprocessing.Pool``, a ``ProcessPoolExecutor``, joblib) or runs a program (``subprocess``)
then fails with an error that does not say so: ``Operation not permitted`` from ``fork``, or
``Read-only file system`` when multiprocessing makes its first semaphore (the sandbox's ``/dev/shm``
takes no files). The worker's traceback says which library tried; this module turns it into the cause
and what to do. The traceback is the submission's to write too: it only ever chooses these words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["starts_a_process"]

#: A library's path fragment in a traceback, and what the submission used.
_LIBRARIES = (
    ("concurrent/futures/process.py", "a ProcessPoolExecutor"),
    ("/joblib/", "joblib"),
    ("/loky/", "joblib"),
    ("/multiprocessing/", "multiprocessing"),
    ("/subprocess.py", "subprocess"),
)
#: What the refusal looks like from inside: fork/exec refused, or multiprocessing's semaphore refused.
_REFUSALS = ("Operation not permitted", "Read-only file system")
#: The submission's own call starting a process, as its line shows in the traceback (os.fork(), os.execv(...)).
_OWN_CALLS = ("fork(", "exec", "spawn")


def starts_a_process(err: Mapping[str, Any]) -> str | None:
    """The explanation when the worker's error ``err`` is the submission starting a process, else None."""
    message, tb = str(err.get("message", "")), str(err.get("traceback", ""))
    if not any(r in message for r in _REFUSALS):
        return None
    used = next((what for fragment, what in _LIBRARIES if fragment in tb), None)
    if used is None and not ("Operation not permitted" in message and any(c in tb for c in _OWN_CALLS)):
        return None
    what = used or "os.fork, os.exec* or a process of its own"
    where = f" in {err['where']}" if err.get("where") else ""
    return (
        f"the submission tried to start a process ({what}{where}), which the sandbox does not allow: everything a "
        "submission computes must run in the one process the grader watches, under any --sandbox. A serial "
        "version computes the same gradient: ask the student for one (a loop, or a thread pool such as "
        "multiprocessing.dummy.Pool, in place of the process pool), or tell the class that submissions run "
        f"in one process ({err.get('type', 'Error')}: {message})"
    )
