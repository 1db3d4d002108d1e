"""Weights made by a comprehension are definitions: a notebook's ``weights = [np.random.randn(a, b) for ...]``.

Only definitions run when a submission loads; a list of weight arrays built by a comprehension
over the layer sizes is one, as ``W1 = np.random.randn(3, 4)`` is. A comprehension that calls
the module's own code (training, evaluation) is not.
"""

from __future__ import annotations

import ast

import pytest

from gradcheck.audit.loader import is_definition


def _stmt(src: str) -> ast.stmt:
    return ast.parse(src).body[0]


@pytest.mark.parametrize(
    "src",
    [
        "weights = [np.random.randn(a, b) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:])]",
        "biases = [np.zeros((1, b)) for b in sizes[1:]]",
        "Ws = list(rng.normal(size=(n, m)) for n, m in zip(dims, dims[1:]) if n > 0)",
    ],
)
def test_weights_built_by_a_comprehension_are_definitions(src):
    rngs = frozenset({"rng"})
    assert is_definition(_stmt(src), rngs)


@pytest.mark.parametrize(
    "src",
    [
        "losses = [train(X, y) for _ in range(10)]",  # the module's own code: training
        "scores = [net.evaluate(x) for x in batches]",
        "data = [open(f).read() for f in files]",
    ],
)
def test_comprehensions_that_run_other_code_are_not(src):
    assert not is_definition(_stmt(src))


def test_a_method_of_a_safe_calls_result_is_setup_and_of_the_students_call_is_not():
    def kept(line: str) -> bool:
        return is_definition(ast.parse(line).body[0], frozenset({"rng"}))

    assert kept("X = rng.standard_normal((32, 4)).astype(np.float32)")
    assert kept("Y = np.stack([X[:, 0], X[:, 1]], axis=1).astype(np.float32).reshape(-1, 2)")
    assert not kept("W = train(X, Y).astype(np.float32)")  # the student's own code: training, never run
    assert not kept("W = rng.normal(size=3).tofile(open('w.bin', 'wb'))")  # open() is no setup
