"""Hostile submissions (examples/hostile): each audited in a batch NEXT TO an honest one.

For every hostile file: the verdict and reason of examples/hostile/EXPECTED.toml, the honest
neighbour's result complete and correct, no process of the run left alive, the run's temp workdir
removed, and nothing outside it changed (the examples folder and a sentinel folder are snapshotted).

What the sandbox does NOT prevent, honestly: unless ``Limits.run_as`` names an unprivileged user,
the student code runs as the grader's user (root here) and can delete files it can find outside
its workdir (delete_outside.py removes /tmp/gradcheck-sentinel-*). What it does guarantee - and
what is asserted - is a scrubbed environment (a path passed only through the grader's environment
never reaches the child), a private cwd that is removed, capped resources, a cut network where
namespaces work, and no surviving process.
"""

import json
import os
import sys
import tempfile
import time
import tomllib
import uuid
from pathlib import Path

import pytest

import gradcheck.audit.batch as batch_mod
from gradcheck.audit.batch import audit_batch
from gradcheck.audit.sandbox import MARKER_ENV, Limits, available_isolation, make_workdir, run_sandboxed
from gradcheck.audit.spec import AuditSpec

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "examples" / "hostile"
HONEST = ROOT / "examples" / "submissions" / "inplace_correct.py"
EXPECTED = tomllib.loads((HOSTILE / "EXPECTED.toml").read_text())["files"]
WALL = 5.0
LIMITS = Limits(wall_seconds=WALL, cpu_seconds=int(WALL), memory_bytes=1024**3)


# ----------------------------------------------------------------------------- bookkeeping


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if "__pycache__" in p.parts:
            continue
        st = p.lstat()
        out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_size)
    return out


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _leftovers(workdirs: list[Path]) -> list[str]:
    """Live processes of our runs: descendants carrying the sandbox marker, or any process whose cwd
    is one of our runs' workdirs (an escapee reparented to init keeps its cwd)."""
    mine = _descendants(os.getpid())
    names = {str(w) for w in workdirs}
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        pid = int(d)
        if _state(pid) in ("Z", "X", "gone"):
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd").removesuffix(" (deleted)")
        except OSError:
            cwd = ""
        marked = False
        if pid in mine:
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    marked = f"{MARKER_ENV}=".encode() in f.read()
            except OSError:
                pass
        if marked or cwd in names:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")[:120]
            except OSError:
                cmd = "?"
            found.append(f"pid {pid} ({_state(pid)}) cwd={cwd} cmd={cmd}")
    return found


@pytest.fixture
def guard(tmp_path, monkeypatch):
    """Record the runs' workdirs and sandbox results; check nothing outside changed afterwards."""
    workdirs: list[Path] = []
    boxes = []
    real_make, real_run = batch_mod.make_workdir, batch_mod.run_sandboxed

    def recording_make(path, *a, **kw):
        w = real_make(path, *a, **kw)
        workdirs.append(w)
        return w

    def recording_run(*a, **kw):
        box = real_run(*a, **kw)
        boxes.append((kw.get("workdir"), box))
        return box

    monkeypatch.setattr(batch_mod, "make_workdir", recording_make)
    monkeypatch.setattr(batch_mod, "run_sandboxed", recording_run)
    sentinel_dir = tmp_path / "sentinel"
    sentinel_dir.mkdir()
    (sentinel_dir / "keep.txt").write_text("do not touch")
    watched = [ROOT / "examples" / "hostile", ROOT / "examples" / "submissions"]
    before_examples = [_snapshot(w) for w in watched]
    before_sentinel = _snapshot(sentinel_dir)
    state = {"workdirs": workdirs, "boxes": boxes, "tmp": tmp_path}
    yield state
    # after every hostile run
    deadline = time.monotonic() + 3.0
    left = _leftovers(workdirs)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _leftovers(workdirs)
    assert left == [], f"processes of the run survived: {left}"
    for w in workdirs:
        assert not w.exists(), f"temp workdir {w} was not removed"
    assert [_snapshot(w) for w in watched] == before_examples, "the examples folders were changed"
    assert _snapshot(sentinel_dir) == before_sentinel and (sentinel_dir / "keep.txt").read_text() == "do not touch"
    mine = [p for p in Path(tempfile.gettempdir()).glob(f"gradcheck-sbx-{os.getpid()}-*")]
    assert mine == [], f"private sandbox dirs left: {mine}"


def _pair(name: str, guard, limits: Limits = LIMITS):
    """Audit [hostile, honest] with 2 jobs; return (hostile result, honest result, wall time)."""
    hostile = HOSTILE / name
    out = guard["tmp"] / "out"
    t0 = time.monotonic()
    report = audit_batch([hostile, HONEST], AuditSpec(), folder=out, jobs=2, limits=limits)
    took = time.monotonic() - t0
    bad, good = report.submissions
    assert bad.path == str(hostile) and good.path == str(HONEST)
    _check_honest(good)
    for s in (bad, good):
        f = out / "submissions" / f"{Path(s.path).name}.json"
        on_disk = json.loads(f.read_text())
        assert on_disk["status"] == s.status
    assert len(guard["workdirs"]) == 2
    return bad, good, took


