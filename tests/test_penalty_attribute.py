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
    from gradcheck.audit.adapters import knobs

    knobs.start(False)
    penaltyattrs.check_again({"reg": 0.01})
    assert knobs.off() == {"self.reg": 0.01}


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


DICT_GRADS = """
import numpy as np


class Net:
    def __init__(self, input_size, hidden_size, output_size, weight_decay_lambda=0.01):
        rng = np.random.default_rng(1)
        self.params = {
            "W1": rng.normal(0, 0.5, (input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": rng.normal(0, 0.5, (hidden_size, output_size)), "b2": np.zeros(output_size),
        }
        self.l2_lambda = weight_decay_lambda

    def predict(self, x):
        self.h = np.maximum(0, x @ self.params["W1"] + self.params["b1"])
        return self.h @ self.params["W2"] + self.params["b2"]

    def loss(self, x, t):
        y = self.predict(x)
        e = y - t
        decay = 0.5 * self.l2_lambda * (np.sum(self.params["W1"] ** 2) + np.sum(self.params["W2"] ** 2))
        return 0.5 * np.sum(e ** 2) / x.shape[0] + decay

    def gradient(self, x, t):
        self.loss(x, t)
        d = (self.predict(x) - t) / x.shape[0]
        grads = {"W2": self.h.T @ d + DECAY * self.params["W2"], "b2": d.sum(axis=0)}
        dh = (d @ self.params["W2"].T) * (self.h > 0)
        grads["W1"] = x.T @ dh + self.l2_lambda * self.params["W1"]
        grads["b1"] = dh.sum(axis=0)
        return grads
"""


@pytest.mark.parametrize(
    ("name", "decay", "failing"),
    [
        ("dict_grads_decay_right.py", "self.l2_lambda", set()),
        ("dict_grads_decay_sign_bug.py", "-self.l2_lambda", {"params['W2']"}),
    ],
)
def test_a_penalty_attribute_beside_returned_gradients_is_checked_again_as_the_code_sets_it(
    audit_json, tmp_path, name, decay, failing
):
    """A class returning its gradients in a dict (no loss with them) and adding ``self.l2_lambda * W``, which its
    own ``loss()`` adds too: right, it passed the check at 0 and again at 0.01 against the student's own loss
    (before: a false FAIL, ``regularization_mismatch``, the reference having no penalty); the same with the
    penalty's sign flipped fails W2 on the second check."""
    path = tmp_path / name
    path.write_text(DICT_GRADS.replace("DECAY", decay))
    s = audit_json([path], tmp_path / "out")[path.name]
    assert any("self.l2_lambda = 0.01 as the code sets it" in n for n in s["notes"]), s["notes"]
    assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == failing
    if failing:
        assert s["status"] == "fail"
        assert s["diagnoses"][0]["code"] == "regularization_mismatch"
    else:
        assert s["status"] == "pass", [d["message"] for d in s["diagnoses"]]


def test_a_penalty_attribute_in_an_update_is_checked_again_as_the_code_sets_it(audit_json, tmp_path):
    """Red-team round 7, S1: an in-place update whose weight gradients carry (1 - 200 * self.reg), a sign flip
    at the code's own 0.01 that vanishes at 0. No probe can measure the penalty there (no loss returned with the
    gradient): the check with the attribute at 0 is followed by one with it as the code sets it, which fails the
    flip."""
    path = tmp_path / "penalty_attr_inplace_bug.py"
    path.write_text(INPLACE)
    s = audit_json([path], tmp_path / "out")[path.name]
    assert s["status"] == "fail"
    assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "W2"}
    assert any("self.reg = 0.01 as the code sets it" in n for n in s["notes"]), s["notes"]


GUARDED = INPLACE.replace(
    "        self.W2 -= self.lr * dW2\n",
    "        if self.reg:\n            dW2 = dW2 + self.reg * self.W2.T\n        self.W2 -= self.lr * dW2\n",
).replace("(1 - 200 * self.reg)", "1.0")


def test_a_penalty_attribute_whose_term_cannot_be_run_at_its_own_strength_leaves_no_pass(audit_json, tmp_path):
    """``if self.reg: dW2 = dW2 + self.reg * self.W2.T`` (transposed: it raises at the code's own 0.01, never at
    0): right with the attribute at 0, and no verdict with it as the code sets it. The grader set it to 0 on its
    own reading, so the check at 0 alone is no pass."""
    path = tmp_path / "penalty_attr_guarded_bug.py"
    path.write_text(GUARDED)
    s = audit_json([path], tmp_path / "out")[path.name]
    assert s["status"] == "inconclusive", (s["status"], s["notes"])
    assert any("not checked again with self.reg = 0.01" in n for n in s["notes"]), s["notes"]


TWO_ATTRS = """
import numpy as np


class TwoLayerNet:
    def __init__(self, input_size=4, hidden_size=6, output_size=3, std=0.1):
        rng = np.random.default_rng(0)
        self.params = {
            "W1": std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }
        self.l1 = L1
        self.l2 = 0.01

    def loss(self, X, y=None):
        W1, b1, W2, b2 = self.params["W1"], self.params["b1"], self.params["W2"], self.params["b2"]
        h = np.tanh(X @ W1 + b1)
        scores = h @ W2 + b2
        if y is None:
            return scores
        N = X.shape[0]
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(probs[np.arange(N), y]))
        loss += self.l1 * (np.sum(np.abs(W1)) + np.sum(np.abs(W2)))
        loss += 0.5 * self.l2 * (np.sum(W1 * W1) + np.sum(W2 * W2))
        d = probs.copy()
        d[np.arange(N), y] -= 1
        d /= N
        grads = {"W2": h.T @ d + self.l1 * np.sign(W2) SIGN self.l2 * W2, "b2": d.sum(axis=0)}
        dh = (d @ W2.T) * (1 - h ** 2)
        grads["W1"] = X.T @ dh + self.l1 * np.sign(W1) SIGN self.l2 * W1
        grads["b1"] = dh.sum(axis=0)
        return loss, grads
"""


@pytest.mark.parametrize("l1", ["0.001", "0.0"])
def test_every_penalty_attribute_not_measured_apart_is_checked_again(audit_json, tmp_path, l1):
    """Red-team round 8 (A3, A5): a loss-and-gradients method with two penalty attributes, the L1 one right and the
    L2 one's sign flipped. The probe measures one knob apart (the L1, or the one the code leaves at 0); the other,
    set to 0 by the grader, was then judged nowhere and the file passed. Every attribute the probe did not measure
    is now checked again as the code sets it."""
    right, wrong = tmp_path / "two_attrs_right.py", tmp_path / "two_attrs_l2_sign_bug.py"
    right.write_text(TWO_ATTRS.replace("L1", l1).replace("SIGN", "+"))
    wrong.write_text(TWO_ATTRS.replace("L1", l1).replace("SIGN", "-"))
    got = audit_json([right, wrong], tmp_path / "out")
    assert got[right.name]["status"] == "pass", [d["message"] for d in got[right.name]["diagnoses"]]
    bug = got[wrong.name]
    assert bug["status"] == "fail"
    assert bug["diagnoses"][0]["code"] == "regularization_mismatch"
    assert {t["name"] for t in bug["tensors"] if t["status"] == "fail"} == {"params['W1']", "params['W2']"}
