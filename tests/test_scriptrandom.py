"""A training loop multiplying by a fresh random draw (inline dropout) is refused; a random batch is not."""

from __future__ import annotations

import ast

import pytest

from gradcheck.audit import scriptrandom
from gradcheck.audit.loader import AuditError

LOOP = """
for it in range(10):
    h = np.maximum(X @ W1, 0)
    {draw}
    out = {use} @ W2
    dW2 = h.T @ (out - y)
    W2 -= 0.1 * dW2
"""


def _stmts(draw: str, use: str) -> list[ast.stmt]:
    return ast.parse(LOOP.format(draw=draw, use=use)).body


def test_a_mask_multiplied_in_the_gradient_loop_is_found():
    stmts = _stmts("m = (np.random.rand(*h.shape) > 0.5) / 0.5", "(h * m)")
    assert scriptrandom.random_mask(stmts, ["dW2"]) == (4, 5)
    with pytest.raises(AuditError, match="draws random numbers"):
        scriptrandom.refuse_random_mask(stmts, ["dW2"], lambda n: f"line {n}")


@pytest.mark.parametrize(
    ("draw", "use"),
    [
        ("idx = np.random.permutation(len(X))", "h[idx]"),  # a shuffled batch: the captured one is fixed
        ("m = np.random.rand(*h.shape)", "h"),  # drawn, never multiplied
        ("m = np.ones(h.shape)", "(h * m)"),  # multiplied, not random
    ],
)
def test_other_draws_and_products_are_left_alone(draw, use):
    assert scriptrandom.random_mask(_stmts(draw, use), ["dW2"]) is None


def test_a_loop_that_computes_no_gradient_is_not_looked_at():
    assert scriptrandom.random_mask(_stmts("m = np.random.rand(3)", "(h * m)"), ["dW9"]) is None
