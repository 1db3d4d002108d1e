"""Tests of gradcheck.audit.sandbox: hostile child processes must never hurt the grader.

Every hostile case asserts the status AND the reason, and that no process of the
run is left behind (each child carries a unique marker string in its argv, and
/proc is scanned for it afterwards).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import textwrap
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gradcheck.audit import sandbox
from gradcheck.audit.sandbox import (
    Limits,
    SandboxResult,
    available_isolation,
    make_workdir,
    run_sandboxed,
    scrubbed_env,
)

PY = sys.executable
LAYERS = available_isolation()
HAS_PIDNS = "pid-namespace" in LAYERS
HAS_NETNS = "net-namespace" in LAYERS
HAS_CGROUP = "cgroup-pids" in LAYERS
IS_ROOT = os.geteuid() == 0

FAST = dict(wall_seconds=3.0, cpu_seconds=2, memory_bytes=1024**3)


# --------------------------------------------------------------------------- helpers


def _processes_with(marker: str) -> list[int]:
    """PIDs of live (non-zombie) processes whose cmdline or environ contains marker."""
    needle = marker.encode()
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{d}/environ", "rb") as f:
                env = f.read()
            with open(f"/proc/{d}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if state != b"Z" and (needle in cmd or needle in env):
            found.append(int(d))
    return found


def _private_dirs() -> set[str]:
    mine = f"gradcheck-sbx-{os.getpid()}-"  # only this process's (other test runs may be concurrent)
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith(mine)}


def _cgroup_dirs() -> set[str]:
    caps = sandbox._detect()
    if not caps.cgroup_base:
        return set()
    return {p for p in os.listdir(caps.cgroup_base) if p.startswith(f"gradcheck-{os.getpid()}-")}


@pytest.fixture
def workdir(tmp_path):
    wd = make_workdir(_write(tmp_path / "src" / "submission.py", "print('submission')\n"), root=tmp_path)
    yield wd


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def run_code(code: str, workdir: Path, marker: str | None = None, **limits) -> tuple[SandboxResult, str]:
    """Run ``code`` as a script in workdir with a unique marker in argv; check nothing leaks."""
    marker = marker or f"gc-marker-{uuid.uuid4().hex}"
    script = _write(workdir / "hostile.py", code)
    before_private, before_cg = _private_dirs(), _cgroup_dirs()
    res = run_sandboxed([PY, str(script), marker], workdir=workdir, limits=Limits(**limits))
    assert _processes_with(marker) == [], f"processes left behind: {res}"
    assert _private_dirs() == before_private, "private output dir not removed"
    assert _cgroup_dirs() == before_cg, "cgroup dir not removed"
    assert isinstance(res.to_dict(), dict)
    return res, marker


# --------------------------------------------------------------------------- honest runs


def test_honest_script_ok(workdir):
    res, _ = run_code(
        """
        import os, sys
        print("hello from", os.path.basename(sys.argv[0]))
        print("cwd", os.getcwd())
        print("oops", file=sys.stderr)
        """,
        workdir,
        **FAST,
    )
    assert res.status == "ok" and res.returncode == 0
    assert res.reason == "exited with code 0"
    assert "hello from hostile.py" in res.stdout_tail
    assert f"cwd {workdir.resolve()}" in res.stdout_tail
    assert res.stderr_tail == "oops\n"
    assert res.elapsed < 3
    assert "rlimits" in res.isolation and "session" in res.isolation
    d = res.to_dict()
    assert d["status"] == "ok" and isinstance(d["isolation"], list)
    json.dumps(d)


def test_numpy_works_under_default_limits(workdir):
    res, _ = run_code("import numpy as np\nprint(np.arange(4) @ np.arange(4))\n", workdir)
    assert res.status == "ok", res
    assert res.stdout_tail.strip() == "14"


def test_stdin_bytes_and_default_devnull(workdir):
    script = _write(workdir / "echo.py", "import sys\nprint(repr(sys.stdin.read()))\n")
    res = run_sandboxed([PY, str(script)], workdir=workdir, limits=Limits(**FAST), stdin=b"abc")
    assert res.status == "ok" and res.stdout_tail.strip() == "'abc'"
    res = run_sandboxed([PY, str(script)], workdir=workdir, limits=Limits(**FAST))
    assert res.status == "ok" and res.stdout_tail.strip() == "''"


def test_nonzero_exit_code(workdir):
    res, _ = run_code("import sys\nsys.exit(3)\n", workdir, **FAST)
    assert (res.status, res.returncode, res.reason) == ("error", 3, "exited with code 3")


def test_exception_named_in_reason(workdir):
    res, _ = run_code("raise ValueError('shapes do not match')\n", workdir, **FAST)
    assert res.status == "error" and res.returncode == 1
    assert res.reason == "exited with code 1 (ValueError: shapes do not match)"


@pytest.mark.parametrize("exit_call", ["sys.exit(0)", "os._exit(0)"])
def test_exit_zero_mid_run_is_ok(workdir, exit_call):
    res, _ = run_code(
        f"""
        import os, sys
        print("before", flush=True)
        {exit_call}
        print("after")
        """,
        workdir,
        **FAST,
    )
    assert (res.status, res.returncode, res.reason) == ("ok", 0, "exited with code 0")
    assert res.stdout_tail == "before\n"


def test_program_not_found(workdir):
    res = run_sandboxed(["no-such-program-xyz"], workdir=workdir, limits=Limits(**FAST))
    assert res.status == "error" and res.returncode == 127
    assert res.reason == "could not execute 'no-such-program-xyz': No such file or directory"


def test_signal_is_named(workdir):
    res, _ = run_code("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", workdir, **FAST)
    assert res.status == "error" and res.returncode == -signal.SIGSEGV
    assert res.reason.startswith("killed by SIGSEGV")


# --------------------------------------------------------------------------- hostile: time


def test_infinite_loop_hits_cpu_limit_or_timeout(workdir):
    res, _ = run_code("while True:\n    pass\n", workdir, wall_seconds=3.0, cpu_seconds=1)
    if res.status == "error":  # the usual case: 1 s of CPU is reached before 3 s of wall time
        assert res.returncode == -signal.SIGXCPU
        assert res.reason == "killed by SIGXCPU: CPU limit of 1 s"
    else:  # a heavily loaded machine may hand out less than 1 CPU-second in 3 s
        assert res.status == "timeout" and res.reason == "killed after 3.0 s wall-clock timeout"
    assert res.elapsed < 4.5


def test_ignoring_sigxcpu_hits_cpu_hard_limit(workdir):
    res, _ = run_code(
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass\n",
        workdir,
        wall_seconds=4.0,
        cpu_seconds=1,
    )
    if res.status == "error":
        assert res.returncode == -signal.SIGKILL
        assert res.reason == "killed by SIGKILL at the CPU hard limit (1 s CPU limit, SIGXCPU ignored)"
    else:  # heavily loaded machine
        assert res.status == "timeout" and res.reason == "killed after 4.0 s wall-clock timeout"


def test_sleep_forever_times_out(workdir):
    res, _ = run_code("import time\ntime.sleep(1e9)\n", workdir, wall_seconds=2.0)
    assert res.status == "timeout" and res.returncode is None
    assert res.reason == "killed after 2.0 s wall-clock timeout"
    assert 2.0 <= res.elapsed < 3.5


def test_sigterm_ignored_still_killed(workdir):
    res, _ = run_code(
        """
        import signal, time
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        time.sleep(1e9)
        """,
        workdir,
        wall_seconds=2.0,
    )
    assert res.status == "timeout" and res.reason == "killed after 2.0 s wall-clock timeout"


# --------------------------------------------------------------------------- hostile: processes


@pytest.mark.skipif(
    IS_ROOT and not HAS_CGROUP,
    reason="no pids cgroup and running as root (RLIMIT_NPROC is not enforced for root): "
    "a fork bomb would not be capped on this machine",
)
def test_fork_bomb_is_capped_and_cleaned_up(workdir):
    res, _ = run_code(
        """
        import os, time
        n = 0
        reported = False
        while True:
            try:
                pid = os.fork()
            except OSError:
                if not reported:
                    print("forks", n, flush=True)
                    reported = True
                time.sleep(0.01)
                continue
            if pid == 0:
                time.sleep(1000)
                os._exit(0)
            n += 1
        """,
        workdir,
        wall_seconds=3.0,
        processes=16,
    )
    assert res.status == "timeout" and res.reason == "killed after 3.0 s wall-clock timeout"
    forks = int(res.stdout_tail.split()[1])
    assert forks <= 16, res.stdout_tail


def test_setsid_double_fork_escapee_is_killed(workdir):
    res, _ = run_code(
        """
        import os, sys, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                with open("escapee.pid", "w") as f:
                    f.write(str(os.getpid()))
                time.sleep(1000)
            os._exit(0)
        for _ in range(200):
            if os.path.exists("escapee.pid"):
                break
            time.sleep(0.01)
        print("parent done")
        """,
        workdir,
        **FAST,
    )
    assert (res.status, res.returncode, res.reason) == ("ok", 0, "exited with code 0")
    assert res.stdout_tail == "parent done\n"
    assert (workdir / "escapee.pid").exists()
    # run_code already checked that no process carrying the marker survives


def test_escapee_killed_at_timeout_too(workdir):
    res, _ = run_code(
        """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(1000)
            os._exit(0)
        time.sleep(1000)
        """,
        workdir,
        wall_seconds=2.0,
    )
    assert res.status == "timeout" and res.reason == "killed after 2.0 s wall-clock timeout"


# --------------------------------------------------------------------------- hostile: memory / disk


def test_allocate_50_gb_hits_memory_limit(workdir):
    res, _ = run_code("x = bytearray(50 * 1024**3)\n", workdir, wall_seconds=5.0, memory_bytes=512 * 1024**2)
    assert res.status == "error" and res.returncode == 1
    assert res.reason == "exceeded the 512 MiB memory limit (MemoryError)"


def test_numpy_50_gb_hits_memory_limit(workdir):
    res, _ = run_code(
        "import numpy as np\nx = np.ones((50 * 1024**3) // 8)\n", workdir, wall_seconds=5.0, memory_bytes=1024**3
    )
    assert res.status == "error"
    assert res.reason == "exceeded the 1.0 GiB memory limit (MemoryError)"


def test_print_1_gb_to_stdout_is_capped(workdir):
    limit = 4 * 1024**2
    res, _ = run_code(
        """
        import sys
        line = "x" * 1023 + "\\n"
        block = line * 1024
        for _ in range(1024):      # 1 GiB in 1 MiB blocks
            sys.stdout.write(block)
        """,
        workdir,
        wall_seconds=5.0,
        file_bytes=limit,
        output_bytes=64 * 1024,
    )
    assert res.status == "error" and res.returncode != 0
    assert res.reason.startswith("output exceeded 4.0 MiB file-size limit")
    assert res.stdout_bytes <= limit
    assert len(res.stdout_tail) <= 64 * 1024 + 100
    assert res.stdout_tail.startswith("[... ")
    assert sorted(p.name for p in workdir.iterdir()) == ["hostile.py", "submission.py"]


def test_huge_file_hits_file_size_limit(workdir):
    limit = 4 * 1024**2
    res, _ = run_code(
        """
        block = b"\\0" * 1024**2
        with open("huge.bin", "wb") as f:
            for _ in range(1024):
                f.write(block)
        """,
        workdir,
        wall_seconds=5.0,
        file_bytes=limit,
    )
    assert res.status == "error" and res.returncode == 1
    assert res.reason == "exceeded the 4.0 MiB file-size limit (File too large)"
    assert (workdir / "huge.bin").stat().st_size <= limit


@pytest.mark.skipif(shutil.which("dd") is None, reason="dd not installed")
def test_native_program_gets_sigxfsz(workdir):
    # the supervisor restores SIGXFSZ to its default action (Python ignores it)
    res = run_sandboxed(
        ["dd", "if=/dev/zero", "of=big.bin", "bs=1M", "count=100"],
        workdir=workdir,
        limits=Limits(wall_seconds=5.0, file_bytes=2 * 1024**2),
    )
    assert res.status == "error" and res.returncode == -signal.SIGXFSZ
    assert res.reason == "killed by SIGXFSZ: output exceeded 2.0 MiB file-size limit"
    assert (workdir / "big.bin").stat().st_size <= 2 * 1024**2


def test_open_files_limit(workdir):
    res, _ = run_code("fs = [open('f%d' % i, 'w') for i in range(1000)]\n", workdir, wall_seconds=5.0, open_files=64)
    assert res.status == "error" and res.reason == "exceeded the limit of 64 open files"


# --------------------------------------------------------------------------- hostile: environment / filesystem


def test_grader_env_secret_invisible_and_cwd_is_workdir(workdir, monkeypatch):
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    monkeypatch.setenv("GRADCHECK_TEST_SECRET", secret)
    res, _ = run_code(
        """
        import json, os, sys
        leaked = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/environ" % d, "rb") as f:
                        if b"GRADCHECK_TEST_SECRET" in f.read():
                            leaked.append(d)
                except OSError:
                    pass
        print(json.dumps({"cwd": os.getcwd(), "env": dict(os.environ), "leaked": leaked}))
        """,
        workdir,
        **FAST,
    )
    assert res.status == "ok", res
    assert secret not in res.stdout_tail
    info = json.loads(res.stdout_tail)
    assert info["cwd"] == str(workdir.resolve())
    assert "GRADCHECK_TEST_SECRET" not in info["env"]
    assert info["env"]["HOME"] == str(workdir.resolve())
    assert info["env"]["OPENBLAS_NUM_THREADS"] == "1"
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        assert info["env"].get(key) == os.environ.get(key)
    if "private-proc" in res.isolation:
        # the grader's /proc/<pid>/environ is not even visible from the sandbox
        assert info["leaked"] == []


def test_writes_outside_workdir_root_vs_dropped_uid(tmp_path):
    """Honest: as root the child CAN touch files outside its workdir; with run_as it cannot."""
    outside = Path(tempfile.mkdtemp(prefix="gradcheck-test-outside-"))
    os.chmod(outside, 0o755)
    sentinel = outside / "sentinel.txt"
    sentinel.write_text("original")
    os.chmod(sentinel, 0o444)
    code = textwrap.dedent(
        f"""
        import os
        print(os.getcwd())
        try:
            os.remove({str(sentinel)!r})
            print("deleted")
        except OSError as e:
            print("denied", e.errno)
        """
    )
    wd = make_workdir(_write(tmp_path / "s" / "sub.py", "pass\n"))
    try:
        if IS_ROOT:
            py = "/usr/bin/python3"  # must be reachable by 'nobody' (pyenv under /root is not)
            probe = run_sandboxed([py, "-c", "print('hi')"], workdir=wd, limits=Limits(run_as="nobody", **FAST))
            if probe.status != "ok":
                pytest.skip(f"no interpreter usable by 'nobody': {probe.reason}")
            res = run_sandboxed([py, "-c", code], workdir=wd, limits=Limits(run_as="nobody", **FAST))
            assert res.status == "ok", res
            assert "uid-drop" in res.isolation
            assert res.stdout_tail.splitlines() == [str(wd.resolve()), "denied 13"]
            assert sentinel.read_text() == "original"
        # default (no run_as): the cwd is the private workdir, but file permissions are
        # the only protection; as root they do not stop the child (documented).
        res = run_sandboxed([PY, "-c", code], workdir=wd, limits=Limits(**FAST))
        assert res.status == "ok", res
        assert res.stdout_tail.splitlines()[0] == str(wd.resolve())
        assert res.stdout_tail.splitlines()[1] == ("deleted" if IS_ROOT else "denied 13")
    finally:
        shutil.rmtree(wd, ignore_errors=True)
        shutil.rmtree(outside, ignore_errors=True)


# --------------------------------------------------------------------------- hostile: network

_CONNECT = """
import socket, sys
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", int(sys.argv[2])))
    s.sendall(b"leak")
    print("connected")
