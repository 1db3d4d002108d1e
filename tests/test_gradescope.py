"""Gradescope results.json renderer and the autograder template (setup.sh, run_autograder)."""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gradcheck.audit.batch import AuditReport
from gradcheck.audit.grade import ForwardCheck, SubmissionResult
from gradcheck.audit.gradescope import write_template
from gradcheck.audit.spec import AuditSpec, SpecError
from gradcheck.report.gradescope import render_gradescope, split_points
from gradcheck.result import Diagnosis, EntryEvidence, TensorResult

REPO = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- builders


def tensor(name, shape, status="pass", rel=1e-11, analytic=0.25, numeric=0.25, worst=()):
    size = math.prod(shape)
    index = worst[0].index if worst else tuple(0 for _ in shape)
    return TensorResult(
        name=name,
        shape=tuple(shape),
        status=status,
        max_abs_error=abs(analytic - numeric),
        max_rel_error=rel,
        worst_index=index,
        analytic=analytic,
        numeric=numeric,
        checked=size,
        size=size,
        counts={status: size},
        evaluations=2 * size,
        worst=tuple(worst),
    )


MATCH = ForwardCheck("match", 1e-15, "2-4-1 tanh|sigmoid", "activations inferred from the forward output")
DIAG = Diagnosis(
    "missing_activation_derivative",
    "W1, b1",
    "The hidden layer's error is missing tanh'(z1): multiply by (1 - a1**2).",
    0.92,
    {"ratio": 1.7},
)


def passing(path="alice.py"):
    return SubmissionResult(
        path=path,
        status="pass",
        forward=MATCH,
        shape="class",
        entry="NeuralNetwork.backward",
        tensors=(tensor("W1", (2, 4)), tensor("b1", (4,)), tensor("W2", (4, 1)), tensor("b2", (1,))),
        command=f"python -m gradcheck audit {path}",
        score=1.0,
        max_score=1.0,
        elapsed=0.8,
    )


def failing(path="bob.py"):
    ev = EntryEvidence(
        index=(1, 2),
        analytic=0.31,
        numeric=0.12,
        numeric_error=1e-11,
        abs_error=0.19,
        rel_error=0.61,
        tolerance=1e-9,
        status="fail",
    )
    ev2 = EntryEvidence(
        index=(0, 3),
        analytic=-0.2,
        numeric=-0.05,
        numeric_error=1e-11,
        abs_error=0.15,
        rel_error=0.75,
        tolerance=1e-9,
        status="fail",
    )
    return SubmissionResult(
        path=path,
        status="fail",
        forward=MATCH,
        shape="class",
        entry="NeuralNetwork.backward",
        tensors=(
            tensor("W1", (2, 4), "fail", 0.75, -0.2, -0.05, (ev2, ev)),
            tensor("b1", (4,), "fail", 0.5, 1.0, 0.5),
            tensor("W2", (4, 1)),
            tensor("b2", (1,)),
        ),
        diagnoses=(DIAG,),
        notes=("loss not declared: the gradient was checked against BCE (mean)",),
        command=f"python -m gradcheck audit {path}",
        score=0.0,
        max_score=1.0,
        elapsed=0.9,
    )


def erroring(path="carol.py"):
    return SubmissionResult(
        path=path,
        status="error",
        error="ValueError: shapes (16,2) and (3,4) not aligned (in NeuralNetwork.backward)",
        output_tail='Traceback (most recent call last):\n  File "carol.py", line 12\n',
        command=f"python -m gradcheck audit {path}",
        score=0.0,
        max_score=1.0,
    )


def timing_out(path="dave.py"):
    return SubmissionResult(
        path=path,
        status="timeout",
        error="killed after 60 s (wall clock)",
        command=f"python -m gradcheck audit {path}",
        score=0.0,
        max_score=1.0,
    )


def report(*subs):
    from gradcheck.result import worst_status

    return AuditReport(worst_status(s.status for s in subs) if subs else "pass", tuple(subs), 1.4)


def points(gradient=None, forward=None):
    p = {k: v for k, v in (("gradient", gradient), ("forward", forward)) if v is not None}
    return AuditSpec({"points": p} if p else {})


# --------------------------------------------------------------------------- schema


