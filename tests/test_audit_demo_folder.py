"""A folder whose first script tries the layers on a made-up gradient, beside the real training script."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import adapters, loading
from gradcheck.audit.adapters.replay import _fed_to_loss
from gradcheck.audit.loader import AuditError

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def test_the_training_script_is_audited_and_the_demo_passed_over(clean_imports):
    loaded = loading.load(FOLDER / "demo_then_train_project_correct")
    partial: dict = {"notes": []}
    found = adapters.audit(loaded, None, None, [1e-3, 2e-3], {}, partial)
    assert [g["param"] for g in found["grads"]] == ["first.weight", "first.bias", "second.weight", "second.bias"]
    assert any("a_try_layers.py hands a made-up gradient" in n and "run_training.py" in n for n in partial["notes"])
    assert partial["forward"] is not None and partial["forward"].shape[1] == 2  # pred, the loss call's input


def test_a_demo_alone_is_still_refused_as_a_given_gradient(clean_imports):
    loaded = loading.load(FOLDER / "layer_demo_given_gradient_correct.py")
    with pytest.raises(AuditError, match="a given gradient"):
        adapters.audit(loaded, None, None, [1e-3, 2e-3], {}, {"notes": []})


def test_the_output_is_the_array_the_loss_call_reads():
    calls = ast.parse("pred = second.forward(z)\nloss = criterion.forward(pred, targets)\n").body
    env = {"pred": np.ones((3, 2)), "loss": 0.5}
    assert _fed_to_loss(calls, "loss", env) is env["pred"]
    other = ast.parse("pred = second.forward(z)\nloss = criterion.forward(z, targets)\n").body
    assert _fed_to_loss(other, "loss", env) is None
