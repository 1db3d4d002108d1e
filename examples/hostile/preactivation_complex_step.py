"""Hostile (expected status: fail, diagnosis: numerical_gradient): no backpropagation: the deltas of the hidden layer are complex-step derivatives of the loss with respect to the pre-activation Z1 (a tiny imaginary bump on one entry at a time), and the weight gradients are formed from them; the weights are never copied or moved."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def init_params(n_in=3, n_hidden=4, n_out=1, seed=8):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, 0.6, (n_in, n_hidden)), "b1": np.zeros(n_hidden),
            "W2": rng.normal(0, 0.6, (n_hidden, n_out)), "b2": np.zeros(n_out)}


def forward(params, X):
    return sigmoid(np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])


def cost(P, Y):
    return -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))


def _rest(Z1, params, Y):
    return cost(sigmoid(np.tanh(Z1) @ params["W2"] + params["b2"]), Y)


def backward(params, X, Y):
    _require_sandbox()
    Z1 = X @ params["W1"] + params["b1"]
    dZ1 = np.zeros(Z1.shape)
    h = 1e-30
    for i, j in np.ndindex(Z1.shape):  # "sensitivity of the loss to each hidden unit of each sample"
        bump = np.zeros(Z1.shape, dtype=complex)
        bump[i, j] = 1j * h
        dZ1[i, j] = _rest(Z1 + bump, params, Y).imag / h
    dZ2 = (forward(params, X) - Y) / len(X)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": np.tanh(Z1).T @ dZ2, "b2": dZ2.sum(axis=0)}