def check_schema(doc) -> None:
    """The Gradescope results.json format (the parts gradcheck writes)."""
    assert isinstance(doc, dict)
    assert set(doc) <= {
        "score",
        "execution_time",
        "output",
        "visibility",
        "stdout_visibility",
        "tests",
        "extra_data",
        "output_format",
        "leaderboard",
    }
    assert isinstance(doc["score"], (int, float)) and not isinstance(doc["score"], bool)
    assert isinstance(doc["tests"], list)
    if "execution_time" in doc:
        assert isinstance(doc["execution_time"], int) and doc["execution_time"] >= 0
    if "output" in doc:
        assert isinstance(doc["output"], str)
    for key in ("visibility", "stdout_visibility"):
        if key in doc:
            assert doc[key] in ("hidden", "after_due_date", "after_published", "visible")
    total = 0.0
    for t in doc["tests"]:
        assert {"name", "score", "max_score"} <= set(t), t
        assert isinstance(t["name"], str) and t["name"]
        for k in ("score", "max_score"):
            assert isinstance(t[k], (int, float)) and not isinstance(t[k], bool) and t[k] >= 0
        assert t["score"] <= t["max_score"] + 1e-9
        assert t.get("status", "passed") in ("passed", "failed")
        assert isinstance(t.get("output", ""), str)
        assert t.get("visibility", "visible") in ("hidden", "after_due_date", "after_published", "visible")
        total += t["score"]
    if any(t["name"] == "Score rule" for t in doc["tests"]):  # several files: the lowest file's score
        rule = doc["tests"][0]["output"]
        helpers = rule.split("from them alone): ", 1)[1].strip().rstrip(".") if "from them alone" in rule else ""
        files = {}
        for t in doc["tests"][1:]:
            name = t["name"].split(": ", 1)[0]
            if name not in helpers.split(", "):
                files[name] = files.get(name, 0.0) + t["score"]
        assert math.isclose(doc["score"], min(files.values()), abs_tol=1e-9)
    else:
        assert math.isclose(total, doc["score"], abs_tol=1e-9)
    assert doc["score"] <= sum(t["max_score"] for t in doc["tests"]) + 1e-9
    assert_student_facing(doc)


#: Words of the grader a student must never read (paths of the grader, spec vocabulary, commands).
GRADER_WORDS = ("/autograder", "spec.", "spec ", "[loss]", "[network]", "--spec", ".toml", "gradcheck audit", "/tmp/")


def student_text(doc) -> str:
    """Everything Gradescope shows a student: the output and every visible test's name and output."""
    parts = [doc.get("output", "")]
    for t in doc["tests"]:
        if t.get("visibility", "visible") != "hidden":
            parts += [t["name"], t.get("output", "")]
    return "\n".join(parts)


def assert_student_facing(doc) -> None:
    text = student_text(doc)
    for word in GRADER_WORDS:
        assert word not in text, (word, text)


def render(rep, spec=None) -> dict:
    text = render_gradescope(rep, spec if spec is not None else AuditSpec())
    doc = json.loads(text)  # stdlib json; NaN would not round-trip with allow_nan=False
    check_schema(doc)
    return doc


# --------------------------------------------------------------------------- renderer


def test_pass_earns_every_point():
    doc = render(report(passing()))
    assert doc["score"] == 1.0
    assert [t["name"] for t in doc["tests"]] == ["Gradient of W1", "Gradient of b1", "Gradient of W2", "Gradient of b2"]
    assert all(t["status"] == "passed" for t in doc["tests"])
    assert math.isclose(sum(t["max_score"] for t in doc["tests"]), 1.0)
    assert "Forward pass" not in [t["name"] for t in doc["tests"]]  # [points] forward defaults to 0


def test_fail_shows_the_diagnosis_and_evidence():
    doc = render(report(failing()))
    by = {t["name"]: t for t in doc["tests"]}
    assert by["Gradient of W1"]["status"] == "failed" and by["Gradient of W1"]["score"] == 0
    assert by["Gradient of W2"]["status"] == "passed"
    assert doc["score"] == 0.5
    out = by["Gradient of W1"]["output"]
    assert DIAG.message in out and "missing_activation_derivative" in out
    assert "W1[0, 3]" in out and "W1[1, 2]" in out  # the worst entry and another wrong one
    assert DIAG.message in by["Gradient of b1"]["output"]  # "W1, b1" names both tensors
    assert DIAG.message not in by["Gradient of W2"]["output"]
    assert DIAG.message in doc["output"]
    assert "reproduce:" not in doc["output"] and "loss not declared" not in doc["output"]  # for instructors
    (sub,) = doc["extra_data"]["gradcheck"]["submissions"]
    assert sub["command"] == "python -m gradcheck audit bob.py" and sub["notes"]


