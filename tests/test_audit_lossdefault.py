"""A training method whose loss argument has a default (``train(X, Y, epochs, learning_rate, loss="mse")``
looking its loss class up by name): it keeps the default when the submission has no one loss to give it."""

from __future__ import annotations

import pytest
from audit_example import assert_judged

from gradcheck.audit.adapters.loss import keeps_default
from gradcheck.audit.loader import load_submission

LOSS_BY_NAME = """
class Squared:
    def value(self, p, t):
        return ((p - t) ** 2).mean()


def train(X, Y, epochs, learning_rate, loss="mse"):
    return loss


def fit(X, Y, loss):
    return loss
"""


def test_a_loss_argument_with_a_default_keeps_it_when_no_one_loss_is_found(tmp_path):
    path = tmp_path / "sub.py"
    path.write_text(LOSS_BY_NAME)
    loaded = load_submission(path)
    ns = loaded.module.__dict__
    assert keeps_default(ns["train"], "loss", ns, loaded, {}) == "mse"
    assert keeps_default(ns["fit"], "loss", ns, loaded, {}) is None  # no default: the audit must find one
    assert keeps_default(ns["train"], "loss", ns, loaded, {"loss": "Squared"}) is None  # [loss] student names one


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("loss_by_name_default_correct.py", "pass", None),
        ("loss_by_name_default_tanh_preact_bug.py", "fail", "derivative_at_preactivation"),
    ],
)
def test_the_examples_are_judged(tmp_path, name, status, code):
    assert_judged(tmp_path, name, status, code)
