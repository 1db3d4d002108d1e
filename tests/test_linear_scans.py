"""The grader's scans of a submission's text take time in proportion to it, never its square.

These regexes run in the grader's own process, on text the submission chose, before any sandbox: a file of 130,000
blank lines once held every thread of the audit for minutes (``^\\s*%run`` with MULTILINE rescans the remaining
blank lines from every line start), and an honest neighbour's budget ran out. Each scan here gets text that took
the old patterns minutes, in a process of its own (a regex holds the interpreter until it returns, so no alarm
could stop it); the time allowed is a bound against a hang, hundreds of times what the scan takes, not a speed
target.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

BOUND_SECONDS = 60
#: The old ``_RUN_FILE`` took 2.9 s on 20,000 blank lines (with no %run after them), growing with their square:
#: about 11 minutes on these 300,000.
SCANS = {
    "run magic": (
        "from gradcheck.audit.submissions import _RUN_FILE as run_file",
        "run_file.findall('\\n' * 300_000) == [] and run_file.findall('%run layers.py') == ['layers']",
    ),
    "definitions": (
        "from gradcheck.audit.helperfiles import _DEF as defs",
        "defs.findall('\\n' * 300_000) == [] and defs.findall('  def backward(self):') == [('def', 'backward')]",
    ),
    "magic line": (
        "from gradcheck.audit.notebooks import _MAGIC as magic",
        "magic.match(' ' * 300_000 + 'x') is None and bool(magic.match('a, b = !ls')) and bool(magic.match(' %run'))",
    ),
}


def test_scans_of_pathological_text_end():
    """All three in one process (one import of the grader's modules)."""
    lines = [setup for setup, _ in SCANS.values()]
    lines += [f"assert {check}, {name!r}" for name, (_, check) in SCANS.items()]
    try:
        done = subprocess.run(
            [sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True, timeout=BOUND_SECONDS
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"a scan ran past {BOUND_SECONDS} s on text a submission can hold")
    assert done.returncode == 0, done.stderr
