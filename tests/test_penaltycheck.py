"""A penalty left at 0 (CS231n ``loss(X, y=None, reg=0.0)``, ``self.reg``) is judged on the code's own loss.

The check against the reference runs at reg = 0; the penalty's part of the gradient is then judged against
central differences of the penalty part of the student's own loss, so a declared loss (which carries no
penalty) and an inferred one give the same verdict.
"""

import contextlib
import dataclasses
import importlib.util
import io
import json
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.adapters.penaltyprobe import penalty_knob
from gradcheck.audit.penaltycheck import with_penalty
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.cli import main
from gradcheck.result import TensorResult

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
PAIRS = ["cs231n_reg_squared", "cs231n_self_reg_half"]


def _audit(tmp_path: Path, names: list[str], spec: str | None) -> dict:
    args = ["audit", *[str(FOLDER / n) for n in names], "--format", "json", "--output", str(tmp_path / "out")]
    if spec is not None:
        (tmp_path / "spec.toml").write_text(spec)
        args += ["--spec", str(tmp_path / "spec.toml")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(args)
    return {Path(s["path"]).name: s for s in json.loads(out.getvalue())["submissions"]}


@pytest.mark.parametrize("spec", [None, '[loss]\nname = "ce"\n'], ids=["inferred", "declared"])
def test_penalty_bug_fails_and_right_penalty_passes_whatever_the_loss_source(tmp_path, spec):
    names = [f"{p}_{kind}.py" for p in PAIRS for kind in ("correct", "bug")]
    got = _audit(tmp_path, names, spec)
    for pair in PAIRS:
        right, wrong = got[f"{pair}_correct.py"], got[f"{pair}_bug.py"]
        assert right["status"] == "pass" and right["diagnoses"] == [], right["diagnoses"]
        assert any("penalty" in n and "derivative of the penalty" in n for n in right["notes"]), right["notes"]
        assert wrong["status"] == "fail"
        assert wrong["diagnoses"][0]["code"] == "regularization_mismatch", wrong["diagnoses"]
    halved = got["cs231n_reg_squared_bug.py"]["diagnoses"][0]["message"]
    assert "0.5 times the derivative" in halved
    assert "leaves out the penalty" in got["cs231n_self_reg_half_bug.py"]["diagnoses"][0]["message"]


def _module(source: str, where: Path) -> dict:
    """Defined from a file, so that its source can be read as the student's is."""
    path = where / "knobs.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("knobs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def test_the_knob_is_a_zero_default_argument_or_a_zero_attribute_the_backward_reads(tmp_path):
    ns = _module(
        """
        class A:
            def loss(self, X, y=None, reg=0.0):
                return 0.0, {}

        class B:
            def __init__(self):
                self.reg, self.lam = 0.0, 0.0

            def loss(self, X, y=None):
                return self.reg, {}

        class C:
            def loss(self, X, y=None, reg=0.05):
                return 0.0, {}
        """,
        tmp_path,
    )
    a, b, c = ns["A"](), ns["B"](), ns["C"]()
    assert str(penalty_knob(a.loss, a)) == "argument 'reg'"
    assert str(penalty_knob(b.loss, b)) == "attribute self.reg"  # self.lam is never read by loss()
    assert penalty_knob(c.loss, c) is None  # a non-zero default is part of the loss already checked


def _judged() -> SubmissionResult:
    t = TensorResult("W1", (2, 2), "pass", 0.0, 0.0, (0, 0), 1.0, 1.0, 4, 4, {"pass": 4}, 8)
    return SubmissionResult(path="s.py", status="pass", tensors=(t, dataclasses.replace(t, name="b1", shape=(2,))))


def _probe(factor: float) -> dict:
    slope = [0.2, -0.4, 0.6]
    return {
        "knob": "argument 'reg'",
        "value": 0.1,
        "loss0": 1.0,
        "loss": 1.05,
        "penalty": 0.05,
        "step": 1e-3,
        "tensors": [
            {
                "param": "W1",
                "index": [0, 1, 3],
                "claimed": [factor * s for s in slope],
                "slope": slope,
                "slope_half": slope,
            },
            {"param": "b1", "index": [0, 1], "claimed": [0.0, 0.0], "slope": [0.0, 0.0], "slope_half": [0.0, 0.0]},
        ],
    }


@pytest.mark.parametrize("factor, status", [(1.0, "pass"), (0.5, "fail"), (2.0, "fail"), (0.0, "fail")])
def test_the_penalty_part_must_be_the_slope_of_the_loss_penalty(factor, status):
    judged = with_penalty(_judged(), _probe(factor))
    assert judged.status == status
    if status == "pass":
        assert not judged.diagnoses and "derivative of the penalty its loss adds" in judged.notes[-1]
        return
    (d,) = judged.diagnoses
    assert d.code == "regularization_mismatch" and d.tensor == "W1"
    assert [t.status for t in judged.tensors] == ["fail", "pass"]  # the bias carries no penalty, rightly
    assert judged.tensors[0].worst_index == (1, 1)  # flat entry 3 of a 2 x 2 tensor, the largest slope
    assert ("leaves out" in d.message) if factor == 0 else (f"{factor:g} times" in d.message)


def test_no_probe_or_no_judged_gradient_changes_nothing():
    judged = _judged()
    assert with_penalty(judged, None) is judged
    errored = dataclasses.replace(judged, status="error")
    assert with_penalty(errored, _probe(0.5)) is errored
