"""Sandboxed subprocess runner for untrusted student code.

Every submission runs in its own child process; nothing the child does can
raise in, hang, or otherwise take down the auditing process. :func:`run_sandboxed`
runs an arbitrary ``argv`` and reports what happened as a :class:`SandboxResult`.

Layers (each used when the platform allows it, detected once and cached; the
layers that were actually in effect are reported in ``SandboxResult.isolation``):

``rlimits``
    RLIMIT_CPU (soft = limit -> SIGXCPU, hard = limit + 1 -> SIGKILL), RLIMIT_AS,
    RLIMIT_FSIZE (also caps the captured stdout/stderr files), RLIMIT_NOFILE and
    RLIMIT_CORE = 0. Applied in the child only, never in the grader.
``session``
    The child runs in a new session / process group, killed with ``killpg`` at
    the wall-clock timeout and again after every run (background leftovers).
``pid-namespace`` (+ ``private-proc``)
    Via the util-linux ``unshare`` binary (Python 3.11 has no ``os.unshare``):
    ``unshare --pid --fork --kill-child --mount-proc``. A tiny supervisor
    ("init", our own code) is PID 1 of the namespace and the student program runs
    as its child. When init exits or is killed, the kernel kills *every* process
    of the namespace, including ``setsid()``/double-fork escapees. With a private
    ``/proc`` the child cannot see (nor read the environment of) the grader.
``net-namespace``
    ``unshare --net`` when ``Limits.network`` is False: the child only has a
    loopback interface that is down, so every connection (even to 127.0.0.1 of
    the host) fails. ``SandboxResult.network_isolated`` says whether this happened.
``cgroup-pids``
    A per-run pids cgroup (v1 ``/sys/fs/cgroup/pids`` or v2 if delegated) with
    ``pids.max = Limits.processes + 1``: caps processes *and threads* (fork bombs),
    even for root, for whom RLIMIT_NPROC is not enforced. Every process left in
    it is SIGKILLed at the end, and the directory is removed.
``rlimit-nproc``
    Fallback process cap when no pids cgroup is usable and the child is not root.
``env-scrubbed``
    The child gets a minimal environment (:func:`scrubbed_env`) unless the caller
    passes ``env`` explicitly.
``uid-drop``
    Only if ``Limits.run_as`` names a user: the child runs as that user and the
    workdir is chowned to it.
``env-marker-sweep``
    Fallback when neither a pid namespace nor a cgroup is available: after the
    run, processes whose environment carries this run's unique marker are killed.

What is *not* prevented (be honest): unless ``Limits.run_as`` is set, the child
runs as root (the grader's user) with full capabilities. It can read, rewrite or
delete any file the grader can (file permissions do not stop root), write several
files of up to ``file_bytes`` each (the size cap is per file, not per run), and as
root it could in principle leave the cgroup or undo the namespaces' restrictions
(the pid namespace still kills everything it spawned). What *is* guaranteed: the
cwd is a private temp workdir, the grader's environment is not passed on and (with
the private /proc) cannot be read, resources are capped, the network is cut where
namespaces work, and no process of the run survives :func:`run_sandboxed`.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Limits",
    "SandboxResult",
    "run_sandboxed",
    "make_workdir",
    "scrubbed_env",
    "available_isolation",
    "MARKER_ENV",
]

#: Environment variable carrying a unique per-run marker (used for leftover sweeps).
MARKER_ENV = "GRADCHECK_SANDBOX_RUN"

# OPENBLAS_*: set on some machines because older OpenBLAS kernels compute wrong
# results there. COVERAGE_PROCESS_CONFIG: only present when the grader itself runs
# under coverage.py with ``patch = subprocess`` (the project's own test suite), so
# the worker's code is measured too; it carries coverage settings, no secrets.
_PRESERVED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "COVERAGE_PROCESS_CONFIG")


# --------------------------------------------------------------------------- API types


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run."""

    wall_seconds: float = 30.0  # wall-clock timeout, then SIGKILL of everything
    cpu_seconds: int = 30  # RLIMIT_CPU (soft; hard = soft + 1)
    memory_bytes: int = 2 * 1024**3  # RLIMIT_AS
    file_bytes: int = 64 * 1024**2  # RLIMIT_FSIZE (also caps captured stdout/stderr)
    open_files: int = 256  # RLIMIT_NOFILE
    processes: int = 64  # max processes + threads (pids cgroup / RLIMIT_NPROC)
    output_bytes: int = 1024**2  # how much of stdout/stderr is read back (tail)
    network: bool = False  # False: cut the network where the platform allows
    run_as: str | int | None = None  # optional unprivileged user (name or uid) for the child

    def __post_init__(self) -> None:
        if not self.wall_seconds > 0:
            raise ValueError(f"Limits.wall_seconds must be > 0, got {self.wall_seconds!r}")
        for name in ("cpu_seconds", "memory_bytes", "file_bytes", "open_files", "processes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")
        if not isinstance(self.output_bytes, int) or self.output_bytes < 0:
            raise ValueError(f"Limits.output_bytes must be an int >= 0, got {self.output_bytes!r}")


