"""Weights made inside the one training method (gradcheck.audit.adapters.madeinside).

``train(X, y, epochs, lr)`` that creates ``self.W`` and trains it inline is run with the audit's weights kept;
its inline loss is read at those weights. A fit whose returned gradients are not all read is no verdict.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gradcheck.audit.adapters import madeinside
from gradcheck.audit.batch import audit_one
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"
SOURCE = """
import numpy as np


class Trainer:
    def train(self, X, y, epochs, lr):
        if not hasattr(self, "W"):
            self.W = np.ones((X.shape[1], 1))
        self.b = np.zeros(1)
        for _ in range(epochs):
            err = X @ self.W + self.b - y
            cost = np.mean(err ** 2)
            self.W = self.W - lr * 2 * X.T @ err / len(X)
            self.b = self.b - lr * 2 * err.mean(axis=0)
        return cost
"""


def _trainer(tmp_path: Path):
    path = tmp_path / "trainer_mod.py"
    path.write_text(SOURCE)
    ns: dict = {}
    exec(compile(SOURCE, str(path), "exec"), ns)
    return ns["Trainer"]


def test_creations_are_skipped_and_updates_kept(tmp_path, monkeypatch):
    cls = _trainer(tmp_path)
    monkeypatch.setattr(madeinside.inspect, "getsourcelines", lambda c: (SOURCE.splitlines(True), 1))
    monkeypatch.setattr(madeinside.inspect, "getsourcefile", lambda c: str(tmp_path / "trainer_mod.py"))
    lines = madeinside.creation_lines(cls, {"W", "b"})
    # self.W = np.ones(...) and self.b = np.zeros(1) are creations; the updates read the weight they assign
    assert sorted(n for _, n in lines) == [8, 9]
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    obj = cls()
    obj.W, obj.b = np.array([[0.3], [-0.2]]), np.array([0.1])
    W0, b0 = obj.W.copy(), obj.b.copy()
    losses = madeinside.inline_losses(cls)
    run = madeinside.keeping_weights(obj, obj.train, {"W", "b"}, lines, losses)
    run(X, y, 1, 0.5)
    err = X @ W0 + b0 - y  # one step from the weights set, not from the ones train() would make
    assert np.allclose(obj.W, W0 - 0.5 * 2 * X.T @ err / len(X))
    assert np.allclose(obj.b, b0 - 0.5 * 2 * err.mean(axis=0))
    text, value = madeinside.caught_loss(obj)
    assert text.startswith("cost = ") and value == np.mean(err**2)
    assert type(obj).__setattr__ is object.__setattr__  # the class is left as it was


def test_a_fit_whose_gradients_miss_a_parameter_is_no_verdict(tmp_path):
    # biases named mask1, mask2 are no parameter the search takes (the name says a dropout mask): four gradients
    # returned, two read. No network is told by the loss value then, and the audit says it cannot judge rather
    # than failing W1 and W2.
    src = (EXAMPLES / "fit_private_grads_correct.py").read_text()
    path = tmp_path / "fit_mask.py"
    path.write_text(
        src.replace("b_h", "mask1").replace("b_o", "mask2").replace("g_bh", "g_mask1").replace("g_bo", "g_mask2")
    )
    got = audit_one(path, AuditSpec(), limits=Limits(wall_seconds=60), backend="none")
    assert got.status == "error", (got.status, [(t.name, t.status) for t in got.tensors])


def test_biases_no_name_rule_takes_are_found_beside_their_weights(tmp_path):
    # biases named c1, c2 (no name rule takes them): vectors as wide as the weight beside them, its biases; all
    # four gradients read and checked (before: two read, no verdict)
    src = (EXAMPLES / "fit_private_grads_correct.py").read_text()
    path = tmp_path / "fit_c.py"
    path.write_text(src.replace("b_h", "c1").replace("b_o", "c2").replace("g_bh", "g_c1").replace("g_bo", "g_c2"))
    got = audit_one(path, AuditSpec(), limits=Limits(wall_seconds=60), backend="none")
    assert got.status == "pass", (got.status, got.error)
    assert sorted(t.name for t in got.tensors) == ["W_h", "W_o", "c1", "c2"]