except OSError as e:
    print("failed", type(e).__name__, e.errno)
"""


@pytest.fixture
def listener():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.5)
    yield srv
    srv.close()


@pytest.mark.skipif(not HAS_NETNS, reason="network namespaces (unshare --net) unavailable on this machine")
def test_network_is_cut(workdir, listener):
    port = listener.getsockname()[1]
    marker = f"gc-marker-{uuid.uuid4().hex}"
    script = _write(workdir / "net.py", _CONNECT)
    res = run_sandboxed([PY, str(script), marker, str(port)], workdir=workdir, limits=Limits(**FAST))
    assert res.status == "ok", res
    assert res.network_isolated is True and "net-namespace" in res.isolation
    assert res.stdout_tail.startswith("failed"), res.stdout_tail
    with pytest.raises(socket.timeout):
        listener.accept()
    assert _processes_with(marker) == []


def test_network_allowed_when_requested(workdir, listener):
    port = listener.getsockname()[1]
    script = _write(workdir / "net.py", _CONNECT)
    res = run_sandboxed([PY, str(script), "x", str(port)], workdir=workdir, limits=Limits(network=True, **FAST))
    assert res.status == "ok", res
    assert res.network_isolated is False and "net-namespace" not in res.isolation
    assert res.stdout_tail.strip() == "connected"
    conn, _ = listener.accept()
    conn.close()


# --------------------------------------------------------------------------- concurrency / fallback / API


def test_concurrent_runs_are_independent(tmp_path):
    codes = {
        "a": "print('A' * 3)",
        "b": "import time; time.sleep(1e9)",
        "c": "import sys; sys.exit(5)",
        "d": "print(sum(range(10)))",
    }
    workdirs = {}
    for name, code in codes.items():
        workdirs[name] = make_workdir(_write(tmp_path / name / "sub.py", code + "\n"), root=tmp_path)
    marker = f"gc-marker-{uuid.uuid4().hex}"

    def go(name):
        wd = workdirs[name]
        return run_sandboxed([PY, "sub.py", marker], workdir=wd, limits=Limits(wall_seconds=2.0))

    with ThreadPoolExecutor(4) as pool:
        results = dict(zip(codes, pool.map(go, codes)))
    assert (results["a"].status, results["a"].stdout_tail) == ("ok", "AAA\n")
    assert results["b"].status == "timeout"
    assert (results["c"].status, results["c"].reason) == ("error", "exited with code 5")
    assert (results["d"].status, results["d"].stdout_tail) == ("ok", "45\n")
    assert _processes_with(marker) == []


@pytest.fixture
def no_isolation(monkeypatch):
    """Pretend the platform has neither namespaces nor cgroups (e.g. unprivileged container)."""
    monkeypatch.setattr(
        sandbox,
        "_caps",
        sandbox._Caps(unshare=None, pidns=False, mount_proc=False, netns=False, cgroup_base=None, cgroup_v2=False),
    )


def test_fallback_without_namespaces_still_kills_escapees(workdir, no_isolation):
    res, _ = run_code(
        """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(1000)
            os._exit(0)
        time.sleep(0.2)
        print("done")
        """,
        workdir,
        **FAST,
    )
    assert (res.status, res.reason) == ("ok", "exited with code 0")
    assert res.network_isolated is False
    assert "pid-namespace" not in res.isolation and "env-marker-sweep" in res.isolation


def test_fallback_timeout(workdir, no_isolation):
    res, _ = run_code("import time\ntime.sleep(1e9)\n", workdir, wall_seconds=1.5)
    assert res.status == "timeout" and res.reason == "killed after 1.5 s wall-clock timeout"


def test_bad_arguments_raise(tmp_path):
    missing = tmp_path / "does-not-exist"
    with pytest.raises(ValueError, match="does-not-exist"):
        run_sandboxed([PY, "-c", "pass"], workdir=missing)
    with pytest.raises(ValueError):
        run_sandboxed([], workdir=tmp_path)
    with pytest.raises(ValueError):
        Limits(wall_seconds=0)
    with pytest.raises(ValueError):
        make_workdir(missing)


def test_make_workdir_copies_file_and_folder(tmp_path):
    f = _write(tmp_path / "sub" / "net.py", "W = 1\n")
    wd = make_workdir(f, root=tmp_path)
    assert wd.parent == tmp_path and (wd / "net.py").read_text() == "W = 1\n"
    (wd / "net.py").write_text("changed")
    assert f.read_text() == "W = 1\n"
    _write(tmp_path / "sub" / "pkg" / "a.py", "x = 2\n")
    wd2 = make_workdir(tmp_path / "sub", root=tmp_path)
    assert (wd2 / "sub" / "pkg" / "a.py").read_text() == "x = 2\n"
    assert wd2 != wd


def test_scrubbed_env_is_minimal(monkeypatch):
    monkeypatch.setenv("GRADCHECK_TEST_SECRET", "nope")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    env = scrubbed_env()
    assert "GRADCHECK_TEST_SECRET" not in env and "PYTHONPATH" not in env
    assert env["LANG"] == env["LC_ALL"] == "C.UTF-8"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["PYTHONHASHSEED"] == "0"
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    env = scrubbed_env({"PYTHONPATH": "/x"}, home="/h")
    assert env["PYTHONPATH"] == "/x" and env["HOME"] == "/h" and env["OPENBLAS_CORETYPE"] == "Haswell"
    monkeypatch.delenv("COVERAGE_PROCESS_CONFIG", raising=False)  # set when the suite runs under coverage
    env = scrubbed_env({"PYTHONPATH": "/x"}, home="/h")
    assert set(env) <= {
        "PATH",
        "LANG",
        "LC_ALL",
        "HOME",
        "TMPDIR",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONHASHSEED",
        "PYTHONUNBUFFERED",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "PYTHONPATH",
    }
