"""The bwrap backend, driven through run_sandboxed: what the program sees, what it can do, what is
left after it. Programs here are small Python scripts written for one property each."""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from sandbox_util import bwrap_or_skip, processes_with

from gradcheck.audit import bwrap, seccomp
from gradcheck.audit.sandbox import Limits, SandboxUnavailable, get_backend, run_sandboxed, scrubbed_env

FAST = Limits(wall_seconds=20, cpu_seconds=20)


@pytest.fixture(scope="module")
def box():
    return bwrap_or_skip()


@pytest.fixture
def workdir(tmp_path):
    w = tmp_path / "work"
    w.mkdir()
    (w / "data.txt").write_text("hello")
    (w / "pkg").mkdir()
    (w / "pkg" / "mod.py").write_text("X = 1\n")
    return w


def py(code: str, workdir, limits=FAST, **kw):
    return run_sandboxed([sys.executable, "-I", "-c", textwrap.dedent(code)], workdir=workdir, limits=limits, **kw)


# ----------------------------------------------------------------------------- what it sees


def test_private_work_dir_with_the_files_and_nothing_else(box, workdir, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "s3cr3t")
    r = py(
        """
        import json, os
        print(json.dumps({"cwd": os.getcwd(), "files": sorted(os.listdir(".")), "sub": os.listdir("pkg"),
                          "data": open("data.txt").read(), "uid": os.getuid(), "gid": os.getgid(),
                          "root": sorted(os.listdir("/")), "tmp": sorted(os.listdir("/tmp")),
                          "env": dict(os.environ), "pid": os.getpid(), "host": os.uname().nodename}))
        """,
        workdir,
    )
    assert r.ok, r.reason + r.stderr_tail
    seen = json.loads(r.stdout_tail)
    assert seen["cwd"] == bwrap.WORKDIR and seen["files"] == ["data.txt", "pkg"] and seen["sub"] == ["mod.py"]
    assert seen["data"] == "hello"
    assert seen["uid"] == seen["gid"] == bwrap.SANDBOX_UID
    assert set(seen["root"]) <= {
        "bin",
        "dev",
        "etc",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "proc",
        "sbin",
        "tmp",
        "usr",
        *{Path(p).parts[1] for p in bwrap.View.of_this_interpreter().paths()},
    }
    assert "work" in seen["tmp"]
    assert "GRADER_SECRET" not in seen["env"] and "s3cr3t" not in r.stdout_tail
    assert set(seen["env"]) <= set(scrubbed_env()) | {"PWD"}
    assert seen["env"]["HOME"] == bwrap.WORKDIR and seen["pid"] == 1 and seen["host"] == "localhost"
    assert r.network_isolated and "seccomp" in r.isolation and r.backend == "bwrap"


def test_only_the_workers_modules_of_gradcheck_are_visible(box, workdir):
    r = py(
        """
        import importlib, sys
        sys.path.insert(0, %r)
        out = {}
        for name in ("gradcheck.audit.worker", "gradcheck.audit.adapters", "gradcheck.check",
                     "gradcheck.audit.grade", "gradcheck.report.audit", "reference_nets.mlp", "gradcheck.diagnose"):
            try:
                importlib.import_module(name)
                out[name] = True
            except ImportError:
                out[name] = False
        print(out)
        """.replace("%r", repr(str(Path(bwrap.__file__).resolve().parents[2]))),
        workdir,
    )
    seen = eval(r.stdout_tail)  # noqa: S307 - our own program's repr
    assert seen["gradcheck.audit.worker"] and seen["gradcheck.audit.adapters"]
    assert not any(
        seen[k]
        for k in (
            "gradcheck.check",
            "gradcheck.audit.grade",
            "gradcheck.report.audit",
            "reference_nets.mlp",
            "gradcheck.diagnose",
        )
    )


def test_the_package_folder_inside_holds_exactly_the_workers_files(box, workdir):
    """The worker's modules are shown as one folder (a copy): the same files at the same paths, nothing more."""
    pkg = str(Path(bwrap.__file__).resolve().parents[1])
    r = py(f"import os; print(sorted(os.path.join(d, f) for d, _, fs in os.walk({pkg!r}) for f in fs))", workdir)
    seen = eval(r.stdout_tail)  # noqa: S307 - our own program's repr
    files, _ = bwrap._worker_files()
    assert "worker.py" in {Path(f).name for f in seen}
    assert set(seen) == {f for f in files if f.startswith(pkg + "/")}
    for copy, folder in bwrap.View.of_this_interpreter().staged:  # the copy itself is not in the sandbox
        assert folder == pkg and not py(f"import os; print(os.path.exists({copy!r}))", workdir).stdout_tail.startswith(
            "True"
        )


