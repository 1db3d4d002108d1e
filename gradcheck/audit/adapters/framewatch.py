"""Watching one function's own frame while it runs: its locals as they are bound, and at its return.

The loss a training method keeps in a local (:mod:`.steploss`) and the output an updater computes
inline (:mod:`.inlineforward`) are read off the student's frame, never by running a second copy of
its code: a trace function is set for the call and sees only frames of that function's code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def watching(code, on_event: Callable[[Any, str], None], run: Callable[[], Any]) -> Any:
    """``run()``, with ``on_event(frame, event)`` called at each trace event (call, line, return) of a frame running
    ``code``; the trace in force before is restored, and ``run``'s errors propagate."""

    def local(frame, event, arg):
        on_event(frame, event)
        return local

    def calls(frame, event, arg):
        if frame.f_code is not code:
            return None
        on_event(frame, event)
        return local

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        return run()
    finally:
        sys.settrace(previous)


__all__ = ["watching"]