@pytest.mark.parametrize("make, words", [(erroring, "not aligned"), (timing_out, "timed out")])
def test_error_and_timeout_score_zero_with_the_error(make, words):
    doc = render(report(make()), points(gradient=8, forward=2))
    assert doc["score"] == 0
    assert [t["name"] for t in doc["tests"]] == ["Gradient check", "Forward pass"]
    assert sum(t["max_score"] for t in doc["tests"]) == 10
    assert all(t["status"] == "failed" and words in t["output"] for t in doc["tests"])
    assert make().error in doc["output"]


def test_error_after_a_passing_check_still_scores_zero():
    s = passing()
    import dataclasses

    s = dataclasses.replace(s, status="error", error="the process exited with code 3")
    doc = render(report(s))
    assert doc["score"] == 0 and "exited with code 3" in doc["tests"][0]["output"]


def test_points_from_the_spec_and_forward_test():
    doc = render(report(failing()), points(gradient=8, forward=2))
    by = {t["name"]: t for t in doc["tests"]}
    assert by["Gradient of W1"]["max_score"] == 2 and by["Forward pass"]["max_score"] == 2
    assert by["Forward pass"]["status"] == "passed" and doc["score"] == 6


def test_forward_mismatch_fails_the_forward_test():
    import dataclasses

    s = dataclasses.replace(
        passing(),
        status="fail",
        forward=ForwardCheck("mismatch", 0.3, "2-4-1 tanh|sigmoid"),
        diagnoses=(Diagnosis("forward_mismatch", None, "The forward pass differs.", 0.9),),
    )
    doc = render(report(s), points(gradient=1, forward=1))
    fwd = [t for t in doc["tests"] if t["name"] == "Forward pass"][0]
    assert fwd["status"] == "failed" and "differs" in fwd["output"] and doc["score"] == 1


def test_uneven_split_adds_up():
    assert math.isclose(sum(split_points(1.0, 3)), 1.0)
    assert math.isclose(sum(split_points(7.0, 6)), 7.0)
    s = SubmissionResult(
        path="x.py", status="pass", tensors=(tensor("W1", (2, 3)), tensor("W2", (3, 1)), tensor("W3", (1, 1)))
    )
    doc = render(report(s))
    assert math.isclose(sum(t["max_score"] for t in doc["tests"]), 1.0) and math.isclose(doc["score"], 1.0)


def test_inconclusive_and_kink():
    s = SubmissionResult(
        path="x.py",
        status="inconclusive",
        tensors=(tensor("W1", (2, 2), "kink"), tensor("W2", (2, 1), "inconclusive", 1e-4)),
    )
    doc = render(report(s))
    assert [t["status"] for t in doc["tests"]] == ["passed", "failed"]
    assert "instructor" in doc["tests"][1]["output"]


def test_nan_errors_stay_valid_json():
    s = SubmissionResult(
        path="x.py", status="fail", tensors=(tensor("W1", (2, 2), "fail", float("nan"), float("nan"), 0.1),)
    )
    doc = render(report(s))
    assert doc["score"] == 0 and "nan" in doc["tests"][0]["output"]


def test_shape_error_without_tensors():
    s = SubmissionResult(
        path="x.py",
        status="fail",
        error="gradient of W1 has shape (4, 2), expected (2, 4)",
        diagnoses=(Diagnosis("transposed", "W1", "dW1 is transposed.", 0.9),),
    )
    doc = render(report(s))
    assert doc["tests"][0]["name"] == "Gradient check" and "transposed" in doc["tests"][0]["output"]


@pytest.mark.parametrize("order", ["buggy first", "buggy last"])
def test_several_files_score_the_lowest_whatever_their_order(order):
    subs = [failing("a.py"), passing("b.py")]
    if order == "buggy last":
        subs = [passing("a.py"), failing("b.py")]
    doc = render(report(*subs))
    assert doc["score"] == 0.5  # never the correct file's 1.0
    rule = doc["tests"][0]
    assert rule["name"] == "Score rule" and rule["max_score"] == 0
    assert "the lowest of these" in rule["output"] and "never hidden by a correct one" in rule["output"]
    assert "a.py" in doc["output"] and "b.py" in doc["output"]
    names = [t["name"] for t in doc["tests"][1:]]
    assert names[:4] == ["a.py: Gradient of W1", "a.py: Gradient of b1", "a.py: Gradient of W2", "a.py: Gradient of b2"]
    assert len(names) == 8


