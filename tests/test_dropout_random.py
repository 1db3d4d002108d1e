"""Dropout and other randomness: switched off where the code has a switch, said plainly where it has none.

A gradient check traces a change of the loss to one weight; a forward or a step that draws
random numbers on every call defeats it, and its output matches no reference network. The
worker runs here, in this process, on this project's own files (student code never runs in
the auditing process; tests/test_audit_examples.py runs the same files sandboxed).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import numpy as np

from gradcheck.audit import worker
from gradcheck.audit.grade import _unjudgeable
from gradcheck.audit.verdicts import refuse

GIVEN = Path(__file__).resolve().parents[1] / "examples" / "submissions"

#: An in-place trainer whose forward is deterministic but whose step trains on a random half of the batch.
SAMPLED_STEP = textwrap.dedent(
    """
    import numpy as np

    class Net:
        def __init__(self):
            rng = np.random.default_rng(0)
            self.W1, self.b1 = rng.normal(size=(3, 4)), np.zeros(4)
            self.W2, self.b2 = rng.normal(size=(4, 1)), np.zeros(1)

        def forward(self, X):
            self.h = np.tanh(X @ self.W1 + self.b1)
            return 1 / (1 + np.exp(-(self.h @ self.W2 + self.b2)))

        def loss(self, X, y):
            p = self.forward(X)
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

        def train_step(self, X, y, lr=0.1):
            idx = np.random.permutation(len(X))[: len(X) // 2]
            X, y = X[idx], y[idx]
            p = self.forward(X)
            d = (p - y) / len(X)
            dh = (d @ self.W2.T) * (1 - self.h ** 2)
            self.W2 -= lr * self.h.T @ d
            self.b2 -= lr * d.sum(axis=0)
            self.W1 -= lr * X.T @ dh
            self.b1 -= lr * dh.sum(axis=0)
    """
)


def _worker(tmp_path, monkeypatch, name: str, source: str | None = None) -> dict:
    work = tmp_path / "work"
    work.mkdir()
    if source is None:
        shutil.copy(GIVEN / name, work / name)
    else:
        (work / name).write_text(source)
    (work / "req.json").write_text(json.dumps({"submission": name}))
    monkeypatch.chdir(work)
    assert worker.main(["worker", "req.json"]) == 0
    return json.loads((work / "result.json").read_text())


def test_a_forward_that_drops_units_on_every_call_is_found_random(tmp_path, monkeypatch, clean_imports):
    result = _worker(tmp_path, monkeypatch, "dropout_always_on_correct.py")
    assert result["forward_random"] > 0.01  # a quarter of the hidden units dropped: far above rounding


def test_a_deterministic_forward_is_not_random(tmp_path, monkeypatch, clean_imports):
    result = _worker(tmp_path, monkeypatch, "inplace_correct.py")
    assert result["ok"] and result.get("forward_random") is None


def test_keep_prob_is_set_to_keep_everything_and_said(tmp_path, monkeypatch, clean_imports):
    result = _worker(tmp_path, monkeypatch, "dropout_keep_prob_correct.py")
    assert result["ok"] and result.get("forward_random") is None
    assert any("dropout off while checking (keep_prob = 1)" in n for n in result["notes"])


def test_a_step_on_a_random_half_of_the_batch_is_said_random_not_adam(tmp_path, monkeypatch, clean_imports):
    result = _worker(tmp_path, monkeypatch, "sampled_step.py", SAMPLED_STEP)
    assert result.get("forward_random") is None  # the forward itself is deterministic
    assert result["update"]["random"] is True
    why = _unjudgeable(result)
    assert "draws random numbers" in why and "momentum" not in why


def test_a_random_forward_is_an_error_before_any_check():
    class Ex:
        params = {"W1": np.ones((2, 2))}
        grads = {"W1": np.ones((2, 2))}

    status, diag = refuse({"forward_random": 0.25}, Ex())
    assert status == "error" and diag.code == "random_forward"
    assert "0.25" in diag.message and "keep_prob" in diag.message
    assert refuse({"forward_random": None}, Ex()) is None
