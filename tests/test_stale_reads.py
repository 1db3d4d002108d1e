"""A script whose later update reads a weight an earlier update has just changed (``w2 = ...`` then ``w1 = ... w2``).

Its gradients are never all taken at one point: the audit once said "__grad_w2 was not assigned again
after the weights last changed ([network] grads = ['__grad_w1', '__grad_w2'])", names of its own and a spec
key nobody can fill in, then an error naming the lines. It is now a verdict: the round is followed through
the updates made between its gradients, the gradient taken at the moved weight fails against the weights
the forward pass used, and the diagnosis (``update_before_backward``) names the update and the line.
"""

from __future__ import annotations

import ast

from audit_example import audit_source

from gradcheck.audit import hoist

SCRIPT = """import numpy as np


def sig(z):
    return 1 / (1 + np.exp(-z))


x = np.array([[0.2], [0.7], [-0.4]])
target = np.array([[0.3]])
u = np.array([[0.1, -0.3, 0.5], [0.4, 0.2, -0.1]])
v = np.array([[0.6, -0.2]])
for step in range(200):
    h = sig(u @ x)
    out = sig(v @ h)
    err = out - target
    v = v - 0.5 * (err * out * (1 - out)) @ h.T
    u = u - 0.5 * ((v.T @ (err * out * (1 - out))) * h * (1 - h)) @ x.T
print(out)
"""


def test_the_later_update_reading_the_moved_weight_is_found():
    stale = hoist.stale_reads(ast.parse(SCRIPT).body, ["u", "v"])
    assert [(later.param, later.line, earlier.param, earlier.line) for later, earlier in stale] == [("u", 17, "v", 16)]
    lines = SCRIPT.splitlines(keepends=True)
    lines[15], lines[16] = lines[16], lines[15]  # u's update first: it reads v before v moves
    assert hoist.stale_reads(ast.parse("".join(lines)).body, ["u", "v"]) == []


def test_the_gradient_read_at_the_moved_weight_fails_and_the_diagnosis_names_the_update(tmp_path):
    s = audit_source(tmp_path, "moved_weights.py", SCRIPT)
    assert s["status"] == "fail", (s["status"], s["error"])
    assert {t["name"]: t["status"] for t in s["tensors"]} == {"u": "fail", "v": "pass"}
    top = s["diagnoses"][0]
    assert top["code"] == "update_before_backward", s["diagnoses"]
    assert "The gradient of u is taken after v was updated (line 16)" in top["message"]
    assert any("the gradient of u (line 17) reads v after v's update (line 16) changed it" in n for n in s["notes"])
    assert not any("__grad_" in d["message"] for d in s["diagnoses"])


def test_in_the_right_order_every_gradient_is_right(tmp_path):
    """(No loss in the script and a sigmoid output: which loss is the assignment's is left to [loss].)"""
    lines = SCRIPT.splitlines(keepends=True)
    lines[15], lines[16] = lines[16], lines[15]  # u's update first: it reads v before v moves
    s = audit_source(tmp_path, "moved_weights_fixed.py", "".join(lines))
    assert s["status"] == "inconclusive", (s["status"], s["error"], s["diagnoses"])
    assert [d["code"] for d in s["diagnoses"]] == ["loss_undetermined"]
    assert {t["name"]: t["status"] for t in s["tensors"]} == {"u": "pass", "v": "pass"}
    assert not any("reads v after" in n for n in s["notes"])


THROUGH = """import numpy as np

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T = np.array([[0.0], [1.0], [1.0], [0.0]])
rng = np.random.default_rng(3)
W1, b1 = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (1, 3))
W2, b2 = rng.uniform(-1, 1, (3, 1)), rng.uniform(-1, 1, (1, 1))


def sig(z):
    return 1 / (1 + np.exp(-z))


for epoch in range(500):
    H = sig(X @ W1 + b1)
    Y = sig(H @ W2 + b2)
    loss = np.mean((Y - T) ** 2)
    dZ2 = 2 * (Y - T) / len(X) * Y * (1 - Y)
    gW2 = H.T @ dZ2
    gb2 = dZ2.sum(axis=0, keepdims=True)
    EARLY
    dH = dZ2 @ W2.T
    dZ1 = dH * H * (1 - H)
    gW1 = X.T @ dZ1
    gb1 = dZ1.sum(axis=0, keepdims=True)
    LATE
    W1 -= 0.5 * gW1
    b1 -= 0.5 * gb1
"""
UPDATE = "W2 -= 0.5 * gW2\n    b2 -= 0.5 * gb2"


def test_a_gradient_read_through_variables_bound_from_the_moved_weight_is_named(tmp_path):
    """Held-out set 10: ``W2 -= lr * gW2`` then ``dH = dZ2 @ W2.T``, ``dZ1 = dH * ...``, ``gW1 = X.T @ dZ1``: the
    gradient's own line never names W2, so the fail was only ``localized``; the variables the lines between bind from
    the moved weight are followed to it."""
    bug = audit_source(tmp_path, "through_moved.py", THROUGH.replace("EARLY", UPDATE).replace("LATE", "pass"))
    assert bug["status"] == "fail", (bug["status"], bug["error"])
    assert bug["diagnoses"][0]["code"] == "update_before_backward", [d["code"] for d in bug["diagnoses"]]
    assert {t["name"] for t in bug["tensors"] if t["status"] == "fail"} == {"W1", "b1"}
    right = audit_source(tmp_path, "through_in_order.py", THROUGH.replace("EARLY", "pass").replace("LATE", UPDATE))
    assert right["status"] == "pass", (right["status"], right["error"], [d["code"] for d in right["diagnoses"]])
