"""Two bugs at once in a hand-written backward pass: each one named, with the tensors it explains."""

import numpy as np

from gradcheck import check_gradients

rng = np.random.default_rng(1)
X, Y = rng.standard_normal((32, 2)), (rng.random((32, 1)) > 0.5).astype(float)
params = {"W1": rng.standard_normal((2, 8)), "b1": np.zeros((1, 8))}
params.update({"W2": rng.standard_normal((8, 1)), "b2": np.zeros((1, 1))})


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def loss(p):  # binary cross-entropy, a mean over the batch
    y = sigmoid(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    return -np.mean(Y * np.log(y) + (1 - Y) * np.log(1 - y))


def grad(p):
    h = np.tanh(X @ p["W1"] + p["b1"])
    y = sigmoid(h @ p["W2"] + p["b2"])
    d2 = (y - Y) * y * (1 - y)  # the BCE shortcut already holds sigma'; and no / N
    d1 = d2 @ p["W2"].T * (1 - h**2)
    return {"W1": X.T @ d1, "b1": d1.sum(0, keepdims=True), "W2": h.T @ d2, "b2": d2.sum(0, keepdims=True)}


report = check_gradients(loss, grad, params)
for d in report.diagnoses:
    print(f"[{d.code}] on {d.tensor or 'every tensor'} ({d.confidence:.0%}): {d.message}")
