"""A constructor argument whose name reads as one width but which the body takes apart as a list."""

from __future__ import annotations

import inspect

from gradcheck.audit.adapters import argroles
from gradcheck.audit.adapters.sizes import _size_roles


class ByLayer:
    def __init__(self, number_of_neurons_by_layer):
        self.num_layers = len(number_of_neurons_by_layer)
        self.sizes = number_of_neurons_by_layer[1:]


class Width:
    def __init__(self, n_neurons, n_inputs):
        self.w = [[0.0] * n_neurons for _ in range(n_inputs)]


def _roles(cls):
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    return _size_roles(cls.__init__, params)


def test_a_list_taken_apart_is_the_size_list():
    assert argroles.used_as_list(ByLayer.__init__, "number_of_neurons_by_layer")
    assert _roles(ByLayer) == {"number_of_neurons_by_layer": "sizes"}


def test_widths_used_as_numbers_stay_widths():
    assert not argroles.used_as_list(Width.__init__, "n_neurons")
    assert _roles(Width) == {"n_neurons": "hidden", "n_inputs": "n_in"}
