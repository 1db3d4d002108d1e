"""``adapters.returns``: what a function returns, read from its own ``return`` statements only."""

from __future__ import annotations

import ast
import textwrap

import pytest

from gradcheck.audit.adapters.returns import return_values, returned_names

SOURCES = {
    # an inner helper's return is deeper than the forward's: breadth-first, it came last
    "inner_helper": """
        def forward(X, W1, W2):
            def act(z):
                return z * (z > 0)
            A1 = act(X @ W1)
            return A1, A1 @ W2
        """,
    # an early return inside an ``if`` is deeper than the final one
    "early_return": """
        def forward(X, W1, W2):
            if X is None:
                return None
            A1 = X @ W1
            A2 = A1 @ W2
            return A1, A2
        """,
    # a lambda and a class inside hold no return of the function's
    "inner_class": """
        def forward(X, W1, W2):
            class Cache:
                def get(self):
                    return self.z
            A1 = X @ W1
            for _ in range(1):
                A2 = A1 @ W2
            return A1, A2
        """,
}
EXPECTED = {
    "inner_helper": (["A1", None], ["(A1, A1 @ W2)"]),
    "early_return": (["A1", "A2"], ["None", "(A1, A2)"]),
    "inner_class": (["A1", "A2"], ["(A1, A2)"]),
}


def _function(source: str, tmp_path, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    scope: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), scope)  # noqa: S102 - the test's own source
    return scope["forward"]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_only_the_functions_own_returns_in_source_order(name, tmp_path):
    fn = _function(SOURCES[name], tmp_path, name)
    names, values = EXPECTED[name]
    assert returned_names(fn) == names
    assert [ast.unparse(v) for v in return_values(fn)] == values
