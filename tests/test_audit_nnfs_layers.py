"""Layer classes named as in the NNFS book (Layer_Dense, Activation_Sigmoid) composed by a top-level script: the
script's calls are replayed (gradcheck.audit.adapters.shapes.assembled), and what the layers do not compute (a
bias gradient) is said by name, never an error about one of the layers taken for the model."""

from __future__ import annotations

import pytest
from audit_example import audit_source

from gradcheck.audit.adapters.names import LAYER_CLASS

SCRIPT = """
import numpy as np

class Dense_Layer:
    def __init__(self, n_in, n_out):
        self.weights = np.random.random((n_in, n_out))
        self.biases = np.zeros((1, n_out))
    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs @ self.weights + self.biases
    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues
        self.dinputs = dvalues @ self.weights.T

class Activation_Sigmoid:
    def forward(self, inputs):
        self.output = 1 / (1 + np.exp(-inputs))
    def backward(self, dvalues):
        self.dinputs = dvalues * self.output * (1 - self.output)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y = np.array([[0, 1, 1, 0]]).T
layer1, act1, layer2 = Dense_Layer(2, 3), Activation_Sigmoid(), Dense_Layer(3, 1)
for i in range(100):
    layer1.forward(X)
    act1.forward(layer1.output)
    layer2.forward(act1.output)
    layer2.backward(layer2.output - y)
    act1.backward(layer2.dinputs)
    layer1.backward(act1.dinputs)
    layer2.weights -= 0.1 * layer2.dweights
    layer1.weights -= 0.1 * layer1.dweights
"""


@pytest.mark.parametrize(
    "name,layer",
    [
        ("Layer_Dense", True),
        ("Activation_ReLU", True),
        ("Activation_Softmax_Loss_CategoricalCrossentropy", True),
        ("Dense_Layer", True),
        ("Network", False),
        ("LayerNet", False),
    ],
)
def test_nnfs_names_are_layers(name, layer):
    assert bool(LAYER_CLASS.match(name)) is layer


def test_script_composed_layers_are_replayed_and_missing_bias_gradients_named(tmp_path):
    s = audit_source(tmp_path, "nnfs_xor.py", SCRIPT)
    assert s["status"] == "error"
    assert "no gradient found for layer1.biases, layer2.biases" in s["error"]
    assert "layer1.weights <- layer1.dweights" in s["error"]
    assert "ParamsNotFound" not in s["error"] and "AmbiguousEntry" not in s["error"]
