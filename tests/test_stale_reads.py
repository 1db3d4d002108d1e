"""A script whose later update reads a weight an earlier update has just changed (``w2 = ...`` then ``w1 = ... w2``).

Its gradients are never all taken at one point, so the script gives no complete set; the audit
said "__grad_w2 was not assigned again after the weights last changed ([network] grads =
['__grad_w1', '__grad_w2'])", names of its own and a spec key nobody can fill in. It now says
which update reads which moved weight, on which lines, and what to do.
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


def test_the_audit_says_which_update_reads_which_moved_weight(tmp_path):
    s = audit_source(tmp_path, "moved_weights.py", SCRIPT)
    assert s["status"] == "error"
    assert "u's update (line 17) reads v after v's update (line 16) changed it" in s["error"]
    assert "__grad_" not in s["error"] and "[network] grads" not in s["error"]
