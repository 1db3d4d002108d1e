"""Batch auditing: discovery, data, points, atomic per-submission results, kill + --resume."""

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from gradcheck.audit.batch import (
    LEARNING_RATES,
    audit_batch,
    audit_one,
    discover,
    limits_for,
    make_data,
    reproduce_command,
)
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import AuditSpec, load_spec, parse_spec

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
GOOD = EXAMPLES / "inplace_correct.py"
SIGN_BUG = EXAMPLES / "grads_tuple_sign_bug.py"
TRANSPOSED = EXAMPLES / "transposed_bug.py"
LIMITS = Limits(wall_seconds=30, cpu_seconds=30)
N_SLOW = 6
SLEEP = 1.0


# ----------------------------------------------------------------------------- discover


def test_discover_skips_private_hidden_and_other_suffixes(tmp_path):
    for name in (
        "b.py",
        "a.py",
        "c.ipynb",
        "_helper.py",
        ".hidden.py",
        "notes.txt",
        "data.npz",
        "x.pyc",
        "_nb.ipynb",
        ".nb.ipynb",
    ):
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.py").write_text("")
    (tmp_path / "dir.py").mkdir()  # a folder named like a submission is not a file
    found = discover([tmp_path])  # sub-folders are searched too (class exports: a folder per student)
    assert found == [tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.ipynb", tmp_path / "sub" / "deep.py"]


def test_discover_explicit_files_and_folders_in_order(tmp_path):
    (tmp_path / "z.py").write_text("")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "m.py").write_text("")
    assert discover([tmp_path / "z.py", folder]) == [tmp_path / "z.py", folder / "m.py"]


def test_discover_empty_folder(tmp_path):
    assert discover([tmp_path]) == []


def test_discover_missing_path_names_it(tmp_path):
    missing = tmp_path / "absent" / "student.py"
    with pytest.raises(FileNotFoundError, match=f"^{missing} does not exist$"):
        discover([GOOD, missing])


# ----------------------------------------------------------------------------- data, limits, command


def test_make_data_from_n_in_n_out():
    spec = parse_spec({"data": {"n_in": 3, "n_out": 2, "n": 8, "seed": 1}})
    X, Y = make_data(spec, None, None)
    assert X.shape == (8, 3) and Y.shape == (8, 2)
    assert set(np.unique(Y)) <= {0.0, 1.0}
    X2, Y2 = make_data(spec, None, None)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = make_data(parse_spec({"data": {"n_in": 3, "n_out": 2, "n": 8, "seed": 2}}), None, None)
    assert not np.array_equal(X, X3)


def test_make_data_several_outputs_are_one_hot_rows_with_every_class():
    # multi-hot rows ([1, 0, 1]) carry no integer label: code that indexes probs[arange(N), y]
    # was handed argmax labels while the reference's cross-entropy read the multi-hot rows
    _, Y = make_data(parse_spec({"data": {"n_in": 2, "n_out": 3, "n": 16}}), None, None)
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(16))
    assert set(Y.argmax(axis=1)) == {0, 1, 2}


def test_make_data_defaults_n_16_and_arguments():
    X, Y = make_data(AuditSpec(), 4, 1)
    assert X.shape == (16, 4) and Y.shape == (16, 1)
    # the spec's sizes win over the arguments
    X, Y = make_data(parse_spec({"data": {"n_in": 2}}), 4, 3)
    assert X.shape == (16, 2) and Y.shape == (16, 3)


def test_make_data_none_without_sizes():
    assert make_data(AuditSpec(), None, None) is None
    assert make_data(parse_spec({"data": {"n_in": 2}}), None, None) is None


def test_make_data_from_npz_relative_to_the_spec(tmp_path):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((6, 2))
    Y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
    np.savez(tmp_path / "batch.npz", X=X, Y=Y)
    f = tmp_path / "hw.toml"
    f.write_text('[data]\nfile = "batch.npz"\n')
    Xs, Ys = make_data(load_spec(f), None, None)
    np.testing.assert_array_equal(Xs, X)
    np.testing.assert_array_equal(Ys, Y)
    assert Xs.dtype == np.float64


