"""Forward and backward of any name, as the script's own training loop calls them."""

from __future__ import annotations

import ast

from gradcheck.audit.adapters.shapes.ownloop import loop_roles

FUNCS = {"run", "learn", "act", "show"}


def _roles(src: str):
    return loop_roles(ast.parse(src).body, FUNCS)


def test_the_call_on_another_calls_results_names_both():
    assert _roles("for i in range(9):\n    H, O = run(I)\n    learn(I, T, H, O, 0.5)\n") == ("run", "learn", 2)


def test_the_main_guard_loop_counts_too():
    src = 'if __name__ == "__main__":\n    while True:\n        out = run(X)\n        learn(X, out)\n'
    assert _roles(src)[:2] == ("run", "learn")


def test_calls_that_do_not_feed_each_other_name_nothing():
    assert _roles("for i in range(9):\n    out = run(I)\n    show(I)\n") is None
    assert _roles("for i in range(9):\n    run(I)\n    learn(I, T)\n") is None  # the first binds nothing


def test_the_same_function_twice_or_other_functions_name_nothing():
    assert _roles("for i in range(9):\n    a = run(I)\n    b = run(a)\n") is None
    assert _roles("for i in range(9):\n    a = np.dot(I, W)\n    learn(a)\n") is None


def test_code_outside_a_loop_names_nothing():
    assert _roles("H, O = run(I)\nlearn(I, T, H, O, 0.5)\n") is None
