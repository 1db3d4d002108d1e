"""The ``bwrap`` backend: bubblewrap builds the sandbox, this module describes it.

What the program sees (nothing else exists for it):

* ``/usr`` (and the ``/bin``, ``/lib``... links or folders of the host), the dynamic
  linker's cache and ``/etc/alternatives``: read-only;
* the interpreter's prefix and its site-packages: read-only; of gradcheck itself only
  the worker's own modules (the grader's modules and the reference networks are
  hidden, so a submission cannot compute the reference gradient with them);
* ``/tmp``: a fresh tmpfs capped at ``Limits.disk_bytes``, holding the work dir
  ``/tmp/work`` (a copy of the submission, made by bubblewrap from file descriptors
  the grader opened) and the home directory;
* a fresh ``/proc`` of its own pid namespace, a minimal read-only ``/dev``;
* no network (an empty network namespace), no host IPC, its own hostname;
* a read-only root: nothing but ``/tmp`` can be written.

How it is started. Where the interpreter and the packages can be reached by an
unprivileged user, bubblewrap is started as that user (uid 65534, or as the grader
itself when it is not root), and RLIMIT_NPROC caps the run's processes (counted per
user namespace, so neighbours do not share it). Where they cannot (a per-user pyenv
under ``/root``), it is started by root with every capability dropped
(``--cap-drop ALL``) and a user namespace mapping to uid 65534 inside; the host sees
those processes as root without capabilities, for whom RLIMIT_NPROC does not count,
so a pids cgroup of the run's own caps them (:mod:`gradcheck.audit.cgroup`).
In both modes: no new privileges, no further user namespaces (``--disable-userns``),
the seccomp filter of :mod:`gradcheck.audit.seccomp`, ``--die-with-parent``,
``--new-session``; when the program's pid namespace ends, the kernel kills every
process left in it.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gradcheck.audit import cgroup, seccomp
from gradcheck.audit.isolation import Launch, Limits, SandboxUnavailable

__all__ = ["BwrapBackend", "WORKDIR", "SANDBOX_UID"]

#: The work dir inside the sandbox (also HOME and, through TMPDIR's parent, the temp dir).
WORKDIR = "/tmp/work"
#: The uid (and gid) the program has inside, and outside when started unprivileged.
SANDBOX_UID = 65534
#: Our distribution's top-level packages: hidden inside, except the worker's modules.
OWN_PACKAGES = ("gradcheck", "reference_nets")
#: The kernel's global knobs under the fresh /proc, shown read-only (bwrap itself covers only
#: /proc/irq and /proc/bus when it runs unprivileged): a sysctl or /proc/sysrq-trigger checks the
#: file mode against the host's root user, which the sandbox's processes are when root starts bwrap.
PROC_COVERS = [
    op
    for path in ("/proc/sys", "/proc/sysrq-trigger", "/proc/fs", "/proc/irq", "/proc/bus")
    for op in ("--ro-bind-try", path, path)
]
INSTALL_HINT = (
    "bubblewrap (bwrap) is not installed: apt-get install bubblewrap (Debian/Ubuntu), "
    "dnf install bubblewrap (Fedora); in an unprivileged container such as Gradescope's, "
    "where it cannot work, use --sandbox container"
)


# --------------------------------------------------------------------------- the view


def _is_under(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _python_roots() -> list[str]:
    """The interpreter's prefixes and site-packages folders, outermost only."""
    import site

    cands = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix]
    cands += [p for p in site.getsitepackages() if os.path.isdir(p)]
    cands += [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)]
    cands.append(os.path.dirname(os.path.realpath(sys.executable)))
    roots: list[str] = []
    for p in sorted({os.path.realpath(c) for c in cands} | {os.path.abspath(c) for c in cands}, key=len):
        if not _is_under(p, roots + ["/usr"]):
            roots.append(p)
    return roots


def _worker_files() -> tuple[list[str], list[str]]:
    """(files to show, package folders to hide): the modules the worker loads, with their bytecode caches.

    Found by asking the worker itself (:func:`gradcheck.audit.worker.preload`) in a fresh
    interpreter, so a module moved or added in the worker's imports is shown without a list here.
    """
    parent = str(Path(importlib.util.find_spec("gradcheck").origin).parent.parent)
    code = (
        f"import json, sys; sys.path.insert(0, {parent!r}); "
        "from gradcheck.audit.worker import preload; print(json.dumps(preload()))"
    )
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise SandboxUnavailable(f"cannot list the worker's modules: {proc.stderr.strip()[-300:]}")
    files = []
    for origin in json.loads(proc.stdout):
        files.append(origin)
        cached = importlib.util.cache_from_source(origin) if origin.endswith(".py") else None
        if cached and os.path.isfile(cached):
            files.append(cached)
    hide = []
    for name in OWN_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            hide += list(spec.submodule_search_locations)
    return files, hide


def _system_ops() -> list[str]:
    ops = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            ops += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            ops += ["--ro-bind", top, top]
    ops += ["--dir", "/etc"]
    for f in ("/etc/ld.so.cache", "/etc/alternatives"):
        if os.path.exists(f):
            ops += ["--ro-bind", f, f]
    return ops


