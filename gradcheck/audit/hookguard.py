"""The interpreter's profile hook, kept for the worker's watch while the submission runs (in the sandbox).

The watch on the backward's calls (:class:`gradcheck.audit.probes.CallWatch`) is a profile
hook. A submission could switch it off around its own finite differences
(``sys.setprofile(None)``, putting the hook back afterwards) or compute them in a thread,
which a hook set by ``sys.setprofile`` does not see. :func:`install` runs before the
submission is loaded and replaces ``sys.setprofile``, ``threading.setprofile`` and
``_thread.start_new_thread`` by guards: while :func:`watching` holds a watch, a change of the
hook is refused and counted, and every thread started is watched from its first call. Only
the worker keeps the originals. A thread started before the watch (parked in ``__init__``,
handed the work by the backward) cannot be given the hook (Python 3.11 has no
``threading.setprofile_all_threads``): the CPU time each such thread spends while the watch
is held is measured instead (``/proc/self/task/<id>/schedstat``), so that its work is at
least seen.

While the watch holds the hook, ``sys.getprofile()`` and ``threading.getprofile()`` answer None, so
that a backward cannot ask whether it is watched (finite differences where it was not, its own wrong
backprop where it was: ``examples/hostile/unwatched_numerical_small_bug.py``); the profile hook's cost
per call still tells, to code that times itself.

This raises the bar for code that evades the watch through the interpreter's own API; it is
no wall against code that rewrites the worker's objects (the worker shares its process).
"""

from __future__ import annotations

import _thread
import contextlib
import os
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


def _get_profile():
    """The hook as the submission may see it: none while the watch holds it (``sys.getprofile() is None`` told a
    backward whether it was watched: finite differences where not, its own backprop where it was)."""
    return None if _STATE["watch"] is not None else _ORIGINAL["sys.getprofile"]()


def _thread_get_profile():
    return None if _STATE["watch"] is not None else _ORIGINAL["threading.getprofile"]()


def _start_new_thread(function, args, kwargs=None):
    watch = _STATE["watch"]
    if watch is None:
        return _ORIGINAL["_thread.start_new_thread"](function, args, kwargs or {})

    def watched(*a, **kw):
        _ORIGINAL["sys.setprofile"](watch)
        return function(*a, **kw)

    return _ORIGINAL["_thread.start_new_thread"](watched, args, kwargs or {})


def _cpu_ns(native_id: int) -> int | None:
    """Nanoseconds thread ``native_id`` of this process has run (None where the kernel does not say)."""
    try:
        with open(f"/proc/{os.getpid()}/task/{native_id}/schedstat", "rb") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _other_threads() -> dict[int, int]:
    """CPU nanoseconds of every other Python thread alive now, by its native id."""
    enumerate_ = _ORIGINAL.get("threading.enumerate", threading.enumerate)
    me, out = threading.get_ident(), {}
    for t in enumerate_():
        ns = _cpu_ns(t.native_id) if t.ident != me and t.native_id is not None else None
        if ns is not None:
            out[t.native_id] = ns
    return out


def install() -> None:
    """Put the guards in place (once, before any submission code runs)."""
    if _ORIGINAL:
        return
    _ORIGINAL.update(
        {
            "sys.setprofile": sys.setprofile,
            "threading.setprofile": threading.setprofile,
            "_thread.start_new_thread": _thread.start_new_thread,
            "threading.enumerate": threading.enumerate,
            "sys.getprofile": sys.getprofile,
            "threading.getprofile": threading.getprofile,
        }
    )
    sys.setprofile = _set_profile
    threading.setprofile = _thread_set_profile
    sys.getprofile = _get_profile
    threading.getprofile = _thread_get_profile
    _thread.start_new_thread = _thread.start_new = _start_new_thread
    threading._start_new_thread = _start_new_thread  # what threading.Thread.start calls


@contextlib.contextmanager
def watching(watch: Callable) -> Iterator[dict[str, Any]]:
    """Hold ``watch`` as the profile hook of this thread and of every thread started meanwhile.

    Yields a dict filled on exit: ``changes`` (attempts to change the hook, refused while the
    guards are installed), ``removed`` (the hook was not ``watch`` at the end) and ``thread_cpu_ns``
    (CPU time threads that were already running spent meanwhile: unwatched work).
    """
    set_profile = _ORIGINAL.get("sys.setprofile", sys.setprofile)
    set_thread_profile = _ORIGINAL.get("threading.setprofile", threading.setprofile)
    get_profile = _ORIGINAL.get("sys.getprofile", sys.getprofile)
    previous, previous_thread = get_profile(), _ORIGINAL.get("threading.getprofile", threading.getprofile)()
    evidence: dict[str, Any] = {}
    before = _other_threads()
    _STATE.update(watch=watch, changes=0)
    set_thread_profile(watch)
    set_profile(watch)
    try:
        yield evidence
    finally:
        evidence["removed"] = get_profile() is not watch
        evidence["changes"] = _STATE["changes"]
        _STATE.update(watch=None, changes=0)
        after = _other_threads()
        evidence["thread_cpu_ns"] = sum(max(0, after.get(tid, ns) - ns) for tid, ns in before.items())
        set_profile(previous)
        set_thread_profile(previous_thread)
