"""A loss-and-grads function whose penalty argument defaults to a nonzero strength (adapters/penaltyoff.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import adapters, loading
from gradcheck.audit.adapters.penaltyoff import defaulted_penalties
from gradcheck.audit.adapters.penaltyprobe import Knob, penalty_knob

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def loss_and_grads(params, X, y, reg=0.05):
    loss, grads = 0.0, {}
    return loss, grads


def class_loss(X, y=None, reg=0.05):  # CS231n: the scores when no labels are given
    scores = X
    if y is None:
        return scores
    loss, grads = 0.0, {}
    return loss, grads


def backward(params, X, y, reg=0.05):  # gradients only: its default penalty is kept, as before
    grads = {}
    return grads


def zero_default(params, X, y, reg=0.0):
    loss, grads = 0.0, {}
    return loss, grads


def test_only_a_loss_and_grads_function_with_a_nonzero_default_has_its_penalty_turned_off():
    assert defaulted_penalties(loss_and_grads) == {"reg": 0.05}
    assert defaulted_penalties(class_loss) == {"reg": 0.05}
    assert defaulted_penalties(backward) == {}
    assert defaulted_penalties(zero_default) == {}
    assert penalty_knob(loss_and_grads, None) == Knob("argument", "reg", 0.05)
    assert penalty_knob(zero_default, None) == Knob("argument", "reg")  # measured at 0.1, as before


@pytest.mark.parametrize(
    ("name", "ratio"), [("default_reg_loss_correct.ipynb", 1.0), ("default_reg_loss_half_bug.ipynb", 0.5)]
)
def test_the_penalty_is_off_for_the_check_and_measured_at_its_default(name, ratio):
    partial: dict = {"notes": []}
    found = adapters.audit(loading.load(FOLDER / name), None, None, [1e-3, 2e-3], {}, partial)
    notes = found.get("notes", partial["notes"])
    assert any("reg = 0 instead of its default 0.05" in n for n in notes), notes
    probe = found["penalty_probe"]
    assert probe["value"] == 0.05 and probe["penalty"] > 0
    for t in probe["tensors"]:
        claimed, slope = np.array(t["claimed"]), np.array(t["slope"])
        if t["param"].startswith("W"):  # the penalty's gradient part against the derivative of its loss part
            np.testing.assert_allclose(claimed, ratio * slope, rtol=1e-6, atol=1e-12)
        else:
            np.testing.assert_allclose(claimed, 0.0, atol=1e-12)
