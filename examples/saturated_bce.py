"""A textbook BCE written from probabilities, on a net whose outputs saturate.

The gradient is right; the loss loses most of float64's digits at the
saturated samples (``log(1 - p)`` with ``p`` near 1). gradcheck measures
that, says where and why, and still judges the gradient.
"""

import numpy as np

from gradcheck import check_gradients

rng = np.random.default_rng(1)
X = rng.standard_normal((32, 4))
Y = (rng.random((32, 1)) < 0.5).astype(float)
params = {
    "W1": rng.standard_normal((4, 8)),
    "b1": np.zeros(8),
    "W2": 6.0 * rng.standard_normal((8, 1)),
    "b2": np.zeros(1),
}


def forward(p):
    h = np.tanh(X @ p["W1"] + p["b1"])
    z = h @ p["W2"] + p["b2"]
    return h, 1 / (1 + np.exp(-z))


def loss(p):
    _, prob = forward(p)
    prob = np.clip(prob, 1e-15, 1 - 1e-15)
    return float(-np.mean(Y * np.log(prob) + (1 - Y) * np.log(1 - prob)))


def grad(p):
    h, prob = forward(p)
    dz = (prob - Y) / len(X)
    dh = (dz @ p["W2"].T) * (1 - h**2)
    return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}


report = check_gradients(loss, grad, params)
print(report.summary())
