"""Error maps: where in a tensor the gradient is wrong, entry by entry (the data of the heatmaps)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.errormap import LOG_FLOOR, MAX_SIDE, as_matrix, error_map, error_maps


def test_each_cell_is_the_log10_relative_error_of_its_entry():
    g = np.array([[1.0, -2.0, 3.0]])
    n = np.array([[1.0, -2.0 * (1 + 1e-3), 6.0]])
    cells = error_map(g, n)["log10_rel"]
    assert cells[0][0] == LOG_FLOOR  # exact: the floor of the scale
    assert cells[0][1] == round(math.log10(2e-3 / (2 * (1 + 1e-3))), 1)  # by hand: |g-n| / max(|g|, |n|)
    assert cells[0][2] == round(math.log10(3 / 6), 1)


def test_entries_not_checked_are_none():
    n = np.array([1.0, np.nan, 3.0])
    assert error_map(np.ones(3), n)["log10_rel"] == [[LOG_FLOOR, None, round(math.log10(2 / 3), 1)]]


@pytest.mark.parametrize(("shape", "matrix"), [((), (1, 1)), ((5,), (1, 5)), ((3, 4), (3, 4)), ((2, 3, 4), (2, 12))])
def test_tensors_are_shown_as_matrices(shape, matrix):
    assert as_matrix(np.zeros(shape)).shape == matrix
    m = error_map(np.ones(shape), np.ones(shape))
    assert m["shape"] == list(shape) and (len(m["log10_rel"]), len(m["log10_rel"][0])) == matrix


def test_a_large_tensor_is_shown_in_blocks_and_one_wrong_entry_still_shows():
    rng = np.random.default_rng(0)
    g = rng.standard_normal((100, 80))
    n = g.copy()
    n[37, 51] *= 1.01  # one wrong entry among 8000
    m = error_map(g, n)
    cells = np.array(m["log10_rel"], dtype=float)
    assert m["block"] == [3, 2] and cells.shape == (34, 40) and max(cells.shape) <= MAX_SIDE
    assert np.unravel_index(np.argmax(cells), cells.shape) == (37 // 3, 51 // 2)
    assert cells.max() > -3 and np.sort(cells.ravel())[-2] == LOG_FLOOR


def test_a_wrong_row_of_a_real_check_shows_as_a_row():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 4))
    params = {"W": rng.standard_normal((4, 3))}

    def loss(p):
        return float(np.sum(np.tanh(X @ p["W"]) ** 2))

    def grad(p):
        a = np.tanh(X @ p["W"])
        g = X.T @ (2 * a * (1 - a**2))
        g[2] *= 1.5  # input 2's row of the gradient is wrong
        return {"W": g}

    report = check_gradients(loss, grad, params, mode="full")
    cells = np.array(error_maps(report)["W"]["log10_rel"], dtype=float)
    assert (cells[2] > -1).all() and (np.delete(cells, 2, axis=0) < -7).all()
    assert error_maps(report, statuses=("pass",)) == {}
