"""The grader's second point in a training script's run (run by the worker, in the sandbox).

A script runs once, to its first update, and its gradient is checked at its own weights P1.
Whether that gradient is computed from the weights, and how, is asked the way a backward
function is asked (:mod:`gradcheck.audit.probes`): the grader runs the script a second
time and sets weights of its choosing, ``P2 = P1 + probe_delta(seed)``, at the moment the
first run's weights first held P1 (:class:`FirstSeen`: the index of that observation of
the traced globals). From there to the capture a
:class:`~gradcheck.audit.probes.CallWatch` with P2 as its base watches every call the
script makes, in every thread (:func:`gradcheck.audit.hookguard.watching`): evaluations at
weights moved by a tiny step, along a direction and back, or given a tiny imaginary step
are a numerical gradient. The grader then judges the gradient the script captured there,
at P2, with its own arithmetic (:mod:`gradcheck.audit.scriptagain`).

The weights are set in place where the script holds them as float arrays, so every
reference the script keeps (a list of its weight arrays) sees them too.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from gradcheck.audit.probes import CallWatch

__all__ = ["FirstSeen", "PointSetter", "parse_point", "state_key"]

#: States of the weights remembered at most (a script moving its weights in place many times before its
#: gradient: the first ones seen are kept, which is where its weights were set).
MAX_STATES = 100_000


def state_key(values: list[Any]) -> bytes | None:
    """A digest of the weights' values and shapes (None: a value that is not numbers)."""
    h = hashlib.blake2b(digest_size=16)
    try:
        for v in values:
            a = np.asarray(v, dtype=float)
            h.update(repr(a.shape).encode())
            h.update(a.tobytes())
    except (TypeError, ValueError):
        return None
    return h.digest()


class FirstSeen:
    """The observation at which each state of the weights was first seen."""

    def __init__(self) -> None:
        self.first: dict[bytes, int] = {}

    def see(self, index: int, values: list[Any]) -> None:
        """The weights hold ``values`` at observation ``index`` (kept if they never did before)."""
        if len(self.first) < MAX_STATES and all(v is not None for v in values):
            key = state_key(values)
            if key is not None:
                self.first.setdefault(key, index)

    def of(self, values: list[Any] | None) -> int | None:
        """The observation at which the weights first held ``values`` (None: never seen)."""
        return None if values is None else self.first.get(state_key(values) or b"")


def parse_point(point: Any, n_params: int) -> tuple[int, list[np.ndarray]]:
    """``{"at": observation index, "params": [P2 tensors]}`` from the request, checked."""
    if not isinstance(point, dict) or not isinstance(point.get("at"), int) or isinstance(point.get("at"), bool):
        raise ValueError("script_point must be {'at': int, 'params': [arrays]}")
    values = [np.asarray(v, dtype=float) for v in point.get("params") or []]
    if len(values) != n_params:
        raise ValueError(f"script_point has {len(values)} tensors for {n_params} weights")
    return point["at"], values


def _assign(ns: dict, name: str, value: np.ndarray) -> None:
    """Set the script's weight ``name`` (``W1`` or ``weights[0]``) to ``value``, in place where it is a float array."""
    base, _, rest = name.partition("[")
    indices = [int(i) for i in rest.rstrip("]").split("][")] if rest else []
    holder, key = ns, base
    for i in indices:
        holder, key = holder[key], i
    current = holder[key]
    if isinstance(current, np.ndarray) and current.shape == value.shape and current.dtype.kind == "f":
        if current.flags.writeable:
            np.copyto(current, value, casting="unsafe")  # float32 weights get float32's rounding of the point
            return
        holder[key] = value.astype(current.dtype)
    elif isinstance(current, list):
        current[:] = value.tolist()
    elif np.ndim(value) == 0:
        holder[key] = float(value)
    else:
        holder[key] = value.copy()


class PointSetter:
    """Sets the grader's weights at observation ``at`` of a traced run, then watches the script's calls."""

    def __init__(self, ns: dict, names: list[str], at: int, values: list[np.ndarray], root: str, get: Callable):
        self.ns, self.names, self.at, self.values = ns, names, at, values
        self.get = get  # the script's weight by name (``weights[0]`` too)
        self.watch = CallWatch(root, self._snapshot, values)
        self.stack = contextlib.ExitStack()
        self.evidence: dict[str, Any] = {}
        self.done = False

    def _snapshot(self) -> list[np.ndarray]:
        return [np.asarray(self.get(n), dtype=float) for n in self.names]

    def arrive(self, index: int) -> bool:
        """At observation ``index``: set the weights if it is the one asked for (True when set now)."""
        if self.done or index != self.at:
            return False
        from gradcheck.audit.hookguard import watching

        # watched from before the weights are set: where they are not float arrays written in place, the
        # script's own container (a list subclass's __setitem__) is the first code to see them
        self.evidence = self.stack.enter_context(watching(self.watch))
        for name, value in zip(self.names, self.values):
            _assign(self.ns, name, value)
        self.done = True
        return True

    def close(self) -> dict[str, Any]:
        """Stop watching; what the watch saw (``point_set``: whether the weights were set at all)."""
        self.stack.close()
        summary = self.watch.summary() if self.done else {}
        summary["watch_removed"] = bool(self.evidence.get("removed"))
        summary["hook_changes"] = int(self.evidence.get("changes", 0))
        summary["thread_cpu_ns"] = int(self.evidence.get("thread_cpu_ns", 0))
        return {"point_set": self.done, "calls": summary}
