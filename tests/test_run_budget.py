"""A submission's sandboxed runs share one budget: ``--timeout S`` caps the submission at 2S, not each of its runs.

A file that sleeps at each start once took 7 runs of S seconds each (its own loss asked again, the grader's
second point) and, with the later runs cut short, could have been passed on the checks that did run.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from gradcheck.audit import runbudget
from gradcheck.audit.isolation import Limits
from gradcheck.audit.submissionresult import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
OWN_LOSS = ROOT / "examples" / "submissions" / "hinge_margin_net_correct.py"  # several runs: its own loss asked again


def test_runs_are_cut_to_what_is_left_and_only_inside_a_budget():
    limits = Limits(wall_seconds=10, cpu_seconds=10)
    assert runbudget.within_budget(limits) == (limits, None)  # outside an audit: the limits as given
    with runbudget.budget_for(limits) as budget:
        assert runbudget.within_budget(limits) == (limits, None)  # 20 s left: a whole run fits
        budget.deadline = time.monotonic() + 3
        cut, by = runbudget.within_budget(limits)
        assert by is budget and 2 < cut.wall_seconds <= 3 and cut.cpu_seconds <= 4
        budget.deadline = time.monotonic() - 1
        assert runbudget.within_budget(limits)[0].wall_seconds == 0.1  # spent: the run starts and stops at once
    assert runbudget.within_budget(limits) == (limits, None)


def test_a_check_skipped_for_want_of_time_is_never_a_pass():
    budget = runbudget.Budget(deadline=0.0, seconds=12.0)
    passed, failed = SubmissionResult(path="a.py", status="pass"), SubmissionResult(path="b.py", status="fail")
    assert runbudget.judged(passed, budget) is passed  # nothing cut: the verdict stands
    said = runbudget.spend(budget, "killed after 2.3 s wall-clock timeout")
    assert "budget of 12 s" in said and "--timeout" in said
    assert runbudget.judged(passed, budget).status == "timeout"
    assert runbudget.judged(passed, budget).error == said
    assert runbudget.judged(failed, budget).status == "fail"  # a wrong gradient found stays a fail
    assert said in runbudget.judged(failed, budget).notes


def test_a_file_slow_at_every_start_times_out_within_twice_the_timeout(tmp_path):
    slow = tmp_path / "slow_start.py"
    code = OWN_LOSS.read_text()
    assert code.count("    def forward(self, X):\n") == 1
    started = "_STARTED = []\n\n\ndef _slow_start():  # once per sandboxed run\n    if not _STARTED:\n"
    started += "        import time\n\n        _STARTED.append(time.sleep(2.0))\n\n\n"
    code = code.replace("    def forward(self, X):\n", "    def forward(self, X):\n        _slow_start()\n")
    slow.write_text(started + code)
    argv = [sys.executable, "-m", "gradcheck", "audit", str(slow), "--timeout", "3", "--format", "json"]
    proc = subprocess.run([*argv, "--output", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    (s,) = json.loads(proc.stdout)["submissions"]
    assert s["status"] == "timeout", s
    assert "budget of 6 s" in s["error"]
    assert s["elapsed"] < 7 * 2.0  # stopped at the budget, never after every run's slow start
