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
        "from gradcheck.audit.submissions import _RUN_FILE as r",
        "r.findall('\\n' * 300_000) == [] and r.findall('%run layers.py') == ['layers']",
    ),
    "definitions": (
        "from gradcheck.audit.helperfiles import _DEF as r",
        "r.findall('\\n' * 300_000) == [] and r.findall('  def backward(self):') == [('def', 'backward')]",
    ),
    "magic line": (
        "from gradcheck.audit.notebooks import _MAGIC as r",
        "r.match(' ' * 300_000 + 'x') is None and bool(r.match('a, b = !ls')) and bool(r.match('  %matplotlib'))",
    ),
}


@pytest.mark.parametrize("name", sorted(SCANS))
def test_a_scan_of_pathological_text_ends(name):
    setup, check = SCANS[name]
    code = f"{setup}\nassert {check}"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the {name} scan ran past {BOUND_SECONDS} s on text a submission can hold")
    assert done.returncode == 0, done.stderr
