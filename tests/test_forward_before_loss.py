"""A network the reference nets do not have is said before its loss: two linear layers with no activation between
them, trained on a squared error. The loss is compared only on the closest reference network's output, so every loss
looks unmodelled there, and "declare the assignment's loss" would send the instructor to the wrong key."""

from __future__ import annotations

import textwrap

LINEAR_STACK = """
import numpy as np

n = 1
x = np.array([100.0])
y = np.array([200.0])
w1 = np.array([1.5])
w2 = np.array([1.5])
for step in range(50):
    temp = np.dot(x, w1)
    y_pred = np.dot(temp, w2)
    loss = np.square(y_pred - y).sum() / n
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = np.dot(temp.T, grad_y_pred)
    grad_w1 = x.T.dot(np.dot(grad_y_pred, w2.T))
    w1 -= 1e-6 * grad_w1
    w2 -= 1e-6 * grad_w2
"""


def test_a_network_with_no_activation_is_said_before_its_loss(tmp_path, audit_json):
    path = tmp_path / "linear_stack.py"
    path.write_text(textwrap.dedent(LINEAR_STACK))
    s = audit_json([path], tmp_path / "out")["linear_stack.py"]
    assert s["status"] == "error"
    assert s["error"].startswith("the forward pass matches no reference network"), s["error"]
    assert "Declare [network] hidden and [network] output" in s["error"]
    assert "Its loss was not found among theirs either: the student's own loss" in s["error"]
