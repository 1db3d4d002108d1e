"""Layers a submission puts together only in its tests: where, named in the error (adapters.testbuilt)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.adapters.testbuilt import built_in_tests
from gradcheck.audit.batch import audit_one, limits_for
from gradcheck.audit.spec import AuditSpec

LAYERS = """
import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.random.default_rng(0).normal(size=(n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW, self.db = self.x.T @ g, g.sum(axis=0)
        return g @ self.W.T


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, g):
        return g * (1 - self.y ** 2)
"""
UNITTEST = """
import unittest
import numpy as np
from layers import Dense, Tanh


class TestTraining(unittest.TestCase):
    def setUp(self):
        self.x = np.ones((4, 2))

    def test_backward_runs(self):
        net = [Dense(2, 3), Tanh(), Dense(3, 1)]
        out = self.x
        for layer in net:
            out = layer.forward(out)
        g = out - 1.0
        for layer in reversed(net):
            g = layer.backward(g)
        self.assertEqual(net[0].dW.shape, (2, 3))

    def test_one_layer(self):
        Dense(2, 3).backward(np.ones((4, 3)))
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text))
    return folder


@pytest.mark.parametrize("test_name", ["test_layers.py", "layers_test.py", "tests/check_net.py"])
def test_a_test_that_builds_and_trains_the_layers_is_named(tmp_path, test_name):
    write(tmp_path, {"layers.py": LAYERS, test_name: UNITTEST})
    # test_one_layer builds one class only: a check of a layer, not a network
    assert built_in_tests(tmp_path, {"Dense", "Tanh"}) == [f"{test_name} (TestTraining.test_backward_runs)"]


def test_code_that_is_no_test_or_builds_no_network_is_not_named(tmp_path):
    write(tmp_path, {"layers.py": LAYERS, "demo.py": UNITTEST, "test_shapes.py": "def test_x():\n    Dense(2, 3)\n"})
    assert built_in_tests(tmp_path, {"Dense", "Tanh"}) == []
    assert built_in_tests(None, {"Dense", "Tanh"}) == [] and built_in_tests(tmp_path / "layers.py", {"Dense"}) == []


def test_the_error_says_where_the_layers_are_trained(tmp_path):
    folder = write(tmp_path / "student", {"layers.py": LAYERS, "test_layers.py": UNITTEST})
    spec = AuditSpec()
    r = audit_one(folder, spec, limits=limits_for(spec))
    assert r.status == "error" and r.error.startswith("AmbiguousEntry")
    assert "trained only in test_layers.py (TestTraining.test_backward_runs), a test" in r.error
