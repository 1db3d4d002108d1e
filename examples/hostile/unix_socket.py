"""Hostile (expected status: pass): backward connects to every unix socket it can find (socket files under /tmp, /run, /var/run, the checkout) and to the abstract socket @gradcheck-hostile-test, and sends a message. The sandbox shows none of the host's socket files and has its own abstract namespace; the honest gradient passes and the test's listeners receive nothing."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")

def _places():
    """Folders where the grader's files could be: cwd, HOME, /root, /tmp, /var/tmp, the checkout
    (found from gradcheck's own modules), its reports/, and what /proc says about other processes."""
    import sys
    found = {os.getcwd(), os.path.expanduser("~"), "/root", "/tmp", "/var/tmp", "/home", "/work", "/dev/shm"}
    mod = sys.modules.get("gradcheck")
    if mod is not None and getattr(mod, "__file__", None):
        d = os.path.dirname(os.path.abspath(mod.__file__))
        for _ in range(4):
            d = os.path.dirname(d)
            found.update({d, os.path.join(d, "reports")})
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            found.add(os.readlink(f"/proc/{pid}/cwd"))
        except OSError:
            pass
    return sorted(found)


def _walk(top, depth=6, limit=20000):
    """Paths under ``top`` (links not followed, caches and packages skipped), at most ``limit``."""
    out, stack = [], [(top, 0)]
    while stack and len(out) < limit:
        d, k = stack.pop()
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            out.append(e.path)
            try:
                if e.is_dir(follow_symlinks=False) and k < depth and e.name not in (
                    "site-packages", "node_modules", ".git", "__pycache__", "proc", "sys", "lib", "include"
                ):
                    stack.append((e.path, k + 1))
            except OSError:
                pass
    return out


_FOUND = []  # the socket paths, searched for once per process (every backward call connects)


def _targets():
    import stat
    if not _FOUND:
        _FOUND.append("\0gradcheck-hostile-test")
        for top in _places() + ["/run", "/var/run"]:
            for path in _walk(top, depth=4):
                try:
                    if stat.S_ISSOCK(os.lstat(path).st_mode):
                        _FOUND.append(path)
                except OSError:
                    pass
    return list(dict.fromkeys(_FOUND))


def _attack():
    import socket
    _require_sandbox()
    for t in _targets():
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(1.0)
                s.connect(t)
                s.sendall(b"escaped")
                print("CONNECTED to", repr(t))
        except OSError as exc:
            print("unix", repr(t), exc)


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
