"""How many times the model's forward ran during one call of its step: one step, or a training loop.

A ``train(X, y)`` that loops a fixed number of times (``for i in range(10000)``) with a
rate written inside a layer's ``update()`` changes the weights by thousands of steps in
one call. Without a learning rate the grader can set, that change cannot be told from one
step by its size; the number of forwards it ran can. The forward is counted on the model's
class for the duration of the call and put back after it (on the class, not the instance:
a copy of the instance made during the call must run its own forward, not the original's).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def counting(root: Any, name: str | None) -> Iterator[list[int]]:
    """``[count]`` of calls of ``<name>`` on instances of ``root``'s class within the block (stays [0] when it cannot
    be counted: no such plain method, or one the instance itself holds)."""
    count = [0]
    cls = type(root)
    method = getattr(cls, name, None) if root is not None and name else None
    if not inspect.isfunction(method) or name in getattr(root, "__dict__", {}):
        yield count
        return
    own = name in vars(cls)

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return method(self, *args, **kwargs)

    try:
        setattr(cls, name, counted)
    except Exception:  # noqa: BLE001 - a class that refuses it (a metaclass of its own): not counted
        yield count
        return
    try:
        yield count
    finally:
        with contextlib.suppress(Exception):
            setattr(cls, name, method) if own else delattr(cls, name)
