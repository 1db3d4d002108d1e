"""A convolutional network is refused by name, never judged against a fully connected reference."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.adapters.convolution import convolution_message
from gradcheck.audit.worker import run_request

LAYERS = """
import numpy as np

class ConvLayer:
    def __init__(self, n_filters, size):
        self.filters = np.random.randn(n_filters, size, size) * 0.1
    def forward(self, x):
        self.x = x
        return x
    def backward(self, d, lr):
        return d

class MaxPoolLayer:
    def forward(self, x):
        return x[::2, ::2]
    def backward(self, d, lr):
        return d

class DenseLayer:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * 0.1
        self.b = np.zeros((1, n_out))
    def forward(self, x):
        self.x = x
        return x @ self.W + self.b
    def backward(self, d, lr):
        dx = d @ self.W.T
        self.W -= lr * self.x.T @ d
        self.b -= lr * d.sum(axis=0, keepdims=True)
        return dx
"""


@pytest.mark.parametrize(
    ("names", "refused"),
    [
        (["ConvLayer", "DenseLayer"], ["ConvLayer"]),
        (["Conv2D", "MaxPool2d", "Linear"], ["Conv2D", "MaxPool2d"]),
        (["ConvexHull", "Dense", "Tanh"], []),
        (["Dense", "ReLU"], []),
    ],
)
def test_the_refusal_names_the_convolution_and_pooling_layers(names, refused):
    msg = convolution_message(names)
    if not refused:
        assert msg is None
    else:
        assert msg.startswith(f"a convolutional network ({', '.join(refused)})")


def test_a_folder_of_conv_pool_and_dense_layers_is_an_unsupported_error(tmp_path, clean_imports):
    (tmp_path / "layers.py").write_text(textwrap.dedent(LAYERS))
    finders, modules = list(sys.meta_path), set(sys.modules)
    try:  # the worker's loading, run in this process: its import hook and modules are taken back after
        _, result = run_request({"submission": "layers.py", "X": None, "Y": None}, Path(tmp_path))
    finally:
        sys.meta_path[:] = finders
        for name in set(sys.modules) - modules:  # the submission's own modules (layers), not ours
            if str(getattr(sys.modules[name], "__file__", None) or "").startswith(str(tmp_path)):
                del sys.modules[name]
    assert not result["ok"]
    assert result["error"]["type"] == "Unsupported"
    assert "ConvLayer, MaxPoolLayer" in result["error"]["message"]
