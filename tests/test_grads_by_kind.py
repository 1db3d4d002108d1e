"""Gradients returned as one sequence per kind, ``return [dW1, dW2], [db1, db2]``: paired weights with weights."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from auditcheck import assert_verdict

from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.readers.returned import grads_from_return

PARAMS = [
    Tensor("W1", ("W1",), (3, 4)),
    Tensor("b1", ("b1",), (1, 4)),
    Tensor("W2", ("W2",), (4, 4)),
    Tensor("b2", ("b2",), (1, 4)),
]


def _arrays():
    return {p.name: np.full(p.shape, float(i)) for i, p in enumerate(PARAMS)}


def test_two_sequences_are_paired_by_kind():
    g = _arrays()
    grads, _, notes = grads_from_return(([g["W1"], g["W2"]], [g["b1"], g["b2"]]), PARAMS)
    assert {PARAMS[x.param].name: x.path for x in grads} == {
        "W1": "ret[0][0]",
        "W2": "ret[0][1]",
        "b1": "ret[1][0]",
        "b2": "ret[1][1]",
    }
    assert all(x.data.shape == PARAMS[x.param].shape for x in grads)
    assert not any("by position although" in n for n in notes)


def test_biases_first_are_paired_by_kind_too():
    g = _arrays()
    grads, _, _ = grads_from_return(([g["b1"], g["b2"]], [g["W1"], g["W2"]]), PARAMS)
    assert all(x.data.shape == PARAMS[x.param].shape for x in grads) and len(grads) == 4


def test_a_wrong_shape_in_one_kind_keeps_the_kind_pairing():
    g = _arrays()
    grads, _, _ = grads_from_return(([g["W1"], g["W2"]], [g["b1"], np.zeros((5, 4))]), PARAMS)
    by = {PARAMS[x.param].name: x.path for x in grads}
    assert by["b2"] == "ret[1][1]" and by["W2"] == "ret[0][1]"


def test_interleaved_pairs_stay_by_position():
    g = _arrays()
    grads, _, _ = grads_from_return((g["W1"], g["b1"], g["W2"], g["b2"]), PARAMS)
    assert [x.rule for x in grads] == ["position"] * 4


CLASS = """
import numpy as np


class ThreeLayer:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(3)
        self.W1 = rng.normal(size=(n_in, n_hidden)) * 0.5
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = rng.normal(size=(n_hidden, n_hidden)) * 0.5
        self.b2 = np.zeros((1, n_hidden))
        self.W3 = rng.normal(size=(n_hidden, n_out)) * 0.5
        self.b3 = np.zeros((1, n_out))

    def forward(self, X):
        self.X = X
        self.H1 = np.tanh(X @ self.W1 + self.b1)
        self.H2 = np.tanh(self.H1 @ self.W2 + self.b2)
        return self.H2 @ self.W3 + self.b3

    def loss(self, X, Y):
        return 0.5 * np.mean(np.sum((self.forward(X) - Y) ** 2, axis=1))

    def backward(self, X, Y):
        out = self.forward(X)
        g3 = (out - Y) / X.shape[0]
        g2 = g3 @ self.W3.T * (1 - self.H2 ** 2)
        g1 = g2 @ self.W2.T * {derivative}
        weights = [X.T @ g1, self.H1.T @ g2, self.H2.T @ g3]
        biases = [g.sum(axis=0, keepdims=True) for g in (g1, g2, g3)]
        return weights, biases
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    src = tmp_path_factory.mktemp("src")
    (src / "kinds_correct.py").write_text(textwrap.dedent(CLASS.format(derivative="(1 - self.H1 ** 2)")))
    (src / "kinds_no_derivative_bug.py").write_text(textwrap.dedent(CLASS.format(derivative="1.0")))
    return audit_json(sorted(src.iterdir()), tmp_path_factory.mktemp("out"))


def test_the_correct_network_returning_kinds_passes(audited):
    assert_verdict(audited["kinds_correct.py"], "pass", None)


def test_the_buggy_network_returning_kinds_fails_in_its_first_layer(audited):
    s = audited["kinds_no_derivative_bug.py"]
    assert_verdict(s, "fail", None)
    assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "b1"}
