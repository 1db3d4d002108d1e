"""A cost function over one flat vector: its layout read off its own slices and reshapes, never guessed."""

from __future__ import annotations

import ast
import textwrap

import numpy as np

from gradcheck.audit.adapters.shapes.flatunpack import _layout, has_flat_cost
from gradcheck.audit.adapters.shapes.unrolled import _roles

SIZES = {"n_in": 3, "hidden": 5, "n_out": 2}


def _sig(z):
    return 1 / (1 + np.exp(-z))


def cost_inline_fortran(params, X, y, input_size, hidden_size, output_size, lam):
    """Octave-style: column-major reshapes, weights as (out, in), labels integers, the output bias an open tail."""
    k = hidden_size * input_size
    W1 = np.reshape(params[:k], (hidden_size, input_size), order="F")
    b1 = params[k : k + hidden_size]
    W2 = np.reshape(
        params[k + hidden_size : k + hidden_size + output_size * hidden_size], (output_size, hidden_size), order="F"
    )
    b2 = params[k + hidden_size + output_size * hidden_size :]
    m = X.shape[0]
    Y = np.eye(output_size)[y]
    H = _sig(X @ W1.T + b1)
    P = _sig(H @ W2.T + b2)
    J = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / m
    d2 = (P - Y) / m
    d1 = (d2 @ W2) * H * (1 - H)
    grads = [(d1.T @ X).ravel(order="F"), d1.sum(0), (d2.T @ H).ravel(order="F"), d2.sum(0)]
    return J, np.concatenate(grads)


def cost_no_unpacking(theta, X, y, n_in, n_hidden, n_out, lam):
    return float(np.sum(theta)), theta * 0


def test_the_layout_is_read_off_the_code_with_its_order_tail_and_label_form():
    found = _layout("cost_inline_fortran", cost_inline_fortran, _roles(cost_inline_fortran), SIZES)
    assert found is not None
    pieces, form = found
    assert [(p, start, shape, order) for p, start, shape, order in pieces] == [
        ("W1", 0, (5, 3), "F"),
        ("b1", 15, (5,), "C"),
        ("W2", 20, (2, 5), "F"),
        ("b2", 30, (2,), "C"),  # the tail's length is the one at which the whole function agrees: 32
    ]
    assert form == "int"


def test_a_cost_that_does_not_unpack_its_vector_has_no_layout():
    assert _layout("cost_no_unpacking", cost_no_unpacking, _roles(cost_no_unpacking), SIZES) is None


def test_the_cost_over_a_sliced_vector_is_the_entry_of_a_script_that_trains_it():
    script = textwrap.dedent(
        """
        def unpack(theta, a, b):
            return theta[:a].reshape(a, 1), theta[a:]

        def cost(theta, X, y, n_in, n_hidden, n_out, lam):
            W, c = unpack(theta, n_in, n_hidden)
            return 0.0, theta

        for i in range(3):
            J, g = cost(theta, X, y, 2, 3, 1, 0.0)
            theta = theta - 0.1 * g
        """
    )
    assert has_flat_cost(ast.parse(script).body)
    unsliced = script.replace("theta[:a].reshape(a, 1), theta[a:]", "theta, theta")
    assert not has_flat_cost(ast.parse(unsliced).body)
    one_value = script.replace("return 0.0, theta", "return theta")
    assert not has_flat_cost(ast.parse(one_value).body)


def cost_running_index(theta, X, Y, n_in, n_hidden, n_out, reg):
    """Weights first, then biases, cut with a running index (``i += ...``); weights as (out, in); tanh hidden."""
    i = 0
    W1 = theta[i : i + n_hidden * n_in].reshape(n_hidden, n_in)
    i += n_hidden * n_in
    W2 = theta[i : i + n_out * n_hidden].reshape(n_out, n_hidden)
    i += n_out * n_hidden
    b1 = theta[i : i + n_hidden]
    i += n_hidden
    b2 = theta[i:]
    H = np.tanh(X @ W1.T + b1)
    P = _sig(H @ W2.T + b2)
    m = len(X)
    J = -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)) / m
    d2 = (P - Y) / m
    d1 = (d2 @ W2) * (1 - H**2)
    return J, np.concatenate([(d1.T @ X).ravel(), (d2.T @ H).ravel(), d1.sum(0), d2.sum(0)])


def test_a_running_index_and_weights_before_biases():
    pieces, form = _layout("cost_running_index", cost_running_index, _roles(cost_running_index), SIZES)
    assert [(p, start, shape) for p, start, shape, _ in pieces] == [
        ("W1", 0, (5, 3)),
        ("W2", 15, (2, 5)),
        ("b1", 25, (5,)),
        ("b2", 30, (2,)),
    ]
    assert form == "onehot"


def _split_then_reshape(theta, X, Y, n_in, n_hidden, n_out, reg):
    cuts = np.cumsum([n_hidden * n_in, n_out * n_hidden, n_hidden])
    w1, w2, b1, b2 = np.split(theta, cuts)
    W1 = w1.reshape(n_hidden, n_in)
    W2 = w2.reshape(n_out, n_hidden)
    return _running_tail(W1, W2, b1, b2, X, Y)


def _cut_in_a_loop(theta, X, Y, n_in, n_hidden, n_out, reg):
    parts, i = [], 0
    for shape in [(n_hidden, n_in), (n_out, n_hidden), (n_hidden,), (n_out,)]:
        parts.append(theta[i : i + int(np.prod(shape))].reshape(shape))
        i += int(np.prod(shape))
    W1, W2, b1, b2 = parts
    return _running_tail(W1, W2, b1, b2, X, Y)


def _running_tail(W1, W2, b1, b2, X, Y):
    flat = np.concatenate([W1.ravel(), W2.ravel(), b1, b2])
    return cost_running_index(flat, X, Y, W1.shape[1], W1.shape[0], W2.shape[0], 0.0)


def test_np_split_then_reshape_and_a_loop_of_slices_are_read_alike():
    for fn in (_split_then_reshape, _cut_in_a_loop):
        pieces, _ = _layout(fn.__name__, fn, _roles(fn), SIZES)
        assert [(p, start, shape) for p, start, shape, _ in pieces] == [
            ("W1", 0, (5, 3)),
            ("W2", 15, (2, 5)),
            ("b1", 25, (5,)),
            ("b2", 30, (2,)),
        ], fn.__name__