def _check_honest(s):
    assert s.status == "pass", (s.status, s.error)
    assert s.error is None and s.diagnoses == ()
    assert [t.name for t in s.tensors] == ["W1", "b1", "W2", "b2"]
    assert all(t.status == "pass" for t in s.tensors)
    assert s.forward is not None and s.forward.status == "match"
    assert s.score == s.max_score == 1.0


def _check_expected(name: str, s):
    """Status and diagnosis of EXPECTED.toml (the reason is checked last, by _check_reason)."""
    exp = EXPECTED[name]
    assert s.status == exp["status"], (s.status, s.error)
    if exp.get("diagnosis"):
        assert s.diagnoses and s.diagnoses[0].code == exp["diagnosis"], [d.code for d in s.diagnoses]
    if exp["status"] != "pass":
        assert not s.passed
    if exp["status"] in ("error", "timeout"):
        assert s.error, "an error or timeout needs a reason"


def _check_reason(name: str, s):
    """EXPECTED.toml's reason: a word the grader's reason (SubmissionResult.error) must contain."""
    word = EXPECTED[name].get("reason")
    if word:
        assert word.lower() in (s.error or "").lower(), f"{name}: the reason should say {word!r}, got {s.error!r}"


def test_leftover_detector_is_not_vacuous(tmp_path):
    """The guard's process scan finds a marked descendant and a process sitting in a workdir."""
    import subprocess

    wd = tmp_path / "wd"
    wd.mkdir()
    marked = subprocess.Popen(["sleep", "30"], env={**os.environ, MARKER_ENV: "x"})
    in_wd = subprocess.Popen(["sleep", "30"], cwd=wd, start_new_session=True)
    try:
        time.sleep(0.2)
        found = _leftovers([wd])
        assert any(f"pid {marked.pid} " in f for f in found), found
        assert any(f"pid {in_wd.pid} " in f for f in found), found
    finally:
        for p in (marked, in_wd):
            p.kill()
            p.wait()
    assert not any(f"pid {marked.pid} " in f for f in _leftovers([wd]))


def test_every_hostile_example_has_a_test():
    tested = {
        "infinite_loop.py",
        "sleep_forever.py",
        "ignore_sigterm.py",
        "fork_bomb.py",
        "memory_hog.py",
        "print_flood.py",
        "huge_file.py",
        "exit_midway.py",
        "os_exit.py",
        "monkeypatch.py",
        "read_secrets.py",
        "network.py",
        "delete_outside.py",
    }
    assert set(EXPECTED) == tested
    assert {p.name for p in HOSTILE.glob("*.py")} == tested


# ----------------------------------------------------------------------------- time


@pytest.mark.parametrize("name", ["infinite_loop.py", "sleep_forever.py", "ignore_sigterm.py"])
def test_timeouts(name, guard):
    bad, good, took = _pair(name, guard)
    _check_expected(name, bad)
    assert f"{WALL:.1f} s" in bad.error
    assert WALL - 0.5 <= bad.elapsed <= WALL + 3.0, bad.elapsed
    assert took <= WALL + 4.0
    assert bad.tensors == () and bad.score == 0.0
    _check_reason(name, bad)


# ----------------------------------------------------------------------------- resources


def test_fork_bomb(guard):
    bad, good, _ = _pair("fork_bomb.py", guard)
    _check_expected("fork_bomb.py", bad)
    assert bad.elapsed < WALL, "the process cap, not the timeout, must end it"
    _check_reason("fork_bomb.py", bad)


def test_memory_hog(guard):
    bad, good, _ = _pair("memory_hog.py", guard)
    _check_expected("memory_hog.py", bad)
    assert bad.elapsed < WALL
    _check_reason("memory_hog.py", bad)


def test_print_flood(guard):
    bad, good, _ = _pair("print_flood.py", guard)
    _check_expected("print_flood.py", bad)
    assert len(bad.output_tail) <= 2000
    assert len(json.dumps(bad.to_dict())) < 20_000
    box = max((b for _, b in guard["boxes"]), key=lambda b: b.stdout_bytes)
    assert box.stdout_bytes <= 64 * 1024**2
    # the tail: at most output_bytes of output, after a one-line "[... N earlier bytes not shown ...]" note
    assert len(box.stdout_tail) <= LIMITS.output_bytes + 200
    assert "earlier bytes not shown" in box.stdout_tail.splitlines()[0]
    _check_reason("print_flood.py", bad)


def test_huge_file(guard):
    bad, good, _ = _pair("huge_file.py", guard)
    _check_expected("huge_file.py", bad)
    # checkpoint.bin lived in the workdir, which the guard checks is gone
    _check_reason("huge_file.py", bad)


# ----------------------------------------------------------------------------- exits


def test_sys_exit_midway(guard):
    bad, good, _ = _pair("exit_midway.py", guard)
    _check_expected("exit_midway.py", bad)
    assert bad.status == "error" and bad.tensors == ()
    _check_reason("exit_midway.py", bad)


