"""A project of functions over a parameters dict beside an optimizer class: the functions are the network.

An optimizer class with an ``update(parameters, grads)`` method and a name ending in Optimizer (any language's
prefix: ``EstocasticoOptimizer``) is no model (names.OPTIM_CLASS); ``random_initialization(layer_dims)`` is an
initializer, so the biases have the shape the student's code gives them, ``(1, n)``, not one the grader guesses.
"""

from __future__ import annotations

from gradcheck.audit.batch import audit_one
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

NETWORK = """
import numpy as np


def random_initialization(layer_dims):
    params = {}
    for k in range(1, len(layer_dims)):
        params[f"W{k}"] = np.random.randn(layer_dims[k - 1], layer_dims[k]) * 0.5
        params[f"b{k}"] = np.zeros((1, layer_dims[k]))
    return params


def forward_propagation(X, params):
    n_layers = len(params) // 2
    cache = {"A0": X}
    A = X
    for k in range(1, n_layers + 1):
        Z = A @ params[f"W{k}"] + params[f"b{k}"]
        A = 1 / (1 + np.exp(-Z)) if k == n_layers else np.tanh(Z)
        cache[f"Z{k}"], cache[f"A{k}"] = Z, A
    return A, cache


def compute_cost(A, y):
    return -np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))


def backward_propagation(X, y, cache, params):
    n_layers = len(params) // 2
    m = X.shape[0]
    grads = {}
    dZ = cache[f"A{n_layers}"] - y
    for k in reversed(range(1, n_layers + 1)):
        grads[f"dW{k}"] = cache[f"A{k - 1}"].T @ dZ / m
        grads[f"db{k}"] = dZ.sum(axis=0, keepdims=True) / m
        if k > 1:
            dZ = (dZ @ params[f"W{k}"].T) * DERIV
    return grads
"""

OPTIMIZER = """
class EstocasticoOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate

    def update(self, params, grads):
        for key in params:
            params[key] -= self.learning_rate * grads["d" + key]
        return params
"""


def _project(tmp_path, derivative: str):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "network.py").write_text(NETWORK.replace("DERIV", derivative))
    (folder / "optimizers.py").write_text(OPTIMIZER)
    return folder


def test_the_functions_are_audited_not_the_optimizer(tmp_path):
    got = audit_one(_project(tmp_path, '(1 - cache[f"A{k - 1}"] ** 2)'), AuditSpec(), limits=Limits(wall_seconds=90))
    assert got.status == "pass", (got.status, got.error)
    assert got.entry == "backward_propagation" and [t.name for t in got.tensors] == ["W1", "b1", "W2", "b2"]


def test_a_wrong_hidden_derivative_there_fails_its_layer(tmp_path):
    got = audit_one(_project(tmp_path, "1.0"), AuditSpec(), limits=Limits(wall_seconds=90))
    assert got.status == "fail", (got.status, got.error)
    assert sorted(t.name for t in got.tensors if t.status == "fail") == ["W1", "b1"]
