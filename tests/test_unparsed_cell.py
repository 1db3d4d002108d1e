"""A notebook cell that does not parse takes its definitions with it; the error says so first.

A notebook written under Python 3.12 may use an f-string with the same quotes or a backslash inside
its braces (PEP 701). Under an older Python its cell does not parse, and the model's class is lost:
the error met later (a PyTorch import in a comparison cell, no model found) blamed something else.
"""

import json
import sys
from pathlib import Path

import nbformat
import pytest

from gradcheck.audit import unloaded
from gradcheck.cli import main

NEWER_ONLY = pytest.mark.skipif(sys.version_info >= (3, 12), reason="the f-string parses from Python 3.12 on")

MODEL_CELL = """class TwoLayer:
    def __init__(self, n_in, n_hid, n_out):
        rng = np.random.default_rng(0)
        self.W1 = rng.normal(size=(n_in, n_hid)); self.b1 = np.zeros(n_hid)
        self.W2 = rng.normal(size=(n_hid, n_out)); self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X; self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def backward(self, X, Y):
        out = self.forward(X); d = (out - Y) / len(X)
        dh = (d @ self.W2.T) * (1 - self.h**2)
        return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": self.h.T @ d, "b2": d.sum(0)}

    def __repr__(self):
        return f"TwoLayer({', '.join(f'{k}={v.shape}' for k, v in {"W1": self.W1, "W2": self.W2}.items())})"
"""


def _notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Two layers by hand")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


def _audit(path: Path, out: Path, capsys) -> dict:
    main(["audit", str(path), "--output", str(out)])
    capsys.readouterr()
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return json.loads((folder / "report.json").read_text())["submissions"][0]


@NEWER_ONLY
def test_a_cell_of_newer_syntax_leads_the_error_with_what_it_took(tmp_path, capsys):
    nb = _notebook(
        tmp_path / "two_layer.ipynb",
        ["import numpy as np", MODEL_CELL, "import torch\nimport torch.nn as tnn", "net = TwoLayer(3, 4, 2)"],
    )
    s = _audit(nb, tmp_path / "out", capsys)
    assert s["status"] == "error"
    assert s["error"].startswith("cell 3 of the notebook does not parse"), s["error"]
    assert "class TwoLayer" in s["error"] and "Python 3.12" in s["error"], s["error"]
    assert "PyTorch" in s["error"]  # the error met is kept, after the cause


@NEWER_ONLY
def test_a_python_file_of_newer_syntax_says_which_python(tmp_path, capsys):
    path = tmp_path / "two_layer.py"
    path.write_text("import numpy as np\n\n" + MODEL_CELL)
    s = _audit(path, tmp_path / "out", capsys)
    assert s["status"] == "error" and "syntax error at line" in s["error"], s["error"]
    assert "Python 3.12 allows them" in s["error"], s["error"]


def test_a_skipped_cell_leads_only_where_its_definitions_were_missed():
    note = "cell 4: syntax error at line 2: invalid syntax; cell skipped" + unloaded.lost_definitions(["def plot(h):"])
    shape_error = "ValueError: shapes (3,4) and (5,2) not aligned (in the backward)"
    assert unloaded.unparsed_cell(shape_error, shape_error, [note]) == shape_error  # the student's own bug stands
    missed = "cell 6, line 1: statement raised NameError: name 'plot' is not defined while loading; skipped"
    led = unloaded.unparsed_cell(shape_error, shape_error, [note, missed])
    assert led.startswith("cell 4 of the notebook does not parse") and led.endswith(f"(the error met: {shape_error})")
    assert unloaded.unparsed_cell("EntryNotFound: no model", "EntryNotFound: no model", [note]).startswith("cell 4")
    assert unloaded.lost_definitions(["x = 1", "    def inner(): pass"]) == ""  # only what the cell defines on top
