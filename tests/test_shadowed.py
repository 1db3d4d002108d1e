"""A dict attribute repeating a model's own weights (names and shapes) is not a second parameter set."""

from __future__ import annotations

import numpy as np

from gradcheck.audit.adapters.params import discover_params

NOISE = {"W1": np.full((2, 3), 0.01), "b1": np.full(3, 0.01)}


class Model:
    def __init__(self, **held):
        self.W1 = np.ones((2, 3))
        self.b1 = np.zeros(3)
        for name, value in held.items():
            setattr(self, name, value)


def _names(obj) -> list[str]:
    return [t.name for t in discover_params(obj)]


def test_a_dict_keyed_like_the_weights_is_left_out():
    assert _names(Model(noise=NOISE)) == ["W1", "b1"]


def test_a_params_container_is_kept_even_beside_attributes():
    assert sorted(_names(Model(params=dict(NOISE)))) == ["W1", "b1", "params['W1']", "params['b1']"]


def test_a_dict_of_other_shapes_or_names_is_kept():
    other = {"W1": np.ones((3, 3)), "b1": np.zeros(3)}  # W1 of another shape: not a repeat
    assert "stash['W1']" in _names(Model(stash=other))
    assert "extra['W2']" in _names(Model(extra={"W2": np.ones((3, 1))}))


def test_without_the_attributes_the_dict_is_the_parameters():
    class OnlyDict:
        def __init__(self):
            self.weights_dict = dict(NOISE)
            self.noise = {k: v.copy() for k, v in NOISE.items()}

    names = _names(OnlyDict())
    assert "weights_dict['W1']" in names and "noise['W1']" in names
