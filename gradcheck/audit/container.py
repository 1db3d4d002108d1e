"""The ``container`` and ``none`` backends, for where no namespace can be made.

``container`` is for unprivileged containers such as Gradescope's (the grader runs as
root inside the container, but bubblewrap cannot create namespaces there). Each run
gets a uid of its own that no account uses (``Limits.run_as`` to choose one); the
work dir is given to that uid with mode 0700, the program starts as that uid with
no supplementary groups, and after the run every process of that uid is killed
(``kill(-1, SIGKILL)`` sent *as* that uid, repeated until none is left, which also
catches processes that left the session), the files it left in the world-writable
folders (``/tmp``, ``/var/tmp``, ``/dev/shm``, ``/run/lock``) and its System V shared
memory, semaphores and message queues are removed; runs one after another draw
different uids from the pool. What it guarantees
rests on Unix permissions only: the program can read whatever any user may read,
and it has the network.

``none`` runs the program as the grader's own user, with the same resource limits
and a process-group kill; it isolates nothing and is used only when asked for.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import threading
import time

from gradcheck.audit.isolation import Launch, Limits, SandboxUnavailable, kill_group

__all__ = ["ContainerBackend", "NoneBackend", "UID_BASE", "WORLD_WRITABLE"]

#: First uid of the pool the container backend draws from (one uid per concurrent run).
UID_BASE = 64100
UID_POOL = 256
#: World-writable folders an unprivileged program may leave files in (/var/lock is often a link to /run/lock;
#: /dev/mqueue holds POSIX message queues where it is mounted).
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/dev/mqueue")
#: System V IPC a program may leave behind, outliving it: the /proc table, its id column, and the libc call
#: that removes one (``IPC_RMID`` is 0 on Linux).
SYSV_IPC = (("shm", "shmid", "shmctl"), ("sem", "semid", "semctl"), ("msg", "msqid", "msgctl"))
IPC_RMID = 0
_SWEEP = 'n=0; while kill -9 -1 2>/dev/null && [ "$n" -lt 2000 ]; do n=$((n + 1)); done; exit 0'


def _uid_in_use(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return bool(_processes_of(uid))


def _processes_of(uid: int) -> list[int]:
    """Live processes of ``uid`` (zombies, already dead, are not counted)."""
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid != uid:
                    continue
                with open(f"/proc/{d}/stat") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                        found.append(int(d))
            except (OSError, IndexError):
                pass
    return found


def _resolve(run_as: str | int) -> tuple[int, int]:
    try:
        pw = pwd.getpwuid(run_as) if isinstance(run_as, int) else pwd.getpwnam(run_as)
    except KeyError:
        if isinstance(run_as, int):
            return run_as, run_as
        raise ValueError(f"Limits.run_as: unknown user {run_as!r}") from None
    if pw.pw_uid == 0:
        raise ValueError("Limits.run_as must be an unprivileged user, not root")
    return pw.pw_uid, pw.pw_gid


def _give(workdir: str, uid: int, gid: int) -> None:
    """Hand the work dir's tree to ``uid`` without following links; the top becomes 0700."""
    for dirpath, dirnames, filenames in os.walk(workdir):
        for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
            os.chown(name, uid, gid, follow_symlinks=False)
    os.chmod(workdir, 0o700)


def _remove_left_files(uid: int) -> None:
    for folder in WORLD_WRITABLE:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
                if st.st_uid != uid:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    shutil.rmtree(e.path, ignore_errors=True)
                else:
                    os.unlink(e.path)
            except OSError:
                pass


def _remove_left_ipc(uid: int) -> None:
    """Remove the System V shared memory, semaphores and message queues ``uid`` owns or created: a later
    submission of the batch must find nothing an earlier one left (a message, a poisoned value)."""
    libc = None
    for table, id_column, call in SYSV_IPC:
        try:
            with open(f"/proc/sysvipc/{table}") as fh:
                header, *rows = [line.split() for line in fh]
            at, owners = header.index(id_column), [header.index("uid"), header.index("cuid")]
        except (OSError, ValueError):
            continue
        for row in rows:
            try:
                if not any(int(row[i]) == uid for i in owners):
                    continue
                if libc is None:
                    import ctypes

                    libc = ctypes.CDLL(None, use_errno=True)
                args = (int(row[at]), 0, IPC_RMID) if call == "semctl" else (int(row[at]), IPC_RMID, None)
                getattr(libc, call)(*args)
            except (ValueError, IndexError, OSError, AttributeError):
                pass


