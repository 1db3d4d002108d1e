"""gradcheck.audit.sandbox without the platform's help: capability detection on faked
probes, the fallbacks when unshare or cgroups are missing, the killing and draining
helpers on fake cgroup folders, and how every outcome is worded (``_interpret``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from gradcheck.audit import sandbox
from gradcheck.audit.sandbox import Limits, make_workdir, run_sandboxed, scrubbed_env

PY = sys.executable
NOTHING = sandbox._Caps(unshare=None, pidns=False, mount_proc=False, netns=False, cgroup_base=None, cgroup_v2=False)


@pytest.fixture
def no_isolation(monkeypatch):
    """Pretend the platform has neither namespaces nor cgroups (as in tests/test_sandbox.py)."""
    monkeypatch.setattr(sandbox, "_caps", NOTHING)


@pytest.fixture
def workdir(tmp_path):
    src = tmp_path / "src" / "submission.py"
    src.parent.mkdir()
    src.write_text("print('submission')\n")
    return make_workdir(src, root=tmp_path)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.fixture
def sleeper():
    """A child process to kill (reaped afterwards whatever happens)."""
    procs = []

    def start(env=None):
        p = subprocess.Popen([PY, "-c", "import time; time.sleep(60)"], env=env)
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


# --------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cpu_seconds": 1.5}, r"Limits.cpu_seconds must be a positive int, got 1.5"),
        ({"processes": True}, r"Limits.processes must be a positive int, got True"),
        ({"memory_bytes": 0}, r"Limits.memory_bytes must be a positive int, got 0"),
        ({"output_bytes": -1}, r"Limits.output_bytes must be an int >= 0, got -1"),
        ({"wall_seconds": -2}, r"Limits.wall_seconds must be > 0, got -2"),
    ],
)
def test_limits_reject_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Limits(**kwargs)


def test_limits_accept_zero_output_bytes():
    assert Limits(output_bytes=0).output_bytes == 0


def test_scrubbed_env_rejects_non_str_values():
    with pytest.raises(TypeError, match=r"environment entries must be str -> str, got 'N': 3"):
        scrubbed_env({"N": 3})


def test_make_workdir_root_must_be_a_folder(tmp_path):
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    with pytest.raises(ValueError, match=r"workdir root is not a directory: .*nowhere"):
        make_workdir(f, root=tmp_path / "nowhere")


def test_make_workdir_removes_its_folder_when_the_copy_fails(tmp_path, monkeypatch):
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    root = tmp_path / "root"
    root.mkdir()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sandbox.shutil, "copy2", fail)
    with pytest.raises(OSError, match="No space left on device"):
        make_workdir(f, root=root)
    assert list(root.iterdir()) == []


def test_run_sandboxed_rejects_bytes_argv(workdir):
    with pytest.raises(TypeError, match=r"argv entries must be str or path-like"):
        run_sandboxed([PY, b"-c"], workdir=workdir)


def test_run_sandboxed_rejects_non_limits(workdir):
    with pytest.raises(TypeError, match=r"limits must be a Limits instance, got dict"):
        run_sandboxed([PY, "-c", "pass"], workdir=workdir, limits={"wall_seconds": 1})


def test_run_sandboxed_rejects_non_str_env(workdir):
    with pytest.raises(TypeError, match=r"environment entries must be str -> str, got 'X': 1"):
        run_sandboxed([PY, "-c", "pass"], workdir=workdir, env={"X": 1})


def test_run_as_unknown_user(workdir):
    with pytest.raises(ValueError, match=r"Limits.run_as: unknown user 'no-such-user-gc'"):
        run_sandboxed([PY, "-c", "pass"], workdir=workdir, limits=Limits(run_as="no-such-user-gc"))


# --------------------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("n", "text"),
    [(512, "512 B"), (1536, "1.5 KiB"), (20 * 1024**2, "20 MiB"), (2 * 1024**3, "2.0 GiB")],
)
def test_fmt_bytes(n, text):
    assert sandbox._fmt_bytes(n) == text


def test_signal_name_known_and_unknown():
    assert sandbox._signal_name(9) == "SIGKILL"
    assert sandbox._signal_name(200) == "signal 200"


def test_default_path_lists_each_folder_once(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/usr/bin/python3")
    assert sandbox._default_path() == "/usr/bin:/usr/local/bin:/bin"


def test_read_tail_of_a_missing_file_and_with_no_budget(tmp_path):
    assert sandbox._read_tail(str(tmp_path / "missing"), 100) == ("", 0)
    f = tmp_path / "out"
    f.write_text("0123456789")
    assert sandbox._read_tail(str(f), 0) == ("", 10)


def test_read_tail_drops_the_partial_first_line(tmp_path):
    f = tmp_path / "out"
    f.write_text("first line\nsecond\nthird\n")
    text, size = sandbox._read_tail(str(f), 12)
    assert size == 24
    assert text == "[... 18 earlier bytes not shown ...]\nthird\n"


def test_last_exception_ignores_other_lines():
    assert sandbox._last_exception("just some output\nnothing else\n") is None
    tail = "Traceback (most recent call last):\n  File 'x'\nValueError: bad\nprinted after\n"
    assert sandbox._last_exception(tail) == "ValueError: bad"


def test_open_stdin_passes_a_file_object_through(tmp_path):
    f = tmp_path / "in"
    f.write_text("data")
    with open(f, "rb") as fh:
        assert sandbox._open_stdin(fh, str(tmp_path)) == (fh, None)


def test_stdin_file_object_is_fed_to_the_child(workdir, tmp_path, no_isolation):
    f = tmp_path / "in.txt"
    f.write_text("from a file\n")
    with open(f, "rb") as fh:
        res = run_sandboxed(
            [PY, "-c", "import sys; print(sys.stdin.read().upper(), end='')"],
            workdir=workdir,
            stdin=fh,
            limits=Limits(wall_seconds=10),
        )
    assert (res.status, res.stdout_tail) == ("ok", "FROM A FILE\n")


# --------------------------------------------------------------------------- detection


def test_probe_unshare_with_a_missing_binary_is_false(tmp_path):
    assert sandbox._probe_unshare(str(tmp_path / "no-unshare"), ["--pid"], False) is False


class _FakeProcPath:
    """Stands in for pathlib.Path("/proc/self/cgroup")."""

    def __init__(self, text: str | None):
        self.text = text

    def __call__(self, *parts):
        return self

    def read_text(self):
        if self.text is None:
            raise PermissionError(13, "Permission denied")
        return self.text


def test_own_cgroup_dirs_v2_only(monkeypatch):
    monkeypatch.setattr(sandbox, "Path", _FakeProcPath("garbage line\n0::/user.slice/grader\n"))
    assert sandbox._own_cgroup_dirs() == [
        ("/sys/fs/cgroup/user.slice/grader", True),
        ("/sys/fs/cgroup/unified/user.slice/grader", True),
    ]


def test_own_cgroup_dirs_v1_pids(monkeypatch):
    monkeypatch.setattr(sandbox, "Path", _FakeProcPath("12:pids:/docker/abc\n3:cpu,cpuacct:/docker/abc\n"))
    assert sandbox._own_cgroup_dirs() == [
        ("/sys/fs/cgroup/pids/docker/abc", False),
        ("/sys/fs/cgroup/pids", False),
        ("/sys/fs/cgroup/pids,cpuacct/docker/abc", False),
        ("/sys/fs/cgroup/pids,cpuacct", False),
    ]


def test_own_cgroup_dirs_unreadable(monkeypatch):
    monkeypatch.setattr(sandbox, "Path", _FakeProcPath(None))
    assert sandbox._own_cgroup_dirs() == []


def test_probe_cgroup_skips_unusable_places(monkeypatch, tmp_path):
    plain = tmp_path / "plain"  # a folder, but not a cgroup: no cgroup.procs appears in a new child
    plain.mkdir()
    places = [(str(tmp_path / "missing"), False), ("/proc/self", True), (str(plain), False)]
    monkeypatch.setattr(sandbox, "_own_cgroup_dirs", lambda: places)
    assert sandbox._probe_cgroup() == (None, False)


def test_probe_cgroup_when_pids_max_cannot_be_written(monkeypatch, tmp_path):
    def no_write(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(sandbox, "_own_cgroup_dirs", lambda: [(str(tmp_path), True)])
    monkeypatch.setattr(sandbox, "open", no_write, raising=False)
    assert sandbox._probe_cgroup() == (None, False)
    assert list(tmp_path.iterdir()) == []  # the probe folder was removed


@pytest.mark.parametrize(
    ("working", "expected"),
    [
        # only a bare pid namespace works; --net alone then works too
        ({("--pid", "--fork", "--kill-child"), ("--pid", "--fork", "--kill-child", "--net")}, (True, False, True)),
        # a private /proc but no network namespace
        ({("--pid", "--fork", "--kill-child", "--mount-proc")}, (True, True, False)),
        # nothing at all
        (set(), (False, False, False)),
    ],
)
def test_detect_with_faked_unshare_probes(monkeypatch, working, expected):
    tried = []

    def probe(unshare, flags, check_net):
        tried.append(tuple(flags))
        return tuple(flags) in working

    monkeypatch.setattr(sandbox, "_caps", None)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, path=None: "/fake/bin/unshare")
    monkeypatch.setattr(sandbox, "_probe_unshare", probe)
    monkeypatch.setattr(sandbox, "_probe_cgroup", lambda: (None, False))
    caps = sandbox._detect()
    assert (caps.pidns, caps.mount_proc, caps.netns) == expected
    assert caps.unshare == ("/fake/bin/unshare" if expected[0] else None)
    assert tried[0] == ("--pid", "--fork", "--kill-child", "--mount-proc", "--net")
    assert sandbox._detect() is caps  # cached


def test_detect_without_unshare(monkeypatch):
    monkeypatch.setattr(sandbox, "_caps", None)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, path=None: None)
    monkeypatch.setattr(sandbox, "_probe_cgroup", lambda: ("/sys/fs/cgroup/x", True))
    caps = sandbox._detect()
    assert caps == sandbox._Caps(None, False, False, False, "/sys/fs/cgroup/x", True)
    assert sandbox.available_isolation() == ("rlimits", "session", "cgroup-pids")


def test_available_isolation_layers(monkeypatch):
    monkeypatch.setattr(sandbox, "_caps", sandbox._Caps("/u", True, False, True, None, False))
    assert sandbox.available_isolation() == ("rlimits", "session", "pid-namespace", "net-namespace")
    assert sandbox.available_isolation(network=True) == ("rlimits", "session", "pid-namespace")
    monkeypatch.setattr(sandbox, "_caps", NOTHING)
    assert sandbox.available_isolation() == ("rlimits", "session")


# --------------------------------------------------------------------------- killing and draining


def test_kill_pid_of_a_gone_process_sends_nothing(monkeypatch):
    p = subprocess.Popen([PY, "-c", "pass"])
    p.wait()  # reaped: the pid may be reused by anyone, it must not be signalled
    sent = []
    monkeypatch.setattr(sandbox.signal, "pidfd_send_signal", lambda fd, sig: sent.append(("pidfd", sig)))
    monkeypatch.setattr(sandbox.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    sandbox._kill_pid(p.pid)
    sandbox._kill_pid(p.pid, "/sys/fs/cgroup/pids/gradcheck-x")
    assert sent == []


def test_kill_pid_spares_a_process_outside_the_cgroup(sleeper):
    p = sleeper()
    sandbox._kill_pid(p.pid, f"/sys/fs/cgroup/pids/gradcheck-not-{uuid.uuid4().hex}")
    time.sleep(0.05)
    assert p.poll() is None, "a pid that is not in the run's cgroup must not be killed"
    sandbox._kill_pid(p.pid)
    assert p.wait(timeout=5) == -signal.SIGKILL


def test_kill_pid_without_pidfd_uses_kill(monkeypatch, sleeper):
    monkeypatch.delattr(os, "pidfd_open")
    p = sleeper()
    sandbox._kill_pid(p.pid)
    assert p.wait(timeout=5) == -signal.SIGKILL
    sandbox._kill_pid(p.pid)  # gone now: ESRCH is swallowed


def test_cgroup_pids_of_a_missing_or_garbled_group(tmp_path):
    assert sandbox._cgroup_pids(str(tmp_path / "missing")) == []
    (tmp_path / "cgroup.procs").write_text("12\nnot-a-pid\n")
    assert sandbox._cgroup_pids(str(tmp_path)) == []


def test_drain_of_a_removed_cgroup_is_done(tmp_path):
    assert sandbox._drain_cgroup(str(tmp_path / "gone"), v2=True) is True


def test_drain_gives_up_when_the_group_cannot_be_removed(tmp_path):
    cg = tmp_path / "cg"
    cg.mkdir()
    (cg / "cgroup.procs").write_text("")  # empty, but a plain folder with a file cannot be rmdir'ed
    start = time.monotonic()
    assert sandbox._drain_cgroup(str(cg), v2=False, timeout=0.05) is False
    assert time.monotonic() - start < 2
    assert cg.is_dir()


def test_drain_v2_writes_cgroup_kill_and_kills_members(tmp_path, sleeper, monkeypatch):
    p = sleeper()
    cg = tmp_path / "cg"
    cg.mkdir()
    (cg / "cgroup.procs").write_text(f"{p.pid}\n")
    (cg / "cgroup.kill").write_text("")
    killed = []
    monkeypatch.setattr(sandbox, "_kill_pid", lambda pid, cgroup_dir=None: killed.append((pid, cgroup_dir)))
    assert sandbox._drain_cgroup(str(cg), v2=True, timeout=0.05) is False
    assert (cg / "cgroup.kill").read_text() == "1"
    assert killed and set(killed) == {(p.pid, str(cg))}


def test_drain_v2_survives_an_unwritable_cgroup_kill(tmp_path, monkeypatch):
    cg = tmp_path / "cg"
    cg.mkdir()
    (cg / "cgroup.procs").write_text("999999999\n")
    (cg / "cgroup.kill").mkdir()  # opening it for writing fails
    killed = []
    monkeypatch.setattr(sandbox, "_kill_pid", lambda pid, cgroup_dir=None: killed.append(pid))
    assert sandbox._drain_cgroup(str(cg), v2=True, timeout=0.03) is False
    assert set(killed) == {999999999}


def test_sweep_marker_kills_only_marked_processes(sleeper):
    marker = uuid.uuid4().hex
    marked = sleeper(env={**os.environ, sandbox.MARKER_ENV: marker})
    other = sleeper(env={**os.environ, sandbox.MARKER_ENV: marker + "-other"})
    time.sleep(0.1)  # let the environment be readable in /proc
    assert sandbox._sweep_marker(marker) == 1
    assert marked.wait(timeout=5) == -signal.SIGKILL
    assert other.poll() is None


def test_sweep_marker_without_proc(monkeypatch):
    def no_proc(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sandbox.os, "listdir", no_proc)
    assert sandbox._sweep_marker("x") == 0


# --------------------------------------------------------------------------- runs without namespaces


def test_cannot_start_the_sandbox(workdir, no_isolation, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    res = run_sandboxed([PY, "-c", "pass"], workdir=workdir)
    assert res.status == "error" and res.returncode is None
    assert res.reason.startswith("could not start the sandbox: [Errno 2] No such file or directory")
    assert res.isolation == ("rlimits", "session", "env-scrubbed")


def test_unusable_cgroup_base_falls_back_to_the_marker_sweep(workdir, monkeypatch, tmp_path):
    caps = sandbox._Caps(None, False, False, False, str(tmp_path / "no-cgroup-here"), False)
    monkeypatch.setattr(sandbox, "_caps", caps)
    res = run_sandboxed([PY, "-c", "print('hi')"], workdir=workdir, limits=Limits(wall_seconds=10))
    assert (res.status, res.stdout_tail) == ("ok", "hi\n")
    assert "cgroup-pids" not in res.isolation and "env-marker-sweep" in res.isolation


def test_cgroup_that_cannot_be_emptied_is_reported(workdir, monkeypatch, tmp_path):
    # a plain folder as the "cgroup": the supervisor joins it (writes its pid to cgroup.procs)
    # but the folder can never be removed, so the run warns and falls back to the marker sweep
    base = tmp_path / "cgroups"
    base.mkdir()
    monkeypatch.setattr(sandbox, "_caps", sandbox._Caps(None, False, False, False, str(base), False))
    drain = sandbox._drain_cgroup
    monkeypatch.setattr(sandbox, "_drain_cgroup", lambda cg, v2, timeout=5.0: drain(cg, v2, timeout=0.1))
    res = run_sandboxed([PY, "-c", "print('hi')"], workdir=workdir, limits=Limits(wall_seconds=10))
    assert res.status == "ok" and res.stdout_tail == "hi\n"
    assert res.reason == "exited with code 0 (warning: could not remove every process of the run's cgroup)"
    assert "cgroup-pids" in res.isolation and "env-marker-sweep" in res.isolation
    (group,) = base.iterdir()
    assert (group / "pids.max").read_text() == str(Limits().processes + 1)


def test_internal_error_while_waiting_still_kills_the_child(workdir, no_isolation, monkeypatch):
    marker = f"gc-cov-{uuid.uuid4().hex}"
    started = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        p = real_popen(*args, **kwargs)
        started.append(p)
        return p

    def broken_waitid(*args):
        raise RuntimeError("waitid broke")

    monkeypatch.setattr(sandbox.subprocess, "Popen", popen)
    monkeypatch.setattr(sandbox.os, "waitid", broken_waitid)
    with pytest.raises(RuntimeError, match="waitid broke"):
        run_sandboxed([PY, "-c", "import time; time.sleep(60)", marker], workdir=workdir)
    (proc,) = started
    assert proc.returncode == -signal.SIGKILL
    assert not _alive(proc.pid)


# --------------------------------------------------------------------------- wording of outcomes


def _interpret(report, rc=0, timed_out=False, err="", out_size=0, err_size=0, **limits):
    return sandbox._interpret(report, rc, timed_out, Limits(**limits), out_size, err_size, err, ["prog"])


def test_interpret_backstop_fired():
    status, rc, reason, _, _ = _interpret(["backstop"], rc=137, wall_seconds=2)
    assert (status, rc) == ("timeout", None)
    assert reason == "killed by the sandbox supervisor's backstop timer (2.0 s wall-clock limit)"


def test_interpret_supervisor_killed():
    assert _interpret([], rc=-15)[:3] == (
        "error",
        -15,
        "the sandbox supervisor was killed by SIGTERM before the program finished",
    )


def test_interpret_supervisor_failed_with_stderr_and_without():
    assert (
        _interpret([], rc=1, err="unshare: boom\n")[2]
        == "the sandbox failed to run the program (exit code 1): unshare: boom"
    )
    assert _interpret([], rc=1, err="")[2] == "the sandbox failed to run the program (exit code 1)"


def test_interpret_garbled_report_line_is_ignored():
    assert _interpret(["exit x 0.1 5", "exit 0 0.250 1024"])[:5] == ("ok", 0, "exited with code 0", 0.25, 1024)


def test_interpret_setup_failure():
    status, rc, reason, _, _ = _interpret(["setupfail PermissionError: denied", "exit 127"])
    assert (status, rc, reason) == ("error", 127, "sandbox setup failed in the child: PermissionError: denied")


@pytest.mark.parametrize(
    ("sig", "cpu", "reason"),
    [
        (signal.SIGKILL, "0.1", "killed by SIGKILL (e.g. by the out-of-memory killer)"),
        (signal.SIGKILL, "3.2", "killed by SIGKILL at the CPU hard limit (3 s CPU limit, SIGXCPU ignored)"),
        (
            signal.SIGSEGV,
            "0.1",
            "killed by SIGSEGV (segmentation fault; possibly a failed allocation under the 1.0 GiB",
        ),
        (signal.SIGABRT, "0.1", "killed by SIGABRT (aborted; possibly a failed allocation)"),
        (signal.SIGUSR1, "0.1", "killed by SIGUSR1"),
    ],
)
def test_interpret_signals(sig, cpu, reason):
    status, rc, text, got_cpu, _ = _interpret([f"signal {int(sig)} {cpu} 0"], cpu_seconds=3, memory_bytes=1024**3)
    assert (status, rc, got_cpu) == ("error", -int(sig), float(cpu))
    assert text.startswith(reason)


def test_interpret_exit_zero_with_truncated_output():
    reason = _interpret(["exit 0 0.1 0"], out_size=1024, file_bytes=1024)[2]
    assert reason == "exited with code 0; output truncated at the 1.0 KiB file-size limit"


@pytest.mark.parametrize(
    ("err", "reason"),
    [
        ("MemoryError\n", "exceeded the 1.0 GiB memory limit (MemoryError)"),
        ("OSError: [Errno 27] File too large\n", "exceeded the 64 MiB file-size limit (File too large)"),
        ("OSError: [Errno 24] Too many open files\n", "exceeded the limit of 256 open files"),
        (
            "BlockingIOError: [Errno 11] Resource temporarily unavailable\n",
            "hit the limit of 64 processes/threads (BlockingIOError: [Errno 11] Resource temporarily unavailable)",
        ),
        ("no exception here\n", "exited with code 3"),
    ],
)
def test_interpret_failed_exit(err, reason):
    assert _interpret(["exit 3 0.1 0"], err=err, memory_bytes=1024**3)[:3] == ("error", 3, reason)


def test_interpret_failed_exit_with_big_output():
    reason = _interpret(["exit 1 0.1 0"], err_size=2048, file_bytes=2048)[2]
    assert reason == "output exceeded 2.0 KiB file-size limit (exited with code 1)"


def test_fallback_run_as_root_reports_no_rlimit_nproc(workdir, no_isolation):
    res = run_sandboxed([PY, "-c", "print(1)"], workdir=workdir, limits=Limits(wall_seconds=10))
    assert res.ok
    if os.geteuid() == 0:  # RLIMIT_NPROC does not bind root: it is not claimed
        assert "rlimit-nproc" not in res.isolation
    else:
        assert "rlimit-nproc" in res.isolation
