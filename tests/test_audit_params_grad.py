"""A model keeping its gradients in a dict named after its parameters' dict (``self.params_grad`` beside
``self.params``), whose backward starts from a loss object that calls the scores it is handed ``x``."""

from __future__ import annotations

import numpy as np
from audit_example import assert_judged

from gradcheck.audit.adapters.prime import run_loss
from gradcheck.audit.adapters.readers.stored import is_grad_dict


def test_a_dict_named_as_the_parameters_gradient_holds_gradients():
    for name in ("params_grad", "param_grads", "grad_params", "grads", "dparams"):
        assert is_grad_dict(name, "params"), name
    assert not is_grad_dict("params_grad", "weights")
    assert not is_grad_dict("params_cache", "params")
    assert not is_grad_dict("velocity", "params")


class _Loss:
    """A loss node whose forward names its input (the network's scores) ``x``."""

    def forward(self, x, t):
        self.seen = (x, t)
        return float(np.sum((x - t) ** 2))


class _Model:
    def __init__(self):
        self.output = _Loss()


def test_a_held_loss_object_is_handed_the_output_not_the_inputs():
    model = _Model()
    X, out, Y = np.zeros((5, 7)), np.ones((5, 3)), np.full((5, 3), 2.0)
    assert run_loss(model, "Model", set(), out, X, Y) == "Model.output.forward"
    x, t = model.output.seen
    assert x.shape == (5, 3) and np.array_equal(x, out) and np.array_equal(t, Y)


def test_the_correct_node_graph_classifier_passes(tmp_path):
    assert_judged(tmp_path, "node_graph_params_grad_correct.py", "pass", None)


def test_the_node_graph_classifier_without_its_mean_is_named(tmp_path):
    assert_judged(tmp_path, "node_graph_params_grad_batch_bug.py", "fail", "missing_batch_mean")
