"""Top-level assignments a module's functions read as globals run at load; training and weights never do."""

from __future__ import annotations

import ast
import textwrap

import numpy as np

from gradcheck.audit import loader
from gradcheck.audit.toplevelreads import globals_read, read_by_definitions

SOURCE = textwrap.dedent(
    """
    import os
    import numpy as np

    def load_config():
        return {"hidden": 4}

    def train(net, X):
        for _ in range(3):
            net.step(X)
        return net

    class Net:
        def __init__(self, n_in):
            self.W1 = np.ones((n_in, CONFIG["hidden"])) * SCALE

        def forward(self, X):
            if DEBUG:
                print("forward")
            return X @ self.W1

    CONFIG = load_config()
    WIDTH = CONFIG["hidden"] * 2
    SCALE: float = WIDTH / 8
    DEBUG = os.environ.get("NO_SUCH_VARIABLE_SET", "0") == "1"
    unused = load_config()
    net = Net(3)
    model = train(net, None)
    W1 = np.zeros((3, 4)) + DEBUG
    for epoch in range(10):
        net.forward(np.ones((2, 3)))
    """
)


def _run(source: str) -> tuple[dict, list[str]]:
    ns: dict = {"__name__": "student"}
    notes: list[str] = []
    loader.exec_statements(ast.parse(source).body, ns, "<s>", False, lambda n: f"line {n}", notes)
    return ns, notes


def test_globals_read_leaves_out_arguments_and_locals():
    stmts = ast.parse(SOURCE).body
    read = globals_read(stmts)
    assert {"CONFIG", "SCALE", "DEBUG", "np"} <= read
    assert not {"n_in", "X", "net", "_"} & read


def test_the_assignments_read_and_those_they_need_run_in_source_order():
    stmts = ast.parse(SOURCE).body
    skipped = [s for s in stmts if isinstance(s, (ast.Assign, ast.AnnAssign, ast.For))]
    chosen = read_by_definitions(stmts, skipped)
    assert [ast.unparse(s.targets[0] if isinstance(s, ast.Assign) else s.target) for s in chosen] == [
        "CONFIG",
        "WIDTH",
        "SCALE",
        "DEBUG",
    ]


def test_loading_runs_them_and_the_model_is_made_with_them():
    ns, notes = _run(SOURCE)
    assert ns["CONFIG"] == {"hidden": 4} and ns["SCALE"] == 1.0 and ns["DEBUG"] is False
    assert ns["Net"](3).forward(np.ones((2, 3))).shape == (2, 4)
    # never the model, its training, a weight, or what nothing reads
    assert not {"net", "model", "unused", "epoch"} & set(ns)
    ran = next(n for n in notes if n.startswith("top-level assignments the code reads as globals were run"))
    assert ran.endswith(": line 22, line 25"), ran  # WIDTH and SCALE are set-up, run as definitions
    assert any(n.startswith("top-level code was not run: lines 26-28, lines 30-31") for n in notes), notes


def test_an_assignment_calling_a_training_name_stays_unrun():
    source = "def fit_all():\n    return 1\n\ndef f():\n    return SETTING\n\nSETTING = fit_all()\n"
    ns, _ = _run(source)
    assert "SETTING" not in ns


def test_one_that_raises_is_skipped_with_its_note():
    source = "def f():\n    return FLAG\n\nFLAG = 1 / 0\n"
    ns, notes = _run(source)
    assert "FLAG" not in ns
    assert any("ZeroDivisionError" in n for n in notes), notes


def test_a_settings_function_that_loops_runs_one_that_updates_in_a_loop_does_not():
    source = textwrap.dedent(
        """
        import os

        def _profile_env():
            level = 0
            for key in ("A_FLAG_NOT_SET", "B_FLAG_NOT_SET"):
                if os.environ.get(key):
                    level += 1
            return level

        def prepare(state):
            for i in range(3):
                state["W"] = state["W"] * 0.5
            return state

        def run_all():
            return prepare({"W": 1.0})

        def f():
            return LAB, ON, PREPARED, CHAINED

        LAB = _profile_env() >= 3
        ON = os.getuid() >= 0
        PREPARED = prepare({"W": 1.0})
        CHAINED = run_all()
        """
    )
    ns, _ = _run(source)
    assert ns["LAB"] is False and ns["ON"] is True
    assert "PREPARED" not in ns and "CHAINED" not in ns


UNPACKED = textwrap.dedent(
    """
    import numpy as np

    def init_weights(n_in=3, n_h=4):
        return np.ones((n_in, n_h)), np.zeros(n_h)

    def sized(n_in):
        return np.ones((n_in, 2))

    def forward(X):
        return X @ W1 + b1 + X @ V

    W1, b1 = init_weights()
    V = sized(X_TRAIN.shape[1])
    """
)


def test_weights_unpacked_from_the_modules_own_initializer_of_constants_run():
    ns, notes = _run(UNPACKED)
    assert ns["W1"].shape == (3, 4) and ns["b1"].shape == (4,)
    assert any(n.endswith("were run: line 13") for n in notes), notes
    # one sized from data stays unrun (the adapters make it at sizes they choose)
    assert "V" not in ns
