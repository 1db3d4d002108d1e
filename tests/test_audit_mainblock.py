"""The setup of a script's ``if __name__ == "__main__":`` block runs as the module's own; its training does not."""

from __future__ import annotations

import ast
import textwrap

import numpy as np
import pytest

from gradcheck.audit import mainblock
from gradcheck.audit.loader import is_definition, load_submission

SCRIPT = """
import numpy as np

def forward(X):
    return np.tanh(X @ W1 + b1) @ W2

if __name__ == "__main__":
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 2))
    W1 = rng.normal(0, 1, (2, 4))
    b1 = np.zeros(4)
    W2 = rng.normal(0, 1, (4, 1))
    for epoch in range(3):
        trained = True
    W3 = np.ones(2)
"""


@pytest.fixture(autouse=True)
def _isolated(clean_imports):
    """Loading a submission in-process edits sys.modules (it loads as __main__) and sys.path: undone after."""


def _load(tmp_path, source, name="script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return load_submission(path)


def test_the_guarded_setup_makes_the_weights_and_the_loop_stays_unrun(tmp_path):
    loaded = _load(tmp_path, SCRIPT)
    ns = loaded.module.__dict__
    assert ns["W1"].shape == (2, 4) and ns["W2"].shape == (4, 1) and np.all(ns["b1"] == 0)
    assert ns["forward"](ns["X"]).shape == (5, 1)
    assert "trained" not in ns, "the training loop ran"
    assert "W3" not in ns, "a statement after the loop was lifted"
    lifted = [n for n in loaded.notes if n.startswith(mainblock.NOTE)]
    assert lifted == [f"{mainblock.NOTE}: lines 8-12"], loaded.notes
    assert any(n.startswith("top-level code was not run: lines 13-15") for n in loaded.notes), loaded.notes


def test_a_guard_that_calls_the_students_main_lifts_nothing(tmp_path):
    loaded = _load(
        tmp_path,
        """
        import numpy as np
        def main():
            global W1
            W1 = np.ones((2, 2))
        if __name__ == "__main__":
            main()
        """,
    )
    assert "W1" not in loaded.module.__dict__
    assert not any(n.startswith(mainblock.NOTE) for n in loaded.notes)


@pytest.mark.parametrize(
    "test, guard",
    [
        ('__name__ == "__main__"', True),
        ("'__main__' == __name__", True),
        ('__name__ != "__main__"', False),
        ('name == "__main__"', False),
        ('__name__ == "main"', False),
    ],
)
def test_only_the_main_guard_is_recognised(test, guard):
    stmt = ast.parse(f"if {test}:\n    W1 = 1\n").body[0]
    assert mainblock.is_main_guard(stmt) is guard


def test_a_guard_with_an_else_branch_is_left_whole():
    stmts = ast.parse('if __name__ == "__main__":\n    W1 = 1\nelse:\n    W1 = 2\n').body
    out, lifted = mainblock.unguard(stmts, is_definition)
    assert out == stmts and lifted == []


def test_run_toplevel_runs_the_whole_block_and_lifts_nothing(tmp_path):
    path = tmp_path / "s.py"
    path.write_text(textwrap.dedent(SCRIPT))
    loaded = load_submission(path, run_toplevel=True)
    assert loaded.module.__dict__["trained"] is True and "W3" in loaded.module.__dict__
    assert not any(n.startswith(mainblock.NOTE) for n in loaded.notes)
