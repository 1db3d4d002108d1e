"""A mini-batch script's backward reading the batch width its training loop computes (``m = hi - lo`` beside
``X[:, lo:hi]``), and the loop's update telling the backward from a cost computed on the same forward."""

from __future__ import annotations

import ast
import types

import pytest
from audit_example import assert_judged

from gradcheck.audit.adapters.loopwidth import bind_loop_widths, loop_widths
from gradcheck.audit.adapters.shapes.ownloop import loop_roles

MINIBATCH = """
for epoch in range(5):
    for start in range(0, n, 8):
        lo, hi = start, min(start + 8, n)
        X = data[:, lo:hi]
        m_batch = hi - lo
        cache = fwd(X, params)
        grads = back(X, Y, params, cache)
        params["W"] = params["W"] - rate * grads["dW"]
    cache = fwd(data, params)
    cost = measure(Y, cache)
"""


def test_the_pair_whose_result_the_update_reads_is_the_backward_in_a_nested_loop():
    # the epoch loop's fwd -> measure pair comes first in the file; the update reads back's grads
    assert loop_roles(ast.parse(MINIBATCH).body, {"fwd", "back", "measure"}) == ("fwd", "back", 7)


def test_without_an_update_the_first_pair_is_kept():
    src = "for i in range(3):\n    out = fwd(X)\n    cost = measure(Y, out)\n"
    assert loop_roles(ast.parse(src).body, {"fwd", "measure"}) == ("fwd", "measure", 2)


def test_a_difference_of_the_slice_bounds_is_a_batch_width():
    assert loop_widths(ast.parse(MINIBATCH).body) == {"m_batch": 6}
    other = "for j in range(4):\n    X = data[:, a:b]\n    gap = a - b\n    span = c - a\n"
    assert loop_widths(ast.parse(other).body) == {}  # b - a is not written; c is no bound of a slice


def _bound(source: str, given: dict, notes: list) -> dict:
    """The module globals after binding the loop widths of ``source`` (a module holding ``given``)."""
    module = types.ModuleType("student")
    vars(module).update(given)
    loaded = types.SimpleNamespace(stmts=ast.parse(source).body, module=module, locate=lambda n: f"line {n}")
    bind_loop_widths(loaded, 16, notes)
    return {k: v for k, v in vars(module).items() if not k.startswith("__")}


def test_an_unbound_width_the_functions_read_is_the_checked_batch():
    source = "def back(X):\n    return X.sum() / m_batch\n" + MINIBATCH
    notes: list[str] = []
    assert _bound(source, {}, notes) == {"m_batch": 16}
    assert "m_batch" in notes[0] and "16 samples" in notes[0]
    assert _bound(source, {"m_batch": 5}, []) == {"m_batch": 5}  # bound by the code itself: left alone
    assert _bound(MINIBATCH, {}, []) == {}  # no function reads it: nothing to bind


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("minibatch_width_script_correct.py", "pass", None),
        ("minibatch_width_script_squash_twice_bug.py", "fail", "derivative_at_activation"),
    ],
)
def test_the_examples_are_judged(tmp_path, name, status, code):
    assert_judged(tmp_path, name, status, code)
