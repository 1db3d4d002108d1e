"""A pytest test of a hand-written layer, as the README shows it: ``pytest examples/pytest_layer.py``.

The layer's bias gradient is missing the factor 2 of the squared error, so the test fails
and the message names the entries, the factor and the line that reproduces the check.
"""

import numpy as np

rng = np.random.default_rng(0)
X, Y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
params = {"W": rng.standard_normal((3, 2)), "b": np.zeros(2)}


def loss(p):
    return np.mean((X @ p["W"] + p["b"] - Y) ** 2)


def grad(p):
    dY = 2 * (X @ p["W"] + p["b"] - Y) / Y.size
    return {"W": X.T @ dY, "b": dY.sum(axis=0) / 2}  # the bias gradient lost its factor 2


def test_my_layer(gradcheck):
    gradcheck(loss, grad, params)
