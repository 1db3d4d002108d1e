"""gradcheck.audit.worker: malformed requests, unusual data shapes, unknown spec keys and
modes, internal errors, and script-mode results (own 1-D data, data not found).

Class/function submissions run the worker in-process (``worker.main``) in a tmp cwd;
script-mode submissions run the worker as a subprocess (the tracer replaces the
interpreter's trace function)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import worker

RNG = np.random.default_rng(5)
X = RNG.normal(size=(6, 3))
Y = RNG.normal(size=(6, 2))

LINEAR = """
import numpy as np

class Net:
    def __init__(self, n_in, n_out):
        rng = np.random.default_rng(0)
        self.W1 = rng.normal(size=(n_in, n_out))
        self.b1 = np.zeros(n_out) + 0.1
        self.name = "linear"

    def forward(self, X):
        self.out = X @ self.W1 + self.b1
        return self.out

    def backward(self, X, Y):
        d = (self.out - Y) / len(X)
        return {"W1": X.T @ d, "b1": d.sum(0)}
"""


def _request(work: Path, source: str | None, **req) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    if source is not None:
        (work / "student.py").write_text(textwrap.dedent(source))
    req.setdefault("submission", "student.py")
    path = work / "req.json"
    path.write_text(json.dumps(req))
    return path


def run_inprocess(tmp_path, monkeypatch, source, **req) -> dict:
    req_path = _request(tmp_path / "work", source, **req)
    monkeypatch.chdir(tmp_path / "work")
    assert worker.main(["worker", str(req_path)]) == 0
    return json.loads((tmp_path / "work" / req.get("result", "result.json")).read_text())


def run_subprocess(tmp_path, source, **req) -> dict:
    req_path = _request(tmp_path / "work", source, **req)
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck.audit.worker", req_path.name],
        cwd=req_path.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((req_path.parent / "result.json").read_text())


def _linear_grads(result: dict) -> tuple[np.ndarray, np.ndarray]:
    """The true gradient of sum((X W + b - Y)^2) / (2 N) at the reported parameters."""
    W, b = (np.asarray(p["data"], float) for p in result["params"])
    Xr, Yr = np.asarray(result["X"], float), np.asarray(result["Y"], float)
    d = (Xr @ W + b - Yr) / len(Xr)
    return Xr.T @ d, d.sum(0)


# --------------------------------------------------------------------------- encode


def test_encode_runs_no_method_of_an_unknown_object():
    """An object of the submission's is a placeholder: its __repr__ (its code) never runs while the answer is
    encoded; the interpreter's own types keep a short repr."""
    calls = []

    class Odd:
        def __repr__(self):
            calls.append("repr")
            return "<odd " + "x" * 500 + ">"

    out = worker.encode({"a": Odd(), 1: np.bool_(True), "c": (np.int64(3), float("-inf")), "z": 1 + 2j})
    assert out == {"a": "<an object of the submission's>", "1": True, "c": [3, "-inf"], "z": "(1+2j)"}
    assert calls == []


# --------------------------------------------------------------------------- requests


def test_usage_without_a_request(capsys):
    assert worker.main(["worker"]) == 2
    assert "usage: python -m gradcheck.audit.worker REQUEST_JSON_PATH" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_unreadable_request_is_exit_2(tmp_path, monkeypatch, capsys, text):
    (tmp_path / "req.json").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 2
    assert f"cannot read request {tmp_path / 'req.json'}: " in capsys.readouterr().err
    assert not (tmp_path / "result.json").exists()


def test_unwritable_result_is_exit_2(tmp_path, monkeypatch, capsys):
    req = _request(tmp_path, LINEAR, result="no/such/folder/result.json")
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", str(req)]) == 2
    assert f"cannot write result {tmp_path / 'no/such/folder/result.json'}: " in capsys.readouterr().err


def test_mismatched_rows_are_a_request_error(tmp_path, monkeypatch, clean_imports):
    r = run_inprocess(tmp_path, monkeypatch, LINEAR, X=X.tolist(), Y=Y[:4].tolist())
    assert r["ok"] is False
    assert r["error"] == {
        "type": "RequestError",
        "message": "X and Y must be (N, n_in) and (N, n_out), got (6, 3) and (4, 2)",
        "where": "request",
        "traceback": "",
    }


def test_non_positive_learning_rate_is_a_request_error(tmp_path, monkeypatch, clean_imports):
    r = run_inprocess(tmp_path, monkeypatch, LINEAR, X=X.tolist(), Y=Y.tolist(), lrs=[0.01, -0.5])
    assert r["error"]["type"] == "RequestError"
    assert r["error"]["message"] == "lrs must be positive learning rates, got [0.01, -0.5]"


