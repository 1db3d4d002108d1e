"""``loss += term``: a sum over samples inside a loop, a term added to an earlier value outside one."""

from __future__ import annotations

import ast

from gradcheck.audit.adapters import inline

SRC = """
def loss(model, X, y):
    data_loss = np.sum(-np.log(probs[range(N), y]))
    data_loss += reg / 2 * np.sum(model["W1"] ** 2)
    return data_loss / N

def epoch(pairs):
    total_loss = 0.0
    for x, t in pairs:
        total_loss += 0.5 * np.sum((f(x) - t) ** 2)
    while more():
        cost += np.sum(g())
"""


def test_a_plus_equals_outside_a_loop_is_no_loss_and_inside_one_is():
    found = {(f.target, f.line) for f in inline.in_tree(ast.parse(SRC), "<src>")}
    assert ("data_loss", 3) in found  # the plain assignment
    assert ("data_loss", 4) not in found  # the penalty added to it: not a loss on its own
    assert ("total_loss", 10) in found and ("cost", 12) in found  # sums over samples (for and while)


def test_a_lowercase_e_is_a_loss_only_when_it_sums_squared_differences():
    """``e = 1 / len(o) * np.sum((o - l) ** 2, axis=0)`` is a script's error; ``e = np.exp(z)`` an exponential."""
    src = """
for x, l in pairs:
    e = np.exp(x - x.max())
    e = 1 / len(o) * np.sum((o - l) ** 2, axis=0)
    e = np.sum(x ** 2)
"""
    found = {(f.target, f.line) for f in inline.in_tree(ast.parse(src), "<src>")}
    assert found == {("e", 4)}
