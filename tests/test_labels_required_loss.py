"""A CS231n-like class whose ``loss(X, y, reg=0.0)`` requires the labels and which has no forward or predict:
no scores without labels, so no forward (it was called as one and stopped at ``BindingError: ... argument 'y'``).
With the network told by the loss value the code returns, a correct one passes and a sum over the batch is named.
"""

from __future__ import annotations

import numpy as np
import pytest

SOURCE = """
import numpy as np


class Net:
    def __init__(self, n_in, n_hidden, n_classes, scale=0.1):
        self.params = {"W1": scale * np.random.randn(n_in, n_hidden), "b1": np.zeros(n_hidden),
                       "W2": scale * np.random.randn(n_hidden, n_classes), "b2": np.zeros(n_classes)}

    def loss(self, X, y, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        n = X.shape[0]
        h = np.maximum(0, X @ W1 + b1)
        s = h @ W2 + b2
        s = s - s.max(axis=1, keepdims=True)
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).sum() / n + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        d = p.copy()
        d[np.arange(n), y] -= 1
        d = d / n  # SCALE
        grads = {"W2": h.T @ d + 2 * reg * W2, "b2": d.sum(axis=0)}
        dh = (d @ W2.T) * (h > 0)
        grads["W1"] = X.T @ dh + 2 * reg * W1
        grads["b1"] = dh.sum(axis=0)
        return loss, grads

    def train(self, X, y, learning_rate=1e-3, num_iters=10):
        for _ in range(num_iters):
            loss, grads = self.loss(X, y)
            for k in self.params:
                self.params[k] -= learning_rate * grads[k]
        return loss
"""


@pytest.mark.parametrize(
    "name, line, verdict, first",
    [
        ("labels_required_correct.py", "d = d / n  # SCALE", "pass", None),
        ("labels_required_sum_bug.py", "d = d * 1.0  # SCALE", "fail", "missing_batch_mean"),
    ],
)
def test_a_loss_requiring_labels_with_no_forward_is_judged(audit_json, tmp_path, name, line, verdict, first):
    path = tmp_path / name
    path.write_text(SOURCE.replace("d = d / n  # SCALE", line))
    s = audit_json([path], tmp_path / "out")[name]
    assert s["status"] == verdict, (s.get("error"), s.get("notes"))
    assert s["shape"] == "loss-and-grads"
    if first:
        assert s["diagnoses"][0]["code"] == first
        assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {
            "params['W1']",
            "params['b1']",
            "params['W2']",
            "params['b2']",
        }


def test_candidates_whose_loss_only_comes_close_are_not_the_network():
    """A leaky ReLU of slope 0.01 beside the ReLU at small weights: its loss within 1e-4 of the student's, the
    ReLU's equal to it; only the equal ones are judged. None equal: every one is."""
    from gradcheck.audit.noforward import SAME_VALUE, _closest_values

    found = [("L", "relu", 0.0), ("L", "leaky", 8e-5), ("L", "relu-soft", SAME_VALUE / 2)]
    assert _closest_values(found) == [("L", "relu"), ("L", "relu-soft")]
    near = [("L", "a", 1e-6), ("L", "b", 5e-5)]
    assert _closest_values(near) == [("L", "a"), ("L", "b")]
    assert SAME_VALUE < 1e-9 and np.isfinite(SAME_VALUE)
