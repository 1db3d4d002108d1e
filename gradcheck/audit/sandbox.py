"""Run untrusted code in a sandbox: choose a backend, drive it, say what happened.

The isolation itself is done by a well-kept tool, not here. Three backends:

``bwrap`` (the default)
    bubblewrap, the sandbox of Flatpak (:mod:`gradcheck.audit.bwrap`): fresh user, pid,
    mount, network, IPC, UTS and cgroup namespaces, a read-only view of the interpreter
    and its packages only, a size-capped writable work dir, a seccomp filter against
    the ways out (:mod:`gradcheck.audit.seccomp`).
``container``
    for unprivileged containers such as Gradescope's, where namespaces cannot be made
    (:mod:`gradcheck.audit.container`): the program runs as an unprivileged user of
    its own, and everything that user left running is killed afterwards.
``none``
    no isolation at all; only when asked for by name.

All backends apply the same resource limits, through util-linux ``prlimit`` right
before the program starts (CPU seconds, address space, file size, open files,
processes, no core dumps), and the same wall-clock timeout, after which everything
the run started is killed. The program's stdin, stdout and stderr and a private
result channel are files the grader opened and never named in any folder: the
program reads its input from stdin and writes its answer to the channel, whose fd
number the caller puts into that input (no argument or environment variable names it).
"""

from __future__ import annotations

import dataclasses
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gradcheck.audit.isolation import Launch, Limits, SandboxUnavailable, prlimit_argv, scrubbed_env
from gradcheck.audit.outcome import interpret, read_tail

__all__ = [
    "BACKENDS",
    "Launch",
    "Limits",
    "SandboxResult",
    "SandboxUnavailable",
    "get_backend",
    "run_sandboxed",
    "scrubbed_env",
]

BACKENDS = ("bwrap", "container", "none")


# --------------------------------------------------------------------------- API types


@dataclass(frozen=True)
class SandboxResult:
    """What happened to one sandboxed run. Never raised, always returned.

    ``status`` is ``ok`` (exit 0), ``error`` (non-zero exit, signal, limit, or the
    sandbox could not start) or ``timeout``; ``channel`` holds what the program wrote
    to its result channel (not part of :meth:`to_dict`); ``channel_full``: the channel
    reached the file-size limit, so what it holds may be cut short.
    """

    status: str
    returncode: int | None
    reason: str
    stdout_tail: str
    stderr_tail: str
    elapsed: float
    network_isolated: bool
    isolation: tuple[str, ...] = ()
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    cpu_seconds: float | None = None
    max_rss_bytes: int | None = None
    backend: str = ""
    clean: bool = True
    channel_full: bool = False
    channel: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        """The program exited 0 within its limits."""
        return self.status == "ok"

    def to_dict(self) -> dict:
        """Plain-JSON form (without the channel's bytes)."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "channel"}
        d["isolation"] = list(self.isolation)
        return d


# --------------------------------------------------------------------------- helpers


_PROBED: set = set()


def probe(backend) -> None:
    """Start ``python -c pass`` with ``backend``; raise SandboxUnavailable with the tool's words if it fails."""
    with tempfile.TemporaryDirectory() as wd:
        box = run_sandboxed([sys.executable, "-I", "-S", "-c", "pass"], workdir=wd, backend=backend)
    if not box.ok:
        detail = (box.stderr_tail.strip().splitlines() or [box.reason])[-1]
        raise SandboxUnavailable(
            f"bubblewrap cannot create its sandbox here ({detail}); in an unprivileged container "
            "such as Gradescope's use --sandbox container"
        )


def get_backend(name: str):
    """The backend called ``name``, checked to work on this machine.

    Raises
    ------
    ValueError
        For a name not in :data:`BACKENDS`.
    SandboxUnavailable
        If it cannot run here; the message says what to install, or which backend to choose.
    """
    if name == "bwrap":
        from gradcheck.audit.bwrap import BwrapBackend

        backend = BwrapBackend.get()
        if backend not in _PROBED:
            probe(backend)
            _PROBED.add(backend)
        return backend
    if name in ("container", "none"):
        from gradcheck.audit.container import ContainerBackend, NoneBackend

        return ContainerBackend.get() if name == "container" else NoneBackend()
    raise ValueError(f"unknown sandbox backend {name!r}: choose one of {', '.join(BACKENDS)}")


# --------------------------------------------------------------------------- the runner


def _check_args(argv, limits, workdir) -> list[str]:
    if isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence) or len(argv) == 0:
        raise ValueError(f"argv must be a non-empty list of strings, got {argv!r}")
    argv = [os.fspath(a) for a in argv]
    if not all(isinstance(a, str) for a in argv):
        raise TypeError(f"argv entries must be str or path-like, got {argv!r}")
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a Limits instance, got {type(limits).__name__}")
    if not os.path.isdir(workdir):
        raise ValueError(f"workdir does not exist or is not a directory: {workdir}")
    return argv


