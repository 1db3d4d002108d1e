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


class HiddenList:
    def __init__(self, n_inputs, n_hidden, n_classes):
        sizes = [n_inputs] + list(n_hidden) + [n_classes]
        self.layers = [(a, b) for a, b in zip(sizes[:-1], sizes[1:])]


class AllWidths:
    def __init__(self, n_hidden):
        self.layers = list(n_hidden)


def test_a_hidden_list_between_the_inputs_and_outputs_is_the_hidden_widths():
    # MLP(n_inputs, n_hidden, n_classes) with n_hidden = [100]: the list gives the hidden widths alone
    assert argroles.used_as_list(HiddenList.__init__, "n_hidden")
    assert _roles(HiddenList) == {"n_inputs": "n_in", "n_hidden": "hidden_sizes", "n_classes": "n_out"}
    assert _roles(AllWidths) == {"n_hidden": "sizes"}  # alone, it holds every width


class Looped:
    def __init__(self, n_in, hidden_units, n_out):
        prev, self.W = n_in, []
        for width in hidden_units:
            self.W.append((prev, width))
            prev = width


class Starred:
    def __init__(self, n_in, n_hidden, n_out):
        self.sizes = [n_in, *n_hidden, n_out]


class Concatenated:
    def __init__(self, n_in, n_hidden, n_out):
        self.sizes = [n_in] + n_hidden + [n_out]


def test_a_list_is_told_by_what_a_number_cannot_take():
    for cls in (Looped, Starred, Concatenated):
        init = cls.__init__
        hidden = list(inspect.signature(init).parameters)[2]
        assert argroles.used_as_list(init, hidden), cls.__name__
        assert not argroles.used_as_list(init, "n_in"), cls.__name__
        assert _roles(cls)[hidden] == "hidden_sizes", cls.__name__
