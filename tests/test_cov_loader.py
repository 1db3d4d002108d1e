"""gradcheck.audit.loader: the stand-ins for matplotlib and scikit-learn, the top-level
statement filter, notebooks read without nbformat, and load errors."""

from __future__ import annotations

import ast
import json
import sys

import numpy as np
import pytest

from gradcheck.audit import loader
from gradcheck.audit.loader import AuditError, load_submission, train_test_split

# --------------------------------------------------------------------------- fake matplotlib


def test_noop_absorbs_calls_items_and_with_blocks():
    plt = loader._NoOp()
    fig, ax = plt.subplots(1, 2)
    assert isinstance(fig, loader._NoOp) and isinstance(ax, loader._NoOp)
    assert plt.cm["viridis"] is plt
    with plt.figure() as f:
        assert f is plt
    with pytest.raises(AttributeError, match="__array__"):
        plt.__array__  # noqa: B018


def test_fake_module_gives_noops_but_no_dunders():
    mod = loader._FakeModule("matplotlib.fake")
    assert isinstance(mod.pyplot, loader._NoOp)
    with pytest.raises(AttributeError, match="__wrapped__"):
        mod.__wrapped__  # noqa: B018


def test_fake_matplotlib_not_installed_when_the_real_one_exists(monkeypatch):
    monkeypatch.setattr(loader.importlib.util, "find_spec", lambda name: object())
    assert loader.install_fake_matplotlib() is False


def test_fake_matplotlib_when_find_spec_fails(monkeypatch, clean_imports):
    def broken(name):
        raise ValueError("matplotlib.__spec__ is None")

    for name in [m for m in sys.modules if m.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(loader.importlib.util, "find_spec", broken)
    assert loader.install_fake_matplotlib() is True
    assert sys.modules["matplotlib"].pyplot is sys.modules["matplotlib.pyplot"]


# --------------------------------------------------------------------------- fake sklearn


def test_fake_sklearn_only_when_the_source_mentions_it(clean_imports):
    assert loader.install_fake_sklearn("import numpy as np\n") is False
    assert "sklearn" not in sys.modules or getattr(sys.modules["sklearn"], "__gradcheck_stand_in__", False)


def test_fake_sklearn_installed_once_then_reported_again(clean_imports, monkeypatch):
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)
    monkeypatch.delitem(sys.modules, "sklearn.model_selection", raising=False)
    assert loader.install_fake_sklearn("from sklearn.model_selection import train_test_split") is True
    assert sys.modules["sklearn.model_selection"].train_test_split is train_test_split
    assert loader.install_fake_sklearn() is True  # already there: still the stand-in


def test_real_sklearn_in_sys_modules_is_kept(monkeypatch):
    import types

    real = types.ModuleType("sklearn")
    monkeypatch.setitem(sys.modules, "sklearn", real)
    assert loader.install_fake_sklearn("import sklearn") is False
    assert sys.modules["sklearn"] is real


def test_fake_sklearn_when_find_spec_fails_or_finds_it(monkeypatch, clean_imports):
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)
    monkeypatch.setattr(loader.importlib.util, "find_spec", lambda name: object())
    assert loader.install_fake_sklearn("import sklearn") is False

    def broken(name):
        raise ImportError("broken install")

    monkeypatch.setattr(loader.importlib.util, "find_spec", broken)
    assert loader.install_fake_sklearn("import sklearn") is True


# --------------------------------------------------------------------------- train_test_split stand-in


def test_split_needs_an_array():
    with pytest.raises(ValueError, match="At least one array required as input"):
        train_test_split()


def test_split_stratify_is_not_supported():
    with pytest.raises(ValueError, match="stratify is not supported by the gradcheck stand-in"):
        train_test_split(np.zeros((4, 1)), stratify=[0, 1, 0, 1])


def test_split_fraction_out_of_range():
    with pytest.raises(ValueError, match=r"test_size/train_size=1.5 should be in the \(0, 1\) range"):
        train_test_split(np.zeros((4, 1)), test_size=1.5)


def test_split_too_large():
    with pytest.raises(ValueError, match=r"the resulting train set would be empty or too large \(n=4"):
        train_test_split(np.zeros((4, 1)), test_size=2, train_size=3)


def test_split_train_size_fraction_only():
    # sklearn: n_train = floor(0.6 * 10) = 6, n_test = the rest = 4; test indices come first
    X = np.arange(10.0)[:, None]
    Xtr, Xte = train_test_split(X, train_size=0.6, random_state=3)
    perm = np.random.RandomState(3).permutation(10)
    np.testing.assert_array_equal(Xte[:, 0], perm[:4])
    np.testing.assert_array_equal(Xtr[:, 0], perm[4:])


def test_split_train_size_count_only_without_shuffle():
    a, b = train_test_split(list(range(5)), train_size=3, shuffle=False)
    assert (a, b) == ([0, 1, 2], [3, 4])


def test_split_random_state_object_and_global_generator():
    X = np.arange(8.0)
    rs = np.random.RandomState(7)
    tr, te = train_test_split(X, random_state=rs)
    perm = np.random.RandomState(7).permutation(8)
    np.testing.assert_array_equal(te, perm[:2])
    np.testing.assert_array_equal(tr, perm[2:])
    np.random.seed(11)
    tr2, te2 = train_test_split(X)
    np.random.seed(11)
    perm2 = np.random.permutation(8)
    np.testing.assert_array_equal(te2, perm2[:2])


def test_split_pandas_like_objects_use_iloc():
    class Frame:
        shape = (4, 2)

        class _ILoc:
            def __getitem__(self, idx):
                return ("rows", list(idx))

        iloc = _ILoc()

    tr, te = train_test_split(Frame(), test_size=1, shuffle=False)
    assert (tr, te) == (("rows", [0, 1, 2]), ("rows", [3]))


