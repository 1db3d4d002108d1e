"""Hostile (expected status: pass): backward tries to get out of its namespaces: setns() into the namespaces of pid 1 and of every process it can see, unshare() of new user/mount/net namespaces, clone() with CLONE_NEWUSER, then a TCP connection to 127.0.0.1 on the ports the test listens on. Every call fails with EPERM and the host's loopback is not reachable; the honest gradient passes."""
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


PORTS = (39457, 39458, 39459, 39460)


def _attack():
    import socket
    _require_sandbox()
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        for ns in ("net", "mnt", "pid", "user", "ipc", "uts", "cgroup"):
            try:
                fd = os.open(f"/proc/{pid}/ns/{ns}", os.O_RDONLY)
            except OSError:
                continue
            _call("setns", fd, 0)
            os.close(fd)
    for flag in (0x10000000, 0x00020000, 0x40000000, 0x10000000 | 0x00020000):
        _call("unshare", flag)
    for port in PORTS:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
                s.sendall(b"escaped")
                print("CONNECTED to", port)
        except OSError as exc:
            print("tcp", port, exc)


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