def _stage(files: list[str]) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """Copy the worker's files of gradcheck into a private folder, to be shown with one bind.

    Returns the files left to bind one by one and ``((copy, package folder),)``. One bind
    of a folder instead of one per file saves bubblewrap ~80 mounts, half its start-up.
    The copy (mode 0755/0644, the grader's, removed at exit) is read-only inside; a
    submission sees exactly the files it saw before, at the same paths.
    """
    package = str(Path(importlib.util.find_spec("gradcheck").origin).parent)
    inside = [f for f in files if _is_under(f, [package])]
    if not inside:
        return files, ()
    stage = tempfile.mkdtemp(prefix="gradcheck-worker-")
    atexit.register(shutil.rmtree, stage, True)
    os.chmod(stage, 0o755)
    for f in inside:
        dst = os.path.join(stage, os.path.relpath(f, package))
        os.makedirs(os.path.dirname(dst), mode=0o755, exist_ok=True)
        shutil.copy2(f, dst)  # the mtime too: the bytecode caches stay valid
        os.chmod(dst, 0o644)
    return [f for f in files if f not in inside], ((stage, package),)


@dataclass(frozen=True)
class View:
    """The read-only part of the sandbox's file system (the same for every run).

    ``staged``: ``(copy, folder)`` pairs, a folder of the worker's files bound whole
    where the package is (see :func:`_stage`); ``worker_files`` are bound one by one.
    """

    system: tuple[str, ...]
    python: tuple[str, ...]
    worker_files: tuple[str, ...]
    hidden: tuple[str, ...]
    staged: tuple[tuple[str, str], ...] = ()

    @classmethod
    @functools.lru_cache(maxsize=1)
    def of_this_interpreter(cls) -> View:
        """The view for the interpreter running the grader (computed once)."""
        files, hide = _worker_files()
        roots = _python_roots()
        hidden = tuple(h for h in hide if _is_under(h, roots))
        files, staged = _stage(files)
        return cls(tuple(_system_ops()), tuple(roots), tuple(files), hidden, staged)

    def ops(self) -> list[str]:
        """Bwrap options building it (after the /tmp tmpfs, so binds under /tmp stay visible).

        The folders bwrap makes to hold a bind under /tmp (a venv in /tmp, a checkout in /tmp)
        would be writable parts of the program's /tmp: each top one becomes a tmpfs of its own,
        read-only once the binds are in place, like the hidden package folders.
        """
        shown = (*self.python, *self.worker_files, *(folder for _, folder in self.staged))
        under_tmp = sorted({"/tmp/" + p.split("/")[2] for p in shown if p.startswith("/tmp/")})
        sealed = [*under_tmp, *self.hidden]
        ops = list(self.system)
        for folder in under_tmp:
            ops += ["--perms", "0755", "--tmpfs", folder]
        for root in self.python:
            ops += ["--ro-bind", root, root]
        for folder in self.hidden:
            ops += ["--perms", "0755", "--tmpfs", folder]
        for copy, folder in self.staged:
            ops += ["--ro-bind", copy, folder]
        for f in self.worker_files:
            ops += ["--ro-bind", f, f]
        for folder in sealed:
            ops += ["--remount-ro", folder]
        return ops

    def paths(self) -> list[str]:
        """Every host path bubblewrap must reach, and every path it shows."""
        return ["/usr", *self.python, *self.worker_files, *(p for pair in self.staged for p in pair)]


def _reachable(path: str) -> bool:
    """Can any user walk down to ``path`` (every ancestor folder other-executable)?"""
    p = Path(path).resolve()
    for folder in [*reversed(p.parents)]:
        try:
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


# --------------------------------------------------------------------------- per run


