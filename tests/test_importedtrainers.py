"""A training function a script imports from a sibling module (``from nn import *`` then ``build_model(X, y, h)``)."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import importedtrainers, mainbody, scriptprep
from gradcheck.audit.adapters.shapes.script import infer_spec
from gradcheck.audit.adapters.studentloss import _with_keys

MODULE = """
import numpy as np

def loss_of(model, X, y):
    return float(np.mean((X @ model["w"] - y) ** 2))

def build(X, y, n_hidden, passes=100):
    w = np.random.randn(X.shape[1], n_hidden)
    for i in range(passes):
        dw = X.T @ (X @ w - y) / len(X)
        w = w + dw * (-0.1)
        model = {"w": w}
    return model

def helper(z):
    return z * 2
"""

SCRIPT = """
from {module} import {names}
import numpy as np

X, y = np.ones((5, 2)), np.zeros((5, 3))
for n_hidden in (2, 3):
    model = build(X, y, n_hidden)
print(helper(1.0))
"""


def _folder(tmp_path: Path, names: str = "*", module: str = MODULE, name: str = "nn") -> Path:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(module))
    script = tmp_path / "plot.py"
    script.write_text(textwrap.dedent(SCRIPT.format(module=name, names=names)))
    return script


def _spliced(script: Path) -> tuple[list[ast.stmt], list[str], list[str], dict]:
    notes: list[str] = []
    lines = script.read_text().split("\n")
    stmts, borrowed = importedtrainers.with_imported_trainers(ast.parse(script.read_text()).body, script, lines, notes)
    return stmts, lines, notes, borrowed


def test_a_star_imported_trainer_is_written_after_its_import_and_nothing_else(tmp_path):
    script = _folder(tmp_path)
    stmts, lines, notes, borrowed = _spliced(script)
    defs = [s for s in stmts if isinstance(s, ast.FunctionDef)]
    assert [d.name for d in defs] == ["build"]  # helper() is called too, but trains nothing: left to the import
    assert isinstance(stmts[0], ast.ImportFrom) and stmts[1] is defs[0]
    own = len(script.read_text().split("\n"))
    assert defs[0].lineno > own and borrowed[defs[0].lineno] == ("nn.py", 7)
    assert lines[defs[0].lineno - 1].startswith("def build(")  # the code shown for a line is the module's
    assert notes == ["build(): imported from nn.py, read from its source as part of plot.py (the script calls it)"]


def test_the_trainer_then_runs_as_the_scripts_body_with_the_data_it_is_given(tmp_path):
    stmts, *_ = _spliced(_folder(tmp_path))
    found = mainbody.inline_entry(stmts, infer_spec)
    assert found is not None
    body, name, note = found
    assert name == "build" and "n_hidden = 4" in note  # X, y are the script's own (bound by a tuple assignment)
    assert infer_spec(body)["params"] == ["w"]


@pytest.mark.parametrize(
    ("names", "module", "spliced"),
    [
        ("build", MODULE, True),  # imported by name
        ("build as make", MODULE, False),  # renamed: the script calls make(), which is not build's name there
        ("*", MODULE + "\n__all__ = ['loss_of']\n", False),  # a star import brings only __all__
        ("*", "def build(:\n", False),  # the module does not parse: the import says so when the script runs
    ],
)
def test_only_what_the_import_gives_is_written_in(tmp_path, names, module, spliced):
    stmts, *_ = _spliced(_folder(tmp_path, names=names, module=module))
    assert any(isinstance(s, ast.FunctionDef) for s in stmts) is spliced


def test_a_module_elsewhere_is_not_read(tmp_path):
    script = _folder(tmp_path, name="nn")
    script.write_text(script.read_text().replace("from nn import", "from pkg.nn import"))
    stmts, _, notes, _ = _spliced(script)
    assert not any(isinstance(s, ast.FunctionDef) for s in stmts) and notes == []


def test_prepare_shows_the_trainers_lines_as_the_modules(tmp_path):
    script = _folder(tmp_path)
    sr = scriptprep.prepare(script, [])
    fn = next(s for s in sr.stmts if isinstance(s, ast.FunctionDef))
    update = next(n for n in ast.walk(fn) if isinstance(n, ast.Assign) and "dw" in ast.unparse(n.value))
    assert sr.where(update.lineno) == "nn.py line 11"
    assert sr.code(update.lineno) == "w = w + dw * (-0.1)"
    assert sr.where(2) == "line 2"  # the script's own lines are unchanged


def test_a_model_dict_is_read_under_the_keys_the_script_files_weights_by():
    stmts = ast.parse("model = {'w1': weight1, 'b1': bias1, 'lr': rate}\n").body
    w, b = np.ones((2, 3)), np.zeros((1, 3))
    out = _with_keys({"weight1": w, "bias1": b}, stmts)
    assert out["w1"] is w and out["b1"] is b and out["weight1"] is w and "lr" not in out


def test_old_sklearn_samples_generator_import_is_served_by_the_stand_in(monkeypatch):
    from gradcheck.audit.standins import install_fake_sklearn

    loaded = sys.modules.get("sklearn")
    if getattr(loaded, "__gradcheck_stand_in__", False) is False and importlib.util.find_spec("sklearn") is not None:
        pytest.skip("scikit-learn is installed: no stand-in")
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    assert install_fake_sklearn("from sklearn.datasets.samples_generator import make_blobs")
    from sklearn.datasets.samples_generator import make_blobs  # type: ignore[import-not-found]

    X, y = make_blobs(n_samples=10, centers=3, n_features=2, random_state=0)
    assert X.shape == (10, 2) and set(y) == {0, 1, 2}
