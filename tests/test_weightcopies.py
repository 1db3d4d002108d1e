"""Copies of the weights a small step away, in any array holding them (gradcheck.audit.weightcopies).

Numerical gradients written with numpy alone (examples/hostile/batched_numerical.py: every perturbed copy a
row of one stack; lstsq_numerical.py: a flat vector moved along random directions, fitted by least
squares) against what backpropagation and training make of the same weights: an update, an online
walk of per-sample updates, and arrays of activations and deltas.
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.weightcopies import STAR, WeightCopies

RNG = np.random.default_rng(5)
BASE = [RNG.normal(size=(3, 4)), RNG.normal(scale=0.1, size=(1, 4)), RNG.normal(size=(4, 1)), RNG.normal(size=(1, 1))]
THETA = np.concatenate([b.ravel() for b in BASE])
H = 1e-5


def _watch() -> WeightCopies:
    return WeightCopies(BASE, 1e-3, 3)


def test_a_stack_of_one_entry_moves_is_one_place_per_copy():
    P = THETA.size
    stack = np.concatenate([THETA + H * np.eye(P), THETA - H * np.eye(P)])
    hits = _watch().hits(stack)
    assert len(hits) == 2 * P and len(set(hits)) == P  # +h and -h of one entry: one place
    W1s = stack[:, :12].reshape(2 * P, 3, 4)
    assert len(set(_watch().hits(W1s))) == 12  # the copies of W1 alone, moved in its 12 entries


def test_random_directions_around_the_point_are_evaluations_from_the_star_on():
    w = _watch()
    D = RNG.normal(size=(3 * THETA.size, THETA.size))
    found = [w.hits(THETA + H * d) for d in D]
    assert all(not f for f in found[: STAR - 1])
    assert sum(bool(f) for f in found) >= len(D) - STAR and all(f[0][0] == "around" for f in found if f)


def test_an_update_and_an_online_walk_are_no_evaluations():
    w = _watch()
    g = RNG.normal(size=THETA.size)
    assert w.hits(THETA - 1e-4 * g) == []  # one update of a copy, seen at many calls
    assert w.hits(THETA - 1e-4 * g) == []
    walk = THETA.copy()
    for _ in range(400):  # per-sample updates: each gradient its own, all sharing a mean
        walk = walk - 2e-6 * (g + RNG.normal(size=THETA.size))
        assert w.hits(walk) == []


def test_arrays_that_are_not_copies_are_ignored():
    w = _watch()
    assert w.hits(RNG.normal(size=(16, 4))) == []  # activations of the bias's width
    assert w.hits(BASE[1] + RNG.normal(scale=0.1, size=(16, 4))) == []  # a step larger than a difference's
    assert w.hits(THETA.copy()) == []  # the weights themselves
    assert w.hits(np.tile(THETA, (5, 1))) == []


def test_nested_lists_of_python_floats_are_read_as_arrays():
    from gradcheck.audit.weightcopies import nested_floats

    listed = BASE[0].tolist()
    np.testing.assert_array_equal(nested_floats(listed), BASE[0])
    listed[1][2] += H  # a forward in plain Python, one weight moved
    assert _watch().hits(nested_floats(listed)) == [("local", 0, 6)]
    assert nested_floats([[1.0, 2.0], [3.0]]) is None  # ragged
    assert nested_floats([[1.0, "2"]]) is None and nested_floats([]) is None and nested_floats(3.0) is None
    assert nested_floats([[0.5] * 100] * 100) is None  # more entries than are read at every call


class _Shouting(list):
    def __getitem__(self, i):
        raise AssertionError("the watch ran the submission's code")

    def __len__(self):
        raise AssertionError("the watch ran the submission's code")


def test_a_list_subclass_is_read_through_the_base_class():
    from gradcheck.audit.weightcopies import nested_floats

    np.testing.assert_array_equal(nested_floats(_Shouting([_Shouting([1.0, 2.0])])), [[1.0, 2.0]])


def test_exact_numbers_and_object_arrays_are_read_too():
    from fractions import Fraction

    from gradcheck.audit.weightcopies import nested_floats

    exact = [[Fraction(v) for v in row] for row in BASE[0].tolist()]
    exact[0][1] += Fraction(1, 10**5)  # a step in exact arithmetic
    assert _watch().hits(nested_floats(exact)) == [("local", 0, 1)]
    held = np.array(exact, dtype=object)
    assert _watch().hits(nested_floats(held)) == [("local", 0, 1)]
    assert nested_floats([[np.float64(1.0), 2.0]]) is not None  # list(W.ravel()) holds numpy scalars

    class Sneaky(float):
        def __float__(self):
            raise AssertionError("the watch ran the submission's code")

    assert nested_floats([[Sneaky(1.0), 2.0]]) is None
