"""The container and none backends (no namespaces): an unprivileged uid of its own per run, rlimits,
everything of that uid killed afterwards; or no isolation at all. The programs run with the system's
/usr/bin/python3, which every user can execute (the test interpreter may live under /root)."""

from __future__ import annotations

import os
import signal
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from sandbox_util import processes_with

from gradcheck.audit import container
from gradcheck.audit.container import ContainerBackend, NoneBackend
from gradcheck.audit.sandbox import Limits, SandboxUnavailable, get_backend, run_sandboxed

PY = "/usr/bin/python3"
LIMITS = Limits(wall_seconds=20, cpu_seconds=20)
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.access(PY, os.X_OK), reason="needs root and /usr/bin/python3"
)


def run(code: str, workdir, limits=LIMITS, backend=None, **kw):
    return run_sandboxed(
        [PY, "-I", "-c", textwrap.dedent(code)],
        workdir=workdir,
        limits=limits,
        backend=backend or ContainerBackend(),
        **kw,
    )


@pytest.fixture
def workdir(tmp_path):
    w = tmp_path / "w"
    w.mkdir()
    (w / "mine.txt").write_text("mine")
    return w


def test_runs_as_an_unprivileged_uid_of_its_own(workdir):
    r = run(
        """
        import os
        print(os.getuid(), os.getgid(), os.getgroups(), open("mine.txt").read(), oct(os.stat(".").st_mode & 0o777))
        for p in ("/root", "/etc/shadow"):
            try:
                os.listdir(p) if p == "/root" else open(p).read()
                print("READ", p)
            except OSError as exc:
                print(p, exc.strerror)
        """,
        workdir,
    )
    first, *rest = r.stdout_tail.splitlines()
    uid, gid, groups, text, mode = first.split(" ", 4)
    assert container.UID_BASE <= int(uid) < container.UID_BASE + container.UID_POOL and gid == uid
    assert groups == "[]" and text == "mine" and mode == "0o700"
    assert not any(line.startswith("READ") for line in rest), rest
    assert r.isolation[:2] == ("container", "unprivileged-user") and not r.network_isolated


def test_escaped_processes_and_left_files_are_removed(workdir):
    token = uuid.uuid4().hex
    r = run(
        f"""
        import os
        open("/tmp/gradcheck-left-{token}", "w").write("x")
        if os.fork() == 0:
            os.setsid()
            os.execvp("sleep", ["sleep", "300", "{token}"])
        """,
        workdir,
    )
    assert r.ok and r.clean
    time.sleep(0.1)
    assert processes_with(token) == []
    assert not Path(f"/tmp/gradcheck-left-{token}").exists()


def test_what_a_run_leaves_for_the_next_is_removed_and_the_next_gets_another_uid(workdir):
    # a lock-folder file and System V shared memory, semaphores and a message queue outlive a process: a later
    # submission of the batch could read what an earlier one left there (a message, a poisoned value)
    token = uuid.uuid4().hex
    r = run(
        f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        open("/run/lock/gradcheck-left-{token}", "w").write("left by the first")
        ids = [libc.shmget(0x6763, 4096, 0o1666), libc.semget(0x6764, 1, 0o1666), libc.msgget(0x6765, 0o1666)]
        print(os.getuid(), *ids)
        """,
        workdir,
    )
    assert r.ok, r.stderr_tail
    uid, *ids = map(int, r.stdout_tail.split())
    assert all(i >= 0 for i in ids), ids  # each was made
    assert not Path(f"/run/lock/gradcheck-left-{token}").exists()
    for table in ("shm", "sem", "msg"):
        rows = Path(f"/proc/sysvipc/{table}").read_text().splitlines()
        header = rows[0].split()
        owners = [header.index("uid"), header.index("cuid")]
        assert not [row for row in rows[1:] if any(int(row.split()[i]) == uid for i in owners)], table
    again = run("import os; print(os.getuid())", workdir)
    assert int(again.stdout_tail) != uid  # one run after another: another uid


def test_timeout_kills_the_session_and_the_escapees(workdir):
    token = uuid.uuid4().hex
    r = run(
        f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            os.execvp("sleep", ["sleep", "300", "{token}"])
        time.sleep(300)
        """,
        workdir,
        limits=Limits(wall_seconds=1.5),
    )
    assert r.status == "timeout"
    assert processes_with(token) == []


