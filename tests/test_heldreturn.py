"""A backward's return value copied before any other code of the submission's can run (gradcheck.audit.heldreturn).

The submission is stood in for by plain callables: one returning arrays in the containers backwards
return them in, one whose thread wakes a millisecond after it starts (examples/hostile/late_rewrite.py
rewrites the returned arrays so), and one that raises.
"""

from __future__ import annotations

import gc
import sys
import threading
import time

import numpy as np
import pytest

from gradcheck.audit.heldreturn import held, plain_copy

BUSY = 0.05  # seconds of bytecode run inside the window: ten of the interpreter's default 5 ms switch intervals


class Grads(dict):
    """A dict subclass of the submission's: kept as it is (reading it would run its code)."""


def test_arrays_in_plain_containers_are_copied_read_only():
    W = np.arange(6.0).reshape(2, 3)
    f32 = np.ones(3, dtype=np.float32)
    ret = (0.5, {"W": W, "T": W.T, "f": f32, "none": None}, [W])
    got = plain_copy(ret)
    W[0, 0] = -7.0  # the submission's arrays change afterwards: the copies do not
    assert got[0] == 0.5 and got[1]["none"] is None
    assert got[1]["W"][0, 0] == 0.0 and got[2][0][0, 0] == 0.0
    np.testing.assert_array_equal(got[1]["T"], np.arange(6.0).reshape(2, 3).T)
    assert got[1]["f"].dtype == np.float32
    for a in (got[1]["W"], got[1]["T"], got[2][0]):
        assert not a.flags.writeable
        with pytest.raises(ValueError):
            a.flags.writeable = True
    assert plain_copy(np.zeros((0, 3))).shape == (0, 3)


def test_objects_of_the_submissions_classes_and_deeper_levels_are_kept():
    W = np.ones(2)
    mine = Grads(W=W)
    assert plain_copy(mine) is mine
    assert plain_copy(({"a": [W]},))[0]["a"] is not None
    deep = plain_copy(([[W]],))
    assert deep[0][0][0] is W  # three levels down: not a return value's shape
    objects = np.array([1.0, None], dtype=object)
    assert plain_copy(objects) is objects


def _late_thread(ran: list, returned: threading.Event) -> threading.Thread:
    """A thread that wakes every 0.5 ms until the call has returned, then runs (where it would rewrite)."""

    def wake():
        while not returned.is_set():
            time.sleep(0.0005)
        ran.append(True)

    t = threading.Thread(target=wake, daemon=True)
    t.start()
    return t


def _returning(ran: list, threads: list, returned: threading.Event):
    def call():
        threads.append(_late_thread(ran, returned))
        returned.set()  # the call's last act: whatever the thread does from here on is after the return
        return np.ones(3)

    return call


def _busy_then_ran(ran: list, most: float = BUSY) -> bool:
    """Run bytecode (never blocking: only a thread switch lets another thread in) for ``most`` seconds or until
    the other thread has run; whether it has."""
    end = time.perf_counter() + most
    while time.perf_counter() < end and not ran:
        pass
    return bool(ran)


def test_no_other_thread_runs_between_the_return_and_the_copies():
    ran: list = []
    threads: list = []
    ret, ran_inside = held(_returning(ran, threads, threading.Event()), lambda: _busy_then_ran(ran))
    threads[0].join()
    assert not ran_inside and ran  # it ran, but only after the window
    control: list = []
    _returning(control, threads, threading.Event())()
    assert _busy_then_ran(control, 30.0)  # the same wait outside the window: the thread gets in (late when busy)
    threads[1].join()


def test_the_collector_is_off_in_the_window_and_everything_is_restored():
    interval, collecting = sys.getswitchinterval(), gc.isenabled()
    _, inside = held(lambda: None, lambda: (gc.isenabled(), sys.getswitchinterval()))
    assert inside[0] is False and inside[1] > 60.0
    assert sys.getswitchinterval() == interval and gc.isenabled() == collecting

    def raises():
        raise ValueError("the student's backward raised")

    with pytest.raises(ValueError):
        held(raises, lambda: None)
    assert sys.getswitchinterval() == interval and gc.isenabled() == collecting