# --------------------------------------------------------------------------- statement filter


def _stmt(code: str) -> ast.stmt:
    return ast.parse(code).body[0]


@pytest.mark.parametrize(
    ("code", "kept"),
    [
        ("x: int\n", True),
        ("x: float = 0.1\n", True),
        ("self.x: int = 1\n", False),
        ("W = np.zeros((2, 2))[0:1, ::2]\n", True),
        ("W = -np.ones(3)\n", True),
        ("d = {'a': 1, **base}\n", True),
        ("t = (*a, 1 < 2, a and b)\n", True),
        ("y = [i for i in range(3)]\n", True),  # a comprehension of safe parts: weight lists are made so
        ("y = [f(i) for i in range(3)]\n", False),
        ("y = open('f').read()\n", False),
        ("y = sorted(x, key=len)\n", True),
        ("y = f(x)\n", False),
        ("np.random.seed(0)\n", True),
        ("print('hi')\n", False),
        ("try:\n    import torch\nexcept ImportError:\n    torch = None\n", True),
        ("try:\n    import torch\nexcept ImportError:\n    print('no torch')\n", False),
        ("for i in range(3):\n    pass\n", False),
    ],
)
def test_is_definition(code, kept):
    assert loader.is_definition(_stmt(code)) is kept


def test_deeply_nested_expression_is_not_safe():
    expr = ast.parse("-" * 50 + "1", mode="eval").body
    assert loader._is_safe_expr(expr) is False
    assert loader._is_safe_expr(ast.parse("-" * 10 + "1", mode="eval").body) is True


def test_range_text_spans_between_cells():
    line_map = {1: (1, 1), 2: (1, 2), 3: (2, 1), 4: (2, 2)}
    sub = loader.LoadedSubmission(module=None, path=None, kind="ipynb", line_map=line_map)
    assert loader._range_text([(2, 3)], sub.locate) == "cell 1, line 2 to cell 2, line 1"
    assert loader._range_text([(1, 2), (4, 4)], sub.locate) == "cell 1 (lines 1-2), cell 2, line 2"


def test_statement_raising_keyboard_interrupt_is_not_swallowed():
    stmts = ast.parse("raise KeyboardInterrupt\n").body
    with pytest.raises(KeyboardInterrupt):
        loader.exec_statements(stmts, {}, "<s>", True, lambda n: f"line {n}", [])


def test_statement_raising_system_exit_is_skipped_with_a_note():
    notes: list[str] = []
    ns: dict = {}
    stmts = ast.parse("import sys\nsys.exit(3)\nafter = 1\n").body
    loader.exec_statements(stmts, ns, "<s>", True, lambda n: f"line {n}", notes)
    assert ns["after"] == 1
    assert notes == ["line 2: statement raised SystemExit: 3 while loading; skipped"]


# --------------------------------------------------------------------------- notebooks without nbformat


def _nb(cells) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def test_notebook_without_nbformat_reads_json(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nbformat", None)
    nb = tmp_path / "hw.ipynb"
    nb.write_text(
        _nb(
            [
                {"cell_type": "markdown", "source": "# Title"},
                {"cell_type": "code", "source": ["x = 1\n", "y = 2\n"]},
                {"cell_type": "code", "source": "z = 3"},
            ]
        )
    )
    sources, reader = loader.read_notebook(nb, [])
    assert sources == [None, "x = 1\ny = 2\n", "z = 3"]
    assert reader.startswith("json (nbformat is not installed")


def test_old_notebook_worksheets_without_nbformat(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nbformat", None)
    nb = tmp_path / "old.ipynb"
    nb.write_text(json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": "a = 1"}]}]}))
    assert loader.read_notebook(nb, [])[0] == ["a = 1"]


def test_invalid_notebook_without_nbformat(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nbformat", None)
    nb = tmp_path / "broken.ipynb"
    nb.write_text("{not json")
    with pytest.raises(AuditError, match=r"notebook broken.ipynb is not valid JSON: ") as info:
        loader.read_notebook(nb, [])
    assert info.value.type == "NotebookError" and info.value.where == "loading"


# --------------------------------------------------------------------------- load_submission


def test_load_missing_file(tmp_path):
    with pytest.raises(AuditError, match=r"submission file not found: .*nope.py") as info:
        load_submission(tmp_path / "nope.py")
    assert info.value.type == "FileNotFoundError"


def test_load_notes_the_sklearn_stand_in_and_keeps_sys_path(tmp_path, clean_imports, monkeypatch):
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)
    monkeypatch.delitem(sys.modules, "sklearn.model_selection", raising=False)
    sub = tmp_path / "hw.py"
    sub.write_text("from sklearn.model_selection import train_test_split\nW1 = 1.0\n")
    sys.path.insert(0, str(tmp_path))
    loaded = load_submission(sub)
    assert loader.SKLEARN_NOTE in loaded.notes
    assert loaded.module.train_test_split is train_test_split
    assert sys.path.count(str(tmp_path)) == 1


def test_sibling_module_outside_the_folder_is_not_filtered(tmp_path, clean_imports):
    sub = tmp_path / "hw.py"
    sub.write_text("import json\nfrom cov_helper import VALUE\n")
    (tmp_path / "cov_helper.py").write_text("VALUE = 41 + 1\nprint('side effect')\n")
    loaded = load_submission(sub)
    assert loaded.module.VALUE == 42
    assert loaded.module.json is json  # a stdlib module is not loaded through the submission finder
    assert (
        "cov_helper: top-level code was not run: cov_helper.py line 2 (set [entry] run_toplevel = true to run it)"
        in (loaded.notes)
    )
