"""A network of one weight matrix (softmax regression with the bias folded in as a column of ones, its weights
called ``param``) is refused as a one-layer model, whatever sizes its guessed data has."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from audit_example import audit_example

from gradcheck.audit.hoist import inline_update
from gradcheck.audit.network import ONE_LAYER, candidates
from gradcheck.audit.spec import AuditSpec
from gradcheck.diagnose.layout import LayoutError


def test_an_update_of_a_weight_called_param_is_read():
    upd = inline_update(ast.parse("param -= 0.002 * (design.T @ (probs - targets))").body[0])
    assert upd is not None and upd[0].param == "param" and upd[0].lr == "0.002"
    assert inline_update(ast.parse("n_parameters += w.size * 2").body[0]) is None


def test_one_matrix_is_one_layer_before_any_chaining():
    params = {"param": np.zeros((5, 3))}
    with pytest.raises(LayoutError, match="one layer of weights"):
        list(candidates(params, np.zeros((7, 4)), 1, AuditSpec({})))  # 4 inputs, 1 output: would not chain


def test_two_matrices_are_left_to_the_chaining():
    params = {"W1": np.zeros((4, 3)), "W2": np.zeros((3, 1))}
    assert list(candidates(params, np.zeros((7, 4)), 1, AuditSpec({})))


def test_a_vector_output_layer_is_a_second_layer():
    """w1 (4, 3), b1 (4,), then a 1-D output weight w2 (4,) and a number b2: two layers."""
    params = {"w1": np.zeros((4, 3)), "b1": np.zeros(4), "w2": np.zeros(4), "b2": np.zeros(())}
    assert list(candidates(params, np.zeros((7, 3)), 1, AuditSpec({})))


def test_the_softmax_regression_script_is_refused_for_what_it_is(tmp_path):
    s = audit_example(tmp_path, "softmax_regression_param_script_correct.py")
    assert s["status"] == "error" and s["error"] == ONE_LAYER
