"""Finite-difference stencils on a function's inputs are seen; updates and repeated calls are not."""

import numpy as np

from gradcheck.audit.probes import PERTURBATION_RTOL
from gradcheck.audit.stencils import StencilLines

RNG = np.random.default_rng(5)
Z = RNG.standard_normal((8, 5))  # a pre-activation


def _places(values, slot=("f", "z", "")) -> int:
    lines = StencilLines(PERTURBATION_RTOL)
    return len({hit for v in values if (hit := lines.hit(slot, np.asarray(v))) is not None})


def test_a_six_point_stencil_in_longdouble_along_an_orthonormal_basis_shows_one_place_per_direction():
    q, _ = np.linalg.qr(RNG.standard_normal((Z.size, Z.size)))
    h = np.longdouble(1e-4)
    z = Z.astype(np.longdouble).ravel()
    points = [z + c * h * q[:, i].astype(np.longdouble) for i in range(Z.size) for c in (3, 2, 1, -1, -2, -3)]
    assert _places(points) == Z.size


def test_a_central_difference_from_the_point_itself_is_one_place():
    v = RNG.standard_normal(Z.size)
    v /= np.linalg.norm(v)
    z = Z.ravel()
    assert _places([z, z + 1e-6 * v, z - 1e-6 * v]) == 1


def test_online_updates_repeated_calls_and_large_moves_are_not_stencils():
    w, seen = Z.copy(), [Z.copy()]
    for _ in range(50):  # per-sample updates: a small move along a new direction each time
        w = w - 1e-4 * RNG.standard_normal(w.shape)
        seen.append(w.copy())
    assert _places(seen) == 0
    assert _places([Z, Z, Z, Z]) == 0  # the same input again
    v = RNG.standard_normal(Z.shape)
    assert _places([Z + c * 0.5 * v for c in (3, 2, 1, -1)]) == 0  # steps far beyond a differentiation step
    assert _places([Z, Z + 1e-6 * v, Z + 2e-6 * v][:2]) == 0  # one move: no line yet


def test_moves_in_one_or_two_entries_are_left_to_the_per_entry_rule():
    e = np.zeros(Z.size)
    e[3] = 1e-6
    z = Z.ravel()
    assert _places([z, z + e, z - e, z + 2 * e]) == 0


def test_a_scalar_step_length_called_back_and_forth_is_a_line():
    from gradcheck.audit.stencils import StencilLines

    lines = StencilLines(1e-3)
    h = 2.0**-10
    hits = [lines.scalar_hit(("f", "phi", "t"), t) for t in (h, -h, 2 * h, -2 * h)]
    assert hits[:3] == [None, None, None] and hits[3] is not None  # two sizes, each both ways: phi'(0)


def test_scalars_a_backward_passes_are_no_line():
    from gradcheck.audit.stencils import StencilLines

    lines = StencilLines(1e-3)
    rng = np.random.default_rng(2)
    for t in [0.01] * 20 + list(rng.normal(0, 0.01, 200)) + [0.001, 0.002, 0.0]:  # a slope, data entries, rates
        assert lines.scalar_hit(("f", "leaky", "alpha"), float(t)) is None


def _softmax_rows(n: int) -> np.ndarray:
    """dL/dscores of a softmax over three classes whose scores a ReLU output zeroes but one: the rows move
    between each other by tiny steps along one exact line ((a, -2a, a)-like), as at small weights."""
    s = np.zeros((n, 3))
    s[:, 1] = np.abs(RNG.standard_normal(n)) * 1e-4
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    p[np.arange(n), np.zeros(n, int)] -= 1
    return p / n


def test_the_rows_of_one_array_iterated_over_are_data_not_a_stencil():
    """np.apply_along_axis(f, 1, dout) calls f on each row, a view into dout: moves between rows repeat one
    line exactly, and the same values made as separate arrays read as a stencil (the rule itself is kept)."""
    d = _softmax_rows(64)
    assert _places(list(d)) == 0  # views into one array, at successive places
    seen = []
    np.apply_along_axis(lambda row: seen.append(row) or 0.0, 1, d)
    assert _places(seen) == 0
    assert _places([row.copy() for row in d]) >= 1  # separate arrays: the line repeats, a stencil


def test_a_stencil_written_into_one_buffer_in_place_is_still_seen():
    """x += h q; f(x); x -= 2 h q; f(x): one array at one place, moved in place: the buffer is no row of data."""
    lines = StencilLines(PERTURBATION_RTOL)
    x = Z.ravel().copy()
    hits = []
    for i in range(4):
        q = np.zeros_like(x)
        q[i : i + 4] = 1.0
        for c in (1.0, -2.0, 3.0):
            x += c * 1e-6 * q
            hits.append(lines.hit(("f", "x", ""), x))
    assert any(h is not None for h in hits)


def test_a_stencil_written_in_place_into_a_two_slot_workspace_is_seen():
    """work[i % 2] = x + c h q: the places alternate, so "another row of one array" would never compare them; a
    place met again is compared (red-team round 7, S4)."""
    lines = StencilLines(PERTURBATION_RTOL)
    x = Z.ravel().astype(float)
    work = np.empty((2, x.size))
    hits = []
    for d in range(3):
        q = np.zeros_like(x)
        q[d : d + 4] = 0.5
        for i, c in enumerate((3, 2, 1, -1, -2, -3)):
            slot = work[i % 2]
            np.multiply(q, c * 1e-6, out=slot)
            slot += x
            hits.append(lines.hit(("f", "z", ""), slot))
    assert sum(h is not None for h in hits) >= 3