class ContainerBackend:
    """An unprivileged uid of its own per run, rlimits, and a kill of everything of that uid afterwards."""

    name = "container"
    _lock = threading.Lock()
    _taken: set[int] = set()
    #: Where the next search of the pool starts: runs one after another get different uids, so nothing a
    #: run left that the sweep missed belongs to the next student's uid too.
    _cursor = 0

    @classmethod
    def get(cls) -> ContainerBackend:
        """The backend, checked to work: root, and an interpreter every user can run.

        Raises
        ------
        SandboxUnavailable
            If the grader is not root, or the interpreter is under a folder other users cannot enter.
        """
        if os.geteuid() != 0:
            raise SandboxUnavailable(
                "--sandbox container must be started as root: it runs each submission as an unprivileged "
                "user of its own (on Gradescope the autograder already runs as root)"
            )
        from gradcheck.audit.bwrap import _reachable

        exe = os.path.realpath(sys.executable)
        if not (_reachable(exe) and os.stat(exe).st_mode & stat.S_IXOTH and _reachable(sys.prefix)):
            raise SandboxUnavailable(
                f"--sandbox container: the interpreter {exe} cannot be run by an unprivileged user "
                "(it lies under a folder only root may enter): install Python and gradcheck where every "
                "user can read them, or use --sandbox bwrap"
            )
        return cls()

    def home(self, workdir: str) -> str:
        """HOME and TMPDIR: the work dir itself."""
        return workdir

    def _take_uid(self, limits: Limits) -> tuple[int, int, bool]:
        if limits.run_as is not None:
            return (*_resolve(limits.run_as), False)
        with self._lock:
            for k in range(UID_POOL):
                uid = UID_BASE + (ContainerBackend._cursor + k) % UID_POOL
                if uid not in self._taken and not _uid_in_use(uid):
                    self._taken.add(uid)
                    ContainerBackend._cursor = (uid - UID_BASE + 1) % UID_POOL
                    return uid, uid, True
        raise SandboxUnavailable(f"no free uid in {UID_BASE}..{UID_BASE + UID_POOL - 1} for the container sandbox")

    def sweep(self, uid: int) -> bool:
        """Kill every process of ``uid`` (as ``uid``), remove what it left in /tmp and the like and its System V
        IPC; True if no process is left."""
        for _ in range(50):
            subprocess.run(["/bin/sh", "-c", _SWEEP], user=uid, group=uid, extra_groups=[], check=False, timeout=30)
            if not _processes_of(uid):
                break
            time.sleep(0.01)  # killed ones still exiting
        _remove_left_files(uid)
        _remove_left_ipc(uid)
        return not _processes_of(uid)

    def launch(self, inner: list[str], workdir: str, limits: Limits, env: dict) -> Launch:
        """Start ``inner`` as the run's uid in ``workdir``."""
        uid, gid, pooled = self._take_uid(limits)
        _give(workdir, uid, gid)

        def stop(pid: int) -> None:
            kill_group(pid)

        def after(pid: int) -> bool:
            kill_group(pid)
            try:
                return self.sweep(uid)
            finally:
                if pooled:
                    with self._lock:
                        self._taken.discard(uid)

        return Launch(
            argv=inner,
            layers=("container", "unprivileged-user", "rlimits", "session", "kill-all-of-user"),
            cwd=workdir,
            user=uid,
            group=gid,
            stop=stop,
            after=after,
        )


class NoneBackend:
    """No isolation: the grader's own user, rlimits, a process-group kill."""

    name = "none"

    def home(self, workdir: str) -> str:
        """HOME and TMPDIR: the work dir itself."""
        return workdir

    def launch(self, inner: list[str], workdir: str, limits: Limits, env: dict) -> Launch:
        """Start ``inner`` in ``workdir`` as the grader's user."""

        def after(pid: int) -> bool:
            kill_group(pid)  # what the program left running in its session
            return True

        return Launch(argv=inner, layers=("none", "rlimits", "session"), cwd=workdir, after=after)
