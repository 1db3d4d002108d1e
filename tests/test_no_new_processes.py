"""The worker's second seccomp filter (gradcheck.audit.seccomp.forbid_new_processes): once installed,
the process and its threads start no other process or program, while threads still run.

Run in a fresh interpreter: a seccomp filter stays for the life of the process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, os, subprocess, sys, threading
from gradcheck.audit import seccomp

before = os.fork()
if before == 0:
    os._exit(0)
os.waitpid(before, 0)                       # the control: fork works before the filter
seccomp.forbid_new_processes()
got = {}
try:
    os.fork()
    got["fork"] = "started"
except OSError as exc:
    got["fork"] = exc.errno
try:
    subprocess.run([sys.executable, "-c", "pass"], check=False)
    got["subprocess"] = "started"
except OSError as exc:
    got["subprocess"] = exc.errno
out = []
t = threading.Thread(target=lambda: out.append(sum(range(10))))
t.start(); t.join()
got["thread"] = out
print(json.dumps(got))
"""


def test_no_process_starts_once_forbidden_and_threads_still_run():
    pytest.importorskip("pyseccomp")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got == {"fork": 1, "subprocess": 1, "thread": [45]}  # EPERM, EPERM, the thread ran