def test_audit_uses_the_npz_batch(tmp_path):
    rng = np.random.default_rng(7)
    np.savez(tmp_path / "batch.npz", X=rng.standard_normal((5, 2)), Y=np.array([[0.0], [1.0], [1.0], [0.0], [1.0]]))
    f = tmp_path / "hw.toml"
    f.write_text('[data]\nfile = "batch.npz"\n[loss]\nname = "bce"\n')
    r = audit_one(GOOD, load_spec(f), limits=LIMITS)
    assert r.status == "pass", r.to_dict()
    assert r.command == f"python -m gradcheck audit {GOOD} --spec {f}"


def test_limits_for_spec_and_timeout():
    spec = parse_spec({"limits": {"wall_seconds": 12.5, "cpu_seconds": 7, "memory_mb": 300}})
    lim = limits_for(spec)
    assert (lim.wall_seconds, lim.cpu_seconds, lim.memory_bytes) == (12.5, 7, 300 * 1024**2)
    lim = limits_for(spec, timeout=3.0)
    assert lim.wall_seconds == 3.0 and lim.cpu_seconds == 7
    lim = limits_for(AuditSpec(), timeout=4.0)
    assert lim.wall_seconds == 4.0 and lim.cpu_seconds == 4
    assert limits_for(AuditSpec()).wall_seconds == 60.0


def test_reproduce_command_and_learning_rates():
    assert reproduce_command(GOOD, AuditSpec()) == f"python -m gradcheck audit {GOOD}"
    assert LEARNING_RATES[1] / LEARNING_RATES[0] == 2.0


# ----------------------------------------------------------------------------- a small batch


def _error_file(folder: Path) -> Path:
    f = folder / "broken_syntax.py"
    f.write_text("def backward(X, y:\n    return 1\n")
    return f


@pytest.fixture(scope="module")
def points_batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("points")
    spec = parse_spec({"points": {"gradient": 8, "forward": 2}})
    seen = []

    def progress(done, total, failures, elapsed):
        files = sorted((tmp / "out" / "submissions").glob("*.json"))
        # a result is on disk, complete, before it is reported
        seen.append((done, total, failures, len(files), all(json.loads(f.read_text()) for f in files)))

    paths = [GOOD, SIGN_BUG, TRANSPOSED, _error_file(tmp)]
    report = audit_batch(paths, spec, folder=tmp / "out", jobs=2, limits=LIMITS, progress=progress)
    return {"report": report, "seen": seen, "folder": tmp / "out", "paths": paths}


def test_batch_order_and_status(points_batch):
    rep = points_batch["report"]
    assert [s.path for s in rep.submissions] == [str(p) for p in points_batch["paths"]]
    assert [s.status for s in rep.submissions] == ["pass", "fail", "fail", "error"]
    assert rep.status in ("fail", "error")
    d = rep.to_dict()
    assert d["status"] == rep.status and len(d["submissions"]) == 4


def test_points_from_spec(points_batch):
    good, sign, transposed, broken = points_batch["report"].submissions
    assert (good.score, good.max_score) == (10.0, 10.0)
    # every tensor wrong, forward right
    assert (sign.score, sign.max_score) == (2.0, 10.0)
    # 5 of 6 tensors right: the gradient's points are split over the tensors
    assert transposed.max_score == 10.0
    assert transposed.score == pytest.approx(8 * 5 / 6 + 2, abs=1e-5)
    assert (broken.score, broken.max_score) == (0.0, 10.0)
    assert "SyntaxError" in (broken.error or "") or "syntax" in (broken.error or "").lower()


def test_default_points_one_per_submission():
    r = audit_one(GOOD, AuditSpec(), limits=LIMITS)
    assert r.status == "pass"
    assert (r.score, r.max_score) == (1.0, 1.0)


def test_progress_after_each_result_is_written(points_batch):
    seen = points_batch["seen"]
    assert [s[0] for s in seen] == [1, 2, 3, 4]
    assert all(s[1] == 4 for s in seen)
    assert seen[-1][2] == 3
    for done, _total, _failures, on_disk, valid in seen:
        assert on_disk >= done and valid


