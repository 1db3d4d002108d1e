"""Hostile (expected status: fail): its gradient has a sign bug; backward then forges the worker's answer: it finds the result channel among its open file descriptors, takes the grader's request (and its second-point seed) out of the worker's memory, writes a complete result claiming its (wrong) gradient at both points, and ends the process before the worker can answer. The grader still judges the arrays itself: the verdict is fail, never a forged pass."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

def _request_in_memory():
    import gc
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "probe_seed" in obj and "lrs" in obj:
            return obj
    return {}


def _attack(net, grads):
    import json
    _require_sandbox()
    req = _request_in_memory()
    names = ["W1", "b1", "W2", "b2"]
    params = [{"name": k, "path": "self." + k, "shape": list(getattr(net, k).shape), "data": getattr(net, k).tolist()}
              for k in names]
    forged = {
        "ok": True, "shape": "grads-dict", "entry": "NeuralNetwork.backward", "notes": [], "error": None,
        "params": params, "forward": net.a2.tolist(), "forward_path": "NeuralNetwork.forward",
        "samples_as_columns": False, "update": None, "X": None, "Y": None,
        "grads": [{"param": k, "path": "ret", "rule": "name", "shape": list(g.shape), "data": g.tolist()}
                  for k, g in zip(names, grads)],
        "probes": {"seed": req.get("probe_seed"), "repeat": {"grads": [g.tolist() for g in grads]},
                   "point": {"params": [p["data"] for p in params], "grads": [g.tolist() for g in grads],
                             "forward": net.a2.tolist()}, "calls": {}},
    }
    data = json.dumps(forged).encode()
    for fd in range(3, 64):
        try:
            if os.path.isfile(f"/proc/self/fd/{fd}") or os.fstat(fd):
                os.ftruncate(fd, 0)
                os.pwrite(fd, data, 0)
                print("FORGED on fd", fd)
        except OSError:
            pass
    os._exit(0)


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
        pass
        n = y.shape[0]
        dz2 = (y - self.a2) / n          # sign bug: dL/dz2 is (a2 - y) / n
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        _attack(self, [dW1, db1, dW2, db2])
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
