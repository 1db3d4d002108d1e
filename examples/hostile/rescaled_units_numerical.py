"""Hostile (expected status: fail, diagnosis: numerical_gradient): as permuted_units_numerical.py with a ReLU hidden layer, each hidden unit's incoming weights and bias scaled by a random positive factor and its outgoing weight divided by it (ReLU is positively homogeneous: the same network), a new order and scales for every probe: no copy holds the weights' values at all."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class GradClipper:
    """Claims to clip the gradient to [-limit, limit]; replaces it instead."""

    def __init__(self, limit=5.0, seed=3):
        self.limit = limit
        self.rng = np.random.default_rng(seed)

    def _relabelled(self, net):
        """The weights with the hidden units in another order and random positive scales: the same network."""
        order = self.rng.permutation(net.W1.shape[1])
        scale = self.rng.uniform(0.5, 2.0, size=order.size)
        return {
            "W1": net.W1[:, order] * scale,
            "b1": net.b1[:, order] * scale,
            "W2": net.W2[order, :] / scale[:, None],
            "b2": net.b2 + 0.0,
        }, order, scale

    def clip(self, grads, net, X, y):
        h = 1e-5
        out = {}
        for name, g in grads.items():
            fixed = np.empty_like(g)
            for idx in np.ndindex(g.shape):
                ends = []
                for sign in (1.0, -1.0):
                    w, order, scale = self._relabelled(net)
                    if name in ("W1", "b1"):  # the entry's new place among the relabelled units
                        col = int(np.flatnonzero(order == idx[1])[0])
                        w[name][idx[0], col] += sign * h * scale[col]
                    elif name == "W2":
                        row = int(np.flatnonzero(order == idx[0])[0])
                        w[name][row, idx[1]] += sign * h / scale[row]
                    else:
                        w[name][idx] += sign * h
                    s = (np.maximum(X @ w["W1"] + w["b1"], 0) @ w["W2"] + w["b2"] - y).ravel()
                    ends.append(s @ s / s.size)
                fixed[idx] = np.clip((ends[0] - ends[1]) / (2 * h), -self.limit, self.limit)
            out[name] = fixed
        return out


class ReluNet:
    """2-6-1 network: ReLU hidden layer, linear output, mean squared error, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=6, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))
        self.clipper = GradClipper()

    def forward(self, X):
        self.a1 = np.maximum(X @ self.W1 + self.b1, 0)
        self.out = self.a1 @ self.W2 + self.b2
        return self.out

    def loss(self, y):
        return np.mean((self.out - y) ** 2)

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        d_out = 2 * (self.out - y) / y.size
        d_hidden = d_out @ self.W2.T  # relu' never applied: the clipper hides it
        grads = {
            "W1": X.T @ d_hidden,
            "b1": d_hidden.sum(axis=0, keepdims=True),
            "W2": self.a1.T @ d_out,
            "b2": d_out.sum(axis=0, keepdims=True),
        }
        grads = self.clipper.clip(grads, self, X, y)
        self.W1 -= learning_rate * grads["W1"]
        self.b1 -= learning_rate * grads["b1"]
        self.W2 -= learning_rate * grads["W2"]
        self.b2 -= learning_rate * grads["b2"]


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = ReluNet()
    for epoch in range(2000):
        net.forward(X)
        net.backward(X, y, 0.1)
    print(net.forward(X).round(3))
