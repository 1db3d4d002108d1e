"""A project whose softmax shifts the forward's scores in place (``f -= max``) when its loss is computed, and whose
modules import each other with ``from layers import *``: the forward's output is kept as the forward gave it (a
second forward at the same weights equals it: no "random forward"), and the files import each other (no note
that they do not)."""

from __future__ import annotations

LAYERS = """
import numpy as np


def affine_forward(x, w, b):
    return x @ w + b, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = np.apply_along_axis(lambda row: np.dot(w, row), 1, dout)
    return dx, x.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(0, x), x


def relu_backward(dout, x):
    return dout * (x > 0)


def softmax(f):
    f -= f.max(axis=1).reshape(-1, 1)
    return np.exp(f) / np.sum(np.exp(f), axis=1, keepdims=True)


def softmax_loss(scores, y):
    n = scores.shape[0]
    p = softmax(scores)
    loss = -np.log(p[np.arange(n), y]).mean()
    d = p.copy()
    d[np.arange(n), y] -= 1
    return loss, d / n
"""

MODEL = """
from layers import *


class Net:
    def __init__(self, n_in, n_hidden, n_out, scale=1e-2):
        self.params = {"W1": np.random.normal(0, scale, (n_in, n_hidden)), "b1": np.zeros(n_hidden),
                       "W2": np.random.normal(0, scale, (n_hidden, n_out)), "b2": np.zeros(n_out)}

    def forward(self, X):
        a, c1 = affine_forward(X, self.params["W1"], self.params["b1"])
        h, r1 = relu_forward(a)
        s, c2 = affine_forward(h, self.params["W2"], self.params["b2"])
        return s, (c1, r1, c2)

    def backward(self, dout, cache):
        c1, r1, c2 = cache
        dh, dW2, db2 = affine_backward(dout, c2)
        _, dW1, db1 = affine_backward(relu_backward(dh, r1), c1)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": SIGN db2}
"""

TRAIN = """
from model import *

batch_size = 128
if __name__ == "__main__":
    X = np.random.randn(256, 5)
    y = np.random.randint(0, 3, 256)
    net = Net(5, 8, 3)
    for i in range(10):
        s, cache = net.forward(X[:batch_size])
        loss, d = softmax_loss(s, y[:batch_size])
        g = net.backward(d, cache)
        for k in net.params:
            net.params[k] -= 0.1 * g[k]
"""


def _project(root, sign: str):
    root.mkdir()
    (root / "layers.py").write_text(LAYERS)
    (root / "model.py").write_text(MODEL.replace("SIGN ", sign))
    (root / "train.py").write_text(TRAIN)
    return root


def test_scores_shifted_in_place_by_the_loss_are_no_random_forward(audit_json, tmp_path):
    right = _project(tmp_path / "shifted_right", "")
    wrong = _project(tmp_path / "shifted_sign_bug", "-")
    got = audit_json([right, wrong], tmp_path / "out")
    ok, bad = got["shifted_right"], got["shifted_sign_bug"]
    assert ok["status"] == "pass", (ok.get("error"), [d["code"] for d in ok["diagnoses"]])
    assert not any("without importing" in n for n in ok["notes"])
    assert bad["status"] == "fail" and "random_forward" not in [d["code"] for d in bad["diagnoses"]]
    assert [t["name"] for t in bad["tensors"] if t["status"] == "fail"] == ["params['b2']"]
