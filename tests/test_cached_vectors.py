"""Vectors a layer keeps from its last pass (``self.activations``, ``self.net_inputs``, ``self.deltas``, made with
``np.empty`` in its constructor) are not biases, whatever their width: only the weights and biases are parameters."""

import numpy as np

from gradcheck.audit.adapters.params import discover_params


class _Layer:
    def __init__(self, n_in, n_out):
        self.neuron_amount = n_out
        self.coeffs = np.ones((n_out, n_in))
        self.shift = np.zeros(n_out)
        self.net_inputs = np.full(n_out, np.nan)
        self.activations = np.full(n_out, np.nan)
        self.deltas = np.full(n_out, np.nan)
        self.weighted_sum = np.full(n_out, np.nan)


class _Net:
    def __init__(self):
        self.layers = [_Layer(4, 3), _Layer(3, 2)]


def test_only_the_weights_and_their_sibling_bias_are_parameters():
    names = [t.name for t in discover_params(_Net())]
    assert names == ["layers[0].coeffs", "layers[0].shift", "layers[1].coeffs", "layers[1].shift"], names
