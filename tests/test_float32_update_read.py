"""A backward(X, y, lr) that updates float32 weights in place: the gradient read off the update, (before - after) / lr,
carries half a float32 ulp of each weight over the rate. An entry whose gradient is small beside its weight was read
several 1e-4 of itself off on a correct backward, a false fail ('localized' on W1). It is read again at a rate where
float32 rounds the step, not the weight (gradcheck.audit.adapters.readers.fineread)."""

from __future__ import annotations

import numpy as np
import pytest
from audit_example import audit_source

from gradcheck.audit.adapters.readers.fineread import fine_read
from gradcheck.audit.adapters.step import Step1

#: Weights of scale 3 (seed 2): W1[1, 3]'s gradient is 1e-4 of the largest, and its weight ~1.
UPDATER = """
import numpy as np


class Net:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(2)
        self.W1 = 3 * rng.normal(0, 1, (n_in, n_hidden)).astype(np.float32)
        self.b1 = np.zeros((1, n_hidden), dtype=np.float32)
        self.W2 = 3 * rng.normal(0, 1, (n_hidden, n_out)).astype(np.float32)
        self.b2 = np.zeros((1, n_out), dtype=np.float32)

    def forward(self, X):
        X = X.astype(np.float32)
        self.a1 = np.tanh(X @ self.W1 + self.b1)
        self.a2 = 1 / (1 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.a2

    def loss(self, X, y):
        p = self.forward(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, X, y, lr):
        X = X.astype(np.float32)
        m = X.shape[0]
        dz2 = (self.a2 - y) / m
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * (1 - self.a1 ** 2)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        self.W2 -= lr * dW2
        self.b2 -= lr * db2
        self.W1 -= lr * dW1
        self.b1 -= lr * db1
"""
CORRECT_DZ1 = "dz1 = (dz2 @ self.W2.T) * (1 - self.a1 ** 2)"


@pytest.mark.parametrize(
    "dz1, status, code",
    [
        (CORRECT_DZ1, "pass", None),
        ("dz1 = (dz2 @ self.W2.T) * (1 - np.tanh(self.a1) ** 2)", "fail", "derivative_at_activation"),
        ("dz1 = (dz2 @ self.W2.T) * (1 - self.a1 ** 2) * m", "fail", None),
    ],
    ids=["correct", "tanh-at-activation", "dz1-times-m"],
)
def test_float32_in_place_updater(tmp_path, dz1, status, code):
    s = audit_source(tmp_path, "net.py", UPDATER.replace(CORRECT_DZ1, dz1))
    assert s["status"] == status, (s["status"], s["error"], [(t["name"], t["status"]) for t in s["tensors"]])
    if code:
        assert s["diagnoses"][0]["code"] == code
    if status == "fail":
        assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "b1"}


class _Runner:
    """A step W -= lr * g on float32 storage, g fixed (what a verified-linear update does)."""

    def __init__(self, w, g):
        self.w, self.g = np.float32(w), np.float32(g)

    def step(self, lr, columns, knob=None):
        after = (self.w - np.float32(lr) * self.g).astype(np.float32)
        return Step1(None, [self.w.astype(float)], [after.astype(float)], None, None, None, columns)


def test_the_second_read_is_exact_to_float32_of_each_entry():
    w = np.array([3.0, -2.5, 0.7, 1.1])
    g = np.array([0.5, 1e-4, -3e-5, 0.02])
    runner = _Runner(w, g)
    lr = 1.0  # the largest step (0.5) is a sixth of the largest weight: the quarter-scale rate
    first = runner.step(lr, False)
    coarse = (first.before[0] - first.after[0]) / lr
    exact = np.float32(g).astype(float)
    assert np.max(np.abs(coarse - exact) / np.abs(exact)) > 1e-3  # the first read's error on the small entries
    step, rate = fine_read(runner, first, None, first, lr)
    fine = (step.before[0] - step.after[0]) / rate
    assert rate > lr and np.max(np.abs(fine - exact) / np.abs(exact)) <= 2 * np.finfo(np.float32).eps
