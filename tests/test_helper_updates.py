"""Helpers that update a script's weights, written out at their calls as the updates they make."""

from __future__ import annotations

import ast
import textwrap

import pytest

from gradcheck.audit.helperupdates import inline_update_helpers

IN_PLACE = """
ALPHA = 0.01
def backward(x, d, w, b):
    w -= d.T.dot(x) * ALPHA
    b -= np.sum(d, axis=0) * ALPHA
    return w, b
for i in range(3):
    (ow, ob) = backward(h, od, ow, ob)
    hw, hb = backward(f, hd, hw, hb)
"""
STEP = """
def step(x, d):
    return d.T.dot(x) * alpha
for i in range(3):
    ow -= step(h, od)
"""


def _src(stmts):
    return [ast.unparse(s) for s in stmts]


def test_an_in_place_helper_is_written_out_with_the_calls_arguments_and_dropped():
    stmts, used = inline_update_helpers(ast.parse(textwrap.dedent(IN_PLACE)).body)
    assert used == ["backward"]
    assert not any(isinstance(s, ast.FunctionDef) for s in stmts)
    loop = _src(stmts[1].body)
    assert loop == [
        "ow -= od.T.dot(h) * ALPHA",
        "ob -= np.sum(od, axis=0) * ALPHA",
        "hw -= hd.T.dot(f) * ALPHA",
        "hb -= np.sum(hd, axis=0) * ALPHA",
    ]
    assert all(n.lineno == stmts[1].body[0].lineno for n in ast.walk(stmts[1].body[0]) if hasattr(n, "lineno"))


def test_a_helper_returning_the_step_is_put_in_place_of_its_call():
    stmts, used = inline_update_helpers(ast.parse(textwrap.dedent(STEP)).body)
    assert used == ["step"] and _src(stmts[0].body) == ["ow -= od.T.dot(h) * alpha"]


@pytest.mark.parametrize(
    "source",
    [
        "def f(x, w):\n    w -= x\n    print(w)\n    return w\nw = f(x, w)",  # more than updates in its body
        "def f(x, w):\n    w -= x\n    return w\nv = f(x, w)",  # assigned to another name than handed in
        "def f(x, w):\n    w -= x\n    return w\nw = f(x, w=w)",  # keyword arguments
        "def f(x, w):\n    return x * w\ny = f(x, w)",  # a step helper not used as a weight's update
    ],
)
def test_anything_else_is_left_as_it_is(source):
    body = ast.parse(source).body
    stmts, used = inline_update_helpers(body)
    assert used == [] and stmts is body


def test_weights_named_by_the_layer_they_feed_are_ordered_input_to_output():
    from gradcheck.audit.adapters.shapes.script import _by_role_words

    assert _by_role_words(["output_weight", "output_bias", "hidden_weight", "hidden_bias"]) == [
        "hidden_weight",
        "hidden_bias",
        "output_weight",
        "output_bias",
    ]


def test_the_input_is_what_a_layer_helper_is_handed_before_the_first_weight():
    from gradcheck.audit.scriptdata import _multiplying

    body = ast.parse("hidden = relu(predict(feature, hidden_weight, hidden_bias))\nprint(len(hidden_weight))").body
    assert _multiplying(body, "hidden_weight") == ["feature"]


def test_a_randint_mask_in_the_loop_applying_the_updates_is_a_random_forward():
    from gradcheck.audit.scriptrandom import random_mask

    src = "for i in range(3):\n    m = np.random.randint(2, size=h.shape)\n    h *= m\n    w -= h.T.dot(x) * a\n"
    assert random_mask(ast.parse(src).body, ["w"]) == (2, 3)
