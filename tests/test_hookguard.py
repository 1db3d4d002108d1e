"""The guard on the profile hook (gradcheck.audit.hookguard): while the worker watches a step, code
that switches the hook off, clears threading's hook or starts raw threads is still watched.

Run in a fresh interpreter: install() replaces sys.setprofile and the thread starters for good.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import _thread, json, sys, threading, time
from gradcheck.audit import hookguard

saved = sys.setprofile          # what a submission loaded after install() finds
hookguard.install()
saved = sys.setprofile
seen = []

def watch(frame, event, arg):
    if event == "call" and frame.f_code.co_name.startswith("target_"):
        seen.append(frame.f_code.co_name)

def target_main(): pass
def target_thread(): pass
def target_raw(): pass

def step():
    saved(None)                              # switch the watch off around the work
    target_main()
    threading.setprofile(None)
    threading._profile_hook = None           # what a new threading.Thread would install
    t = threading.Thread(target=target_thread)
    t.start(); t.join()
    done = []
    _thread.start_new_thread(lambda: (target_raw(), done.append(1)), ())
    while not done:
        time.sleep(0.01)
    saved(None)

with hookguard.watching(watch) as evidence:
    step()
after = sys.getprofile()
target_main()                                # unwatched again after the step
print(json.dumps({"seen": sorted(seen), "changes": evidence["changes"], "removed": evidence["removed"],
                  "after": after is None}))
"""


def test_a_watched_step_cannot_switch_the_watch_off():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["seen"] == ["target_main", "target_raw", "target_thread"]
    assert got["changes"] == 3 and got["removed"] is False and got["after"] is True


def test_without_the_guard_the_same_code_escapes_the_watch():
    """The control: the same step with a plain sys.setprofile watch sees none of the three calls."""
    plain = SCRIPT.replace("hookguard.install()", "pass").replace(
        "with hookguard.watching(watch) as evidence:\n    step()",
        "sys.setprofile(watch)\nstep()\nevidence = {'changes': 0, 'removed': sys.getprofile() is not watch}",
    )
    proc = subprocess.run(
        [sys.executable, "-c", plain], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["seen"] == []


ASKED = r"""
import json, sys, threading
from gradcheck.audit import hookguard

hookguard.install()
def watch(frame, event, arg):
    pass

with hookguard.watching(watch) as evidence:
    inside = [sys.getprofile(), threading.getprofile()]
sys.setprofile(watch)  # outside a watch the hook is what it is
print(json.dumps({"inside": [h is None for h in inside], "removed": evidence["removed"],
                  "outside": sys.getprofile() is watch}))
sys.setprofile(None)
"""


def test_a_watched_step_cannot_ask_whether_it_is_watched():
    """sys.getprofile() told a backward whether the auditor watched it (finite differences where it did not, its
    own wrong backprop where it did: examples/hostile/unwatched_numerical_small_bug.py): under the watch it says
    None, and so does threading.getprofile()."""
    proc = subprocess.run(
        [sys.executable, "-c", ASKED], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"inside": [True, True], "removed": False, "outside": True}
