"""Hostile (expected status: pass): backward moves itself out of any pids cgroup (it writes its pid into every cgroup.procs it can find under /sys/fs/cgroup), then tries to start 200 sleeping processes that each leave the session (setsid), catching every error. /sys is not there; the worker forbids new processes, so no sleeper starts (and the process cap of 64 stands behind that); none outlives the run, and the honest gradient passes."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

def _attack():
    import glob
    import time
    _require_sandbox()
    for procs in glob.glob("/sys/fs/cgroup/**/cgroup.procs", recursive=True):
        try:
            with open(procs, "w") as fh:
                fh.write(str(os.getpid()))
            print("MOVED into", procs)
        except OSError:
            pass
    started = 0
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError as exc:
            print("fork stopped after", started, exc)
            break
        if pid == 0:
            try:
                os.setsid()
                time.sleep(120)
            finally:
                os._exit(0)
        started += 1
    print("started", started, "sleepers")


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

    def loss(self, y):
        return -np.mean(y * np.log(self.a2) + (1 - y) * np.log(1 - self.a2))

    def backward(self, X, y, learning_rate=0.1):
        _attack()
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
