"""The worker's last word (gradcheck.audit.lastword): nothing of the submission's runs after its answer.

examples/hostile/late_writer.py (a sign-flipped gradient) rewrites the answer from a replaced
sys.stdout's flush(), an atexit hook, a __del__, a SIGALRM handler and a polling thread, each
negating every gradient of the worker's answer. Audited here with ``--sandbox none`` (the attack
only touches its own process's fds): under the declared BCE loss its rewrite, had it landed, is a
pass; the verdict must stay the sign flip. The bwrap run is in tests/test_audit_hostile.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gradcheck.audit.batch import audit_batch
from gradcheck.audit.sandbox import Limits
from gradcheck.audit.spec import parse_spec

HOSTILE = Path(__file__).resolve().parents[1] / "examples" / "hostile"


def test_nothing_rewrites_the_answer_after_it_is_written(tmp_path):
    sub = tmp_path / "subs" / "late_writer.py"
    sub.parent.mkdir()
    shutil.copy(HOSTILE / "late_writer.py", sub)
    spec = parse_spec({"loss": {"name": "bce"}})
    report = audit_batch([sub], spec, folder=tmp_path / "out", limits=Limits(wall_seconds=60), backend="none")
    (got,) = report.submissions
    assert got.status == "fail", (got.status, got.error)
    assert got.diagnoses[0].code == "sign_flip", [d.code for d in got.diagnoses]
