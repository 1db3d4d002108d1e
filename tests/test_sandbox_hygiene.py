"""An audit cleans up after itself: nothing of it stays in the temporary folder, also when a
submission times out, crashes or leaves its worker with ``os._exit``, and also when the audit
itself is stopped with Ctrl-C.

The audit runs as the command line does, with ``TMPDIR`` pointing at an empty folder of the test's
own (every temporary file and folder of the grader is made through :mod:`tempfile`, which reads it),
so that the folder's content after the run is this run's leftovers and nobody else's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sandbox_util import bwrap_or_skip

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "examples" / "hostile"
CORRECT = ROOT / "examples" / "submissions" / "inplace_correct.py"
#: A short wall-clock limit, so that the timing-out submission is killed quickly, yet one the correct file's
#: audit (1.5 s alone) meets on a loaded CI machine.
SPEC = "[limits]\nwall_seconds = 10\nmemory_mb = 768\n"


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp)}


def _folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    tmp, out, spec = tmp_path / "tmp", tmp_path / "out", tmp_path / "spec.toml"
    tmp.mkdir(mode=0o755)
    spec.write_text(SPEC)
    return tmp, out, spec


def _left(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir())


def test_an_audit_with_timeouts_and_crashes_leaves_nothing_in_the_temporary_folder(tmp_path):
    bwrap_or_skip()
    tmp, out, spec = _folders(tmp_path)
    files = [CORRECT, HOSTILE / "sleep_forever.py", HOSTILE / "exit_midway.py", HOSTILE / "os_exit.py"]
    args = [*map(str, files), "--spec", str(spec), "--jobs", "2", "--format", "json", "--output", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck", "audit", *args],
        cwd=tmp_path,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    got = {Path(s["path"]).name: s["status"] for s in json.loads(proc.stdout)["submissions"]}
    assert got == {
        CORRECT.name: "pass",
        "sleep_forever.py": "timeout",
        "exit_midway.py": "error",
        "os_exit.py": "error",
    }
    assert _left(tmp) == []


def test_an_audit_stopped_by_ctrl_c_leaves_nothing_in_the_temporary_folder(tmp_path):
    bwrap_or_skip()
    tmp, out, spec = _folders(tmp_path)
    files = [HOSTILE / "sleep_forever.py", HOSTILE / "infinite_loop.py", CORRECT]
    args = [*map(str, files), "--spec", str(spec), "--jobs", "2", "--output", str(out)]
    _ctrl_c_reaches_it()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gradcheck", "audit", *args],
        cwd=tmp_path,
        env=_env(tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        # Ctrl-C once both sandboxes run: each has copied its submission into the temporary folder
        deadline = time.monotonic() + 120
        while len([p for p in tmp.iterdir() if p.name.startswith("gradcheck-work-")]) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "the audit never started two sandboxes"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    assert _left(tmp) == [], proc.stderr.read().decode()[-2000:]


def _ctrl_c_reaches_it() -> None:
    """SIGINT handled in this process, as Python's own default is, so that the audit started next gets it as a
    terminal leaves it: a shell's background job (no job control) inherits SIGINT ignored, passes that on to
    every child, and a Python started so never turns Ctrl-C into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
