"""A thresholding predict() read without its threshold (gradcheck.audit.adapters.unthreshold)."""

import inspect

import numpy as np
import pytest

from gradcheck.audit.adapters.unthreshold import unthresholded


def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def astype(x):
    return (_sig(x @ W) > 0.5).astype(int)


def astype_ravel(x):
    return (_sig(x @ W) > 0.5).astype(int).ravel()  # a decision made flat: still a threshold


def argmax(x):
    scores = x @ W
    return np.argmax(scores, axis=1)


def rounded(x):
    return np.round(_sig(x @ W))


def where_named(x):
    p = _sig(x @ W)
    labels = np.where(p >= 0.5, 1, 0)
    return labels


def method_form(x):
    return (_sig(x @ W) > 0.5).astype(np.int64)


def comprehension(x):
    y_pred = _sig(x @ W[:, 0])
    classes = [1 if i > 0.5 else 0 for i in y_pred]
    return classes


def comprehension_int(x):
    return [int(p >= 0.5) for p in _sig(x @ W[:, 0])]


def comprehension_on_another_name(x):
    probs = _sig(x @ W[:, 0])
    return [1 if probs[0] > 0.5 else 0 for _ in probs]


def plain(x):
    return _sig(x @ W)


W = np.array([[0.3, -1.0], [0.8, 0.2], [-0.5, 0.4]])
X = np.random.default_rng(0).normal(size=(5, 3))


@pytest.mark.parametrize(
    "fn, expected",
    [
        (astype, lambda: _sig(X @ W)),
        (astype_ravel, lambda: _sig(X @ W)),
        (argmax, lambda: X @ W),
        (rounded, lambda: _sig(X @ W)),
        (where_named, lambda: _sig(X @ W)),
        (method_form, lambda: _sig(X @ W)),
        (comprehension, lambda: _sig(X @ W[:, 0])),
        (comprehension_int, lambda: _sig(X @ W[:, 0])),
    ],
)
def test_the_value_before_the_threshold(fn, expected):
    raw = unthresholded(fn)
    assert raw is not None
    np.testing.assert_array_equal(raw(X), expected())
    decided = fn(X)
    assert np.unique(decided).size <= 2 or fn is argmax  # the original still decides


def test_no_threshold_is_left_alone():
    assert unthresholded(plain) is None
    assert unthresholded(comprehension_on_another_name) is None  # each item is not decided on itself


def test_bound_method_and_the_students_line_numbers():
    class Net:
        def __init__(self):
            self.W = W

        def predict(self, x):
            out = _sig(x @ self.W)
            return (out > 0.5).astype(int)

        def predict_broken(self, x):
            out = _sig(x @ self.W)
            bad = out[0, 99]
            return (out > bad).astype(int)

    net = Net()
    raw = unthresholded(Net.predict)
    np.testing.assert_array_equal(raw.__get__(net)(X), _sig(X @ W))
    broken = unthresholded(Net.predict_broken)
    with pytest.raises(IndexError) as info:
        broken.__get__(net)(X)
    lines, first = inspect.getsourcelines(Net.predict_broken)
    assert info.traceback[-1].lineno + 1 == first + 2  # the line of out[0, 99], as the student wrote it