def test_everything_but_tmp_is_read_only(box, workdir):
    import site

    targets = [
        "/x",
        "/usr/x",
        "/etc/x",
        "/dev/shm/x",
        site.getsitepackages()[0] + "/x.pth",
        str(Path(bwrap.__file__).with_name("x.py")),
        "/tmp/ok",
        "ok",
    ]
    knobs = ["/proc/sys/kernel/hostname", "/proc/sys/vm/drop_caches", "/proc/sys/kernel/panic", "/proc/sysrq-trigger"]
    r = py(
        f"""
        import os
        for t in {targets!r}:
            try:
                with open(t, "w") as fh:
                    fh.write("x")
                print(t, "written")
            except OSError as exc:
                print(t, exc.strerror)
        for t in {knobs!r}:  # opened for writing, never written
            try:
                os.close(os.open(t, os.O_WRONLY))
                print(t, "written")
            except OSError as exc:
                print(t, exc.strerror)
        """,
        workdir,
    )
    lines = dict(
        line.rsplit(" ", 1) if line.endswith("written") else line.split(" ", 1) for line in r.stdout_tail.splitlines()
    )
    assert lines.pop("/tmp/ok") == "written" and lines.pop("ok") == "written"
    assert not any(v == "written" for v in lines.values()), lines
    assert not (Path(bwrap.__file__).with_name("x.py")).exists()


# ----------------------------------------------------------------------------- the way out


def _syscall_numbers() -> dict[str, int]:
    import pyseccomp

    out = {}
    for name in seccomp.DENIED:
        nr = pyseccomp.resolve_syscall(pyseccomp.Arch.NATIVE, name)
        if nr >= 0:
            out[name] = nr
    return out


SYSCALL_PROBE = """
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
out = {}
for name, nr in json.loads(sys.stdin.read()).items():
    if name in ("reboot", "kexec_load", "kexec_file_load", "swapoff", "acct", "vhangup", "delete_module",
                "settimeofday", "clock_settime", "adjtimex", "clock_adjtime"):
        args = (0, 0, 0, 0, 0)  # never anything that would act if it were allowed
    else:
        args = (0xFFFFFFFF, 0, 0, 0, 0)
    if name in ("reboot", "kexec_load", "kexec_file_load", "delete_module") and os.getuid() == 0:
        out[name] = "skipped as root"
        continue
    ctypes.set_errno(0)
    res = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    out[name] = "ok" if res >= 0 else os.strerror(ctypes.get_errno())
print(json.dumps(out))
"""


def test_every_denied_system_call_fails_with_eperm(box, workdir):
    numbers = _syscall_numbers()
    assert {"setns", "mount", "umount2", "ptrace", "unshare", "pivot_root", "keyctl", "bpf", "perf_event_open"} <= set(
        numbers
    )
    r = run_sandboxed(
        [sys.executable, "-I", "-c", SYSCALL_PROBE], workdir=workdir, limits=FAST, stdin=json.dumps(numbers)
    )
    got = json.loads(r.stdout_tail)
    assert got == {name: os.strerror(errno.EPERM) for name in numbers}


def test_the_filter_is_what_denies_them(workdir):
    """Control: without the sandbox (the grader's own user), several of them do not fail with EPERM."""
    numbers = {k: v for k, v in _syscall_numbers().items() if k in ("personality", "keyctl", "bpf", "kcmp")}
    r = run_sandboxed(
        [sys.executable, "-I", "-c", SYSCALL_PROBE],
        workdir=workdir,
        limits=FAST,
        backend="none",
        stdin=json.dumps(numbers),
    )
    got = json.loads(r.stdout_tail)
    assert sum(v != os.strerror(errno.EPERM) for v in got.values()) >= 2, got