@dataclass(frozen=True)
class SandboxResult:
    """What happened to one sandboxed run. Never raised, always returned."""

    status: str  # 'ok' (exit 0), 'error' (non-zero exit, signal, limit), 'timeout'
    returncode: int | None  # exit code, or -signal number, or None if unknown
    reason: str  # one human sentence
    stdout_tail: str
    stderr_tail: str
    elapsed: float
    network_isolated: bool
    isolation: tuple[str, ...] = ()
    stdout_bytes: int = 0  # total size of the captured stdout (before tailing)
    stderr_bytes: int = 0
    cpu_seconds: float | None = None  # user+sys CPU of the main child, if known
    max_rss_bytes: int | None = None  # peak RSS of the main child, if known

    @property
    def ok(self) -> bool:
        """The child exited 0 within its limits."""
        return self.status == "ok"

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        d = dataclasses.asdict(self)
        d["isolation"] = list(self.isolation)
        return d


# --------------------------------------------------------------------------- helpers


def _fmt_bytes(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            v = n / size
            return f"{v:.1f} {unit}" if v < 10 else f"{v:.0f} {unit}"
    return f"{n} B"


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def _default_path() -> str:
    dirs = [os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]
    seen: list[str] = []
    for d in dirs:
        if d and d not in seen:
            seen.append(d)
    return os.pathsep.join(seen)


def scrubbed_env(extra: Mapping[str, str] | None = None, *, home: str | os.PathLike | None = None) -> dict:
    """A minimal environment for the child; nothing else of the grader leaks.

    Contains PATH (the grader's interpreter directory first, then system dirs),
    LANG/LC_ALL=C.UTF-8, HOME (and TMPDIR) = ``home`` or the system temp dir,
    PYTHONDONTWRITEBYTECODE, PYTHONHASHSEED=0, single-threaded BLAS/OpenMP, and
    OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE if the grader has them. PYTHONPATH only
    if given in ``extra``. ``extra`` is applied last (its values must be str).
    """
    home_s = str(home) if home is not None else tempfile.gettempdir()
    env = {
        "PATH": _default_path(),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": home_s,
        "TMPDIR": home_s,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for key in _PRESERVED_ENV:
        if key in os.environ:
            env[key] = os.environ[key]
    if extra:
        for key, value in extra.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"environment entries must be str -> str, got {key!r}: {value!r}")
            env[key] = value
    return env


def make_workdir(submission: Path, root: Path | None = None) -> Path:
    """Create a private temp directory holding a COPY of ``submission``.

    A file is copied as ``<workdir>/<name>``; a folder as ``<workdir>/<name>/``
    (symlinks are copied as symlinks, not followed). Returns the workdir; the
    caller removes it (``shutil.rmtree``) when done.
    """
    submission = Path(submission)
    if not submission.exists():
        raise ValueError(f"submission does not exist: {submission}")
    if root is not None and not Path(root).is_dir():
        raise ValueError(f"workdir root is not a directory: {root}")
    workdir = Path(tempfile.mkdtemp(prefix="gradcheck-work-", dir=root))
    target = workdir / submission.name
    try:
        if submission.is_dir():
            shutil.copytree(submission, target, symlinks=True)
        else:
            shutil.copy2(submission, target)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return workdir


# --------------------------------------------------------------------------- the in-sandbox supervisor

# Runs as ``python -I -S -c _INIT <json-config> -- argv...``. In a pid namespace it
# is PID 1: it joins the cgroup, forks the student program (after applying the
# rlimits in the child only), reaps orphans, reports the main child's fate on a
# private pipe and exits; its exit makes the kernel kill the whole namespace.
_INIT = r"""
import os, sys, json, signal, resource
cfg = json.loads(sys.argv[1])
argv = sys.argv[3:]
fd = cfg["status_fd"]
def report(msg):
    try:
        os.write(fd, (msg + "\n").encode())
    except OSError:
        pass
for p in cfg["cgroup_procs"]:
    try:
        with open(p, "w") as f:
            f.write(str(os.getpid()))
        report("cgroup ok")
    except OSError as e:
        report("cgroup fail %s" % (e,))
pidns = cfg["pidns"]
def backstop(signum, frame):
    report("backstop")
    if not pidns:
        try:
            os.killpg(0, signal.SIGKILL)
        except OSError:
            pass
    os._exit(137)
signal.signal(signal.SIGALRM, backstop)
signal.alarm(cfg["backstop"])
os.set_inheritable(fd, False)
pid = os.fork()
if pid == 0:
    stage = "setup"
    try:
        for s in ("SIGPIPE", "SIGXFSZ", "SIGALRM", "SIGINT", "SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, s), signal.SIG_DFL)
        for name, soft, hard in cfg["rlimits"]:
            res = getattr(resource, name)
            cur_soft, cur_hard = resource.getrlimit(res)
            if cur_hard != resource.RLIM_INFINITY:
                hard = min(hard, cur_hard)
                soft = min(soft, hard)
            resource.setrlimit(res, (soft, hard))
        if cfg["uid"] is not None:
            os.setgroups([])
            os.setgid(cfg["gid"])
            os.setuid(cfg["uid"])
        nproc = cfg["nproc"]
        if nproc is not None and os.geteuid() != 0:
            mine = 0
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        if os.stat("/proc/" + d).st_uid == os.geteuid():
                            mine += 1
                    except OSError:
                        pass
            resource.setrlimit(resource.RLIMIT_NPROC, (mine + nproc, mine + nproc))
            report("nproc ok")
        prog = argv[0]
        if "/" not in prog:  # PATH lookup by hand: os.execvp lazily imports modules
            for d in os.environ.get("PATH", "/usr/bin:/bin").split(":"):
                cand = os.path.join(d or ".", prog)
                if os.path.isfile(cand) and os.access(cand, os.X_OK):
                    prog = cand
                    break
        stage = "exec"
        os.execv(prog, argv)
    except BaseException as e:
        if stage == "exec" and isinstance(e, OSError):
            report("execfail %d %s" % (e.errno or 0, e.strerror or e))
        else:
            report("setupfail %s: %s" % (type(e).__name__, e))
    os._exit(127)
while True:
    try:
        wpid, status, ru = os.wait4(-1, 0)
    except ChildProcessError:
        report("lost")
        os._exit(125)
    if wpid != pid:
        continue
    cpu = ru.ru_utime + ru.ru_stime
    rss = ru.ru_maxrss * 1024
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        report("signal %d %.3f %d" % (sig, cpu, rss))
        os._exit(128 + sig)
    code = os.waitstatus_to_exitcode(status)
    report("exit %d %.3f %d" % (code, cpu, rss))
    os._exit(code & 255)
"""


# --------------------------------------------------------------------------- capability detection


@dataclass(frozen=True)
class _Caps:
    unshare: str | None  # path of the unshare binary usable for a pid namespace
    pidns: bool
    mount_proc: bool
    netns: bool
    cgroup_base: str | None  # directory under which per-run pids cgroups can be made
    cgroup_v2: bool


_caps_lock = threading.Lock()
_caps: _Caps | None = None


def _probe_unshare(unshare: str, flags: Sequence[str], check_net: bool) -> bool:
    code = (
        "import os,socket,sys\n"
        "assert os.getpid() == 1\n"
        "if %r:\n"
        "    s = socket.socket(); s.settimeout(1)\n"
        "    try:\n"
        "        s.connect(('127.0.0.1', 9))\n"
        "    except OSError as e:\n"
        "        sys.exit(0 if e.errno in (%d, %d) else 3)\n"
        "    sys.exit(4)\n" % (check_net, errno.ENETUNREACH, errno.EADDRNOTAVAIL)
    )
    try:
        proc = subprocess.run(
            [unshare, *flags, sys.executable, "-I", "-S", "-c", code],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={"PATH": _default_path()},
            cwd="/",
            timeout=10,
            start_new_session=True,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def _own_cgroup_dirs() -> list[tuple[str, bool]]:
    """Candidate (directory, is_v2) places where a pids cgroup could be created."""
    out: list[tuple[str, bool]] = []
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return out
    v1_path = v2_path = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if "pids" in parts[1].split(","):
            v1_path = parts[2]
        elif parts[0] == "0" and parts[1] == "":
            v2_path = parts[2]
    if v1_path is not None:
        for base in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/pids,cpuacct"):
            out.append((os.path.join(base, v1_path.lstrip("/")), False))
            out.append((base, False))
    if v2_path is not None:
        for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
            out.append((os.path.join(base, v2_path.lstrip("/")), True))
    return out


def _probe_cgroup() -> tuple[str | None, bool]:
    for base, v2 in _own_cgroup_dirs():
        if not os.path.isdir(base):
            continue
        probe = os.path.join(base, f"gradcheck-probe-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            os.mkdir(probe)
        except OSError:
            continue
        try:
            with open(os.path.join(probe, "pids.max"), "w") as f:
                f.write("10")
            if os.path.exists(os.path.join(probe, "cgroup.procs")):
                return base, v2
        except OSError:
            pass
        finally:
            try:
                os.rmdir(probe)
            except OSError:
                pass
    return None, False


def _detect() -> _Caps:
    global _caps
    with _caps_lock:
        if _caps is not None:
            return _caps
        unshare = shutil.which("unshare", path=_default_path() + os.pathsep + "/usr/sbin:/sbin")
        pidns = mount_proc = netns = False
        if unshare:
            base = ["--pid", "--fork", "--kill-child"]
            if _probe_unshare(unshare, base + ["--mount-proc", "--net"], True):
                pidns = mount_proc = netns = True
            elif _probe_unshare(unshare, base + ["--mount-proc"], False):
                pidns = mount_proc = True
            elif _probe_unshare(unshare, base, False):
                pidns = True
            if pidns and not netns:
                netns = _probe_unshare(unshare, base + (["--mount-proc"] if mount_proc else []) + ["--net"], True)
        cg_base, cg_v2 = _probe_cgroup()
        _caps = _Caps(
            unshare=unshare if pidns else None,
            pidns=pidns,
            mount_proc=mount_proc,
            netns=netns,
            cgroup_base=cg_base,
            cgroup_v2=cg_v2,
        )
        return _caps


def available_isolation(network: bool = False) -> tuple[str, ...]:
    """The isolation layers this machine supports (detected once, cached)."""
    caps = _detect()
    layers = ["rlimits", "session"]
    if caps.pidns:
        layers.append("pid-namespace")
        if caps.mount_proc:
            layers.append("private-proc")
    if caps.netns and not network:
        layers.append("net-namespace")
    if caps.cgroup_base:
        layers.append("cgroup-pids")
    return tuple(layers)


# --------------------------------------------------------------------------- killing


def _kill_pid(pid: int, cgroup_dir: str | None = None) -> None:
    """SIGKILL ``pid``; with a pidfd re-check cgroup membership first (no pid-reuse race)."""
    pidfd = None
    try:
        if hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal"):
            try:
                pidfd = os.pidfd_open(pid)
            except OSError as e:
                if e.errno == errno.ESRCH:
                    return
                pidfd = None
        if pidfd is not None:
            if cgroup_dir is not None:
                try:
                    cg = Path(f"/proc/{pid}/cgroup").read_text()
                except OSError:
                    return
                rel = os.path.basename(cgroup_dir)
                if rel not in cg:
                    return
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _cgroup_pids(cg: str) -> list[int]:
    try:
        return [int(x) for x in Path(cg, "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _drain_cgroup(cg: str, v2: bool, timeout: float = 5.0) -> bool:
    """Kill everything in the cgroup until it is empty, then remove it."""
    deadline = time.monotonic() + timeout
    kill_file = os.path.join(cg, "cgroup.kill")
    while True:
        pids = _cgroup_pids(cg)
        if not pids:
            try:
                os.rmdir(cg)
                return True
            except FileNotFoundError:
                return True
            except OSError:
                pass  # zombies not yet released
        else:
            if v2 and os.path.exists(kill_file):
                try:
                    with open(kill_file, "w") as f:
                        f.write("1")
                except OSError:
                    pass
            for pid in pids:
                _kill_pid(pid, cg)
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def _sweep_marker(marker: str) -> int:
    """Kill processes whose environment carries ``MARKER_ENV=marker``; return how many."""
    needle = f"{MARKER_ENV}={marker}".encode()
    killed = 0
    me = os.getpid()
    for _ in range(20):
        found = []
        try:
            entries = os.listdir("/proc")
        except OSError:
            return killed
        for d in entries:
            if not d.isdigit() or int(d) == me:
                continue
            try:
                with open(f"/proc/{d}/environ", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if needle in data.split(b"\0"):
                found.append(int(d))
        if not found:
            break
        for pid in found:
            _kill_pid(pid)
            killed += 1
        time.sleep(0.02)
    return killed


# --------------------------------------------------------------------------- output


_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning))\b(:.*)?$")


def _read_tail(path: str, limit: int) -> tuple[str, int]:
    try:
        size = os.path.getsize(path)
    except OSError:
        return "", 0
    if limit <= 0:
        return "", size
    with open(path, "rb") as f:
        if size > limit:
            f.seek(size - limit)
        data = f.read(limit)
    text = data.decode("utf-8", errors="replace")
    if size > limit:
        nl = text.find("\n")
        if 0 <= nl < len(text) - 1:
            text = text[nl + 1 :]
        text = f"[... {size - len(text.encode('utf-8', errors='replace'))} earlier bytes not shown ...]\n" + text
    return text, size


def _last_exception(stderr_tail: str) -> str | None:
    for line in reversed(stderr_tail.strip().splitlines()[-40:]):
        line = line.strip()
        if _EXC_LINE.match(line):
            return line
    return None


# --------------------------------------------------------------------------- the runner


def _resolve_user(run_as: str | int | None) -> tuple[int, int] | None:
    if run_as is None:
        return None
    try:
        pw = pwd.getpwuid(run_as) if isinstance(run_as, int) else pwd.getpwnam(run_as)
    except KeyError:
        raise ValueError(f"Limits.run_as: unknown user {run_as!r}") from None
    return pw.pw_uid, pw.pw_gid


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
            try:
                os.chown(name, uid, gid, follow_symlinks=False)
            except OSError:
                pass


def _open_stdin(stdin: Any, private: str):
    """Return (value for Popen stdin, file to close afterwards or None)."""
    if stdin is None:
        return subprocess.DEVNULL, None
    if isinstance(stdin, (bytes, bytearray, str)):
        data = stdin.encode() if isinstance(stdin, str) else bytes(stdin)
        path = os.path.join(private, "stdin")
        with open(path, "wb") as f:
            f.write(data)
        fobj = open(path, "rb")
        return fobj, fobj
    return stdin, None  # file object, fd, or subprocess.DEVNULL/PIPE-like; caller owns it


def run_sandboxed(
    argv: list[str],
    *,
    workdir: Path,
    limits: Limits = Limits(),
    env: Mapping[str, str] | None = None,
    stdin: Any = None,
) -> SandboxResult:
    """Run ``argv`` in a sandboxed child process with ``cwd=workdir``.

    ``env=None`` gives the child :func:`scrubbed_env` with HOME/TMPDIR = workdir;
    an explicit ``env`` is used as the child's complete environment. ``stdin`` may
    be None (/dev/null), bytes/str (fed to the child), or a file object / fd.

    Never raises because of anything the child does; raises ValueError/TypeError
    only for the caller's own bad arguments (empty argv, missing workdir, ...).
    Safe to call concurrently from several threads.
    """
    # ---- validate the caller's arguments
    if isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence) or len(argv) == 0:
        raise ValueError(f"argv must be a non-empty list of strings, got {argv!r}")
    argv = [os.fspath(a) for a in argv]
    if not all(isinstance(a, str) for a in argv):
        raise TypeError(f"argv entries must be str or path-like, got {argv!r}")
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits instance, got {type(limits).__name__}")
    workdir = Path(workdir)
    if not workdir.is_dir():
        raise ValueError(f"workdir does not exist or is not a directory: {workdir}")
    workdir = workdir.resolve()
    user = _resolve_user(limits.run_as)

    caps = _detect()
    token = uuid.uuid4().hex
    child_env = dict(env) if env is not None else scrubbed_env(home=workdir)
    for k, v in child_env.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"environment entries must be str -> str, got {k!r}: {v!r}")
    child_env.setdefault("HOME", str(workdir))
    child_env[MARKER_ENV] = token

    isolation = ["rlimits", "session"]
    if env is None:
        isolation.append("env-scrubbed")
    private = tempfile.mkdtemp(prefix=f"gradcheck-sbx-{os.getpid()}-")  # outside the workdir
    out_path = os.path.join(private, "stdout")
    err_path = os.path.join(private, "stderr")
    cgroup_dir: str | None = None
    status_r = status_w = -1
    stdin_close = None
    proc: subprocess.Popen | None = None
    start = time.monotonic()
    try:
        # ---- per-run pids cgroup
        if caps.cgroup_base:
            cand = os.path.join(caps.cgroup_base, f"gradcheck-{os.getpid()}-{token[:12]}")
            try:
                os.mkdir(cand)
                cgroup_dir = cand
                with open(os.path.join(cand, "pids.max"), "w") as f:
                    f.write(str(limits.processes + 1))  # +1 for the supervisor
            except OSError:
                if cgroup_dir:
                    _drain_cgroup(cgroup_dir, caps.cgroup_v2, timeout=1)
                cgroup_dir = None

        if user is not None:
            _chown_tree(workdir, *user)
            isolation.append("uid-drop")

        use_pidns = caps.pidns
        use_netns = caps.netns and not limits.network
        cmd: list[str] = []
        if use_pidns:
            cmd += [caps.unshare, "--pid", "--fork", "--kill-child"]  # type: ignore[list-item]
            isolation.append("pid-namespace")
            if caps.mount_proc:
                cmd.append("--mount-proc")
                isolation.append("private-proc")
            if use_netns:
                cmd.append("--net")
                isolation.append("net-namespace")

        status_r, status_w = os.pipe()
        rlimits = [
            ("RLIMIT_CPU", limits.cpu_seconds, limits.cpu_seconds + 1),
            ("RLIMIT_AS", limits.memory_bytes, limits.memory_bytes),
            ("RLIMIT_FSIZE", limits.file_bytes, limits.file_bytes),
            ("RLIMIT_NOFILE", limits.open_files, limits.open_files),
            ("RLIMIT_CORE", 0, 0),
        ]
        cfg = {
            "status_fd": status_w,
            "cgroup_procs": [os.path.join(cgroup_dir, "cgroup.procs")] if cgroup_dir else [],
            "pidns": use_pidns,
            "backstop": int(limits.wall_seconds) + 5,
            "rlimits": rlimits,
            "uid": user[0] if user else None,
            "gid": user[1] if user else None,
            "nproc": None if cgroup_dir else limits.processes,
        }
        cmd += [sys.executable, "-I", "-S", "-c", _INIT, json.dumps(cfg), "--", *argv]

        stdin_arg, stdin_close = _open_stdin(stdin, private)
        with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
            try:
                proc = subprocess.Popen(
                    cmd,
                    cwd=str(workdir),
                    env=child_env,
                    stdin=stdin_arg,
                    stdout=out_f,
                    stderr=err_f,
                    start_new_session=True,
                    close_fds=True,
                    pass_fds=(status_w,),
                )
            except OSError as e:
                return SandboxResult(
                    status="error",
                    returncode=None,
                    reason=f"could not start the sandbox: {e}",
                    stdout_tail="",
                    stderr_tail="",
                    elapsed=time.monotonic() - start,
                    network_isolated=False,
                    isolation=tuple(isolation),
                )
        os.close(status_w)
        status_w = -1

        # ---- wait (without reaping, so the process group id stays reserved)
        deadline = start + limits.wall_seconds
        timed_out = False
        delay = 0.002
        while True:
            try:
                info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                break
            if info is not None:
                break
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            time.sleep(min(delay, deadline - now))
            delay = min(delay * 2, 0.05)

        # ---- kill everything that belongs to the run
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
        elapsed = time.monotonic() - start
        # ---- read the supervisor's report
        os.set_blocking(status_r, False)
        chunks = []
        while True:
            try:
                b = os.read(status_r, 65536)
            except BlockingIOError:
                break
            except OSError:
                break
            if not b:
                break
            chunks.append(b)
        report = b"".join(chunks).decode(errors="replace").splitlines()

        cgroup_clean = True
        cgroup_used = cgroup_dir is not None and "cgroup ok" in report
        if cgroup_used:
            isolation.append("cgroup-pids")
        if cgroup_dir:
            cgroup_clean = _drain_cgroup(cgroup_dir, caps.cgroup_v2)
            if cgroup_clean:
                cgroup_dir = None
        if not use_pidns and (not cgroup_used or not cgroup_clean):
            # no kernel-side tracking of every descendant: sweep by env marker
            _sweep_marker(token)
            isolation.append("env-marker-sweep")

        if any(line == "nproc ok" for line in report):
            isolation.append("rlimit-nproc")

        out_tail, out_size = _read_tail(out_path, limits.output_bytes)
        err_tail, err_size = _read_tail(err_path, limits.output_bytes)

        status, returncode, reason, cpu, rss = _interpret(
            report, proc.returncode, timed_out, limits, out_size, err_size, err_tail, argv
        )
        if not cgroup_clean:
            reason += " (warning: could not remove every process of the run's cgroup)"
        return SandboxResult(
            status=status,
            returncode=returncode,
            reason=reason,
            stdout_tail=out_tail,
            stderr_tail=err_tail,
            elapsed=round(elapsed, 4),
            network_isolated=use_netns,
            isolation=tuple(isolation),
            stdout_bytes=out_size,
            stderr_bytes=err_size,
            cpu_seconds=cpu,
            max_rss_bytes=rss,
        )
    finally:
        if proc is not None and proc.returncode is None:  # unexpected error path
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except Exception:
                pass
        if cgroup_dir:
            _drain_cgroup(cgroup_dir, caps.cgroup_v2)
        for fd in (status_r, status_w):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if stdin_close is not None:
            stdin_close.close()
        shutil.rmtree(private, ignore_errors=True)


def _interpret(
    report: list[str],
    outer_rc: int | None,
    timed_out: bool,
    limits: Limits,
    out_size: int,
    err_size: int,
    err_tail: str,
    argv: list[str],
) -> tuple[str, int | None, str, float | None, int | None]:
    """Map the run's outcome to (status, returncode, reason, cpu_seconds, max_rss_bytes)."""
    fate: tuple[str, int] | None = None
    cpu = rss = None
    execfail = setupfail = None
    for line in report:
        parts = line.split(" ", 3)
        if parts[0] in ("exit", "signal") and len(parts) >= 2:
            try:
                fate = (parts[0], int(parts[1]))
                cpu = float(parts[2]) if len(parts) > 2 else None
                rss = int(parts[3]) if len(parts) > 3 else None
            except ValueError:
                pass
        elif parts[0] == "execfail":
            execfail = line.split(" ", 2)[-1]
        elif parts[0] == "setupfail":
            setupfail = line.split(" ", 1)[-1]

    mem = _fmt_bytes(limits.memory_bytes)
    fsz = _fmt_bytes(limits.file_bytes)

    if timed_out:
        return "timeout", None, f"killed after {limits.wall_seconds:.1f} s wall-clock timeout", cpu, rss
    if fate is None:
        if "backstop" in report:
            return (
                "timeout",
                None,
                f"killed by the sandbox supervisor's backstop timer ({limits.wall_seconds:.1f} s wall-clock limit)",
                cpu,
                rss,
            )
        if outer_rc is not None and outer_rc < 0:
            return (
                "error",
                outer_rc,
                f"the sandbox supervisor was killed by {_signal_name(-outer_rc)} before the program finished",
                cpu,
                rss,
            )
        tail = err_tail.strip().splitlines()[-1:] or [""]
        return (
            "error",
            outer_rc,
            f"the sandbox failed to run the program (exit code {outer_rc}): {tail[0]}".rstrip(": "),
            cpu,
            rss,
        )

    kind, num = fate
    if kind == "exit" and execfail and num == 127:
        return "error", 127, f"could not execute {argv[0]!r}: {execfail}", cpu, rss
    if kind == "exit" and setupfail and num == 127:
        return "error", 127, f"sandbox setup failed in the child: {setupfail}", cpu, rss

    if kind == "signal":
        rc = -num
        name = _signal_name(num)
        if num == signal.SIGXCPU:
            reason = f"killed by SIGXCPU: CPU limit of {limits.cpu_seconds} s"
        elif num == signal.SIGKILL and cpu is not None and cpu >= limits.cpu_seconds:
            reason = f"killed by SIGKILL at the CPU hard limit ({limits.cpu_seconds} s CPU limit, SIGXCPU ignored)"
        elif num == signal.SIGKILL:
            reason = "killed by SIGKILL (e.g. by the out-of-memory killer)"
        elif num == signal.SIGXFSZ:
            reason = f"killed by SIGXFSZ: output exceeded {fsz} file-size limit"
        elif num == signal.SIGSEGV:
            reason = (
                f"killed by SIGSEGV (segmentation fault; possibly a failed allocation under the {mem} memory limit)"
            )
        elif num == signal.SIGABRT:
            reason = "killed by SIGABRT (aborted; possibly a failed allocation)"
        else:
            reason = f"killed by {name}"
        return "error", rc, reason, cpu, rss

    rc = num
    if rc == 0:
        reason = "exited with code 0"
        if out_size >= limits.file_bytes or err_size >= limits.file_bytes:
            reason += f"; output truncated at the {fsz} file-size limit"
        return "ok", 0, reason, cpu, rss

    exc = _last_exception(err_tail)
    exc_name = exc.split(":", 1)[0] if exc else ""
    if exc_name.endswith("MemoryError"):
        reason = f"exceeded the {mem} memory limit (MemoryError)"
    elif out_size >= limits.file_bytes or err_size >= limits.file_bytes:
        reason = f"output exceeded {fsz} file-size limit (exited with code {rc})"
    elif exc and ("File too large" in exc or "[Errno 27]" in exc):
        reason = f"exceeded the {fsz} file-size limit (File too large)"
    elif exc and ("Too many open files" in exc or "[Errno 24]" in exc):
        reason = f"exceeded the limit of {limits.open_files} open files"
    elif exc and ("Resource temporarily unavailable" in exc or "[Errno 11]" in exc):
        reason = f"hit the limit of {limits.processes} processes/threads ({exc[:160]})"
    elif exc:
        reason = f"exited with code {rc} ({exc[:200]})"
    else:
        reason = f"exited with code {rc}"
    return "error", rc, reason, cpu, rss
