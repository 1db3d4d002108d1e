"""A script keeping its samples as columns (X of shape (n_in, N)) beside a flat vector of N labels: the inputs
are found by the output's last axis, and the labels stay one target per sample when X is turned to rows."""

from __future__ import annotations

from audit_example import assert_judged, audit_source

#: A single logistic unit written the same way (w of shape (1, 2), X (2, 4), labels (4,)): no hidden layer, no loss
#: in the code, and a delta (out - t) * out * (1 - out) that is the gradient of 0.5 * sum (out - t)**2.
SINGLE_UNIT = """
import numpy as np

def squash(z):
    return 1 / (1 + np.exp(-z))

X = np.array([[0., 1., 0., 1.], [0., 0., 1., 1.]])
t = np.array([0., 1., 1., 1.])
w = np.full((1, 2), 0.3)
b = np.zeros(1)
for epoch in range(100):
    out = squash(w @ X + b)
    delta = (out - t) * out * (1 - out)
    w -= 0.1 * (delta @ X.T)
    b -= 0.1 * delta.sum()
"""


def test_the_correct_script_passes(tmp_path):
    assert_judged(tmp_path, "columns_flat_labels_script_correct.py", "pass", None)


def test_the_derivative_at_the_activation_is_named(tmp_path):
    assert_judged(tmp_path, "columns_flat_labels_script_tanh_bug.py", "fail", "derivative_at_activation")


def test_a_single_unit_on_columns_is_a_depth_zero_net_of_undetermined_loss(tmp_path):
    """Modelled as one layer of weights; with no loss in the code, which loss it differentiates is said, not judged."""
    s = audit_source(tmp_path, "unit.py", SINGLE_UNIT)
    assert s["status"] == "inconclusive" and s["error"] is None, (s["status"], s["error"])
    top = s["diagnoses"][0]
    assert top["code"] == "loss_undetermined" and 'name = "mse"' in top["message"], top["message"]
    assert s["forward"]["status"] == "match" and s["forward"]["network"].startswith("2-1 |sigmoid")
