"""Red-team round 5 (R5-05, R5-06, R5-09, R5-13): fields of the worker's answer are the submission's to write, so
none of them makes the grader check less, pads every row of a report, injects markup or costs quadratic time."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit import batch
from gradcheck.audit.batch import AuditReport
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import SandboxResult
from gradcheck.audit.spec import AuditSpec, load_spec
from gradcheck.report.gradescope import render_gradescope
from gradcheck.result import TensorResult

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_spec(None)


def _box() -> SandboxResult:
    return SandboxResult(
        status="ok",
        returncode=0,
        reason="exited with code 0",
        stdout_tail="",
        stderr_tail="",
        elapsed=0.1,
        network_isolated=True,
        isolation=("rlimits",),
    )


def _refused(path: Path, kind: str, message: str = "no class with forward and backward methods", **extra):
    answer = {
        "ok": False,
        "notes": [],
        "error": {"type": kind, "message": message, "where": None, "traceback": [], "raised_by": "audit"},
        **extra,
    }
    common = {"path": str(path), "command": f"python -m gradcheck audit {path}"}
    return batch._judge_box(_box(), answer, None, SPEC, (0, None), common)


BUGGY_NET = textwrap.dedent(
    """
    import numpy as np

    class TanhNet:
        def __init__(self):
            self.W1 = np.ones((2, 3))

        def forward(self, X):
            return np.tanh(X @ self.W1)

        def backward(self, X, Y):
            return {"W1": X.T @ (self.forward(X) - Y)}
    """
)


def _passing(path: str) -> SubmissionResult:
    t = TensorResult(
        name="W1",
        shape=(2, 3),
        status="pass",
        max_abs_error=0.0,
        max_rel_error=0.0,
        worst_index=(0, 0),
        analytic=0.25,
        numeric=0.25,
        checked=6,
        size=6,
        counts={"pass": 6},
        evaluations=12,
    )
    return SubmissionResult(path=path, status="pass", tensors=(t,), score=1.0, max_score=1.0)


def _gradescope(*subs) -> dict:
    return json.loads(render_gradescope(AuditReport("error", tuple(subs), 1.0), AuditSpec()))


# --------------------------------------------------------------------------- R5-09


@pytest.mark.parametrize("kind", ["EntryNotFound", "ParamsNotFound", "ConstructorArguments", "AmbiguousEntry"])
def test_a_forged_audit_finding_never_makes_a_network_file_a_helper(tmp_path, kind):
    mlp = tmp_path / "mlp.py"
    mlp.write_text(BUGGY_NET, encoding="utf-8")
    forged = _refused(mlp, kind)
    assert forged.status == "error" and forged.error.startswith(kind)
    assert forged.error_source != "audit"  # the answer's word alone
    doc = _gradescope(forged, _passing(str(tmp_path / "net_v2.py")))
    assert doc["score"] == 0.0 and "Not graded on their own" not in doc["output"]


def test_a_genuine_helper_beside_the_network_still_does_not_lower_the_score(tmp_path):
    utils = tmp_path / "utils.py"
    utils.write_text("import numpy as np\n\ndef load_csv(path):\n    return np.loadtxt(path)\n", encoding="utf-8")
    found = _refused(utils, "EntryNotFound")
    assert found.error_source == "audit"
    layers = tmp_path / "layers.py"
    layers.write_text(
        "class Dense:\n    def __init__(self, n_in, n_out):\n        self.n = (n_in, n_out)\n\n"
        "    def forward(self, x):\n        return x\n\n    def backward(self, g):\n        return g\n",
        encoding="utf-8",
    )
    library = _refused(layers, "ConstructorArguments", "Dense needs 'n_in'")
    assert library.error_source == "audit"
    doc = _gradescope(_passing(str(tmp_path / "mlp.py")), found, library)
    assert doc["score"] == 1.0
    assert "Not graded on their own" in doc["tests"][0]["output"]


def test_a_forged_finding_for_a_file_the_grader_cannot_read_counts(tmp_path):
    assert _refused(tmp_path / "gone.py", "EntryNotFound").error_source != "audit"
    nb = tmp_path / "hw.ipynb"
    nb.write_text("{}", encoding="utf-8")
    assert _refused(nb, "EntryNotFound").error_source != "audit"
