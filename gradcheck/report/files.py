"""Writing reports to disk atomically, one folder per run."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows.

    ``os.umask`` can only be read by setting it, which races with threads that
    create files meanwhile (an audit writes from several); Linux shows it in
    ``/proc/self/status``. Elsewhere it is set and restored at once.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and ``os.replace``.

    A reader never sees a half-written file, even if the process is killed.
    The file gets the permissions of any file the user creates (``0o666``
    less the umask: readable by the group on a shared server when the umask
    says so), not the private ``0o600`` of a temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def to_json(data: Any) -> str:
    """Pretty, stable JSON (NaN written as null)."""
    return json.dumps(json_safe(data), indent=2, allow_nan=False) + "\n"


def json_safe(x: Any) -> Any:
    """``x`` with NaN and infinities replaced by None, for strict JSON."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, float) and x in (float("inf"), float("-inf")):
        return None
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    return x


def run_folder(output: Path, kind: str) -> Path:
    """A new folder ``output/<kind>-YYYYmmdd-HHMMSS[-n]`` for one run's files."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path(output) / f"{kind}-{stamp}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    folder.mkdir(parents=True)
    return folder
