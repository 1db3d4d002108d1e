"""A cost() that returns a log-likelihood beside a backward that differentiates the loss proper."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit.grade import grade
from gradcheck.audit.spec import AuditSpec
from gradcheck.audit.worker import run_request

SOURCE = """
import numpy as np

def initialize_parameters(n_x, n_h, n_y):
    rng = np.random.default_rng(1)
    return {{"W1": rng.normal(scale=0.5, size=(n_x, n_h)), "b1": np.zeros(n_h),
            "W2": rng.normal(scale=0.5, size=(n_h, n_y)), "b2": np.zeros(n_y)}}

def hidden(P, X):
    return np.tanh(X @ P["W1"] + P["b1"])

def forward(P, X):
    return 1 / (1 + np.exp(-(hidden(P, X) @ P["W2"] + P["b2"])))

def cost(p, y):
    return {sign}np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

def backward(P, X, y):
    h, p = hidden(P, X), forward(P, X)
    d = ({error}) / len(X)
    dh = d @ P["W2"].T * (1 - h**2)
    return {{"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": d.sum(0)}}
"""


def _graded(tmp_path, sign: str, error: str):
    (tmp_path / "s.py").write_text(textwrap.dedent(SOURCE.format(sign=sign, error=error)))
    _, result = run_request({"submission": "s.py", "X": None, "Y": None}, Path(tmp_path))
    assert result["ok"], result["error"]
    return grade(result, np.asarray(result["X"]), np.asarray(result["Y"]), AuditSpec(), path="s.py")


def test_a_log_likelihood_cost_beside_the_loss_gradient_passes_with_a_note(tmp_path, clean_imports):
    r = _graded(tmp_path, "", "p - y")
    assert r.status == "pass", (r.error, r.diagnoses)
    assert r.loss == "bce (mean)"
    assert any("cost() returns a log-likelihood" in n for n in r.notes)


def test_a_log_likelihood_cost_beside_its_own_gradient_still_passes_as_before(tmp_path, clean_imports):
    r = _graded(tmp_path, "", "y - p")  # the ascent convention: the log-likelihood's own gradient
    assert r.status == "pass", (r.error, r.diagnoses)
    assert r.loss == "-bce (mean)"
    assert not any("returns a log-likelihood" in n for n in r.notes)


@pytest.mark.parametrize("error", ["y - p", "2 * (p - y)"])
def test_a_real_loss_is_never_negated(tmp_path, error, clean_imports):
    r = _graded(tmp_path, "-", error)  # cost() is BCE itself: a flipped or doubled gradient stays wrong
    assert r.status == "fail"
    assert r.loss == "bce (mean)"
    assert not any("returns a log-likelihood" in n for n in r.notes)
