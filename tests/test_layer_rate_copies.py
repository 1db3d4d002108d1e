"""A model's learning rate copied into each of its layers is varied with them."""

from __future__ import annotations

from gradcheck.audit.adapters import layerknob


class Layer:
    def __init__(self, lr, slope=0.01):
        self.lr = lr
        self.slope = slope


class Model:
    def __init__(self, lr):
        self.lr = lr
        self.layers = [Layer(lr), Layer(lr), Layer(0.3)]


def test_every_copy_of_the_models_rate_follows_it_and_nothing_else_does():
    m = Model(0.01)
    layerknob.set_with_copies(m, "lr", 0.5)
    assert m.lr == 0.5
    assert [layer.lr for layer in m.layers] == [0.5, 0.5, 0.3]  # the third layer's own rate is not a copy
    assert [layer.slope for layer in m.layers] == [0.01, 0.01, 0.01]  # another name, the same value: untouched
