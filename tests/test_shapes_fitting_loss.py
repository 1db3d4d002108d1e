"""Beside a mis-shaped gradient, the other tensors are reported under the loss they fit, not the first assumed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit.grade import grade
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.worker import run_request

SCRIPT = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.uniform(-1, 1, size=(10, 3))
T = X[:, :1] - X[:, 1:2]
W1 = rng.normal(size=(3, 4)); b1 = np.zeros((1, 4))
W2 = rng.normal(size=(4, 1)); b2 = np.zeros((1, 1))
for _ in range(50):
    H = np.tanh(X @ W1 + b1)
    O = H @ W2 + b2
    dO = {scale}(O - T)
    dH = dO @ W2.T * (1 - H**2)
    W2 -= 0.01 * H.T @ dO
    b2 -= 0.01 * dO.sum(axis=0, keepdims=True)
    W1 -= 0.01 * X.T @ dH
    b1 -= 0.01 * np.sum(dH)
"""


@pytest.mark.parametrize("scale", ["", "2 * ", "2 / len(X) * "])  # half sum, sum, mean of squares: each a loss
def test_only_the_mis_shaped_bias_is_named(tmp_path, scale, clean_imports):
    (tmp_path / "s.py").write_text(textwrap.dedent(SCRIPT.format(scale=scale)))
    _, result = run_request({"submission": "s.py", "X": None, "Y": None}, Path(tmp_path))
    assert result["ok"], result["error"]
    r = grade(result, np.asarray(result["X"]), np.asarray(result["Y"]), AuditSpec(), path="s.py")
    assert r.status == "fail"
    assert [t.name for t in r.tensors if t.status == "fail"] == ["b1"]
    assert [d.code for d in r.diagnoses] == ["shape_mismatch"]


def test_a_real_second_bug_beside_the_shape_is_still_named(tmp_path, clean_imports):
    source = SCRIPT.format(scale="").replace("(1 - H**2)", "(1 - np.tanh(H)**2)")
    (tmp_path / "s.py").write_text(textwrap.dedent(source))
    _, result = run_request({"submission": "s.py", "X": None, "Y": None}, Path(tmp_path))
    r = grade(result, np.asarray(result["X"]), np.asarray(result["Y"]), AuditSpec(), path="s.py")
    assert r.status == "fail"
    assert "W1" in [t.name for t in r.tensors if t.status == "fail"]
