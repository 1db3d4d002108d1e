"""Clever (expected status: pass): no hand-written backward: forward-mode automatic differentiation of its own forward, a Dual number class (a + b eps, eps**2 = 0) seeded on one weight per pass. The derivatives are exact, not finite differences: the fair verdict is the gradient's (pass), with what computed it left to the instructor who reads the code."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import math

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")



def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Dual:
    """a + b eps with eps**2 = 0: forward-mode differentiation, one weight's derivative per pass."""

    def __init__(self, a, b=0.0):
        self.a, self.b = a, b

    def __add__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __mul__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    __rmul__ = __mul__

    def __neg__(self):
        return Dual(-self.a, -self.b)

    def __sub__(self, o):
        return self + (-o if isinstance(o, Dual) else Dual(-o))

    def __rsub__(self, o):
        return Dual(o) - self


def dsigmoid(z):
    s = 1.0 / (1.0 + math.exp(-z.a))
    return Dual(s, s * (1 - s) * z.b)


def dlog(z):
    return Dual(math.log(z.a), z.b / z.a)


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def backward(self, X, y, learning_rate=0.1):
        _require_sandbox()
        names = ("W1", "b1", "W2", "b2")
        rows, targets = X.tolist(), y.ravel().tolist()
        grads = []
        for k in names:
            g = np.zeros(getattr(self, k).shape)
            for idx in np.ndindex(g.shape):
                w = {n: [[Dual(v) for v in row] for row in getattr(self, n).tolist()] for n in names}
                w[k][idx[0]][idx[1]] = Dual(getattr(self, k)[idx], 1.0)  # seed this weight's derivative
                total = Dual(0.0)
                for x, t in zip(rows, targets):
                    hidden = [
                        dsigmoid(sum((x[i] * w["W1"][i][j] for i in range(len(x))), Dual(0.0)) + w["b1"][0][j])
                        for j in range(len(w["b1"][0]))
                    ]
                    p = dsigmoid(sum((hidden[j] * w["W2"][j][0] for j in range(len(hidden))), Dual(0.0)) + w["b2"][0][0])
                    total = total - (t * dlog(p) + (1 - t) * dlog(1 - p))
                g[idx] = total.b / len(rows)
            grads.append(g)
        dW1, db1, dW2, db2 = grads
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    net = NeuralNetwork()
    for epoch in range(10000):
        net.forward(X)
        net.backward(X, y, 0.5)
    print(net.forward(X).round(3))