def test_a_file_without_a_network_is_reported_not_counted():
    helper = SubmissionResult(
        path="utils.py",
        status="error",
        error="ParamsNotFound: no weight/bias arrays were found on module",
        error_source="audit",
    )
    doc = render(report(passing("mlp.py"), helper))
    assert doc["score"] == 1.0
    assert (
        "Not graded on their own (no network the autograder could run from them alone): utils.py."
        in (doc["tests"][0]["output"])
    )
    broken = SubmissionResult(path="old.py", status="error", error="SyntaxError: invalid syntax (old.py, line 3)")
    doc = render(report(passing("mlp.py"), broken))
    assert doc["score"] == 0.0  # a file that does not run is not a helper: it counts


def test_a_submissions_own_exception_named_like_the_audits_finding_counts():
    # a buggy file raising its own class EntryNotFound under the autograder is not a helper file
    raised = "EntryNotFound: no network here (in NeuralNetwork.backward (line 30))"
    own = SubmissionResult(path="mlp.py", status="error", error=raised, error_source="submission")
    doc = render(report(own, passing("net_v2.py")))
    assert doc["score"] == 0.0 and "Not graded on their own" not in doc["output"]
    found = SubmissionResult(path="mlp.py", status="error", error=raised, error_source="audit")
    assert render(report(found, passing("net_v2.py")))["score"] == 1.0  # the audit's own finding: a helper


def test_no_submission():
    doc = render(report())
    assert doc["score"] == 0 and doc["tests"][0]["status"] == "failed"


def test_render_all_has_gradescope_and_html():
    from gradcheck.audit.cli import render_all

    out = render_all(report(passing(), failing()), AuditSpec())
    assert "gradescope" in out and "html" in out
    check_schema(json.loads(out["gradescope"]))


# --------------------------------------------------------------------------- template


def _sandbox_here() -> str:
    """The template's container sandbox needs an interpreter every user can run (not one under /root)."""
    from gradcheck.audit.sandbox import SandboxUnavailable, get_backend

    try:
        get_backend("container")
        return "container"
    except SandboxUnavailable:
        return "bwrap"