def test_result_files_valid_and_no_temp_files(points_batch):
    sub = points_batch["folder"] / "submissions"
    names = sorted(p.name for p in sub.iterdir())
    assert names == sorted(f"{p.name}.json" for p in points_batch["paths"])
    for p in points_batch["paths"]:
        d = json.loads((sub / f"{p.name}.json").read_text())
        assert d["path"] == str(p) and d["digest"]
        assert {"path", "status", "tensors", "diagnoses", "forward", "error"} <= set(d)


def test_non_finite_gradient_does_not_stop_the_batch(tmp_path):
    """One submission whose gradient has a NaN must get a verdict; the others must still be audited."""
    nan = tmp_path / "nan_grad.py"
    nan.write_text(GOOD.read_text().replace("        dW1 = ", "        dW1 = np.nan * "))
    assert "np.nan * " in nan.read_text()
    report = audit_batch([nan, GOOD], AuditSpec(), folder=tmp_path / "out", jobs=2, limits=LIMITS)
    by = {Path(s.path).name: s for s in report.submissions}
    assert by["inplace_correct.py"].status == "pass"
    assert by["nan_grad.py"].status in ("fail", "error")
    assert (tmp_path / "out" / "submissions" / "nan_grad.py.json").is_file()


def test_resume_reaudits_a_changed_submission(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    a = folder / "a.py"
    a.write_text(GOOD.read_text())
    out = tmp_path / "out"
    first = audit_batch([a], AuditSpec(), folder=out, limits=LIMITS)
    assert first.submissions[0].status == "pass"
    # same content: cached (the file is not rewritten)
    result = out / "submissions" / "a.py.json"
    stamp = result.stat().st_mtime_ns
    again = audit_batch([a], AuditSpec(), folder=out, limits=LIMITS, resume=True)
    assert again.submissions[0].status == "pass"
    assert result.stat().st_mtime_ns == stamp
    # changed content (now the sign bug): audited again
    a.write_text(SIGN_BUG.read_text())
    third = audit_batch([a], AuditSpec(), folder=out, limits=LIMITS, resume=True)
    assert third.submissions[0].status == "fail"
    assert json.loads(result.read_text())["status"] == "fail"


# ----------------------------------------------------------------------------- kill midway, then --resume


def _slow_copies(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    text = GOOD.read_text()
    marker = "        # small random weights, zero biases"
    assert marker in text
    slow = text.replace(marker, f"        import time; time.sleep({SLEEP})")
    paths = []
    for i in range(n):
        p = folder / f"student_{i}.py"
        p.write_text(slow)
        paths.append(p)
    return paths


def _cli(args, stdout=subprocess.PIPE, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "gradcheck", "audit", *map(str, args)],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _ctrl_c_reaches_it() -> None:
    """SIGINT handled in this process, as Python's own default is, so that the audit started next gets it as a
    terminal leaves it: a shell's background job (no job control) inherits SIGINT ignored, passes that on to
    every child, and a Python started so never turns Ctrl-C into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _wait_for_first_result(out: Path, proc, timeout=600.0) -> Path:
    """The report folder, once its first submissions/<name>.json exists (``timeout``: only a guard against
    a hang; the wait ends at the first result, however loaded the machine is)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(out.glob("audit-*/submissions/*.json"))
        if found:
            return found[0].parent.parent
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no result file appeared")


def _stop(proc) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def _clean_orphans(pid: int, text: str, wait: float = 5 * SLEEP) -> None:
    """A SIGKILLed grader cannot remove the temp dirs of the run in flight: remove ours (same content)."""
    tmp = Path(tempfile.gettempdir())
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        ours = [
            w
            for w in tmp.glob("gradcheck-work-*")
            if any(f.name.startswith("student_") and f.read_text() == text for f in w.glob("student_*.py"))
        ]
        if all((w / "result.json").exists() for w in ours):
            break
        time.sleep(0.1)
    for w in [*ours, *tmp.glob(f"gradcheck-sbx-{pid}-*")]:
        shutil.rmtree(w, ignore_errors=True)


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """6 slow submissions, one job; SIGKILL right after the first result; then --resume the folder."""
    tmp = tmp_path_factory.mktemp("killed")
    paths = _slow_copies(tmp / "class", N_SLOW)
    out = tmp / "reports"
    proc = _cli([tmp / "class", "--jobs", "1", "--format", "json", "--output", out])
    try:
        folder = _wait_for_first_result(out, proc)
        proc.kill()
    finally:
        _stop(proc)
    sub = folder / "submissions"
    after_kill = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_text()) for p in sub.iterdir()}
    resumed = _cli([tmp / "class", "--jobs", "2", "--format", "json", "--output", out, "--resume", folder])
    try:
        stdout, stderr = resumed.communicate(timeout=600)  # a hang guard, not a speed bound
    finally:
        _stop(resumed)
    final = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_text()) for p in sub.iterdir()}
    _clean_orphans(proc.pid, paths[0].read_text())
    return {
        "paths": paths,
        "folder": folder,
        "after_kill": after_kill,
        "final": final,
        "rc": resumed.returncode,
        "stdout": stdout,
        "stderr": stderr,
        "out": out,
    }