def test_process_cap_counts_the_runs_uid(workdir):
    r = run(
        """
        import os, time
        n = 0
        try:
            while n < 200:
                if os.fork() == 0:
                    time.sleep(20)
                    os._exit(0)
                n += 1
        except OSError:
            pass
        print(n)
        """,
        workdir,
        limits=Limits(wall_seconds=20, processes=10),
    )
    assert int(r.stdout_tail) <= 10


def test_run_as_a_named_user(workdir):
    r = run("import os; print(os.getuid())", workdir, limits=Limits(wall_seconds=20, run_as="nobody"))
    assert int(r.stdout_tail) == 65534
    with pytest.raises(ValueError, match="Limits.run_as: unknown user 'no-such-user-xyz'"):
        run("pass", workdir, limits=Limits(run_as="no-such-user-xyz"))
    with pytest.raises(ValueError, match="must be an unprivileged user, not root"):
        run("pass", workdir, limits=Limits(run_as="root"))


def test_the_uid_pool_gives_each_concurrent_run_its_own(workdir):
    b = ContainerBackend()
    a1, _, _ = b._take_uid(LIMITS)
    a2, _, _ = b._take_uid(LIMITS)
    try:
        assert a1 != a2
    finally:
        ContainerBackend._taken.difference_update({a1, a2})


def test_get_refuses_an_interpreter_other_users_cannot_run(monkeypatch):
    from gradcheck.audit import bwrap

    monkeypatch.setattr(bwrap, "_reachable", lambda path: False)
    with pytest.raises(SandboxUnavailable, match="cannot be run by an unprivileged user.*--sandbox bwrap"):
        get_backend("container")


def test_get_refuses_a_grader_that_is_not_root(monkeypatch):
    monkeypatch.setattr(container.os, "geteuid", lambda: 1000)
    with pytest.raises(SandboxUnavailable, match="must be started as root"):
        ContainerBackend.get()


# ----------------------------------------------------------------------------- none


def test_none_runs_as_the_grader_with_the_limits(workdir):
    r = run(
        "import os, resource; print(os.getuid(), resource.getrlimit(resource.RLIMIT_NOFILE)[0])",
        workdir,
        limits=Limits(wall_seconds=20, open_files=77),
        backend=NoneBackend(),
    )
    assert r.stdout_tail.split() == [str(os.getuid()), "77"] and r.isolation[0] == "none"


@pytest.mark.parametrize(
    ("sig", "words"),
    [
        (signal.SIGSEGV, "SIGSEGV (segmentation fault"),
        (signal.SIGABRT, "SIGABRT (aborted"),
        (signal.SIGXFSZ, "SIGXFSZ: output exceeded"),
        (signal.SIGXCPU, "SIGXCPU: CPU limit"),
        (signal.SIGUSR1, "killed by SIGUSR1"),
        (signal.SIGKILL, "killed by SIGKILL (e.g. by the out-of-memory killer)"),
    ],
)
def test_signals_are_named(workdir, sig, words):
    reset = f"signal.signal({int(sig)}, signal.SIG_DFL)" if sig != signal.SIGKILL else "0"
    r = run(
        f"import os, signal; {reset}; os.kill(os.getpid(), {int(sig)})",
        workdir,
        backend=NoneBackend(),
    )
    assert r.status == "error" and r.returncode == -int(sig) and words in r.reason


def test_exit_code_exception_and_output_cap(workdir):
    r = run("raise ValueError('boom')", workdir, backend=NoneBackend())
    assert r.returncode == 1 and "ValueError: boom" in r.reason
    r = run(
        "import sys; sys.stdout.write('x' * 5_000_000)",
        workdir,
        backend=NoneBackend(),
        limits=Limits(wall_seconds=20, file_bytes=1_000_000, output_bytes=100),
    )
    assert r.stdout_bytes <= 1_000_000 and "earlier bytes not shown" in r.stdout_tail
    r = run("import sys; sys.exit(0)", workdir, backend=NoneBackend(), stdin="ignored")
    assert r.ok and r.reason == "exited with code 0"


def test_a_program_that_cannot_start(workdir):
    r = run_sandboxed([str(workdir / "missing-program")], workdir=workdir, backend=NoneBackend())
    assert r.status == "error" and r.returncode != 0
    assert "missing-program" in r.stderr_tail


def test_none_is_only_chosen_by_name():
    import inspect

    assert get_backend("none").name == "none"
    assert inspect.signature(run_sandboxed).parameters["backend"].default == "bwrap"
