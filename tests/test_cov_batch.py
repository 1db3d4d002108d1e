"""gradcheck.audit.batch: how a sandbox outcome and a worker result become a verdict
(timeouts, missing results, worker errors plus the sandbox's reason, scripts without
data) and that neither a failed start nor a grading defect costs the batch a result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit import batch
from gradcheck.audit.grade import SubmissionResult
from gradcheck.audit.sandbox import Limits, SandboxResult
from gradcheck.audit.spec import load_spec

SPEC = load_spec(None)
COMMON = {"path": "hw.py", "command": "python -m gradcheck audit hw.py"}


def box(status="ok", reason="exited with code 0", returncode=0) -> SandboxResult:
    return SandboxResult(
        status=status,
        returncode=returncode,
        reason=reason,
        stdout_tail="",
        stderr_tail="",
        elapsed=0.1,
        network_isolated=True,
        isolation=("rlimits",),
    )


def judge(b, result, data=None):
    return batch._judge_box(b, result, data, SPEC, (0, None), dict(COMMON))


def test_timeout_is_the_verdict():
    r = judge(box("timeout", "killed after 5.0 s wall-clock timeout", None), None)
    assert (r.status, r.error) == ("timeout", "killed after 5.0 s wall-clock timeout")


def test_no_result_after_a_clean_exit():
    r = judge(box(), None)
    assert r.status == "error"
    assert r.error == "no result from the submission: it exited before reporting (sys.exit or os._exit?)"


def test_no_result_after_a_crash_names_the_crash():
    r = judge(box("error", "killed by SIGKILL (e.g. by the out-of-memory killer)", -9), None)
    assert r.error == "no result from the submission: killed by SIGKILL (e.g. by the out-of-memory killer)"


def test_worker_error_with_the_sandbox_reason():
    result = {
        "ok": False,
        "shape": "grads-dict",
        "entry": "Net.backward",
        "notes": ["a note"],
        "error": {"type": "ValueError", "message": "shapes do not align", "where": "backward"},
    }
    r = judge(box("error", "exited with code 1", 1), result, data=(np.ones((2, 2)), np.zeros((2, 1))))
    assert r.status == "error"
    assert r.error == "ValueError: shapes do not align (in backward); exited with code 1"
    invented = judge(box("error", "exited with code 1", 1), result)  # no data given: a product's mismatch is the code's
    assert invented.error == r.error
    indexed = {**result, "error": {"type": "IndexError", "message": "too many indices for array", "where": "backward"}}
    said = judge(box("error", "exited with code 1", 1), indexed).error  # more axes than the invented batch has
    assert said.startswith("IndexError: too many indices") and "raised on data the grader invented" in said
    assert (r.shape, r.entry, r.notes) == ("grads-dict", "Net.backward", ("a note",))


@pytest.mark.parametrize(
    ("err", "words"),
    [
        ({"type": "MemoryError", "message": ""}, "the submission exceeded the sandbox's memory limit: MemoryError: "),
        (
            {"type": "OSError", "message": "[Errno 24] Too many open files", "where": "loading"},
            "the submission hit the sandbox's open-files limit: OSError: [Errno 24] Too many open files (in loading)",
        ),
        ({}, "Error: "),
    ],
)
def test_worker_error_words(err, words):
    assert batch._worker_error(err, None).startswith(words)


def test_script_result_without_data():
    r = judge(box(), {"ok": True, "shape": "script", "X": None, "params": [], "grads": []})
    assert r.status == "error" and "(X)" in r.error and "[entry] data_x" in r.error
    r = judge(box(), {"ok": True, "shape": "script", "X": [[1.0]], "Y": None, "params": [], "grads": []})
    assert r.status == "error" and "(Y)" in r.error and "[entry] data_y" in r.error
    r = judge(box(), {"ok": True, "shape": "grads-dict", "X": None, "params": [], "grads": []})
    assert (r.status, r.error) == ("error", "the worker returned no data")


def test_passing_grade_of_a_failed_run_is_an_error(monkeypatch):
    monkeypatch.setattr(batch, "grade", lambda *a, **k: SubmissionResult(path="hw.py", status="pass"))
    r = judge(box("error", "exited with code 3", 3), {"ok": True, "shape": "grads-dict", "X": None}, data=(1, 2))
    assert (r.status, r.error) == ("error", "exited with code 3")


def test_audit_one_when_the_sandbox_cannot_run(monkeypatch):
    monkeypatch.setattr(
        batch,
        "run_worker",
        lambda path, spec, limits, **kw: (None, None, None, "could not run the submission: disk full"),
    )
    r = batch.audit_one(Path("hw.py"), SPEC, limits=Limits(wall_seconds=1))
    assert (r.status, r.error) == ("error", "could not run the submission: disk full")
    assert r.score == 0.0 and r.max_score == 1.0
    assert r.command == "python -m gradcheck audit hw.py"


def test_audit_one_survives_a_grading_defect(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    result = {"ok": True, "shape": "grads-dict", "X": [[1.0]], "Y": [[0.0]], "params": [], "grads": []}
    data = (np.ones((1, 1)), np.zeros((1, 1)))
    monkeypatch.setattr(batch, "run_worker", lambda path, spec, limits, **kw: (box(), result, data, None))
    monkeypatch.setattr(batch, "grade", broken)
    r = batch.audit_one(Path("hw.py"), SPEC, limits=Limits(wall_seconds=1))
    assert r.status == "error"
    assert r.error == (
        "internal error while grading (ZeroDivisionError: division by zero); please report it with this submission"
    )
    assert r.isolation == ("rlimits",) and r.network_isolated is True


def test_the_interpreters_spurious_ast_error_is_run_once_more(monkeypatch):
    """CPython 3.11's ``AST constructor recursion depth mismatch`` (python/cpython#106905) costs one more run, never
    a verdict; raised twice, it is the internal error it is."""
    calls = []

    def glitchy(path, spec, seed, kw, data=None):
        calls.append(1)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=51, after=45)")
        raise ZeroDivisionError("second run reached")

    monkeypatch.setattr(batch, "_run_and_judge", glitchy)
    r = batch.audit_one(Path("hw.py"), SPEC, limits=Limits(wall_seconds=1))
    assert len(calls) == 2 and "ZeroDivisionError: second run reached" in r.error

    calls.clear()
    monkeypatch.setattr(batch, "_run_and_judge", lambda *a, **k: (_ for _ in ()).throw(SystemError("other")))
    r = batch.audit_one(Path("hw.py"), SPEC, limits=Limits(wall_seconds=1))
    assert r.status == "error" and "SystemError: other" in r.error
