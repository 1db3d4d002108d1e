"""No layout runs: the error reported is the code's own, never the line where the grader's wrong guess raised.

The grader tries samples as rows and as columns (columns first when a bias is (out, 1)), and
sizes read off the weights either way round. Code written for rows raises in its forward when
handed columns: that line is the grader's guess, not the student's bug. When the code fails
in every layout, the error named is the one of the attempt that got furthest (adapters.layout).
"""

from __future__ import annotations

import textwrap

import pytest

from gradcheck.audit.batch import audit_one, limits_for
from gradcheck.audit.spec import AuditSpec

#: Samples as rows; weights (out, in) and (out, 1) biases applied transposed. Line numbers matter below.
ROWS = """
import numpy as np


class Net:
    def __init__(self, n_in, n_h, n_out):
        r = np.random.default_rng(0)
        self.W1 = r.normal(size=(n_h, n_in))
        self.b1 = np.zeros((n_h, 1))
        self.W2 = r.normal(size=(n_out, n_h))
        self.b2 = np.zeros((n_out, 1))

    def forward(self, X):
        self.Z1 = X @ self.W1.T + self.b1.T
        self.A1 = np.tanh(self.Z1)
        {forward_bug}
        self.A2 = 1 / (1 + np.exp(-(self.A1 @ self.W2.T + self.b2.T)))
        return self.A2

    def backward(self, X, Y):
        m = X.shape[0]
        dZ2 = (self.A2 - Y) / m
        self.dW2 = dZ2.T @ self.A1
        self.db2 = dZ2.sum(axis=0).reshape(-1, 1)
        {backward_bug}
        dZ1 = dZ2 @ self.W2 * (1 - self.A1 ** 2)
        self.dW1 = dZ1.T @ X
        self.db1 = dZ1.sum(axis=0, keepdims=True).T
        return self.dW1, self.db1, self.dW2, self.db2
"""


@pytest.mark.parametrize(
    "forward_bug, backward_bug, where",
    [
        # a crash of the backward (a row of 3 ones, whatever the batch): the forward runs as rows
        ("pass", "s = X.sum(axis=1).reshape(1, -1) @ np.ones((3, 1))", "in backward (line 25)"),
        # a crash of the forward, two lines after the one the columns guess stops on
        ("s = self.A1 @ np.ones((5, 1))", "pass", "in forward (line 16)"),
    ],
)
def test_the_code_s_own_line_is_named(tmp_path, forward_bug, backward_bug, where):
    path = tmp_path / "rows_net.py"
    path.write_text(textwrap.dedent(ROWS).format(forward_bug=forward_bug, backward_bug=backward_bug))
    spec = AuditSpec()
    r = audit_one(path, spec, limits=limits_for(spec))
    assert r.status == "error" and r.error.endswith(f"({where})"), r.error
    assert "(line 14)" not in r.error  # X @ self.W1.T: where samples as columns stop


def test_code_that_runs_as_rows_is_still_checked(tmp_path):
    path = tmp_path / "rows_net.py"
    path.write_text(textwrap.dedent(ROWS).format(forward_bug="pass", backward_bug="pass"))
    spec = AuditSpec()
    r = audit_one(path, spec, limits=limits_for(spec))
    assert r.status in ("pass", "inconclusive") and all(t.status == "pass" for t in r.tensors), r.error
