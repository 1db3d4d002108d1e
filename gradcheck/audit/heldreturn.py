"""What a backward returned, copied before any other code of the submission's can run (run by the worker).

A backward's return value is the submission's own object, and so are the arrays in it after
the call: a thread the backward started, or a finalizer (the ``__del__`` of an object kept in a
reference cycle, run by the garbage collector whenever the worker allocates), can rewrite them
in place once the call has returned and before the worker reads them, so that the gradient read
is not the one the backward computed (``examples/hostile/late_rewrite.py``: a sign-flipped
gradient covered up by a thread that rewrites the returned arrays a millisecond later). Here the
call runs with the garbage collector off and the interpreter's thread switch interval long
(another Python thread gets the interpreter lock only when this one blocks), and the arrays the
return value holds (itself, or the items of a plain tuple, list or dict, two levels down: a
``(loss, grads)`` pair) are copied, each by one C-level copy made while holding the lock, before
either is restored. The copies are read-only arrays over immutable ``bytes``: no Python code can
write them afterwards (numpy refuses to make them writable). Every later read (the first, the
repeat, the grader's second point) reads those copies; the weights after the step are read in
the same window.

Objects of the submission's own classes (a dict or tuple subclass, an ndarray subclass, a
parameter object) are kept as they are: reading them would run their code, and
:mod:`gradcheck.audit.plaingrads` reads them inside the watched call where it matters. A thread
of native code (``ctypes``) runs without the lock and is not held back.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

__all__ = ["HELD_INTERVAL", "held", "plain_copy"]

#: The thread switch interval (seconds) while the backward runs and its return value is copied: longer than any
#: wall-clock limit, so that no other Python thread takes the interpreter lock unless this one blocks.
HELD_INTERVAL = 1e4
#: Levels of plain containers copied into (``(loss, {"W1": dW1, ...})`` is two).
DEPTH = 2

T = TypeVar("T")


def plain_copy(value: Any, depth: int = DEPTH) -> Any:
    """``value`` with every numeric base-class ndarray it holds in plain tuples, lists and dicts copied, read-only."""
    if type(value) is np.ndarray:
        if value.dtype.kind not in "biufc":
            return value
        data = value.tobytes()  # one copy made holding the interpreter lock (no other thread runs)
        return np.frombuffer(data, dtype=value.dtype).reshape(value.shape)  # read-only over immutable bytes
    if depth <= 0:
        return value
    if type(value) is tuple:
        return tuple(plain_copy(v, depth - 1) for v in value)
    if type(value) is list:
        return [plain_copy(v, depth - 1) for v in value]
    if type(value) is dict:
        return {k: plain_copy(v, depth - 1) for k, v in dict.items(value)}
    return value


def held(call: Callable[[], Any], then: Callable[[], T]) -> tuple[Any, T]:
    """``(plain_copy(call()), then())``, with no garbage collection and no thread switch from the call to the end."""
    collecting, interval = gc.isenabled(), sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(HELD_INTERVAL)
    if len(sys._current_frames()) > 1:  # other Python threads (the submission's): some may be waiting already
        # a thread waiting for the lock since before the interval changed asks for it after the old interval:
        # released here for two of them, each such thread takes it now, and waits with the new interval next time
        time.sleep(2 * interval)
    try:
        ret = plain_copy(call())
        return ret, then()
    finally:
        sys.setswitchinterval(interval)
        if collecting:
            gc.enable()
