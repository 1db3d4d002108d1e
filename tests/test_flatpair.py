"""A cost and its gradient as two functions of one flat vector at sizes the module fixes (scipy.optimize's fun, jac)."""

from __future__ import annotations

import ast
import textwrap

import numpy as np

from gradcheck.audit.adapters.shapes.flatpair import _layout, has_flat_pair

N_IN, N_HID = 3, 4


def unpack(theta):
    W1 = theta[: N_IN * N_HID].reshape(N_IN, N_HID)
    b1 = theta[N_IN * N_HID : N_IN * N_HID + N_HID]
    W2 = theta[N_IN * N_HID + N_HID : -1].reshape(N_HID, 1)
    return W1, b1, W2, theta[-1:]


def cost(theta, X, y):
    W1, b1, W2, b2 = unpack(theta)
    p = 1 / (1 + np.exp(-(np.tanh(X @ W1 + b1) @ W2 + b2)))[:, 0]
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def cost_grad(theta, X, y):
    W1, b1, W2, b2 = unpack(theta)
    H = np.tanh(X @ W1 + b1)
    p = 1 / (1 + np.exp(-(H @ W2 + b2)))[:, 0]
    d2 = ((p - y) / len(y))[:, None]
    d1 = (d2 @ W2.T) * (1 - H**2)
    return np.concatenate([(X.T @ d1).ravel(), d1.sum(0), (H.T @ d2).ravel(), d2.sum(0)])


def test_the_layout_inputs_and_label_form_are_the_ones_both_functions_run_at():
    found = _layout("cost_grad", cost_grad, {"cost": cost, "cost_grad": cost_grad})
    assert found is not None
    pieces, n_in, form, cost_name = found
    assert [(p, start, shape) for p, start, shape, _ in pieces] == [
        ("W1", 0, (3, 4)),
        ("b1", 12, (4,)),
        ("W2", 16, (4, 1)),
        ("b2", 20, (1,)),
    ]
    assert (n_in, form, cost_name) == (3, "vector", "cost")


def test_without_a_cost_beside_it_a_gradient_function_is_not_this_shape():
    assert _layout("cost_grad", cost_grad, {"cost_grad": cost_grad}) is None


def test_a_module_with_the_pair_is_not_taken_for_a_training_script():
    pair = ast.parse(
        textwrap.dedent("""
        def loss(w, X, t): return 0.0
        def loss_grad(w, X, t): return w
        w = w - 0.1 * loss_grad(w, X, t)
    """)
    ).body
    lone = ast.parse("def loss(w, X, t): return 0.0\nw = w - 0.1 * w\n").body
    assert has_flat_pair(pair) and not has_flat_pair(lone)


def test_functions_whose_other_arguments_have_no_known_role_are_not_this_shape():
    from gradcheck.audit.adapters.shapes.flatpair import _over_flat

    def backward(params, cache, X):
        return params

    def cost(theta, X, y):
        return 0.0

    assert not _over_flat(backward) and _over_flat(cost)
