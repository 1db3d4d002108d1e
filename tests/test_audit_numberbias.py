"""A bias kept as a Python number beside array parameters is named in a note."""

from __future__ import annotations

import types

import numpy as np

from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.scalarlists import number_biases


def _tensor(name: str, shape) -> Tensor:
    return Tensor(name=name, steps=(("attr", name),), shape=shape)


def test_a_float_bias_beside_arrays_is_named():
    net = types.SimpleNamespace(weights1=np.ones((2, 2)), bias1=np.ones((1, 2)), weights2=np.ones((2, 1)))
    net.bias2, net.learningRate = 1.0, 10.0
    params = [_tensor("self.weights1", (2, 2)), _tensor("self.bias1", (1, 2)), _tensor("self.weights2", (2, 1))]
    note = number_biases(net, params)
    assert note is not None and note.startswith("bias2 = 1.0") and "learningRate" not in note


def test_no_note_for_array_biases_namespaces_or_no_parameters():
    net = types.SimpleNamespace(W=np.ones((2, 2)), b=np.zeros(2))
    assert number_biases(net, [_tensor("self.W", (2, 2)), _tensor("self.b", (2,))]) is None
    assert number_biases({"b2": 1.0}, [_tensor("W1", (2, 2))]) is None
    assert number_biases(types.SimpleNamespace(b2=1.0), []) is None
