"""Tests for reference_nets.datasets."""

import numpy as np
import pytest

from reference_nets import datasets as D


@pytest.mark.parametrize(
    "name, expected",
    [
        ("and", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("xor", [0, 1, 1, 0]),
        ("XOR", [0, 1, 1, 0]),
    ],
)
def test_logic_gates(name, expected):
    X, Y = D.logic_gate(name)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert Y.shape == (4, 1) and Y.ravel().tolist() == expected


def test_xor_is_xor_gate_and_returns_fresh_arrays():
    X, Y = D.xor()
    Y[0, 0] = 9.0
    assert D.xor()[1][0, 0] == 0.0
    assert np.array_equal(D.xor()[1], D.logic_gate("xor")[1])


@pytest.mark.parametrize(
    "name, kwargs, n_in, n_out",
    [
        ("linear_points", {"n": 50, "seed": 1}, 2, 1),
        ("xor_points", {"n": 50, "seed": 1}, 2, 1),
        ("threshold_1d", {"n": 64, "seed": 1}, 1, 1),
        ("regression", {"n": 10, "n_in": 3, "n_out": 2, "seed": 1}, 3, 2),
        ("one_hot_identity", {"n": 8}, 8, 8),
        ("logic_gate", {"name": "or"}, 2, 1),
        ("xor", {}, 2, 1),
    ],
)
def test_shapes_dtype_and_determinism(name, kwargs, n_in, n_out):
    X, Y = D.make_dataset(name, **kwargs)
    assert X.dtype == Y.dtype == np.float64
    assert X.ndim == Y.ndim == 2 and X.shape[1] == n_in and Y.shape == (X.shape[0], n_out)
    X2, Y2 = D.make_dataset(name, **kwargs)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)


@pytest.mark.parametrize("name", ["linear_points", "xor_points", "threshold_1d", "regression"])
def test_seed_changes_data(name):
    assert not np.array_equal(D.make_dataset(name, seed=0)[0], D.make_dataset(name, seed=1)[0])


def test_labels_follow_their_rules():
    X, Y = D.linear_points(200, seed=2)
    assert np.array_equal(Y[:, 0] == 1, X[:, 0] <= X[:, 1])
    assert 0.3 < Y.mean() < 0.7 and X.min() >= 0 and X.max() <= 1
    X, Y = D.xor_points(200, seed=2)
    assert np.array_equal(Y[:, 0] == 1, (X[:, 0] > 0.5) ^ (X[:, 1] > 0.5))
    assert 0.3 < Y.mean() < 0.7
    X, Y = D.threshold_1d(200, seed=2)
    assert np.array_equal(Y == 1, X >= 0) and X.min() >= -2 and X.max() <= 2
    X, Y = D.one_hot_identity(5)
    assert np.array_equal(X, np.eye(5)) and np.array_equal(Y, X) and Y is not X


def test_registry_complete():
    assert set(D.DATASETS) == {
        "xor",
        "logic_gate",
        "linear_points",
        "xor_points",
        "one_hot_identity",
        "threshold_1d",
        "regression",
        "spiral",
        "blobs",
        "sine",
    }


@pytest.mark.parametrize("make", [D.spiral, D.blobs])
def test_classification_sets_give_both_label_forms(make):
    X, Y = make(seed=4)
    X2, y = make(seed=4, labels="int")
    assert np.array_equal(X, X2) and Y.dtype == np.float64 and y.dtype == np.int64
    assert Y.shape == (X.shape[0], 3) and y.shape == (X.shape[0],)
    assert np.array_equal(np.argmax(Y, axis=1), y) and np.array_equal(Y.sum(axis=1), np.ones(len(y)))
    assert set(y.tolist()) == {0, 1, 2}


def test_spiral_and_sine_shapes():
    X, y = D.spiral(10, 4, labels="int")
    assert X.shape == (40, 2) and np.all(np.linalg.norm(X, axis=1) <= 1 + 1e-12) and np.bincount(y).tolist() == [10] * 4
    X, Y = D.sine(50, seed=1)
    assert X.shape == Y.shape == (50, 1) and np.max(np.abs(Y)) <= 0.9
    np.testing.assert_allclose(Y, 0.9 * np.sin(X))


def test_errors():
    with pytest.raises(ValueError, match=r"name must be one of \['and', 'or', 'xor'\], got 'nand'"):
        D.logic_gate("nand")
    with pytest.raises(ValueError, match=r"unknown dataset 'mnist'; valid names: xor, logic_gate"):
        D.make_dataset("mnist")
    with pytest.raises(ValueError, match=r"n must be a positive integer, got 0"):
        D.linear_points(0)
    with pytest.raises(ValueError, match=r"n must be a positive integer, got 2.5"):
        D.threshold_1d(2.5)
    with pytest.raises(ValueError, match=r"n_out must be a positive integer, got -1"):
        D.regression(n_out=-1)
    with pytest.raises(ValueError, match=r"n must be a positive integer, got True"):
        D.one_hot_identity(True)
    with pytest.raises(ValueError, match=r"classes must be at least 2, got 1"):
        D.spiral(5, 1)
    with pytest.raises(ValueError, match=r"classes must be at least 2, got 1"):
        D.blobs(classes=1)
    with pytest.raises(ValueError, match=r"labels must be 'onehot' or 'int', got 'index'"):
        D.blobs(labels="index")
