"""A class handed its data by its constructor, ``NeuralNetwork(X, y, lr)``, that stores X under another name
(``self.input_layer = X``) and sizes its weights from that (``self.input_layer.shape[1]``): X is the data, not
the input count (the count was passed: ``'int' object has no attribute 'shape'``, with a hint to audit it with
a file that builds it, which does not exist)."""

from __future__ import annotations

import importlib.util

from gradcheck.audit.adapters import argroles

SOURCE = """
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class NeuralNetwork:
    def __init__(self, X, y, lr):
        self.input_layer = X
        self.W1 = np.random.default_rng(0).normal(size=(self.input_layer.shape[1], 3))
        self.W2 = np.random.default_rng(1).normal(size=(3, 1))
        self.y = y
        self.lr = lr

    def forward(self):
        self.hidden = sigmoid(self.input_layer @ self.W1)
        self.out = sigmoid(self.hidden @ self.W2)
        return self.out

    def loss(self):
        return float(np.sum((self.forward() - self.y) ** 2))

    def backward(self):
        d2 = 2 * (self.out - self.y) * self.out * (1 - self.out)
        d1 = (d2 @ self.W2.T) * self.hidden * (1 - self.hidden)
        self.W2 -= self.lr * SIGN self.hidden.T @ d2
        self.W1 -= self.lr * self.input_layer.T @ d1
"""


COUNTS = """
import numpy as np


def initialize_weights(input, hidden, output):
    return np.zeros((input, hidden)), np.zeros((hidden, output))
"""


def _module(tmp_path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the test's own look-alike, not a submission
    return module


def test_data_stored_under_another_name_is_no_count(tmp_path):
    data = _module(tmp_path, "alias_data", SOURCE.replace("SIGN ", ""))
    assert not argroles.a_count(data.NeuralNetwork.__init__, "X")
    counts = _module(tmp_path, "alias_counts", COUNTS)
    assert argroles.a_count(counts.initialize_weights, "input")  # named like data, used only as a count


def test_a_constructor_handed_its_data_is_given_the_batch(audit_sign_pair):
    ok, bad = audit_sign_pair(SOURCE, "ctor_data")
    assert ok["status"] == "pass", (ok.get("error"), [d["code"] for d in ok["diagnoses"]])
    assert any("inferred arguments ['X', 'Y'" in n for n in ok["notes"])
    assert bad["status"] == "fail" and [t["name"] for t in bad["tensors"] if t["status"] == "fail"] == ["W2"]
