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


def _relabelled(W: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W with its columns (hidden units) in another order and random signs; the order and the signs."""
    order = rng.permutation(W.shape[1])
    flip = rng.choice([-1.0, 1.0], size=order.size)
    return W[:, order] * flip, order, flip


def test_relabelled_copies_moved_in_one_entry_are_that_entry_of_the_weight():
    """examples/hostile/permuted_units_numerical.py: the hidden units permuted and sign-flipped, a new order for
    every evaluation, one entry moved by the step; the place is the weight's own entry, whatever the order."""
    rng = np.random.default_rng(11)
    w, seen = _watch(), set()
    for r, c in np.ndindex(3, 4):
        for sign in (1.0, -1.0):
            moved = BASE[0].copy()
            moved[r, c] += sign * H
            copy, _, _ = _relabelled(moved, rng)
            hits = w.hits(copy)
            assert hits == [("local", 0, r * 4 + c)]
            seen.update(hits)
    assert len(seen) == 12
    column = BASE[2].copy()
    column[1, 0] -= H
    assert w.hits(column[rng.permutation(4)] * -1.0) == [("local", 2, 1)]  # W2's rows reordered, negated
    flat = THETA.copy()
    flat[14] += H
    assert w.hits(-flat[rng.permutation(flat.size)]) == [("local", "flat", 14)]


def test_a_stack_of_relabelled_copies_is_one_place_per_copy():
    rng = np.random.default_rng(12)
    copies = []
    for k in range(12):
        moved = BASE[0].copy()
        moved.flat[k] += H
        copies.append(_relabelled(moved, rng)[0])
    assert sorted(_watch().hits(np.stack(copies))) == [("local", 0, k) for k in range(12)]


def test_relabelled_arrays_that_are_not_a_probe_are_ignored():
    rng = np.random.default_rng(13)
    w = _watch()
    assert w.hits(_relabelled(BASE[0], rng)[0]) == []  # the same network, nothing moved
    updated = BASE[0] - 1e-4 * rng.normal(size=(3, 4))
    assert w.hits(_relabelled(updated, rng)[0]) == []  # an update: every entry moved
    three = BASE[0].copy()
    three.flat[[0, 5, 9]] += H
    assert w.hits(_relabelled(three, rng)[0]) == []  # three entries moved: no probe of one or two
    far = BASE[0].copy()
    far[0, 0] += 0.5
    assert w.hits(_relabelled(far, rng)[0]) == []  # a step larger than a difference's
    assert w.hits(np.abs(BASE[0]).T + 0.0) == []  # the magnitudes in other places, none moved


def test_a_buffer_moved_in_place_is_read_again():
    """An array in which nothing was found is passed over when met again with the same content, never by its identity:
    a buffer the numerical gradient writes each probe into is read at every probe."""
    w = _watch()
    buf = BASE[0].copy()
    assert w.hits(buf) == [] and w.hits(buf) == []
    for k in (3, 7):
        buf[...] = BASE[0]
        buf.flat[k] += H
        assert w.hits(buf) == [("local", 0, k)]
        assert w.hits(buf.copy()) == [("local", 0, k)]  # the same probe seen again: still an evaluation


def test_a_stack_of_copies_as_columns_is_one_place_per_copy_too():
    """``theta[:, None] + h I`` (every copy a column, as ``scipy.differentiate.jacobian`` hands its function the
    copies): before, only stacks along leading axes were read, and a numerical gradient built so passed."""
    P = THETA.size
    cols = THETA[:, None] + H * np.hstack([np.eye(P), -np.eye(P)])
    hits = _watch().hits(cols)
    assert len(hits) == 2 * P and len(set(hits)) == P
    W1s = np.moveaxis(cols[:12].reshape(3, 4, 2 * P), -1, 0).transpose(1, 2, 0)  # (3, 4, 2P): W1's copies trailing
    assert len(set(_watch().hits(W1s))) == 12
    assert _watch().hits(np.repeat(THETA[:, None], 5, axis=1)) == []  # the weights themselves, column by column