def _copy_ops(workdir: str, fds: list[int]) -> list[str]:
    """Options that recreate ``workdir``'s tree under WORKDIR in the tmpfs (files through fds)."""
    ops = ["--perms", "0755", "--dir", WORKDIR]
    for dirpath, dirnames, filenames in os.walk(workdir):
        rel = os.path.relpath(dirpath, workdir)
        inside = WORKDIR if rel == "." else f"{WORKDIR}/{rel}"
        for d in sorted(dirnames):
            if os.path.islink(os.path.join(dirpath, d)):
                ops += ["--symlink", os.readlink(os.path.join(dirpath, d)), f"{inside}/{d}"]
            else:
                ops += ["--perms", "0755", "--dir", f"{inside}/{d}"]
        for name in sorted(filenames):
            host = os.path.join(dirpath, name)
            if os.path.islink(host):
                ops += ["--symlink", os.readlink(host), f"{inside}/{name}"]
                continue
            fd = os.open(host, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            fds.append(fd)
            mode = "0755" if os.stat(fd).st_mode & stat.S_IXUSR else "0644"
            ops += ["--perms", mode, "--file", str(fd), f"{inside}/{name}"]
    return ops


def _args_fd(args: list[str]) -> int:
    fd = os.memfd_create("gradcheck-bwrap-args", os.MFD_CLOEXEC)
    os.write(fd, b"".join(os.fsencode(a) + b"\0" for a in args))  # paths as their bytes (not all are UTF-8)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


class BwrapBackend:
    """bubblewrap, started unprivileged where it can be, else by root without capabilities."""

    name = "bwrap"

    def __init__(self, mode: str, view: View, bwrap: str, cgroup_base: Path | None = None):
        self.mode, self.view, self.bwrap, self.cgroup_base = mode, view, bwrap, cgroup_base

    @staticmethod
    def get() -> BwrapBackend:
        """The backend for this machine and interpreter, found once (see :func:`detect`)."""
        return detect()

    def home(self, workdir: str) -> str:
        """HOME and TMPDIR inside: the work dir."""
        return WORKDIR

    def _bwrap_args(self, limits: Limits, copy_ops: list[str], seccomp_fd: int, status_fd: int) -> list[str]:
        args = ["--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
        if limits.network:
            args.append("--share-net")
        # --as-pid-1: the program itself is init of its pid namespace. No process of bwrap's stays
        # inside for the program to signal, trace or write into (/proc/1/mem); when the program
        # ends, the kernel kills every process left in the namespace.
        args += ["--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1", "--hostname", "localhost"]
        if self.mode == "root":
            args += ["--cap-drop", "ALL"]
        args += ["--size", str(limits.disk_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
        args += self.view.ops() + copy_ops + ["--chdir", WORKDIR]
        args += ["--proc", "/proc"] + PROC_COVERS + ["--dev", "/dev", "--remount-ro", "/dev", "--remount-ro", "/"]
        return args + ["--seccomp", str(seccomp_fd), "--json-status-fd", str(status_fd)]

    def layers(self, limits: Limits) -> tuple[str, ...]:
        """The isolation in effect, as reported."""
        who = ["root-without-capabilities", "cgroup-pids"] if self.mode == "root" else ["unprivileged-user"]
        net = [] if limits.network else ["network-namespace"]
        return (
            "bwrap",
            *who,
            "user-namespace",
            "pid-namespace",
            "mount-namespace",
            *net,
            "ipc-namespace",
            "seccomp",
            "no-new-privileges",
            "read-only-view",
            "disk-cap",
            "rlimits",
        )

    def launch(self, inner: list[str], workdir: str, limits: Limits, env: dict) -> Launch:
        """The bwrap command for one run (see :class:`gradcheck.audit.sandbox.Launch`)."""
        fds: list[int] = []
        status = tempfile.TemporaryFile()
        group = None
        try:
            copy = _copy_ops(workdir, fds)
            sfd = seccomp.filter_fd()
            fds.append(sfd)
            afd = _args_fd(self._bwrap_args(limits, copy, sfd, status.fileno()))
            fds.append(afd)
            argv = [self.bwrap, "--args", str(afd), "--", *inner]
            if self.mode == "root":
                group = cgroup.PidsCgroup(self.cgroup_base, limits.processes)
                argv = ["/bin/sh", "-c", 'echo $$ > "$1" && shift && exec "$@"', "sh", group.procs, *argv]
        except BaseException:
            for fd in fds:
                os.close(fd)
            status.close()
            raise

        def close() -> None:
            while fds:
                os.close(fds.pop())

        def after(pid: int) -> bool:
            clean = group.close() if group is not None else True
            status.close()
            return clean

        def started() -> bool | None:
            status.seek(0)
            return any("child-pid" in json.loads(line) for line in status.read().decode().splitlines() if line)

        def stop(pid: int) -> None:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

        unprivileged_root = self.mode == "unprivileged" and os.geteuid() == 0
        return Launch(
            argv=argv,
            layers=self.layers(limits),
            network_isolated=not limits.network,
            pass_fds=(*fds, status.fileno()),
            user=SANDBOX_UID if unprivileged_root else None,
            group=SANDBOX_UID if unprivileged_root else None,
            signal_offset=128,
            stop=stop,
            after=after,
            started=started,
            close=close,
        )


@functools.lru_cache(maxsize=1)
def detect() -> BwrapBackend:
    """The bwrap backend for this machine and interpreter, probed once.

    Raises
    ------
    SandboxUnavailable
        bubblewrap or libseccomp missing, namespaces not allowed here, or (started by root
        for an interpreter under a root-only path) no pids cgroup to cap the run's processes.
    """
    tool = shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin:/usr/sbin:/sbin")
    if tool is None:
        raise SandboxUnavailable(INSTALL_HINT)
    try:
        seccomp.compiled_filter()
    except seccomp.SeccompUnavailable as exc:
        raise SandboxUnavailable(str(exc)) from None
    view = View.of_this_interpreter()
    if os.geteuid() != 0 or all(_reachable(p) for p in view.paths()):
        backend = BwrapBackend("unprivileged", view, tool)
    else:
        base = cgroup.pids_cgroup_base()
        if base is None:
            raise SandboxUnavailable(
                "the interpreter lives under a root-only path, so bubblewrap must be started by root, "
                "and no pids cgroup can be made here to cap the sandbox's processes: install gradcheck "
                "where every user can read it (e.g. a venv outside /root), or use --sandbox container"
            )
        backend = BwrapBackend("root", view, tool, base)
    return backend
