"""A layer stack configured before training: set(optimizer=Optimizer_SGD(...)), finalize(), running-sum losses.

Three things stopped such a project (``examples/submissions/stack_finalize_project_*``, after a public
student repository in the style of Neural Networks from Scratch): the optimizer's constructor, named
like training (``SGD``), ended the script's set-up before ``set()`` and ``finalize()``; ``finalize()``
made a second layer list (``trainable_layers``), and a model with two was no holder; and the loss
object's ``forward`` gives per-sample losses that its own ``calculate()`` averages (and cannot be
called alone: it adds to running sums a ``new_pass()`` makes).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import types

import numpy as np

from gradcheck.audit.adapters import assembly
from gradcheck.audit.adapters.studentloss import _averages


def _stmt(src: str) -> ast.stmt:
    return ast.parse(src).body[0]


def test_a_call_of_the_students_own_class_trains_nothing_whatever_its_name():
    configure = _stmt("model.set(loss=BinaryCrossEntropy(), optimizer=Optimizer_SGD(learning_rate=0.5))")
    assert assembly._trains(configure)  # read by its name alone, SGD trains
    assert not assembly._trains(configure, {"Optimizer_SGD", "BinaryCrossEntropy"})
    assert assembly._trains(_stmt("model.train(X, y, epochs=10)"), {"Optimizer_SGD"})
    assert assembly._trains(_stmt("run_sgd(model, X, y)"), {"Optimizer_SGD"})


def test_the_layer_list_holding_every_others_layers_is_the_models():
    a, b, c = object(), object(), object()
    model = types.SimpleNamespace(layers=[a, b, c], trainable_layers=[a, c])
    assert assembly._widest(["layers", "trainable_layers"], model) == "layers"
    assert assembly._widest(["trainable_layers", "layers"], model) == "layers"
    two = types.SimpleNamespace(encoder=[a], decoder=[b])
    assert assembly._widest(["encoder", "decoder"], two) is None


SOURCE = """
import numpy as np


class Loss:
    def calculate(self, output, y):
        sample_losses = self.forward(output, y)
        self.running += np.sum(sample_losses)
        return np.mean(sample_losses)


class Squared(Loss):
    def forward(self, y_pred, y_true):
        return np.mean((y_pred - y_true) ** 2, axis=-1)


class Summed:
    def forward(self, y_pred, y_true):
        return np.sum((y_pred - y_true) ** 2, axis=-1)

    def total(self, y_pred, y_true):
        return np.sum(self.forward(y_pred, y_true))
"""


def test_per_sample_losses_are_averaged_only_where_the_class_averages_them(tmp_path, monkeypatch):
    path = tmp_path / "losses_mod.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("losses_mod", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "losses_mod", module)
    spec.loader.exec_module(module)
    assert _averages(module.Squared().forward)
    assert not _averages(module.Summed().forward)
    assert not _averages(np.mean)
