"""The call watch reads a submission's containers without running the submission's code."""

import numpy as np
import pytest

from gradcheck.audit.basereads import NotPlain, base_resolve, base_snapshot, held_arrays
from gradcheck.audit.plaingrads import plain_floats


class Tripwire(Exception):
    pass


class LazyDict(dict):
    def items(self):
        raise Tripwire

    def values(self):
        raise Tripwire

    def __iter__(self):
        raise Tripwire

    def __getitem__(self, key):
        raise Tripwire


class LazyList(list):
    def __getitem__(self, i):
        raise Tripwire

    def __iter__(self):
        raise Tripwire


class HookedArray(np.ndarray):
    armed = False

    def __array_finalize__(self, obj):
        if HookedArray.armed:
            raise Tripwire

    def copy(self, *a, **k):
        raise Tripwire


def _hooked(values) -> HookedArray:
    out = np.asarray(values, dtype=float).view(HookedArray)
    HookedArray.armed = True  # from now on any view or copy of it raises
    return out


def test_dict_and_list_subclasses_are_read_through_the_base_class():
    w = np.arange(6.0).reshape(2, 3)
    d = LazyDict(W=w, c=np.ones(2, complex))
    got = held_arrays(d, "f")
    assert [k for k, _ in got] == ["W"] and np.array_equal(got[0][1], w)
    assert [k for k, _ in held_arrays(d, "c")] == ["c"]
    got = held_arrays(LazyList([w, "x", w + 1]), "f")
    assert [k for k, _ in got] == ["0", "2"]


def test_an_ndarray_subclass_is_seen_as_a_base_view():
    a = _hooked(np.arange(4.0))
    ((key, arr),) = held_arrays(a, "f")
    assert type(arr) is np.ndarray and np.array_equal(arr, np.arange(4.0))
    assert held_arrays(a, "c") == []


def test_sequences_only_where_asked_and_odd_keys_named_by_type():
    w = np.ones(3)
    assert held_arrays([w], "f", sequences=False) == []
    assert held_arrays({(1, 2): w}, "f")[0][0] == "<tuple>"


def test_plain_floats_are_fresh_base_float64_arrays():
    a = np.arange(3, dtype=np.float32)
    out = plain_floats([a, None, [1, 2]])
    assert out[1] is None
    assert all(type(v) is np.ndarray and v.dtype == np.float64 for v in (out[0], out[2]))
    assert not np.shares_memory(out[0], a)


class Tensor:
    def __init__(self, steps, shape):
        self.steps, self.shape = steps, shape


class Net:
    def __init__(self):
        self.W1 = np.arange(6.0).reshape(2, 3)
        self.params = LazyDict(b1=np.ones(3))
        self.layers = LazyList([np.zeros(2)])
        self.bias = 0.5

    @property
    def W2(self):
        raise Tripwire

    def __getattr__(self, name):
        raise Tripwire

    def weights(self):
        raise Tripwire


def test_the_watch_snapshot_reads_weights_as_stored_and_runs_no_code_of_the_submission():
    net = Net()
    plain = [
        Tensor((("attr", "W1"),), (2, 3)),
        Tensor((("attr", "params"), ("item", "b1")), (3,)),
        Tensor((("attr", "layers"), ("item", 0)), (2,)),
        Tensor((("attr", "bias"),), ()),
    ]
    got = base_snapshot(net, plain)
    assert [g.tolist() for g in got] == [net.W1.tolist(), [1.0, 1.0, 1.0], [0.0, 0.0], 0.5]
    for hidden in ((("attr", "W2"),), (("attr", "missing"),), (("call", "weights"),)):
        assert base_snapshot(net, [*plain, Tensor(hidden, (2,))]) is None  # no snapshot rather than their code
    with pytest.raises(NotPlain):
        base_resolve(net, (("attr", "W2"),))