def _env(root: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        GRADCHECK_SANDBOX=_sandbox_here(),
        AUTOGRADER_ROOT=str(root),
        PYTHON=sys.executable,
        GRADCHECK_REPORTS=str(root.parent / "reports"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


def _autograder(tmp_path: Path, spec: Path | None = None) -> Path:
    root = tmp_path / "autograder"
    for d in ("submission", "results", "source"):
        (root / d).mkdir(parents=True)
    write_template(root / "source", spec=spec)
    return root


def _run(root: Path, stdout: bool = False, **env) -> dict:
    proc = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=_env(root, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = root / "results" / "results.json"
    assert results.exists(), proc.stderr
    doc = json.loads(results.read_text())
    check_schema(doc)
    return (doc, proc.stdout) if stdout else doc


def test_write_template(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text('[loss]\nname = "bce"\n[points]\ngradient = 4\nforward = 1\n')
    files = write_template(tmp_path / "ag", spec=spec)
    assert {f.name for f in files} == {"setup.sh", "run_autograder", "spec.toml"}
    for f in files[:2]:
        assert f.stat().st_mode & stat.S_IXUSR
        assert f.read_text().startswith("#!/usr/bin/env bash")
        subprocess.run(["bash", "-n", str(f)], check=True)
    assert (tmp_path / "ag" / "spec.toml").read_text() == spec.read_text()
    assert "pip install" in (tmp_path / "ag" / "setup.sh").read_text()


def test_write_template_copies_the_data_file(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text('[data]\nfile = "batch.npz"\n')
    (tmp_path / "batch.npz").write_bytes(b"npz")
    files = write_template(tmp_path / "ag", spec=spec)
    assert (tmp_path / "ag" / "batch.npz").read_bytes() == b"npz" and len(files) == 4


def test_write_template_rejects_a_bad_spec(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text("[points]\ngradiant = 4\n")
    with pytest.raises(SpecError, match="gradiant"):
        write_template(tmp_path / "ag", spec=spec)


def test_cli_writes_the_template(tmp_path):
    from gradcheck.cli import main

    assert main(["audit", "--gradescope-template", str(tmp_path / "ag")]) == 0
    assert (tmp_path / "ag" / "run_autograder").exists()


def test_run_autograder_fallback_when_nothing_to_grade(tmp_path):
    root = _autograder(tmp_path)  # empty submission folder: gradcheck exits 2
    doc = _run(root)
    assert doc["score"] == 0 and "No .py or .ipynb file was found in your upload" in doc["output"]


def test_run_autograder_fallback_when_gradcheck_crashes(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text("[points]\ngradient = 3\nforward = 1\n")
    root = _autograder(tmp_path, spec)
    (root / "submission" / "mlp.py").write_text("x = 1\n")
    fake = tmp_path / "fake" / "gradcheck"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text("print('not json'); raise RuntimeError('boom in gradcheck')\n")
    doc, stdout = _run(root, PYTHONPATH=str(fake.parent), stdout=True)
    assert doc["score"] == 0 and "could not grade this submission" in doc["output"]
    assert "boom in gradcheck" not in student_text(doc)  # the grader's error is for instructors:
    assert "boom in gradcheck" in stdout  # on the autograder output
    assert doc["tests"][0]["max_score"] == 4  # out of the spec's points


MLP = """
import numpy as np


class NeuralNetwork:
    def __init__(self, n_in=2, n_hidden=4, n_out=1):
        rng = np.random.default_rng(1)
        self.W1 = rng.standard_normal((n_in, n_hidden)) * 0.5
        self.b1 = np.zeros(n_hidden) + 0.1
        self.W2 = rng.standard_normal((n_hidden, n_out)) * 0.5
        self.b2 = np.zeros(n_out) - 0.1

    def forward(self, X):
        self.a1 = np.tanh(X @ self.W1 + self.b1)
        self.out = 1.0 / (1.0 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.out

    def backward(self, X, Y):
        out = self.forward(X)
        n = X.shape[0]
        d2 = (out - Y) / n                      # BCE with a sigmoid output, batch mean
        d1 = (d2 @ self.W2.T) * HIDDEN_DERIVATIVE
        return {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": self.a1.T @ d2, "b2": d2.sum(axis=0)}


if __name__ == "__main__":
    net = NeuralNetwork()
    print(net.forward(np.ones((3, 2))))
"""


@pytest.mark.parametrize("bug", [False, True], ids=["correct", "missing_tanh_derivative"])
def test_run_autograder_end_to_end(tmp_path, bug):
    try:
        import gradcheck.audit.worker  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"gradcheck.audit.worker cannot be imported yet ({exc}); the audit cannot run")
    spec = tmp_path / "spec.toml"
    spec.write_text(
        textwrap.dedent("""\
        [entry]
        class = "NeuralNetwork"
        init_args = [2, 4, 1]

        [data]
        n_in = 2
        n_out = 1

        [loss]
        name = "bce"

        [points]
        gradient = 4
        forward = 1
        """)
    )
    root = _autograder(tmp_path, spec)
    code = MLP.replace("HIDDEN_DERIVATIVE", "1.0" if bug else "(1 - self.a1 ** 2)")
    (root / "submission" / "mlp.py").write_text(code)
    doc = _run(root)
    names = [t["name"] for t in doc["tests"]]
    assert "Forward pass" in names and math.isclose(sum(t["max_score"] for t in doc["tests"]), 5)
    if bug:
        by = {t["name"]: t for t in doc["tests"]}
        assert by["Gradient of W1"]["status"] == "failed" and by["Gradient of W2"]["status"] == "passed"
        assert doc["score"] == 3, doc["output"]
        assert "derivative" in by["Gradient of W1"]["output"]
    else:
        assert doc["score"] == 5, doc["output"]


def test_an_upload_with_no_runnable_network_says_so():
    subs = [
        SubmissionResult(
            path="layers.py",
            status="error",
            error="ConstructorArguments: Dense needs 'input_size'",
            error_source="audit",
        ),
        SubmissionResult(
            path="losses.py",
            status="error",
            error="EntryNotFound: no class with forward/backward",
            error_source="audit",
        ),
    ]
    doc = render(report(*subs))
    assert doc["score"] == 0
    assert "No network could be run from any of the 2 files of your upload" in doc["tests"][0]["output"]
    assert "with a network in it" not in doc["output"]
