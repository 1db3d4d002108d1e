"""A pids cgroup per sandboxed run: the process cap where RLIMIT_NPROC does not apply.

RLIMIT_NPROC is not enforced for processes of the host's root user, which is what
the sandbox's processes are when bubblewrap has to be started by root (an
interpreter under a root-only path). Those runs get a cgroup of their own whose
``pids.max`` caps processes and threads together. The sandbox cannot leave it: it
has its own cgroup namespace, no ``/sys`` at all, and no ``mount`` system call.
"""

from __future__ import annotations

import functools
import os
import signal
import time
import uuid
from pathlib import Path

__all__ = ["PidsCgroup", "pids_cgroup_base"]


def _candidates() -> list[Path]:
    """Where a child pids cgroup of this process could be made (v1 pids hierarchy, then v2)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        num, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if "pids" in controllers.split(","):
            out.append(Path("/sys/fs/cgroup/pids") / path.lstrip("/"))
        elif num == "0" and controllers == "":
            out += [Path("/sys/fs/cgroup") / path.lstrip("/"), Path("/sys/fs/cgroup/unified") / path.lstrip("/")]
    return out


@functools.lru_cache(maxsize=1)
def pids_cgroup_base() -> Path | None:
    """The first place where a pids cgroup can be made and limited, or None (probed once)."""
    for base in _candidates():
        probe = base / f"gradcheck-probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            (probe / "pids.max").write_text("8")
            return base
        except OSError:
            continue
        finally:
            try:
                probe.rmdir()
            except OSError:
                pass
    return None


class PidsCgroup:
    """One run's cgroup: ``pids.max`` set on creation, emptied and removed by :meth:`close`."""

    def __init__(self, base: Path, limit: int):
        self.path = base / f"gradcheck-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.path.mkdir()
        try:
            (self.path / "pids.max").write_text(str(limit))
        except OSError:
            self.path.rmdir()
            raise

    @property
    def procs(self) -> str:
        """The ``cgroup.procs`` file a launcher writes its pid into."""
        return str(self.path / "cgroup.procs")

    def pids(self) -> list[int]:
        """The processes in the cgroup now."""
        try:
            return [int(x) for x in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def _kill(self, pid: int) -> None:
        """SIGKILL ``pid`` through a pidfd, after checking it is still ours (no pid-reuse race)."""
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            return
        try:
            if self.path.name in Path(f"/proc/{pid}/cgroup").read_text():
                signal.pidfd_send_signal(fd, signal.SIGKILL)
        except OSError:
            pass
        finally:
            os.close(fd)

    def close(self, timeout: float = 5.0) -> bool:
        """SIGKILL every member until it is empty, then remove it; False if it could not be emptied."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                try:
                    self.path.rmdir()
                    return True
                except FileNotFoundError:
                    return True
                except OSError:
                    pass  # members not yet reaped
            for pid in pids:
                self._kill(pid)
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
