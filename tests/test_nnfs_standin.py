"""Code written along *Neural Networks from Scratch* imports ``nnfs``: a stand-in when it is missing.

The book's scripts start with ``import nnfs``, ``nnfs.init()`` and make their data with
``nnfs.datasets.spiral_data``; without the package every one of them lost its data and
its network. The stand-in makes data of the same shapes and kinds and only seeds numpy.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import textwrap

import numpy as np
import pytest

from gradcheck.audit import nnfsdata, standins, worker


def test_the_data_has_the_books_shapes_and_label_kinds():
    X, y = nnfsdata.spiral_data(samples=50, classes=3)
    assert X.shape == (150, 2) and X.dtype == np.float32 and y.dtype == np.uint8
    assert np.array_equal(np.bincount(y), [50, 50, 50])
    Xv, yv = nnfsdata.vertical_data(20, 2)
    assert Xv.shape == (40, 2) and set(yv) == {0, 1}
    Xs, ys = nnfsdata.sine_data(100)
    assert Xs.shape == ys.shape == (100, 1) and np.allclose(ys, np.sin(2 * np.pi * Xs), atol=1e-6)


def test_init_seeds_numpys_generator_so_the_data_repeats():
    nnfsdata.init()
    a = nnfsdata.spiral_data(10, 2)[0]
    nnfsdata.init()
    assert np.array_equal(a, nnfsdata.spiral_data(10, 2)[0])
    np.random.seed(None)


@pytest.mark.skipif(importlib.util.find_spec("nnfs") is not None, reason="the real nnfs is installed here")
def test_installed_only_for_code_that_imports_it(monkeypatch):
    monkeypatch.delitem(sys.modules, "nnfs", raising=False)
    monkeypatch.delitem(sys.modules, "nnfs.datasets", raising=False)
    assert standins.install_stand_ins("import numpy as np\n") == [] and "nnfs" not in sys.modules
    notes = standins.install_stand_ins("import nnfs\nfrom nnfs.datasets import spiral_data\n")
    assert any(n.startswith("nnfs is not installed: a stand-in") for n in notes)
    from nnfs.datasets import spiral_data  # the stand-in

    assert spiral_data(4, 2)[0].shape == (8, 2)
    monkeypatch.delitem(sys.modules, "nnfs")
    monkeypatch.delitem(sys.modules, "nnfs.datasets")


SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import nnfs
    from nnfs.datasets import spiral_data

    nnfs.init()

    class Dense:
        def __init__(self, n_in, n_out):
            self.weights = 0.1 * np.random.randn(n_in, n_out)
            self.biases = np.zeros((1, n_out))
        def forward(self, inputs):
            self.inputs = inputs
            self.output = inputs @ self.weights + self.biases
        def backward(self, dvalues):
            self.dweights = self.inputs.T @ dvalues
            self.dbiases = dvalues.sum(axis=0, keepdims=True)
            self.dinputs = dvalues @ self.weights.T

    class SoftmaxCE:
        def forward(self, inputs, y):
            e = np.exp(inputs - inputs.max(axis=1, keepdims=True))
            self.output = e / e.sum(axis=1, keepdims=True)
            return -np.mean(np.log(self.output[range(len(y)), y]))
        def backward(self, dvalues, y):
            self.dinputs = dvalues.copy()
            self.dinputs[range(len(y)), y] -= 1
            self.dinputs = self.dinputs / len(y)

    X, y = spiral_data(samples=40, classes=3)
    dense1, dense2, head = Dense(2, 8), Dense(8, 3), SoftmaxCE()
    dense1.forward(X)
    dense2.forward(np.tanh(dense1.output))
    loss = head.forward(dense2.output, y)
    """
)


@pytest.mark.skipif(importlib.util.find_spec("nnfs") is not None, reason="the real nnfs is installed here")
def test_a_book_script_keeps_its_data_and_its_network(tmp_path, monkeypatch, clean_imports):
    (tmp_path / "book.py").write_text(SCRIPT)
    (tmp_path / "req.json").write_text(json.dumps({"submission": "book.py"}))
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 0
    result = json.loads((tmp_path / "result.json").read_text())
    assert any(n.startswith("nnfs is not installed: a stand-in") for n in result["notes"])
    assert not any("No module named 'nnfs'" in n for n in result["notes"]), result["notes"]
