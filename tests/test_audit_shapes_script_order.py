"""A script's parameters in layer order: by role words in their names, or as [network] params lists them."""

from __future__ import annotations

import pytest

from gradcheck.audit.adapters.shapes.script import _by_role_words, script_spec

NAMED = ["weights_hidden_output", "weights_input_hidden", "bias_output", "bias_hidden"]


@pytest.mark.parametrize(
    "params,expected",
    [
        (NAMED, ["weights_input_hidden", "bias_hidden", "weights_hidden_output", "bias_output"]),
        (["W_hidden_output", "W_input_hidden"], ["W_input_hidden", "W_hidden_output"]),
        # not every name says where it belongs: no order is made up
        (["weights_hidden_output", "weights_input_hidden", "bias"], None),
        (["wih", "who"], None),
        # two biases claiming the same layer
        (["w_input_hidden", "b_hidden", "bias_hidden"], None),
    ],
)
def test_order_by_role_words(params, expected):
    assert _by_role_words(params) == expected


SCRIPT = """
import numpy as np
x = np.ones((3, 2))
y = np.ones((3, 2))
weights_input_hidden = np.ones((2, 2))
weights_hidden_output = np.ones((2, 2))
for i in range(2):
    h = np.tanh(x @ weights_input_hidden)
    out = h @ weights_hidden_output
    d_out = out - y
    grad_ho = h.T @ d_out
    grad_ih = x.T @ ((d_out @ weights_hidden_output.T) * (1 - h**2))
    weights_hidden_output -= 0.1 * grad_ho
    weights_input_hidden -= 0.1 * grad_ih
"""


def test_spec_params_give_a_scripts_layer_order(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    notes: list[str] = []
    zero = script_spec(path, {}, notes)
    assert zero["params"] == ["weights_input_hidden", "weights_hidden_output"]  # by the names
    flipped = ["weights_hidden_output", "weights_input_hidden"]
    given = script_spec(path, {"params": flipped}, notes)
    assert given["params"] == flipped and given["grads"] == zero["grads"][::-1]  # each gradient stays with its weight
