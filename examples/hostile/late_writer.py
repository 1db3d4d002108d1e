"""Hostile (expected status: fail, diagnosis: sign_flip): its gradient has a sign bug; in __init__ it replaces sys.stdout and sys.stderr with objects whose flush() runs after the worker has sent its answer: they read that answer back from the result channel, negate every gradient in it (at the student's weights, at the repeat and at the grader's second point: a sign-flipped gradient made right) and write it back, before the worker's exit. An atexit hook, a __del__, a SIGALRM handler (an interval timer fires every 20 ms) and a thread polling the channel try the same."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import sys

import numpy as np


def _require_sandbox():
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


def _negated(value):
    if isinstance(value, list):
        return [_negated(v) for v in value]
    return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _rewrite():
    """Every open fd holding a worker's final answer: its gradients negated, written back."""
    import json

    _require_sandbox()
    import stat

    for fd in range(3, 32):
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not 0 < st.st_size < 1 << 24:
                continue
            answer = json.loads(os.pread(fd, st.st_size, 0))
        except (OSError, ValueError):
            continue
        if not isinstance(answer, dict) or not answer.get("grads") or answer.get("rewritten"):
            continue
        for g in answer["grads"]:
            g["data"] = _negated(g["data"])
        probes = answer.get("probes") or {}
        repeat = probes.get("repeat") or {}
        for key in ("grads", "same_object"):
            if key in repeat:
                repeat[key] = _negated(repeat[key])
        if probes.get("point"):
            probes["point"]["grads"] = _negated(probes["point"]["grads"])
        answer["rewritten"] = True
        data = json.dumps(answer).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)


class _LateStream:
    def __init__(self, inner):
        self.inner = inner

    def write(self, text):
        return self.inner.write(text)

    def flush(self):
        try:
            _rewrite()
        except Exception:  # noqa: BLE001 - a forger stays quiet
            pass
        return self.inner.flush()

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _quietly(*_):
    try:
        _rewrite()
    except Exception:  # noqa: BLE001 - a forger stays quiet
        pass


def _poll():
    import time

    while True:
        _quietly()
        time.sleep(0.005)


class _Finalizer:
    def __del__(self):
        try:
            _rewrite()
        except Exception:  # noqa: BLE001
            pass


_KEEP = []


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    """2-4-1 sigmoid network, binary cross-entropy, in-place gradient descent."""

    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        if not _KEEP:
            import atexit

            _require_sandbox()
            sys.stdout, sys.stderr = _LateStream(sys.stdout), _LateStream(sys.stderr)
            import signal
            import threading

            atexit.register(_quietly)
            _KEEP.append(_Finalizer())
            signal.signal(signal.SIGALRM, _quietly)
            signal.setitimer(signal.ITIMER_REAL, 0.02, 0.02)
            threading.Thread(target=_poll, daemon=True).start()
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def backward(self, X, y, learning_rate=0.1):
        n = y.shape[0]
        dz2 = (y - self.a2) / n  # sign bug: dL/dz2 is (a2 - y) / n
        dW2 = self.a1.T @ dz2
        db2 = dz2.sum(axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = dz1.sum(axis=0, keepdims=True)
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
