"""A script whose output layer's update goes into a variable nothing reads: an honest error naming the line,
never an internal error (before: ``internal error while grading (UserFunctionError: ... Y must have shape``)."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import textwrap
from pathlib import Path

from gradcheck.__main__ import main
from gradcheck.audit.adapters.shapes.script import _updates_elsewhere

SCRIPT = """
import numpy as np

def logistic(z):
    return 1 / (1 + np.exp(-z))

inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
wanted = np.array([[0], [1], [1], [0]])
np.random.seed(2)
weights_in = 2 * np.random.random((2, 3)) - 1
weights_out = 2 * np.random.random((3, 1)) - 1
step = 0.5

for round_ in range(50):
    hidden = logistic(np.dot(inputs, weights_in))
    output = logistic(np.dot(hidden, weights_out))
    miss = wanted - output
    delta_out = miss * output * (1 - output)
    delta_hidden = delta_out.dot(weights_out.T) * hidden * (1 - hidden)
    {out_target} = weights_out + hidden.T.dot(delta_out) * step
    weights_in = weights_in + inputs.T.dot(delta_hidden) * step
"""


def test_an_update_into_an_unread_variable_is_named():
    stmts = ast.parse(textwrap.dedent(SCRIPT.format(out_target="weights_hidden_out"))).body
    found = _updates_elsewhere(stmts, ["weights_in"])
    assert found == {"weights_out": "line 20 assigns weights_out's update to weights_hidden_out, which nothing reads"}
    right = ast.parse(textwrap.dedent(SCRIPT.format(out_target="weights_out"))).body
    assert _updates_elsewhere(right, ["weights_in", "weights_out"]) == {}


def _audit(tmp_path: Path, source: str) -> dict:
    path = tmp_path / "xor_script.py"
    path.write_text(textwrap.dedent(source))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["audit", str(path), "--format", "json", "--output", str(tmp_path / "out")])
    return json.loads(out.getvalue())["submissions"][0]


def test_the_audit_says_the_network_is_not_the_one_trained(tmp_path):
    s = _audit(tmp_path, SCRIPT.format(out_target="weights_hidden_out"))
    assert s["status"] == "error", s
    assert "internal error" not in s["error"]
    assert "chain into a network of 3 output(s) per sample, and the targets have 1 column(s)" in s["error"]
    assert any("line 20 assigns weights_out's update to weights_hidden_out" in n for n in s["notes"]), s["notes"]