def test_new_namespaces_and_clone_flags_are_refused(box, workdir):
    r = py(
        """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        for flag in (0x10000000, 0x00020000, 0x40000000, 0x20000000):
            print(libc.unshare(flag), os.strerror(ctypes.get_errno()))
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        print("fork", os.waitpid(pid, 0)[1] >> 8)
        """,
        workdir,
    )
    lines = r.stdout_tail.splitlines()
    assert lines[:4] == ["-1 Operation not permitted"] * 4
    assert lines[4] == "fork 7"


def test_network_is_cut(box, workdir):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    try:
        r = py(
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2)
                print("connected")
            except OSError as exc:
                print("refused", exc.errno)
            """,
            workdir,
        )
        assert r.stdout_tail.startswith("refused"), r.stdout_tail
        srv.settimeout(0.1)
        with pytest.raises(OSError):
            srv.accept()
    finally:
        srv.close()


# ----------------------------------------------------------------------------- limits and leftovers


def test_timeout_kills_every_process_of_the_run(box, workdir):
    token = uuid.uuid4().hex
    r = py(
        f"""
        import os, time
        for _ in range(3):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execvp("sleep", ["sleep", "300", "{token}"])
                os._exit(0)
        time.sleep(300)
        """,
        workdir,
        limits=Limits(wall_seconds=2),
    )
    assert r.status == "timeout" and "wall-clock" in r.reason
    assert processes_with(token) == []


def test_background_process_dies_with_a_normal_exit(box, workdir):
    token = uuid.uuid4().hex
    r = py(
        f"""
        import os
        if os.fork() == 0:
            os.setsid()
            os.execvp("sleep", ["sleep", "300", "{token}"])
        print("bye")
        """,
        workdir,
    )
    assert r.ok and r.clean
    time.sleep(0.2)
    assert processes_with(token) == []


def test_process_cap(box, workdir):
    r = py(
        """
        import os, time
        n = 0
        try:
            for _ in range(500):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                n += 1
        except OSError as exc:
            print(n, exc.errno)
        """,
        workdir,
        limits=Limits(wall_seconds=20, processes=16),
    )
    n, err = map(int, r.stdout_tail.split())
    assert err == errno.EAGAIN and 8 <= n <= 16


def test_file_size_and_disk_caps(box, workdir):
    r = py(
        """
        import os
        for name in ("a", "b", "c", "d"):
            try:
                with open("/tmp/" + name, "wb") as fh:
                    for _ in range(12):
                        fh.write(b"x" * 1024**2)
                        fh.flush()
                print(name, os.path.getsize("/tmp/" + name))
            except OSError as exc:
                print(name, exc.strerror)
        """,
        workdir,
        limits=Limits(wall_seconds=20, file_bytes=8 * 1024**2, disk_bytes=20 * 1024**2),
    )
    lines = r.stdout_tail.splitlines()
    assert lines[0] == "a File too large"
    assert "No space left on device" in r.stdout_tail


def test_memory_and_open_file_limits(box, workdir):
    r = py("x = bytearray(600 * 1024**2)", workdir, limits=Limits(wall_seconds=20, memory_bytes=256 * 1024**2))
    assert r.status == "error" and "memory limit" in r.reason
    r = py("fs = [open('/dev/null') for _ in range(100)]", workdir, limits=Limits(wall_seconds=20, open_files=32))
    assert r.status == "error" and "open files" in r.reason


def test_cpu_limit_ends_a_busy_loop(box, workdir):
    r = py("while True: pass", workdir, limits=Limits(wall_seconds=20, cpu_seconds=1))
    assert r.status == "error" and r.returncode == -9 and "CPU" in r.reason and r.elapsed < 10


def test_stdin_and_the_result_channel(box, workdir):
    r = py(
        """
        import json, os, sys
        req = json.loads(sys.stdin.read())
        os.write(req["fd"], json.dumps({"got": req["x"]}).encode())
        """,
        workdir,
        stdin=lambda fd: json.dumps({"fd": fd, "x": 42}).encode(),
    )
    assert r.ok and json.loads(r.channel) == {"got": 42}
    assert "channel" not in r.to_dict()


def test_concurrent_runs_do_not_see_each_other(box, tmp_path):
    results = {}

    def one(name):
        w = tmp_path / name
        w.mkdir()
        (w / "me.txt").write_text(name)
        results[name] = py("import os; print(open('me.txt').read(), sorted(os.listdir('/proc')))", w)

    threads = [threading.Thread(target=one, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, r in results.items():
        assert r.stdout_tail.startswith(name)
        pids = [x for x in eval(r.stdout_tail.split(" ", 1)[1]) if x.isdigit()]  # noqa: S307
        assert pids == ["1"], pids


# ----------------------------------------------------------------------------- choosing the backend


def test_missing_bwrap_names_the_install_command(monkeypatch):
    monkeypatch.setattr(bwrap.shutil, "which", lambda *a, **k: None)
    monkeypatch.setattr(bwrap, "detect", bwrap.detect.__wrapped__)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap.*--sandbox container"):
        get_backend("bwrap")


def test_missing_seccomp_bindings_name_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyseccomp", None)
    monkeypatch.setattr(seccomp, "compiled_filter", seccomp.compiled_filter.__wrapped__)
    with pytest.raises(seccomp.SeccompUnavailable, match="pip install 'gradcheck\\[sandbox\\]'"):
        seccomp.compiled_filter()


class _FailingImport:
    """A meta-path finder whose import of ``pyseccomp`` raises ``error`` (as a broken dependency would)."""

    def __init__(self, error: Exception):
        self.error = error

    def find_spec(self, name, path=None, target=None):
        if name == "pyseccomp":
            raise self.error
        return None


@pytest.mark.parametrize(
    "error, words",
    [
        (ImportError("cannot import name 'CDLL' from partially initialized module 'ctypes'"), "failed to import in"),
        (ModuleNotFoundError("No module named '_ctypes'", name="_ctypes"), "failed to import in"),
        (RuntimeError("Unable to find libseccomp"), "libseccomp cannot be loaded (Unable to find libseccomp)"),
        (OSError("libseccomp.so.2: cannot open shared object file"), "apt-get install libseccomp2"),
    ],
)
def test_a_broken_seccomp_import_is_quoted_not_called_missing(monkeypatch, error, words):
    """Only a missing pyseccomp is told to install it; any other failure says what failed, and where."""
    monkeypatch.delitem(sys.modules, "pyseccomp", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_FailingImport(error), *sys.meta_path])
    monkeypatch.setattr(seccomp, "compiled_filter", seccomp.compiled_filter.__wrapped__)
    with pytest.raises(seccomp.SeccompUnavailable) as info:
        seccomp.compiled_filter()
    message = str(info.value)
    assert words in message and str(error) in message and "pip install" not in message, message
    if isinstance(error, ImportError):
        assert sys.executable in message


def test_missing_seccomp_bindings_name_the_interpreter(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyseccomp", None)
    monkeypatch.setattr(seccomp, "compiled_filter", seccomp.compiled_filter.__wrapped__)
    with pytest.raises(seccomp.SeccompUnavailable, match=f"{re.escape(sys.executable)} has none"):
        seccomp.compiled_filter()


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown sandbox backend 'docker': choose one of bwrap, container, none"):
        get_backend("docker")


def test_bad_arguments(box, workdir):
    with pytest.raises(ValueError, match="argv must be a non-empty list"):
        run_sandboxed("python", workdir=workdir)
    with pytest.raises(TypeError, match="limits must be a Limits"):
        run_sandboxed(["true"], workdir=workdir, limits={"wall_seconds": 1})
    with pytest.raises(ValueError, match="workdir does not exist"):
        run_sandboxed(["true"], workdir=workdir / "missing")
    with pytest.raises(TypeError, match="environment entries must be str"):
        run_sandboxed(["true"], workdir=workdir, env={"A": 1})
    with pytest.raises(ValueError, match="Limits.disk_bytes must be a positive int"):
        Limits(disk_bytes=0)


def test_unprivileged_launch(box, workdir):
    """Where the interpreter is reachable by any user, bwrap starts as uid 65534 and RLIMIT_NPROC caps it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to start bwrap as another user")
    view = bwrap.View(system=box.view.system, python=(), worker_files=(), hidden=())
    unpriv = bwrap.BwrapBackend("unprivileged", view, box.bwrap)
    code = textwrap.dedent(
        """
        import os, time
        n = 0
        try:
            while n < 100:
                if os.fork() == 0:
                    time.sleep(20)
                    os._exit(0)
                n += 1
        except OSError:
            pass
        print(os.getuid(), n)
        """
    )
    r = run_sandboxed(
        ["/usr/bin/python3", "-I", "-c", code],
        workdir=workdir,
        limits=Limits(wall_seconds=20, processes=12),
        backend=unpriv,
    )
    if not r.ok and "Permission denied" in r.stderr_tail + r.reason:
        pytest.skip("unprivileged user namespaces are not allowed here")
    uid, n = map(int, r.stdout_tail.split())
    assert uid == bwrap.SANDBOX_UID and n <= 12 and "unprivileged-user" in r.isolation


