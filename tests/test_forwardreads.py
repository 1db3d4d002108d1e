"""Parameters are what the forward reads (gradcheck.audit.adapters.forwardreads): a helper object's arrays, under
an attribute the forward never names, are not taken for weights (examples/hostile/rate_finder_numerical.py)."""

from __future__ import annotations

import numpy as np

from gradcheck.audit.adapters.forwardreads import forward_reads, read_by_forward
from gradcheck.audit.adapters.params import discover_params


class Finder:
    def __init__(self):
        self.u = np.eye(3)
        self.w = np.ones(3)


class Net:
    def __init__(self):
        self.W1, self.b1 = np.ones((2, 3)), np.zeros(3)
        self._W2, self.b2 = np.ones((3, 1)), np.zeros(1)
        self.finder = Finder()

    @property
    def W2(self):
        return self._W2

    def _hidden(self, X):
        return np.tanh(X @ self.W1 + self.b1)

    def forward(self, X):
        return self._hidden(X) @ self.W2 + self.b2


def _names(params) -> list[str]:
    return [p.name for p in params]


def test_a_helper_objects_arrays_are_no_parameters():
    net = Net()
    found = discover_params(net)
    assert {"finder.u", "finder.w"} <= set(_names(found))  # named like weights: the name rules take them
    assert forward_reads(net, net.forward) >= {"W1", "b1", "W2", "_W2", "b2", "_hidden"}
    kept = _names(read_by_forward(found, net, net.forward))
    assert sorted(kept) == ["W1", "_W2", "b1", "b2"]  # through a method and a property, never finder


class Passed(Net):
    def forward(self, X):
        return run(self, X)


class Named(Net):
    def forward(self, X):
        name = "_hidden"
        return getattr(self, name)(X) @ self.W2


class Inherited(Net):
    def forward(self, X):
        return super().forward(X)


class Dicted(Net):
    def forward(self, X):
        return X @ self.__dict__["W1"]


def run(net, X):
    return net.finder.u


def test_nothing_is_left_out_when_the_source_cannot_tell():
    for cls in (Passed, Named, Inherited, Dicted):
        net = cls()
        found = discover_params(net)
        assert forward_reads(net, net.forward) is None
        assert read_by_forward(found, net, net.forward) == found
    net = Net()
    found = discover_params(net)
    assert read_by_forward(found, net, None) == found  # no forward
    assert read_by_forward(found, net, Net().forward) == found  # another object's forward


class Layer:
    def __init__(self, n_in, n_out):
        self.W, self.b = np.ones((n_in, n_out)), np.zeros(n_out)


class Listed:
    """The layers held twice: as attributes the forward never names, and in the list it reads."""

    def __init__(self):
        self.layer1, self.layer2 = Layer(2, 3), Layer(3, 1)
        self.layers = [self.layer1, self.layer2]
        self.finder = Finder()

    def forward(self, X):
        for layer in self.layers:
            X = X @ layer.W + layer.b
        return X


def test_an_array_reached_through_an_attribute_the_forward_reads_is_kept():
    net = Listed()
    found = discover_params(net)
    assert _names(found)[:4] == ["layer1.W", "layer1.b", "layer2.W", "layer2.b"]  # found under the first name
    assert _names(read_by_forward(found, net, net.forward)) == ["layer1.W", "layer1.b", "layer2.W", "layer2.b"]
