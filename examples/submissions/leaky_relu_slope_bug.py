"""Bug: leaky ReLU (slope 0.1) forward, but its derivative returns 0 for negative inputs (the ReLU derivative): layer-1 gradients are wrong wherever z1 < 0 (expected: wrong_activation_derivative)."""
import numpy as np

SLOPE = 0.1


def leaky_relu(z):
    return np.where(z > 0, z, SLOPE * z)


def leaky_relu_grad(z):
    return (z > 0).astype(float)


def init_params(n_in=3, n_hidden=6, n_out=2):
    rng = np.random.default_rng(9)
    return {"W1": rng.normal(size=(n_in, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.normal(size=(n_hidden, n_out)), "b2": np.zeros(n_out)}


def forward(X, params):
    z1 = X @ params["W1"] + params["b1"]
    a1 = leaky_relu(z1)
    return a1 @ params["W2"] + params["b2"], {"z1": z1, "a1": a1}


def backward(params, cache, X, Y):
    out = cache["a1"] @ params["W2"] + params["b2"]
    dout = 2 * (out - Y) / Y.size
    dz1 = (dout @ params["W2"].T) * leaky_relu_grad(cache["z1"])
    return {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": cache["a1"].T @ dout, "b2": dout.sum(0)}