def _wait(pid: int, deadline: float, stop: Callable[[int], None]):
    """Wait for ``pid`` until ``deadline``; stop the run there. Returns (status, rusage, timed_out).

    Woken the moment the process ends (a pidfd, Linux 5.3+), else by polling.
    """
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        delay = 0.001
        while True:
            got, status, ru = os.wait4(pid, os.WNOHANG)
            if got == pid:
                return status, ru, False
            now = time.monotonic()
            if now >= deadline:
                stop(pid)
                _, status, ru = os.wait4(pid, 0)
                return status, ru, True
            if pidfd is not None:
                poller = select.poll()  # the pidfd is readable once the process has ended
                poller.register(pidfd, select.POLLIN)
                poller.poll(max(1, int(1000 * (deadline - now))))
            else:
                time.sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.02)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def run_sandboxed(
    argv: list[str],
    *,
    workdir: str | os.PathLike,
    limits: Limits = Limits(),
    backend: str | Any = "bwrap",
    env: Mapping[str, str] | None = None,
    stdin: bytes | str | Callable[[int], bytes] | None = None,
) -> SandboxResult:
    """Run ``argv`` sandboxed, with the contents of ``workdir`` as its working directory.

    Parameters
    ----------
    argv : list of str
        The program and its arguments (the interpreter is visible inside every backend).
    workdir : path
        A private folder whose files the program starts with (bwrap copies them into
        its size-capped tmpfs; the other backends run in it).
    limits : Limits
        Resource limits and the timeout.
    backend : str or backend object
        ``bwrap``, ``container`` or ``none`` (or a backend from :func:`get_backend`).
    env : mapping, optional
        The program's complete environment (default: :func:`scrubbed_env`).
    stdin : bytes, str or callable, optional
        The program's stdin; a callable gets the result channel's fd number and returns it.

    Returns
    -------
    SandboxResult
        Never raised for anything the program does.

    Raises
    ------
    ValueError, TypeError
        For the caller's own bad arguments.
    SandboxUnavailable
        If the backend cannot run here.
    """
    argv = _check_args(argv, limits, workdir)
    box = get_backend(backend) if isinstance(backend, str) else backend
    child_env = dict(env) if env is not None else scrubbed_env(home=box.home(workdir))
    for k, v in child_env.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"environment entries must be str -> str, got {k!r}: {v!r}")
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryFile() as chan,
        tempfile.TemporaryFile() as inp,
    ):
        data = stdin(chan.fileno()) if callable(stdin) else stdin
        inp.write(data.encode() if isinstance(data, str) else (data or b""))
        inp.seek(0)
        launch = box.launch(prlimit_argv(limits) + argv, os.fspath(workdir), limits, child_env)
        return _drive(launch, argv, limits, (inp, out, err, chan), child_env, box.name)


def _spawn(launch: Launch, files, env) -> subprocess.Popen:
    inp, out, err, chan = files
    return subprocess.Popen(
        launch.argv,
        stdin=inp,
        stdout=out,
        stderr=err,
        env=env,
        cwd=launch.cwd,
        user=launch.user,
        group=launch.group,
        extra_groups=[] if launch.user is not None else None,
        start_new_session=True,
        close_fds=True,
        pass_fds=(chan.fileno(), *launch.pass_fds),
    )


def _drive(launch: Launch, argv, limits: Limits, files, env, backend: str) -> SandboxResult:
    """Start the launch, wait (killing at the timeout), clean up, and say what happened."""
    start = time.monotonic()
    try:
        try:
            proc = _spawn(launch, files, env)
        except OSError as exc:
            launch.after(-1)
            reason = f"could not start the sandbox: {exc}"
            return SandboxResult("error", None, reason, "", "", 0.0, False, launch.layers, backend=backend)
        launch.close()
        status, ru, timed_out = _wait(proc.pid, start + limits.wall_seconds, launch.stop)
        proc.returncode = os.waitstatus_to_exitcode(status)
        started = launch.started()
        clean = launch.after(proc.pid)
    finally:
        launch.close()
    return _result(launch, limits, files, backend, (proc.returncode, ru, timed_out, started, clean), start)


def _result(launch: Launch, limits: Limits, files, backend: str, run, start: float) -> SandboxResult:
    rc, ru, timed_out, started, clean = run
    _, out, err, chan = files
    out_tail, out_size = read_tail(out, limits.output_bytes)
    err_tail, err_size = read_tail(err, limits.output_bytes)
    if launch.signal_offset is not None and rc is not None and rc > launch.signal_offset:
        rc = -(rc - launch.signal_offset)
    cpu = ru.ru_utime + ru.ru_stime
    status, rc, reason = interpret(rc, timed_out, limits, (out_size, err_size), err_tail, started, cpu)
    if not clean:
        reason += " (warning: a process of the run could not be killed)"
    channel_full = chan.seek(0, os.SEEK_END) >= limits.file_bytes  # RLIMIT_FSIZE cut the answer's writes there
    chan.seek(0)
    return SandboxResult(
        status=status,
        returncode=rc,
        reason=reason,
        stdout_tail=out_tail,
        stderr_tail=err_tail,
        elapsed=round(time.monotonic() - start, 4),
        network_isolated=launch.network_isolated,
        isolation=launch.layers,
        stdout_bytes=out_size,
        stderr_bytes=err_size,
        cpu_seconds=round(cpu, 4),
        max_rss_bytes=ru.ru_maxrss * 1024,
        backend=backend,
        clean=clean,
        channel_full=channel_full,
        channel=chan.read(limits.file_bytes),
    )
