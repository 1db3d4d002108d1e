"""Layers that prepare their step in backward for a later update() (shapes/laterupdate.py, layerknob.py)."""

from __future__ import annotations

from pathlib import Path

from gradcheck.audit import adapters, loading
from gradcheck.audit.adapters.layerknob import layer_rates, set_rate
from gradcheck.audit.adapters.names import is_param_name
from gradcheck.audit.adapters.shapes.laterupdate import later_update, no_momentum

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


class Dense:
    def __init__(self, lr=0.05, momentum=0.9):
        self.lr, self.momentum, self.beta1 = lr, momentum, 0.9


class Model:
    def __init__(self):
        self.layers = [Dense(), object(), Dense()]
        self.head = Dense()

    def backward(self, out, y):
        pass

    def update(self, scale=1.0):
        pass


class Trainer(Model):
    def update(self, X, y):  # takes data: a training step, not the later update
        pass


def test_the_update_taking_no_argument_is_the_later_one():
    assert later_update(Model, "backward") == "update"
    assert later_update(Trainer, "backward") is None


def test_the_rate_every_layer_holds_is_a_candidate_and_is_set_on_all():
    m = Model()
    assert layer_rates(m) == ["lr"]
    set_rate(m, "lr", 0.25)
    assert [d.lr for d in (m.layers[0], m.layers[2], m.head)] == [0.25, 0.25, 0.25]
    m.lr = 0.1  # a rate of the model's own: the layers' are not the candidate
    assert layer_rates(m) == []


def test_momentum_is_zeroed_and_adam_betas_are_not():
    m = Model()
    assert no_momentum(m) == ["momentum"]
    assert m.layers[0].momentum == 0.0 and m.layers[0].beta1 == 0.9


def test_velocities_beside_weights_are_not_parameters():
    assert [is_param_name(n) for n in ("vW", "vb", "m_b1", "W", "b", "v", "v1")] == [False] * 3 + [True] * 4


def test_the_gradient_is_read_off_backward_then_update_at_the_layers_rate():
    loaded = loading.load(FOLDER / "layer_step_later_correct.py")
    partial: dict = {"notes": []}
    found = adapters.audit(loaded, None, None, [1e-3, 2e-3], {}, partial)
    assert partial["entry"] == "Classifier.backward+update"
    assert found["update"]["via"] == "every layer's attribute learning_rate" and found["update"]["linear_in_lr"]
    assert [g["param"] for g in found["grads"]] == ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"]


def test_a_spec_naming_the_class_keeps_backward_then_update():
    loaded = loading.load(FOLDER / "layer_step_later_correct.py")
    partial: dict = {"notes": []}
    found = adapters.audit(loaded, None, None, [1e-3, 2e-3], {"entry": "Classifier"}, partial)
    assert partial["entry"] == "Classifier.backward+update" and found["update"]["linear_in_lr"]
