"""The pieces behind the architecture-list, notebook-globals and list-script shapes, on small sources."""

from __future__ import annotations

import ast

import numpy as np

from gradcheck.audit import hoist
from gradcheck.audit.adapters import archlist, owncall

SOURCE = """
N, D, K = 60, 2, 3
params = init_params(D, 20, K)

def train(X, arch):
    values = init_layers(arch, 2)
"""


def test_the_code_s_own_call_is_read_with_its_globals():
    stmts = ast.parse(SOURCE).body
    ns = {"N": 60, "D": 2, "K": 3}
    assert owncall.own_call(stmts, "init_params", ns) == ([2, 20, 3], {}, 3)


def test_a_call_whose_arguments_are_not_plain_data_is_not_used():
    stmts = ast.parse("p = init_params(X.shape[1], hidden, 1)\n").body
    assert owncall.own_call(stmts, "init_params", {"X": np.zeros((4, 5))}) is None  # hidden is unknown
    assert owncall.own_call(stmts, "init_params", {"X": np.zeros((4, 5)), "hidden": 7}) == ([5, 7, 1], {}, 1)
    assert owncall.own_call(stmts, "init_params", {"X": np.zeros((4, 5)), "hidden": object()}) is None


def test_a_function_s_argument_stands_in_for_the_architecture_list():
    stmts = ast.parse(SOURCE).body
    arch = [{"input_dim": 2, "output_dim": 1, "activation": "sigmoid"}]
    assert owncall.own_call(stmts, "init_layers", {}) is None
    assert owncall.own_call(stmts, "init_layers", {}, {"arch": arch}) == ([arch, 2], {}, 6)


def test_the_architecture_list_is_found_and_shrunk_only_when_large():
    small = [{"input_dim": 2, "output_dim": 4, "activation": "relu"}, {"input_dim": 4, "output_dim": 1}]
    assert archlist.architecture({"NN": small, "sizes": [2, 4, 1]}) == ("NN", small)
    assert archlist.architecture({"a": small, "b": small}) is None  # two lists: which one is not guessed
    assert archlist.shrunk(small) is None
    big = [{"in": 784, "out": 500}, {"in": 500, "out": 10, "act": "softmax"}]
    assert archlist.shrunk(big) == [{"in": 3, "out": 4}, {"in": 4, "out": 10, "act": "softmax"}]


def test_list_element_updates_are_inline_gradients_with_their_sign():
    ascent = ast.parse("weights[1] += learning_rate * a1.T @ d2").body[0]
    descent = ast.parse("W[0] = W[0] - alpha * (X.T @ d1)").body[0]
    variable = ast.parse("weights[i] -= lr * grads[i]").body[0]
    up, _ = hoist.inline_update(ascent)
    down, _ = hoist.inline_update(descent)
    assert (up.param, up.sign, up.lr, up.grad) == ("weights[1]", -1.0, "learning_rate", "__grad_weights_1")
    assert (down.param, down.sign, down.lr) == ("W[0]", 1.0, "alpha")
    assert hoist.inline_update(variable) is None  # an index the code computes: not one parameter
