"""Coursera's logistic regression, propagate(w, b, X, Y) -> (grads, cost) with a Python-float bias.

examples/submissions/propagate_logreg_correct.py passes with both w and b checked (tests/test_audit_examples.py);
here, a bias gradient missing its 1/m fails on b, named: with no forward, the network is the one whose loss has
the value propagate's cost returns, and b, one entry exactly N times the true one, is that bug.
"""

from __future__ import annotations

from pathlib import Path

from gradcheck.audit.batch import audit_one
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

CORRECT = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "propagate_logreg_correct.py"


def test_a_bias_gradient_without_its_mean_fails_on_b_named(tmp_path):
    source = CORRECT.read_text()
    assert "    db = np.sum(dZ) / m\n" in source
    bug = tmp_path / "propagate_db_sum.py"
    bug.write_text(source.replace("    db = np.sum(dZ) / m\n", "    db = np.sum(dZ)\n"))
    got = audit_one(bug, AuditSpec(), limits=Limits(wall_seconds=60), backend="none")
    assert got.status == "fail", (got.status, got.error)
    assert [t.name for t in got.tensors if t.status == "fail"] == ["b"]
    assert got.diagnoses[0].code == "missing_batch_mean" and got.diagnoses[0].tensor == "b", got.diagnoses
    right = audit_one(CORRECT, AuditSpec(), limits=Limits(wall_seconds=60), backend="none")
    assert right.status == "pass" and [t.name for t in right.tensors] == ["w", "b"], right.error