def test_probe_failure_says_what_to_do(monkeypatch, box):
    from gradcheck.audit.sandbox import probe

    broken = bwrap.BwrapBackend(box.mode, box.view, "/bin/false", box.cgroup_base)
    with pytest.raises(SandboxUnavailable, match="bubblewrap cannot create its sandbox here.*--sandbox container"):
        probe(broken)


def test_seccomp_filter_fd_holds_the_program():
    fd = seccomp.filter_fd()
    try:
        data = os.read(fd, 1 << 16)
    finally:
        os.close(fd)
    assert data == seccomp.compiled_filter() and len(data) % 8 == 0 and len(data) // 8 > len(seccomp.DENIED)


# ----------------------------------------------------------------------------- the command line

HONEST = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "inplace_correct.py"


def test_cli_names_the_missing_backend_and_exits_2(monkeypatch, tmp_path, capsys):
    from gradcheck.cli import main

    def unavailable():
        raise SandboxUnavailable(bwrap.INSTALL_HINT)

    monkeypatch.setattr(bwrap, "detect", unavailable)
    assert main(["audit", str(HONEST), "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--sandbox bwrap: bubblewrap (bwrap) is not installed: apt-get install bubblewrap" in err
    assert "Traceback" not in err


def test_cli_sandbox_none_is_honoured(tmp_path, capsys):
    from gradcheck.cli import main

    assert main(["audit", str(HONEST), "--sandbox", "none", "--format", "json", "--output", str(tmp_path)]) == 0
    got = json.loads(capsys.readouterr().out)["submissions"][0]
    assert got["status"] == "pass" and got["isolation"][0] == "none" and got["network_isolated"] is False


def test_the_gradescope_template_chooses_the_container_backend():
    from gradcheck.audit.gradescope import RUN_AUTOGRADER

    assert '--sandbox "${GRADCHECK_SANDBOX:-container}"' in RUN_AUTOGRADER


def test_folders_made_for_binds_under_tmp_are_read_only(box, tmp_path, workdir):
    """A checkout or venv in /tmp: the folders bwrap makes to hold its binds are not writable inside."""
    pkg = tmp_path / "checkout" / "gradcheck" / "audit"
    pkg.mkdir(parents=True)
    (pkg / "worker.py").write_text("X = 1\n")
    view = bwrap.View(
        box.view.system, box.view.python, (*box.view.worker_files, str(pkg / "worker.py")), box.view.hidden
    )
    top = "/tmp/" + str(pkg).split("/")[2]
    assert ["--tmpfs", top] == view.ops()[view.ops().index(top) - 1 : view.ops().index(top) + 1]
    sealed = bwrap.BwrapBackend(box.mode, view, box.bwrap, box.cgroup_base)
    targets = (str(pkg / "x.py"), top + "/x")
    code = textwrap.dedent(
        f"""
        for t in {targets!r}:
            try:
                open(t, "w")
                print("written")
            except OSError as exc:
                print(exc.strerror)
        print(open({str(pkg / "worker.py")!r}).read().strip())
        """
    )
    r = run_sandboxed([sys.executable, "-I", "-c", code], workdir=workdir, limits=FAST, backend=sealed)
    assert r.stdout_tail.splitlines() == ["Read-only file system", "Read-only file system", "X = 1"], r.stderr_tail


def test_the_grader_imports_nothing_after_the_preload(tmp_path):
    """Every module the grader uses is imported before the first submission runs (report modules too)."""
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from gradcheck.audit import batch
        from gradcheck.audit.spec import AuditSpec
        batch.preload()
        ours = lambda: {{m for m in sys.modules if m.startswith(("gradcheck", "reference_nets"))}}
        before = ours()
        report = batch.audit_batch([Path({str(HONEST)!r})], AuditSpec(), folder=Path({str(tmp_path)!r}), backend="none")
        from gradcheck.audit.cli import render_all
        render_all(report, AuditSpec())
        print(sorted(ours() - before))
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