def test_os_exit(guard):
    bad, good, _ = _pair("os_exit.py", guard)
    _check_expected("os_exit.py", bad)
    assert bad.status == "error" and bad.tensors == ()
    _check_reason("os_exit.py", bad)


# ----------------------------------------------------------------------------- forging


def test_monkeypatch_cannot_forge_a_pass(guard):
    bad, good, _ = _pair("monkeypatch.py", guard)
    _check_expected("monkeypatch.py", bad)
    assert bad.status == "fail"
    assert all(t.status == "fail" for t in bad.tensors)
    assert [t.name for t in bad.tensors] == ["W1", "b1", "W2", "b2"]


# ----------------------------------------------------------------------------- secrets


def test_read_secrets_sees_no_grader_secret(guard, monkeypatch):
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    monkeypatch.setenv("GRADCHECK_TEST_SECRET", secret)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret + "-aws")
    bad, good, _ = _pair("read_secrets.py", guard)
    _check_expected("read_secrets.py", bad)
    for s in (bad, good):
        assert secret not in json.dumps(s.to_dict())
    out = guard["tmp"] / "out" / "submissions"
    for f in out.glob("*.json"):
        assert secret not in f.read_text()
    # the whole captured output (up to 1 MiB), not only the report's 2000-char tail
    boxes = [b for _, b in guard["boxes"]]
    stolen = [b for b in boxes if "STOLEN ENV" in b.stdout_tail]
    assert stolen, "the hostile code did not run (nothing stolen printed): the test would prove nothing"
    for b in boxes:
        assert secret not in b.stdout_tail + b.stderr_tail
    assert "/proc/1/environ" in stolen[0].stdout_tail


# ----------------------------------------------------------------------------- network


def test_network_is_cut(guard):
    bad, good, _ = _pair("network.py", guard)
    if "net-namespace" in available_isolation():
        assert bad.network_isolated is True and good.network_isolated is True
        assert "net-namespace" in bad.isolation
        _check_expected("network.py", bad)
    else:  # no network namespace here: the connection may succeed, but never a forged pass
        assert bad.network_isolated is False
        assert bad.status in ("pass", "error")
        if bad.status == "error":
            assert "network reachable" in bad.error


# ----------------------------------------------------------------------------- files outside


def test_delete_outside(guard, monkeypatch):
    # 1. a path handed over only through the grader's environment: the scrubbed env never passes it on
    via_env = guard["tmp"] / "env-sentinel"
    via_env.write_text("keep")
    monkeypatch.setenv("GRADCHECK_SENTINEL", str(via_env))
    # 2. a path the hostile code finds by itself (glob /tmp/gradcheck-sentinel-*)
    findable = Path(tempfile.gettempdir()) / f"gradcheck-sentinel-{uuid.uuid4().hex}"
    findable.write_text("keep")
    try:
        bad, good, _ = _pair("delete_outside.py", guard)
        _check_expected("delete_outside.py", bad)
        assert via_env.read_text() == "keep"
        box = next(b for _, b in guard["boxes"] if str(findable) in b.stdout_tail)
        if findable.exists():
            assert f"could not delete {findable}" in box.stdout_tail
        else:
            # documented limitation: as root without Limits.run_as the child can delete files it finds;
            # the report is at least honest about what happened
            assert os.geteuid() == 0 and LIMITS.run_as is None
            assert f"deleted {findable}" in box.stdout_tail
    finally:
        findable.unlink(missing_ok=True)


def _run_as_usable(user: str) -> str | None:
    """None if the grader's interpreter (with numpy) runs as ``user`` in the sandbox, else why not."""
    wd = make_workdir(HONEST)
    try:
        box = run_sandboxed(
            [sys.executable, "-c", "import numpy"],
            workdir=wd,
            limits=Limits(wall_seconds=20, run_as=user),
            env={"PYTHONPATH": str(ROOT)},
        )
    except (ValueError, KeyError, OSError) as exc:
        return str(exc)
    finally:
        import shutil

        shutil.rmtree(wd, ignore_errors=True)
    return None if box.ok else f"{box.reason}: {box.stderr_tail[-300:]}"


def test_delete_outside_with_run_as_keeps_the_sentinel(guard):
    if os.geteuid() != 0:
        pytest.skip("run_as needs the grader to be root")
    why = _run_as_usable("nobody")
    if why is not None:
        pytest.skip(f"Limits(run_as='nobody') cannot run this interpreter here: {why}")
    findable = Path(tempfile.gettempdir()) / f"gradcheck-sentinel-{uuid.uuid4().hex}"
    findable.write_text("keep")
    try:
        limits = Limits(wall_seconds=20, cpu_seconds=20, memory_bytes=1024**3, run_as="nobody")
        bad, good, _ = _pair("delete_outside.py", guard, limits=limits)
        _check_expected("delete_outside.py", bad)
        assert findable.read_text() == "keep"
        assert "uid-drop" in bad.isolation
    finally:
        findable.unlink(missing_ok=True)
