"""A script's update names its parameter by its gradient's name when the parameter's own name says nothing."""

from __future__ import annotations

import ast

import pytest

from gradcheck.audit.adapters.shapes.script import _update_pair


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("c3 = c3 - speed * gc3", ("c3", "gc3")),  # named after it: a bias called c
        ("W1 -= lr * dW1", ("W1", "dW1")),
        ("speed = speed - lr * dW1", None),  # a gradient of another name: not the speed's
        ("total = total + loss", None),
    ],
)
def test_an_update_pairs_a_parameter_with_the_gradient_named_after_it(line, pair):
    assert _update_pair(ast.parse(line).body[0]) == pair
