"""The worker's last word: its answer written and the process ended, nothing of the submission's in between.

Runs inside the sandbox. The channel is writable by the submission too (it shares the
worker's process), and the answer is whatever the channel holds when the process ends. A
submission that runs after the worker's answer can rewrite it: a replaced ``sys.stdout``
whose ``flush()`` the worker called after answering, a Python signal handler, a ``__del__``
run by the garbage collector, another Python thread waiting for the interpreter lock while
the answer is written (``examples/hostile/late_writer.py`` negated a sign-flipped gradient
that way). Here, before the answer is checked and encoded: no other thread is handed the
interpreter lock, the garbage collector is off, every signal is blocked, the streams flushed
are the ones the worker started with (bound at import, before any submission loads), and the
channel is written and the process ended by libc calls made while holding the interpreter
lock, so no Python code of any thread runs between them.

A thread of native code started by the submission (through ``ctypes``) runs without the
lock and can still write the channel at any time: that is the worker's answer forged by the
submission, which the grader never takes on its word (:mod:`gradcheck.audit.consistency`).
"""

from __future__ import annotations

import ctypes
import gc
import signal
import sys
from collections.abc import Callable
from typing import NoReturn

__all__ = ["final", "hush", "unhush"]

_FLUSHES = (sys.stdout.flush, sys.stderr.flush)  # the worker's own streams, bound before any submission loads
_SWITCH = sys.setswitchinterval  # (bound before any submission loads too)
#: Seconds a thread may hold the interpreter lock before it is asked to hand it over: while the answer is checked
#: and encoded (pure Python, in json), a thread of the submission's waiting for the lock must not get it.
NO_SWITCH = 1e6
_LIBC = ctypes.PyDLL(None)  # PyDLL: its calls keep the interpreter lock
_LIBC.ftruncate.argtypes = [ctypes.c_int, ctypes.c_long]
_LIBC.pwrite.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_long]
_LIBC.pwrite.restype = ctypes.c_ssize_t
_LIBC._exit.argtypes = [ctypes.c_int]


_DEFAULT_SWITCH = sys.getswitchinterval()
_GC_ON = gc.isenabled()


def hush() -> None:
    """No other Python thread handed the interpreter lock, no garbage collection: while the worker freezes its
    answer into bytes, nothing of the submission's runs (:func:`unhush` undoes it)."""
    _SWITCH(NO_SWITCH)
    gc.disable()


def unhush() -> None:
    """The interpreter as it was before :func:`hush` (the worker runs in-process in tests)."""
    _SWITCH(_DEFAULT_SWITCH)
    if _GC_ON:
        gc.enable()


def final(fd: int, answer: Callable[[], bytes]) -> NoReturn:
    """Encode ``answer()``, write it as the channel's whole content and end the process (status 0)."""
    _SWITCH(NO_SWITCH)  # no other Python thread runs from here on (the answer's check and encoding hold the lock)
    gc.disable()  # no finalizer of the submission's runs from here on
    signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())  # nor a Python signal handler
    for flush in _FLUSHES:
        try:
            flush()
        except (OSError, ValueError):
            pass
    data = answer()
    _LIBC.ftruncate(fd, 0)
    done = 0
    while done < len(data):
        wrote = _LIBC.pwrite(fd, data[done:], len(data) - done, done)
        if wrote <= 0:
            break
        done += wrote
    _LIBC._exit(0)
    raise SystemExit(0)  # not reached
