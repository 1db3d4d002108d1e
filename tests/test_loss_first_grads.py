"""A course template's backward: ``calc_loss_and_grad(x, y, w1, b1, w2, b2) -> (loss, db2, dw2, db1, dw1)`` beside a
``train(train_x, train_y, args)`` that draws the weights and returns them."""

from __future__ import annotations

import ast
import textwrap

from gradcheck.audit.adapters.feeds import feeding_forward, gradient_function
from gradcheck.audit.adapters.returns import returned_names
from gradcheck.audit.adapters.scalarargs import spread_weights

SOURCE = """
import numpy as np

def calc_loss_and_grad(x, y, w1, b1, w2, b2, eval_only=False):
    h = np.maximum(x @ w1 + b1, 0)
    p = h @ w2 + b2
    loss = np.mean((p - y) ** 2)
    if eval_only:
        return loss, p
    d = 2 * (p - y) / p.size
    db2, dw2 = d.sum(0), h.T @ d
    dh = d @ w2.T * (h > 0)
    db1, dw1 = dh.sum(0), x.T @ dh
    return loss, db2.squeeze(), dw2.T, db1.reshape(-1), dw1

def train(train_x, train_y, args):
    w1, b1, w2, b2 = np.zeros((3, 4)), np.zeros(4), np.zeros((4, 2)), np.zeros(2)
    return w1, b1, w2, b2
"""


def test_reshaped_returns_keep_their_arrays_names(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(SOURCE))
    ns: dict = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    assert returned_names(ns["calc_loss_and_grad"]) == ["loss", "db2", "dw2", "db1", "dw1"]


def test_the_loss_then_gradients_is_the_gradient_function_and_train_feeds_nothing(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(SOURCE))
    ns: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    funcs = {k: ns[k] for k in ("calc_loss_and_grad", "train")}
    assert gradient_function(funcs) == "calc_loss_and_grad"
    assert feeding_forward(funcs, "calc_loss_and_grad") is None  # train returns the weights, not a forward's cache


def test_a_layer_stack_passed_positionally_is_not_one_number_per_connection():
    stack = ast.parse("def f(x, y, w1, b1, w2, b2):\n    pass\n").body
    assert spread_weights(stack) is None
    scalars = ast.parse("def f(x1, x2, w1_1, w1_2, w2_1, w2_2, b1_1, y):\n    pass\n").body
    assert "one number per connection" in spread_weights(scalars)
    indexed = ast.parse("def f(x, w11, w12, w21, w22):\n    pass\n").body  # w<layer><unit>
    assert spread_weights(indexed) is not None