def test_one_dimensional_data_becomes_one_column(tmp_path, monkeypatch, clean_imports):
    x, y = X[:, 0], Y[:, 0]
    r = run_inprocess(tmp_path, monkeypatch, LINEAR, X=x.tolist(), Y=y.tolist())
    assert r["ok"], r["error"]
    assert np.asarray(r["X"]).shape == (6, 1) and np.asarray(r["Y"]).shape == (6, 1)
    gW, gb = _linear_grads(r)
    np.testing.assert_allclose(r["grads"][0]["data"], gW, rtol=1e-12)
    np.testing.assert_allclose(r["grads"][1]["data"], gb, rtol=1e-12)


def test_submission_found_next_to_the_request(tmp_path, monkeypatch, clean_imports):
    req = _request(tmp_path / "job", LINEAR, X=X.tolist(), Y=Y.tolist())
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert worker.main(["worker", str(req)]) == 0
    r = json.loads((elsewhere / "result.json").read_text())  # results go to the cwd
    assert r["ok"] and r["entry"] == "Net.backward"
    gW, _ = _linear_grads(r)
    np.testing.assert_allclose(r["grads"][0]["data"], gW, rtol=1e-12)


def test_unknown_spec_keys_and_mode_are_noted_and_ignored(tmp_path, monkeypatch, clean_imports):
    spec = {"colour": "blue", "entry": "Net", "mode": "magic", "forward": None}
    r = run_inprocess(tmp_path, monkeypatch, LINEAR, X=X.tolist(), Y=Y.tolist(), spec=spec)
    assert r["ok"], r["error"]
    assert r["notes"][:2] == [
        "unknown spec keys ignored: ['colour']",
        "unknown spec mode 'magic' ignored (auto, script)",
    ]
    assert r["shape"] == "grads-dict"


def test_a_spec_grad_that_is_not_numeric_is_a_spec_error(tmp_path, monkeypatch, clean_imports):
    spec = {"params": ["self.W1", "self.b1"], "grads": ["self.name", "self.b1"]}
    r = run_inprocess(tmp_path, monkeypatch, LINEAR, X=X.tolist(), Y=Y.tolist(), spec=spec)
    assert r["ok"] is False
    assert (r["error"]["type"], r["error"]["where"]) == ("SpecError", "reading gradients")
    assert "[network] grads[0] 'self.name' is a str, not an array of numbers" in r["error"]["message"]
    assert [p["name"] for p in r["params"]] == ["W1", "b1"]  # what was found before the failure is kept


# --------------------------------------------------------------------------- script mode

SCRIPT_1D = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=8)
y = 2 * X + 1
W = np.array([[0.5]])
b = np.array([0.1])
for epoch in range(3):
    y_pred = X[:, None] @ W + b
    err = y_pred - y[:, None]
    dW = X[:, None].T @ err / len(X)
    db = err.mean(0)
    W -= 0.1 * dW
    b -= 0.1 * db
"""


def test_script_with_one_dimensional_data_returns_one_column(tmp_path):
    spec = {
        "mode": "script",
        "params": ["W", "b"],
        "grads": ["dW", "db"],
        "data": {"X": "X", "Y": "y"},
        "samples_as_columns": False,
    }
    r = run_subprocess(tmp_path, SCRIPT_1D, X=[[1.0], [2.0]], Y=[[1.0], [0.0]], spec=spec)
    assert r["ok"] and r["shape"] == "script" and r["entry"] == "line 12"
    Xr, Yr = np.asarray(r["X"]), np.asarray(r["Y"])
    assert Xr.shape == (8, 1) and Yr.shape == (8, 1)
    np.testing.assert_allclose(Yr, 2 * Xr + 1)  # the script's own batch, not the request's
    assert "the request's data was not used: a script computes its gradients on its own data (X, y)" in " ".join(
        r["notes"]
    )
    # first iteration: W, b as initialised
    W, b = np.array([[0.5]]), np.array([0.1])
    err = Xr @ W + b - Yr
    np.testing.assert_allclose(r["grads"][0]["data"], Xr.T @ err / 8, rtol=1e-12)
    np.testing.assert_allclose(r["grads"][1]["data"], err.mean(0), rtol=1e-12)
    assert r["samples_as_columns"] is False
    assert r["trace"]["update"] == "line 13"


def test_script_whose_data_is_not_a_variable(tmp_path):
    source = """
    import numpy as np
    W = np.array([[0.5]])
    b = np.array([0.1])
    for epoch in range(3):
        y_pred = np.linspace(0, 1, 8)[:, None] @ W + b
        err = y_pred - 1.0
        dW = np.linspace(0, 1, 8)[None, :] @ err / 8
        db = err.mean(0)
        W -= 0.1 * dW
        b -= 0.1 * db
    """
    r = run_subprocess(tmp_path, source, spec={"mode": "script", "params": ["W", "b"], "grads": ["dW", "db"]})
    assert r["ok"] and r["X"] is None and r["Y"] is None
    assert (
        "the script's data was not found: set [entry] data_x and [entry] data_y "
        "(the variables the gradients were computed on)" in r["notes"]
    )
    x = np.linspace(0, 1, 8)[:, None]
    np.testing.assert_allclose(r["grads"][0]["data"], x.T @ (x * 0.5 + 0.1 - 1.0) / 8, rtol=1e-12)
