"""Student: module functions; backward returns a tuple (dW1, db1, dW2, db2)."""
import numpy as np


def init_params(input_size, output_size, hidden_size=3):
    return {"W1": np.random.randn(input_size, hidden_size),
            "b1": np.random.randn(hidden_size) * 0.1,
            "W2": np.random.randn(hidden_size, output_size),
            "b2": np.random.randn(output_size) * 0.1}


def forward(X, params):
    h = np.tanh(X @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    return out, (X, h, out)


def backward(Y, params, cache):
    X, h, out = cache
    d = (out - Y) / len(X)
    dh = d @ params["W2"].T * (1 - h ** 2)
    return X.T @ dh, dh.sum(0), h.T @ d, d.sum(0)


params = init_params(3, 2)
for i in range(10 ** 9):
    pass
