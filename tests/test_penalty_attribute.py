"""A penalty a constructor keeps as an attribute (``self.reg = 0.01``) that the loss and its gradient both add:
set to 0 for the check against the reference network and checked apart at its own strength. Before, the
loss value (its penalty 1e-6 of it at small weights) was read as a plain mean BCE, and the penalty's part of
the right gradient was a ``regularization_mismatch`` failing a correct tensor."""

from __future__ import annotations

import pytest

SOURCE = """
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Classifier:
    def __init__(self, n_in, n_hidden, n_out):
        self.W1 = 0.01 * np.random.randn(n_in, n_hidden)
        self.b1 = np.zeros(n_hidden)
        self.W2 = 0.01 * np.random.randn(n_hidden, n_out)
        self.b2 = np.zeros(n_out)
        self.reg = 0.01

    def loss(self, X, y):
        n = X.shape[0]
        h = np.tanh(X.dot(self.W1) + self.b1)
        p = sigmoid(h.dot(self.W2) + self.b2)
        loss = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / n
        loss += 0.5 * self.reg * (np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2)) / n
        e = p - y
        dW2 = (h.T.dot(e) + DECAY * self.W2) / n
        db2 = e.sum(axis=0) / n
        dh = e.dot(self.W2.T) * HIDDEN
        dW1 = (X.T.dot(dh) + self.reg * self.W1) / n
        db1 = dh.sum(axis=0) / n
        return loss, dW1, dW2, db1, db2
"""

RIGHT = {"DECAY": "self.reg", "HIDDEN": "(1 - h ** 2)"}


def _file(tmp_path, name: str, **changes) -> object:
    src = SOURCE
    for key, value in {**RIGHT, **changes}.items():
        src = src.replace(key, value)
    path = tmp_path / name
    path.write_text(src)
    return path


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, audit_json):
    tmp = tmp_path_factory.mktemp("penalty_attr")
    paths = [
        _file(tmp, "attr_reg_right.py"),
        _file(tmp, "attr_reg_doubled_bug.py", DECAY="2 * self.reg"),
        _file(tmp, "attr_reg_hidden_bug.py", HIDDEN="1.0"),
    ]
    return audit_json(paths, tmp / "out")


def test_a_right_penalty_kept_as_an_attribute_passes_and_is_checked_apart(verdicts):
    s = verdicts["attr_reg_right.py"]
    assert s["status"] == "pass", [d["code"] for d in s["diagnoses"]]
    assert any("self.reg = 0.01 was set to 0" in n for n in s["notes"])
    assert any("called again at 0.01" in n and "derivative of the penalty" in n for n in s["notes"])


def test_a_penalty_gradient_written_twice_too_large_is_named(verdicts):
    s = verdicts["attr_reg_doubled_bug.py"]
    assert s["status"] == "fail"
    assert "regularization_mismatch" in [d["code"] for d in s["diagnoses"]]
    assert [t["name"] for t in s["tensors"] if t["status"] == "fail"] == ["W2"]


def test_a_data_bug_beside_a_right_penalty_is_the_only_bug_named(verdicts):
    s = verdicts["attr_reg_hidden_bug.py"]
    assert s["status"] == "fail"
    codes = [d["code"] for d in s["diagnoses"]]
    assert "regularization_mismatch" not in codes
    assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "b1"}


def test_only_penalty_attributes_the_code_reads_are_switched_off():
    from gradcheck.audit.adapters import penaltyattrs

    class Holder:
        def __init__(self):
            self.reg, self.lam, self.lr, self.flag = 0.01, 0.5, 0.1, True

        def backward(self):
            return self.reg * 2, self.lr

    h = Holder()
    assert penaltyattrs.switched_off(h, [Holder.backward]) == {"reg": 0.01}
    assert h.reg == 0.0 and h.lam == 0.5 and h.lr == 0.1  # lam is never read; lr is no penalty
    said = penaltyattrs.unchecked({"reg": 0.01})
    assert "self.reg = 0.01" in said and "was not checked" in said


INPLACE = """
import numpy as np


class Net:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(0)
        self.W1, self.b1 = rng.normal(size=(n_in, n_hidden)), np.zeros(n_hidden)
        self.W2, self.b2 = rng.normal(size=(n_hidden, n_out)), np.zeros(n_out)
        self.reg = 0.01
        self.lr = 0.1

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def backward(self, out, y):
        d = 2 * (out - y) / len(y)
        dh = (d @ self.W2.T) * (1 - self.h ** 2)
        dW2 = (self.h.T @ d) * (1 - 200 * self.reg)
        dW1 = (self.X.T @ dh) * (1 - 200 * self.reg)
        self.W2 -= self.lr * dW2
        self.b2 -= self.lr * d.sum(axis=0)
        self.W1 -= self.lr * dW1
        self.b1 -= self.lr * dh.sum(axis=0)
"""


def test_a_penalty_attribute_in_an_update_is_kept_as_the_code_sets_it(audit_json, tmp_path):
    """Red-team round 7, S1: an in-place update whose weight gradients carry (1 - 200 * self.reg), a sign flip
    at the code's own 0.01 that vanishes at 0. No probe can measure the penalty there (no loss returned with the
    gradient), so the attribute is not switched off and the flip is failed."""
    path = tmp_path / "penalty_attr_inplace_bug.py"
    path.write_text(INPLACE)
    s = audit_json([path], tmp_path / "out")[path.name]
    assert s["status"] == "fail"
    assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "W2"}
    assert not any("was set to 0" in n for n in s["notes"])
