"""Messages agree with the table: no tensor called right that failed, no output layer blamed for a bias."""

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.diagnose import Context, diagnose, fingerprints, localize
from gradcheck.diagnose.messages import decay_message, uniform_message
from gradcheck.diagnose.posts import Bug
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.zoo import MUTANTS, ZOO_CONFIGS, zoo_data


@pytest.fixture(scope="module")
def net():
    config = ZOO_CONFIGS["tanh-mse-d2"]
    X, Y = zoo_data("tanh-mse-d2")
    return config, MLP(config).init_params(0), X, Y


@pytest.mark.parametrize("mutant", ["bias-first-sample", "bias-not-summed"])
def test_a_bias_bug_in_the_output_layer_is_not_blamed_on_the_output_step(net, mutant):
    config, p, X, Y = net
    loss, grad = MUTANTS[mutant].build(config, 3).closures(X, Y)
    g = grad(p)
    if g["b3"].shape != p["b3"].shape:
        g["b3"] = g["b3"].sum(0) * 0.5  # keep the shape, keep the bias wrong
    report = check_gradients(loss, g, p, name_bugs=False)
    loc = localize(report)
    assert loc.tensor == "b3"
    assert "bias gradient of layer 3" in loc.message and "output layer's backward step" not in loc.message


def test_localize_two_separate_places(net):
    config, p, X, Y = net
    loss, grad = MLP(config).closures(X, Y)
    g = grad(p)
    g["W1"], g["W3"] = g["W1"] * 1.3, g["W3"] * 0.7
    loc = localize(check_gradients(loss, g, p, name_bugs=False))
    assert "more than one place" in loc.message and "layer 1: W1" in loc.message


def test_number_only_messages_never_call_a_failing_tensor_right(net):
    config, p, X, Y = net
    loss, grad = MLP(config).closures(X, Y)
    g = grad(p)
    g["W2"] = 3.0 * g["W2"]
    g["b1"] = g["b1"] + 0.01 * np.arange(g["b1"].size)
    report = diagnose(check_gradients(loss, g, p, name_bugs=False), batch_size=16, loss="mse")
    scale = next(d for d in report.diagnoses if d.code == "tensor_scale")
    assert scale.tensor == "W2" and "b1 is wrong too" in scale.message
    assert all("other tensors are right" not in d.message for d in report.diagnoses)


def test_one_entry_tensor_gets_no_made_up_factor():
    config = MLPConfig((3, 4, 1), ("tanh",), output="identity", loss="mse")
    X, Y = np.ones((5, 3)), np.zeros((5, 1))
    p = MLP(config).init_params(1)
    loss, grad = MLP(config).closures(X, Y)
    g = grad(p)
    g["b2"] = g["b2"] * 0.937
    report = diagnose(check_gradients(loss, g, p, name_bugs=False), batch_size=5, loss="mse")
    assert all(d.code != "tensor_scale" for d in report.diagnoses)


def test_decay_messages_say_which_mismatch(net):
    config, p, X, Y = net
    ctx = Context(MLP(MLPConfig(config.sizes, config.hidden, output="identity", loss="mse", l2=0.01)), X, Y)
    missing = Bug("regularization_mismatch", "decay", None, ("W1",), {"decay": -0.01}, True)
    twice = Bug("regularization_mismatch", "decay", None, ("W1",), {"decay": 0.01}, True)
    other = Bug("regularization_mismatch", "decay", None, ("W1",), {"decay": 0.03}, True)
    assert "missing" in decay_message(missing, ctx)
    assert "doubled" in decay_message(twice, ctx)
    assert "0.04 * W" in decay_message(other, ctx)


def test_log_base_reading():
    assert "np.log10" in uniform_message("uniform_scale", 2.302585, 16, "log10")
    assert "N = 16 times too small" in uniform_message("missing_batch_mean", 1 / 16, 16)


def test_helper_message_names_every_layer_and_one_bug():
    config = ZOO_CONFIGS["sigmoid-mse-sigout-d1"]
    X, Y = zoo_data("sigmoid-mse-sigout-d1")
    p = MLP(config).init_params(0)
    from reference_nets.compound import Compound

    net = Compound(config, [("derivative-at-activation", 1), ("output-derivative-at-activation", None)])
    d = fingerprints(net.closures(X, Y)[1](p), p, Context(MLP(config), X, Y))[0]
    assert "layer 1 and the output layer" in d.message and "one bug" in d.message
    assert d.evidence["mutant"] == "helper" and len(d.evidence["parts"]) == 2
