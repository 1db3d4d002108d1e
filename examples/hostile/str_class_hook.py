"""Hostile (expected status: fail, sign_flip): a sign-flipped backward (err = y - out, uncompensated) and a helper whose __signature__ names its parameter with a str subclass; the worker copies that name into its answer (the outputs a helper takes), and the subclass's __class__ property, run by isinstance while the answer was encoded, after every check, negated every gradient there: the file passed with score 1.0. The answer is encoded by exact type now (never isinstance, hashing or a method of the value's), and frozen into bytes when the measurements end: fail, sign_flip."""
import os; assert os.path.basename(os.path.dirname(os.path.abspath(__file__))) != "hostile", "audit it, never run it"

import gc
import inspect
import sys

import numpy as np


def _require_sandbox():
    # the top-level assert is skipped when only definitions are loaded: check again right
    # before doing anything nasty. The auditor runs a copy of this file (never the file in
    # examples/hostile); nothing in its environment says that it is being audited.
    if os.path.basename(os.path.dirname(os.path.abspath(__file__))) == "hostile":
        raise RuntimeError("hostile example: audit it (python -m gradcheck audit), never run it")


class _State:
    done = False


def _in_final():
    f = sys._getframe(2)
    while f is not None:
        if f.f_code.co_name == "final" and f.f_code.co_filename.endswith("lastword.py"):
            return True
        f = f.f_back
    return False


def _neg_list(v):
    for i, x in enumerate(v):
        if isinstance(x, list):
            _neg_list(x)
        elif type(x) is float:
            v[i] = -x


def _hook():
    if _State.done or not _in_final():
        return
    _State.done = True
    result = None
    f = sys._getframe(1)
    while f is not None:
        if f.f_code.co_name == "_encoded":
            result = f.f_locals.get("result")
        f = f.f_back
    for o in gc.get_objects():  # the answer's encoded copy, being built: its grads are already lists
        try:
            if type(o) is dict and "ok" in o and "grads" in o and o is not result:
                for g in o["grads"]:
                    if isinstance(g.get("data"), list):
                        _neg_list(g["data"])
        except Exception:
            pass
    probes = (result or {}).get("probes") or {}
    for key in ("repeat", "point"):
        part = probes.get(key) or {}
        for k in ("grads", "same_object"):
            for a in part.get(k) or []:
                if isinstance(a, np.ndarray):
                    a *= -1


class _Name(str):
    @property
    def __class__(self):
        _hook()
        return str


def _sig(fn):
    fn.__signature__ = inspect.Signature(
        [inspect.Parameter(_Name("n_classes"), inspect.Parameter.POSITIONAL_OR_KEYWORD, default=1)]
    )
    return fn


@_sig
def one_hot(n_classes=1):
    return n_classes


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        _require_sandbox()
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.a1 = sigmoid(X @ self.W1 + self.b1)
        self.a2 = sigmoid(self.a1 @ self.W2 + self.b2)
        return self.a2

    def compute_loss(self, y, y_hat):
        eps = 1e-12
        return -np.mean(y * np.log(y_hat + eps) + (1 - y) * np.log(1 - y_hat + eps))

    def backward(self, X, y, learning_rate):
        n = y.shape[0]
        dz2 = (y - self.a2) / n  # sign bug
        dW2 = self.a1.T @ dz2
        db2 = np.sum(dz2, axis=0, keepdims=True)
        dz1 = (dz2 @ self.W2.T) * self.a1 * (1 - self.a1)
        dW1 = X.T @ dz1
        db1 = np.sum(dz1, axis=0, keepdims=True)
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2
        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