def test_kill_leaves_only_complete_results(killed):
    after = killed["after_kill"]
    assert after, "nothing was written before the kill"
    assert len([n for n in after if n.endswith(".py.json")]) < N_SLOW, "the kill came too late to test anything"
    for name, (_, _, text) in after.items():
        assert not name.startswith(".") and not name.endswith(".tmp"), f"temp file left behind: {name}"
        d = json.loads(text)
        assert d["status"] == "pass" and d["path"].endswith(name[: -len(".json")])


def test_kill_leaves_no_temp_files_in_the_report_folder(killed):
    # (the files present right after the kill were checked above; the folder holds no other debris)
    leftovers = [p for p in killed["folder"].rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]
    assert leftovers == []


def test_resume_finishes_the_rest(killed):
    assert killed["rc"] == 0, killed["stderr"]
    data = json.loads(killed["stdout"])
    assert data["status"] == "pass"
    assert [Path(s["path"]).name for s in data["submissions"]] == [p.name for p in killed["paths"]]
    assert sorted(killed["final"]) == sorted(f"{p.name}.json" for p in killed["paths"])
    for name in killed["final"]:
        assert json.loads(killed["final"][name][2])["status"] == "pass"
    for name in ("report.json", "report.md", "junit.xml"):
        assert (killed["folder"] / name).is_file()
    # no new folder: resumed in place
    assert [p.name for p in killed["out"].iterdir()] == [killed["folder"].name]


def test_resume_does_not_redo_finished_ones(killed):
    for name, (mtime, ino, text) in killed["after_kill"].items():
        assert killed["final"][name] == (mtime, ino, text), f"{name} was audited again"


def test_ctrl_c_stops_the_batch_promptly(tmp_path):
    """SIGINT (Ctrl-C) must stop a running audit: pending submissions are not run.

    With 4 submissions of ~1.4 s each and one job, an interrupt right after the first result
    should end the process within about one submission's time, not after all of them.
    """
    _slow_copies(tmp_path / "class", 4)
    out = tmp_path / "reports"
    _ctrl_c_reaches_it()
    proc = _cli([tmp_path / "class", "--jobs", "1", "--format", "json", "--output", out], stdout=subprocess.DEVNULL)
    try:
        _wait_for_first_result(out, proc)
        proc.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        proc.wait(timeout=300)  # a hang guard, not a speed bound (see below)
        waited = time.monotonic() - t0
        stderr = proc.stderr.read()
    finally:
        _stop(proc)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    done = list(out.glob("audit-*/submissions/*.json"))
    # no wall-clock bound here (the machine is shared): what matters is that pending work was dropped
    assert len(done) < 4, f"every submission was still audited after Ctrl-C ({waited:.1f} s)"
