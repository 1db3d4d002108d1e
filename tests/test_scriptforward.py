"""A script whose backward computes the forward internally: the network is identified by the student's
own forward function, called by name on the captured weights and data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from gradcheck.audit.batch import audit_batch
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.scriptforward import bound_forward
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.submissions import discover


def _ns(**extra):
    rng = np.random.default_rng(0)
    ns = {"W1": rng.normal(size=(3, 4)), "W2": rng.normal(size=(4, 2)), "X": rng.normal(size=(5, 3))}
    ns.update(extra)
    return ns


def test_the_last_per_sample_array_the_forward_returns_is_the_output():
    def forward_prop(W1, W2, X):
        h = np.tanh(X @ W1)
        return X @ W1, h, h @ W2

    ns = _ns(forward_prop=forward_prop)
    out, call, note = bound_forward(ns, {}, "X", ["W1", "W2"])
    assert np.allclose(out, np.tanh(ns["X"] @ ns["W1"]) @ ns["W2"])
    assert call == "forward_prop(W1, W2, X)[2]" and "captured weights" in note


def test_a_thresholded_predict_or_a_function_not_bound_by_name_is_never_taken():
    def predict(W1, W2, X):
        return (np.tanh(X @ W1) @ W2 > 0).astype(float)

    def forward(weights, X):  # 'weights' is no variable of the capture
        return X @ weights

    assert bound_forward(_ns(predict=predict, forward=forward), {}, "X", ["W1", "W2"]) is None


def test_the_forward_gets_copies_and_the_captured_values_win_over_the_namespace():
    def feed_forward(W1, X):
        W1 *= 0  # a forward that writes into its arguments changes nothing captured
        return X @ np.ones((3, 2))

    captured = {"W1": np.ones((3, 4))}
    ns = _ns(feed_forward=feed_forward)
    out, _, _ = bound_forward(ns, captured, "X", ["W1"])
    assert out.shape == (5, 2) and np.all(captured["W1"] == 1) and np.any(ns["W1"] != 0)


SCRIPT = """
import numpy as np

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

def forward_prop(W1, b1, W2, b2, X):
    Z1 = X.dot(W1) + b1
    A1 = np.tanh(Z1)
    Z2 = A1.dot(W2) + b2
    return Z1, A1, Z2, softmax(Z2)

def cost(A2, Y):
    return -np.sum(Y * np.log(A2 + 1e-8)) / Y.shape[0]

def back_prop(W1, b1, W2, b2, X, Y):
    m = X.shape[0]
    Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
    dZ2 = {delta} / m
    dW2 = A1.T.dot(dZ2)
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = dZ2.dot(W2.T) * (1 - A1 ** 2)
    return X.T.dot(dZ1), dZ1.sum(axis=0, keepdims=True), dW2, db2

def train(X, Y, hidden=6, epochs=5, alpha=0.3):
    W1 = np.random.randn(X.shape[1], hidden) * 0.5
    b1 = np.zeros((1, hidden))
    W2 = np.random.randn(hidden, Y.shape[1]) * 0.5
    b2 = np.zeros((1, Y.shape[1]))
    for i in range(epochs):
        dW1, db1, dW2, db2 = back_prop(W1, b1, W2, b2, X, Y)
        W1 = W1 - alpha * dW1
        b1 = b1 - alpha * db1
        W2 = W2 - alpha * dW2
        b2 = b2 - alpha * db2
    return W1, b1, W2, b2

if __name__ == "__main__":
    X = np.random.randn(20, 4)
    Y = np.eye(3)[np.random.randint(0, 3, 20)]
    train(X, Y)
"""


def test_a_script_with_a_positional_forward_is_judged_and_its_bug_named(tmp_path):
    for name, delta in (("right.py", "(A2 - Y)"), ("twice.py", "(A2 - Y) * A2 * (1 - A2)")):
        (tmp_path / name).write_text(textwrap.dedent(SCRIPT.format(delta=delta)))
    report = audit_batch(discover([tmp_path]), AuditSpec(), folder=tmp_path / "out", limits=Limits(wall_seconds=60))
    got = {Path(s.path).name: s for s in report.submissions}
    assert got["right.py"].status == "pass", got["right.py"].error
    assert got["right.py"].forward.status == "match"
    assert got["twice.py"].status == "fail"
    assert "extra_activation_derivative" in [d.code for d in got["twice.py"].diagnoses]
    assert any("forward_prop(W1, b1, W2, b2, X)[3]" in n for n in got["twice.py"].notes)
