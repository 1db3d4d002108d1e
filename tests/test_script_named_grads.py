"""A script that updates nothing: each weight paired with the one variable named as its gradient."""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.shapes import script


def _spec(src: str) -> dict:
    return script.infer_spec(ast.parse(src).body)


def test_gradients_named_after_their_weights_are_paired():
    src = "W1 = f()\nb1 = f()\nW2 = f()\ndL_dW2 = g()\ndL_db1 = g()\ndL_dW1 = g()\n"
    found = _spec(src)
    assert found["params"] == ["W1", "b1", "W2"] and found["grads"] == ["dL_dW1", "dL_db1", "dL_dW2"]
    assert found["named_only"] is True


def test_two_gradient_names_for_one_weight_pair_nothing():
    assert _spec("W1 = f()\ndW1 = g()\ngrad_W1 = g()\n") == {}


def test_an_update_still_names_the_pairs():
    found = _spec("W1 = f()\nfor i in range(3):\n    g1 = h()\n    dW1 = g()\n    W1 -= 0.1 * dW1\n")
    assert found == {"params": ["W1"], "grads": ["dW1"]}
