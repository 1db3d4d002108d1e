"""A network of one weight matrix (logistic, softmax or linear regression) is a reference net of depth 0: modelled,
its forward compared, its gradient judged, whatever sizes its guessed data has."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from audit_example import audit_example

from gradcheck.audit.hoist import inline_update
from gradcheck.audit.network import UNTOLD, _layouts, candidates
from gradcheck.audit.spec import AuditSpec


def test_an_update_of_a_weight_called_param_is_read():
    upd = inline_update(ast.parse("param -= 0.002 * (design.T @ (probs - targets))").body[0])
    assert upd is not None and upd[0].param == "param" and upd[0].lr == "0.002"
    assert inline_update(ast.parse("n_parameters += w.size * 2").body[0]) is None


def test_one_matrix_is_one_layer_whatever_the_guessed_sizes():
    """5 x 3 weights beside guessed data of 4 inputs and 1 output (labels taken for one output): the outputs read
    off the matrix, the data's 4 inputs kept (a bias folded in as row 0 or as the last row); beside data of 9
    inputs, the matrix read alone."""
    params = {"param": np.zeros((5, 3))}
    found = list(candidates(params, np.zeros((7, 4)), 1, AuditSpec({})))
    assert found and {c.depth for _, c in found} == {0} and {c.sizes for _, c in found} == {(4, 3)}
    assert {lay.layers[0].folded for lay, _ in found} == {0, -1}
    alone = list(candidates(params, np.zeros((7, 9)), 1, AuditSpec({})))
    assert {c.sizes for _, c in alone} == {(5, 3)} and {lay.layers[0].folded for lay, _ in alone} == {None}


def test_a_bias_over_the_rows_reads_the_weight_as_out_by_in():
    layouts = _layouts({"W": np.zeros((2, 5)), "b": np.zeros(2)}, 9, 9)  # sizes that chain nothing
    assert [lay.sizes for lay in layouts] == [(5, 2)] and layouts[0].layers[0].transposed


def test_two_matrices_are_left_to_the_chaining():
    params = {"W1": np.zeros((4, 3)), "W2": np.zeros((3, 1))}
    assert list(candidates(params, np.zeros((7, 4)), 1, AuditSpec({})))


def test_a_vector_output_layer_is_a_second_layer():
    """w1 (4, 3), b1 (4,), then a 1-D output weight w2 (4,) and a number b2: two layers."""
    params = {"w1": np.zeros((4, 3)), "b1": np.zeros(4), "w2": np.zeros(4), "b2": np.zeros(())}
    assert list(candidates(params, np.zeros((7, 3)), 1, AuditSpec({})))


def test_the_softmax_regression_script_passes(tmp_path):
    """Zero initial weights: the forward is 1/3 everywhere whichever row holds the bias; the gradient tells."""
    s = audit_example(tmp_path, "softmax_regression_param_script_correct.py")
    assert s["status"] == "pass", (s["status"], s["error"])
    assert s["forward"]["status"] == "unavailable" and UNTOLD in s["notes"]
    assert [t["name"] for t in s["tensors"]] == ["param"]


BIAS_LAST = """
import numpy as np

rng = np.random.default_rng(5)
features = rng.normal(size=(40, 3))
kind = rng.integers(0, 3, size=40)
design = np.hstack([features, np.ones((len(features), 1))])
targets = np.eye(3)[kind]
param = np.zeros((4, 3))
for epoch in range(50):
    scores = design @ param
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.sum(targets * np.log(probs))
    grad = design.T @ (probs - targets)
    param -= 0.01 * grad
"""


@pytest.mark.parametrize(
    "planted, status", [("", "pass"), ("grad = design.T @ (probs - targets) * 2", "error")], ids=["correct", "bug"]
)
def test_a_bias_row_last_is_never_read_as_first(tmp_path, planted, status):
    """The same net with the ones column last: the bias row is not taken for row 0 (a false fail before), and a
    gradient wrong under both readings is no verdict on a reading the forward could not tell."""
    from audit_example import audit_source

    right = "    grad = design.T @ (probs - targets)\n"
    source = BIAS_LAST.replace(right, f"    {planted}\n") if planted else BIAS_LAST
    s = audit_source(tmp_path, "bias_last.py", source)
    assert s["status"] == status, (s["status"], s["error"])


#: Softmax regression whose output has no name the audit knows (``activity``) and whose labels are the class
#: indices (``kind``), the one-hot rows made apart: the output width is read off the one weight matrix.
UNNAMED_OUTPUT = """
import numpy as np

