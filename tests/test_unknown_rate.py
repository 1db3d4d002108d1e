"""With no learning rate found (the step adds the descent direction itself), a factor is the rate, never a bug:
where one layer has a bug of its own, the rate is read off the layers that are right up to one factor, and only
the layer's own bug is named (not "every gradient is N times too large" beside it)."""

from __future__ import annotations

from pathlib import Path

from gradcheck.audit.batch import audit_batch
from gradcheck.audit.isolation import Limits
from gradcheck.audit.spec import AuditSpec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def test_one_layers_bug_beside_an_unknown_rate_is_named_alone(tmp_path):
    spec = AuditSpec({"loss": {"name": "mse"}})
    report = audit_batch(
        [EXAMPLES / "ctor_data_no_loss_slope_bug.py", EXAMPLES / "ctor_data_no_loss_correct.py"],
        spec,
        folder=tmp_path / "out",
        limits=Limits(wall_seconds=60),
    )
    bug, correct = report.submissions
    assert correct.status == "pass", (correct.error, correct.notes)
    assert bug.status == "fail"
    assert [t.name for t in bug.tensors if t.status == "fail"] == ["w_hidden"]
    assert [d.code for d in bug.diagnoses] == ["derivative_at_preactivation"], bug.diagnoses
    assert any("the one rate under which the most tensors are right" in n for n in bug.notes), bug.notes
