"""Coursera's logistic regression, propagate(w, b, X, Y) -> (grads, cost) with a Python-float bias.

examples/submissions/propagate_logreg_correct.py passes with both w and b checked (tests/test_audit_examples.py);
here, a bias gradient missing its 1/m is never passed: with no forward to identify the network by, it is an
honest error, not an ok that left b unchecked.
"""

from __future__ import annotations

from pathlib import Path

from gradcheck.audit.batch import audit_one
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec

CORRECT = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "propagate_logreg_correct.py"


def test_a_bias_gradient_without_its_mean_is_not_passed(tmp_path):
    source = CORRECT.read_text()
    assert "    db = np.sum(dZ) / m\n" in source
    bug = tmp_path / "propagate_db_sum.py"
    bug.write_text(source.replace("    db = np.sum(dZ) / m\n", "    db = np.sum(dZ)\n"))
    got = audit_one(bug, AuditSpec(), limits=Limits(wall_seconds=60), backend="none")
    assert got.status in ("fail", "error"), (got.status, [(t.name, t.status) for t in got.tensors])
    right = audit_one(CORRECT, AuditSpec(), limits=Limits(wall_seconds=60), backend="none")
    assert right.status == "pass" and [t.name for t in right.tensors] == ["w", "b"], right.error