rng = np.random.default_rng(9)
data = rng.normal(size=(60, 4))
kind = rng.integers(0, 3, size=60)
design = np.insert(data, 0, 1.0, axis=1)
onehot = np.equal(np.arange(3), kind[:, None])
param = np.zeros((5, 3))
for step in range(100):
    activity = np.exp(design @ param)
    activity = activity / activity.sum(1, keepdims=True)
    loss = -np.sum(onehot * np.log(activity))
    grad = design.T @ (activity - onehot)
    param -= 0.001 * grad
"""


@pytest.mark.parametrize("planted, status", [("", "pass"), ("grad = design.T @ (onehot - activity)", "error")])
def test_class_labels_beside_no_forward_take_the_matrix_outputs(tmp_path, planted, status):
    """Before, the labels were one output and no candidate fit: an error on the correct file. A wrong gradient
    (its sign) stays an error: with no forward, no verdict rests on a network the gradient does not fit."""
    from audit_example import audit_source

    right = "    grad = design.T @ (activity - onehot)\n"
    source = UNNAMED_OUTPUT.replace(right, f"    {planted}\n") if planted else UNNAMED_OUTPUT
    s = audit_source(tmp_path, "softmax_unnamed.py", source)
    assert s["status"] == status, (s["status"], s["error"])


def test_a_column_of_labels_becomes_one_hot_only_beside_one_matrix_and_no_forward():
    from gradcheck.audit.extracted import Extracted, n_out, targets

    labels = np.array([[0.0], [2.0], [1.0]])
    one = Extracted({"param": np.zeros((5, 3))}, {}, {}, None, False)
    assert n_out(one, labels, 4) == 3 and targets(labels, 3).tolist() == np.eye(3)[[0, 2, 1]].tolist()
    two = Extracted({"W1": np.zeros((4, 3)), "W2": np.zeros((3, 3))}, {}, {}, None, False)
    assert n_out(two, labels, 4) == 1  # a deeper network: its outputs are not read off a matrix
    seen = Extracted({"param": np.zeros((5, 3))}, {}, {}, np.zeros((3, 1)), False)
    assert n_out(seen, labels, 4) == 1  # a forward of one output: one output
    assert n_out(one, np.array([[0.5], [1.0], [0.0]]), 4) == 1  # not class labels


#: Linear regression over module-level weights that its functions take as arguments by their names.
GLOBALS_BY_NAME = """
import numpy as np

w = np.array([[0.3], [-0.2], [0.5]])
b = np.array([0.1])


def predict(X, w, b):
    return X @ w + b


def mse(X, y, w, b):
    return np.mean((predict(X, w, b) - y) ** 2)


def grad(X, y, w, b):
    r = predict(X, w, b) - y
    return 2 * X.T @ r / X.shape[0], 2 * np.sum(r) / X.shape[0]
"""


@pytest.mark.parametrize("halved, status", [(False, "pass"), (True, "fail")])
def test_module_weights_are_handed_to_functions_by_their_names(tmp_path, halved, status):
    """predict(X, w, b) over the globals w and b: before, 'cannot tell what to pass as argument w'."""
    from audit_example import audit_source

    source = GLOBALS_BY_NAME.replace("return 2 * X.T @ r", "return X.T @ r") if halved else GLOBALS_BY_NAME
    source = source.replace("2 * np.sum(r)", "np.sum(r)") if halved else source
    s = audit_source(tmp_path, "linear_globals.py", source)
    assert s["status"] == status, (s["status"], s["error"])
    if halved:
        assert s["diagnoses"][0]["code"] == "missing_mse_factor"
