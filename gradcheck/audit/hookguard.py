"""The interpreter's profile hook, kept for the worker's watch while the submission runs (in the sandbox).

The watch on the backward's calls (:class:`gradcheck.audit.probes.CallWatch`) is a profile
hook. A submission could switch it off around its own finite differences
(``sys.setprofile(None)``, putting the hook back afterwards) or compute them in a thread,
which a hook set by ``sys.setprofile`` does not see. :func:`install` runs before the
submission is loaded and replaces ``sys.setprofile``, ``threading.setprofile`` and
``_thread.start_new_thread`` by guards: while :func:`watching` holds a watch, a change of the
hook is refused and counted, and every thread started is watched from its first call. Only
the worker keeps the originals.

This raises the bar for code that evades the watch through the interpreter's own API; it is
no wall against code that rewrites the worker's objects (the worker shares its process).
"""

from __future__ import annotations

import _thread
import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["install", "watching"]

_ORIGINAL: dict[str, Callable] = {}
_STATE: dict[str, Any] = {"watch": None, "changes": 0}


def _set_profile(func) -> None:
    if _STATE["watch"] is not None and func is not _STATE["watch"]:
        _STATE["changes"] += 1  # refused: the watch stays
        return
    _ORIGINAL["sys.setprofile"](func)


def _thread_set_profile(func) -> None:
    if _STATE["watch"] is not None and func is not _STATE["watch"]:
        _STATE["changes"] += 1
        return
    _ORIGINAL["threading.setprofile"](func)


def _start_new_thread(function, args, kwargs=None):
    watch = _STATE["watch"]
    if watch is None:
        return _ORIGINAL["_thread.start_new_thread"](function, args, kwargs or {})

    def watched(*a, **kw):
        _ORIGINAL["sys.setprofile"](watch)
        return function(*a, **kw)

    return _ORIGINAL["_thread.start_new_thread"](watched, args, kwargs or {})


def install() -> None:
    """Put the guards in place (once, before any submission code runs)."""
    if _ORIGINAL:
        return
    _ORIGINAL.update(
        {
            "sys.setprofile": sys.setprofile,
            "threading.setprofile": threading.setprofile,
            "_thread.start_new_thread": _thread.start_new_thread,
        }
    )
    sys.setprofile = _set_profile
    threading.setprofile = _thread_set_profile
    _thread.start_new_thread = _thread.start_new = _start_new_thread
    threading._start_new_thread = _start_new_thread  # what threading.Thread.start calls


@contextlib.contextmanager
def watching(watch: Callable) -> Iterator[dict[str, Any]]:
    """Hold ``watch`` as the profile hook of this thread and of every thread started meanwhile.

    Yields a dict filled on exit: ``changes`` (attempts to change the hook, refused while the
    guards are installed) and ``removed`` (the hook was not ``watch`` at the end).
    """
    set_profile = _ORIGINAL.get("sys.setprofile", sys.setprofile)
    set_thread_profile = _ORIGINAL.get("threading.setprofile", threading.setprofile)
    previous, previous_thread = sys.getprofile(), threading.getprofile()
    evidence: dict[str, Any] = {}
    _STATE.update(watch=watch, changes=0)
    set_thread_profile(watch)
    set_profile(watch)
    try:
        yield evidence
    finally:
        evidence["removed"] = sys.getprofile() is not watch
        evidence["changes"] = _STATE["changes"]
        _STATE.update(watch=None, changes=0)
        set_profile(previous)
        set_thread_profile(previous_thread)
