"""Two bugs in one file, each a layer's step fed a neighbouring layer's value or combined with a classic bug: both
named, together reproducing every entry (reference_nets.zoo_crossed: a derivative read off the layer below, a bias
summed from the delta of the layer above)."""

from __future__ import annotations

import numpy as np
import pytest
from audit_example import audit_example

from reference_nets.mlp import MLP, MLPConfig
from reference_nets.zoo import get_mutant

BOTH = "Bug {} of 2 (together they reproduce every entry of every tensor)"


@pytest.mark.parametrize(
    "name, first, second",
    [
        ("columns_tanh_relu_two_bugs_bug.py", "read off the layer below", "summed from the delta of the layer above"),
        ("rows_sigmoid_stack_two_bugs_bug.py", "N = 16 times too large", "read off the layer below"),
        ("dict_relu_pair_two_bugs_bug.py", "wrong sign", "summed from the delta of the layer above"),
    ],
)
def test_both_bugs_are_named(tmp_path, name, first, second):
    s = audit_example(tmp_path, name)
    assert s["status"] == "fail"
    messages = [d["message"] for d in s["diagnoses"]]
    assert len(messages) == 2, messages
    assert BOTH.format(1) in messages[0] and first in messages[0], messages[0]
    assert BOTH.format(2) in messages[1] and second in messages[1], messages[1]


def test_the_correct_twin_passes(tmp_path):
    s = audit_example(tmp_path, "columns_tanh_relu_correct.py")
    assert s["status"] == "pass" and s["diagnoses"] == []


def _grads(net, config, seed=1):
    rng = np.random.default_rng(seed)
    params = MLP(config).init_params(seed=seed)
    X, Y = rng.normal(size=(6, config.sizes[0])), rng.normal(size=(6, config.sizes[-1]))
    _, cache = net.forward(params, X)
    return net.backward(params, cache, Y), MLP(config).backward(params, cache, Y)


def test_the_derivative_from_the_layer_below_is_the_code_as_written():
    """tanh then ReLU: (A1 > 0) in layer 2 is ReLU'(Z1); layer 3 and every bias above layer 2 stay right."""
    config = MLPConfig((3, 4, 4, 1), ("tanh", "relu"), output="identity")
    wrong, right = _grads(get_mutant("derivative-from-layer-below").build(config, 2), config)
    assert [k for k in right if not np.allclose(wrong[k], right[k])] == ["W1", "b1", "W2", "b2"]


def test_the_bias_from_the_layer_above_changes_that_bias_only_and_never_reuses_a_stale_delta():
    config = MLPConfig((3, 4, 4, 1), ("tanh", "relu"), output="identity")
    net = get_mutant("bias-from-layer-above").build(config, 1)
    for seed in (1, 2):  # a second batch: the delta kept from the first is never read
        wrong, right = _grads(net, config, seed)
        assert [k for k in right if not np.allclose(wrong[k], right[k])] == ["b1"]
        assert np.allclose(wrong["b1"], right["b2"])  # db1 = sum of layer 2's delta = db2
