"""What every sandbox backend shares: the limits, how a backend describes one run, the environment.

A backend (:mod:`gradcheck.audit.bwrap`, :mod:`gradcheck.audit.container`) turns a program
and its :class:`Limits` into a :class:`Launch`; :mod:`gradcheck.audit.sandbox` chooses the
backend and drives the launch.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Launch", "Limits", "SandboxUnavailable", "kill_group", "prlimit_argv", "scrubbed_env"]

# OPENBLAS_*: set on some machines because older OpenBLAS kernels compute wrong results there.
_PRESERVED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


class SandboxUnavailable(RuntimeError):
    """The chosen backend cannot run here; the message says what to install or choose."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run.

    Attributes
    ----------
    wall_seconds : float
        Wall-clock timeout; then everything of the run is killed.
    cpu_seconds : int
        RLIMIT_CPU (SIGXCPU at the limit, SIGKILL one second later).
    memory_bytes : int
        RLIMIT_AS.
    file_bytes : int
        RLIMIT_FSIZE: caps every file written, the captured output and the result channel.
    open_files : int
        RLIMIT_NOFILE.
    processes : int
        Processes and threads of the run (RLIMIT_NPROC, or a pids cgroup where the
        sandbox's processes belong to the host's root).
    disk_bytes : int
        Total size of everything the run can write (bwrap: the size of its tmpfs).
    output_bytes : int
        How much of stdout and stderr is read back (the tail).
    network : bool
        Let the program reach the network (bwrap only; never for an audit).
    run_as : str or int, optional
        The unprivileged user of the ``container`` backend (default: a uid of its own per run).
    """

    wall_seconds: float = 30.0
    cpu_seconds: int = 30
    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    processes: int = 64
    disk_bytes: int = 256 * 1024**2
    output_bytes: int = 1024**2
    network: bool = False
    run_as: str | int | None = None

    def __post_init__(self) -> None:
        if not self.wall_seconds > 0:
            raise ValueError(f"Limits.wall_seconds must be > 0, got {self.wall_seconds!r}")
        for name in ("cpu_seconds", "memory_bytes", "file_bytes", "open_files", "processes", "disk_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")
        if not isinstance(self.output_bytes, int) or self.output_bytes < 0:
            raise ValueError(f"Limits.output_bytes must be an int >= 0, got {self.output_bytes!r}")


@dataclass
class Launch:
    """How a backend starts one run, and how it cleans up after it.

    ``argv`` is what the grader executes; ``stop(pid)`` kills everything of the run
    at the timeout; ``after(pid)`` kills what is left after any run and says whether the
    run left nothing behind; ``started()`` says whether the program itself got to run
    (None: unknown); ``signal_offset`` is set when the launcher reports a program
    killed by signal n as exit code ``offset + n``.
    """

    argv: list[str]
    layers: tuple[str, ...]
    network_isolated: bool = False
    pass_fds: tuple[int, ...] = ()
    cwd: str | None = None
    user: int | None = None
    group: int | None = None
    signal_offset: int | None = None
    stop: Callable[[int], None] = lambda pid: kill_group(pid)
    after: Callable[[int], bool] = lambda pid: True
    started: Callable[[], bool | None] = lambda: None
    close: Callable[[], None] = lambda: None


def kill_group(pid: int) -> None:
    """SIGKILL the process group ``pid`` leads (if it still exists)."""
    if pid <= 0:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _default_path() -> str:
    dirs = [os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]
    return os.pathsep.join(dict.fromkeys(d for d in dirs if d))


def scrubbed_env(extra: Mapping[str, str] | None = None, *, home: str | os.PathLike | None = None) -> dict:
    """A minimal environment for the program; nothing of the grader's leaks, nothing names the grader.

    PATH (the interpreter's directory first, then the system's), LANG/LC_ALL=C.UTF-8,
    HOME and TMPDIR = ``home`` (default: the system temp dir), Python's
    PYTHONDONTWRITEBYTECODE, PYTHONHASHSEED=0 and PYTHONUNBUFFERED, single-threaded
    BLAS/OpenMP, and the grader's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE if set.
    ``extra`` is applied last (str -> str).
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
    env.update({k: os.environ[k] for k in _PRESERVED_ENV if k in os.environ})
    for key, value in (extra or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"environment entries must be str -> str, got {key!r}: {value!r}")
        env[key] = value
    return env


def prlimit_argv(limits: Limits) -> list[str]:
    """``prlimit --cpu=... -- `` applying the run's rlimits to the program it executes.

    Raises
    ------
    SandboxUnavailable
        If util-linux ``prlimit`` is missing.
    """
    tool = shutil.which("prlimit", path="/usr/bin:/bin:/usr/sbin:/sbin")
    if tool is None:
        raise SandboxUnavailable("util-linux prlimit is missing: apt-get install util-linux")
    return [
        tool,
        f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",
        f"--as={limits.memory_bytes}",
        f"--fsize={limits.file_bytes}",
        f"--nofile={limits.open_files}",
        f"--nproc={limits.processes}",
        "--core=0",
        "--",
    ]
