"""Class decisions (``(y > 0.5).astype(int)``, a step's 0/1 ints or bools) are never compared with the reference
forward: their dtype is kept through the step so they are told apart, even one sample's one decision, and the
grader's other samples and other weights leave them out as the first sample's check does."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import textwrap
from pathlib import Path

import numpy as np

from gradcheck.audit import worker
from gradcheck.audit.adapters import outputs
from gradcheck.cli import main

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"

ONE_OUTPUT = """
import numpy as np

np.random.seed(4)
Wa = np.random.normal(size=(2, 3))
ba = np.zeros(3) + 0.2
Wb = np.random.normal(size=(3, 1))
bb = np.zeros(1) - 0.3
held = [Wa, Wb, ba, bb]

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def predict(x, Wa, Wb, ba, bb):
    return (sigmoid(np.tanh(x @ Wa + ba) @ Wb + bb) > 0.5).astype(int)

def train(x, t, Wa, Wb, ba, bb):
    h = np.tanh(x @ Wa + ba)
    y = sigmoid(h @ Wb + bb)
    e = y - t
    eh = (1 - h ** 2) * (Wb @ e)
    loss = -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y))
    return loss, (np.outer(x, eh), np.outer(h, e), eh, e)
"""


def test_integers_and_bools_are_decisions_even_one():
    assert outputs.thresholded(np.array([1])) and outputs.thresholded(np.array([True, False]))
    assert outputs.thresholded(np.array([[0, 1, 1]], dtype=np.int64))
    assert not outputs.thresholded(np.array([0.73])) and not outputs.thresholded(np.array([0.2, 0.9, 0.4]))


def test_compared_forward_leaves_decisions_out():
    assert outputs.compared_forward(np.array([0, 1])) is None
    assert outputs.compared_forward((np.array([1]), {"cache": 1})) is None
    assert outputs.compared_forward(None) is None
    got = outputs.compared_forward((np.array([0.25, 0.5]), None))
    assert got.dtype == float and np.array_equal(got, [0.25, 0.5])


def test_one_samples_one_decision_is_no_forward_output(tmp_path, monkeypatch, clean_imports):
    (tmp_path / "student.py").write_text(textwrap.dedent(ONE_OUTPUT))
    (tmp_path / "req.json").write_text(
        json.dumps({"submission": "student.py", "spec": {}, "lrs": [1e-3, 2e-3], "probe_seed": 5})
    )
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 0
    r = json.loads((tmp_path / "result.json").read_text())
    assert r["ok"], r["error"]
    assert r["forward_path"] == "predict" and r["forward"] is None
    assert any("class decisions" in n for n in r["notes"])
    point = r["probes"]["point"]  # the grader's other weights and other samples: no decisions either
    assert point["forward"] is None and not point.get("forward_samples")
    assert r["probes"]["samples"] and all(s.get("forward") is None for s in r["probes"]["samples"])


def _audit(tmp_path: Path, name: str, spec: str) -> dict:
    shutil.copy(FOLDER / name, tmp_path / name)
    (tmp_path / "spec.toml").write_text(spec)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        args = ["audit", str(tmp_path / name), "--spec", str(tmp_path / "spec.toml"), "--format", "json"]
        main([*args, "--output", str(tmp_path / "out")])
    return json.loads(out.getvalue())["submissions"][0]


def test_a_declared_loss_judges_the_gradient_not_the_decisions(tmp_path):
    """predict() thresholds: with the summed BCE declared, every tensor passes and no forward_mismatch is made
    of the decisions (before: compared with the reference's probabilities on the other samples, a fail)."""
    spec = '[loss]\nname = "bce"\nover_outputs = "sum"\n'
    for name in ("globals_list_nested_grads_correct.py", "globals_list_nested_grads_scale_bug.py"):
        s = _audit(tmp_path, name, spec)
        assert s["status"] == "pass", (name, s["diagnoses"], s["error"])
        assert all(t["status"] == "pass" for t in s["tensors"])
