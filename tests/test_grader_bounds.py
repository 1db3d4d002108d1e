"""What a submission's text costs the grader's own process is bounded: names and notes it controls are read in one
pass, a hostile source is not parsed whole (a fourth red-team round, D03, D04, D06 in reports/hostile.md).

Each scan here gets input that once took the grader minutes or a gigabyte; the bound is against a hang, run in a
process of its own (a regex or a parse holds the interpreter until it returns), not a speed target.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from gradcheck.audit import errordict, unloaded, untrusted
from gradcheck.report.student import for_students

BOUND_SECONDS = 60

CHECKS = """
from gradcheck.report.student import for_students
from gradcheck.audit import unloaded
# D03: an exception class named ", set spec" x 6000 (cubic in the old two-lazy-run pattern: hours)
assert for_students("NameError" + ", set spec" * 6000 + " x(") is not None
# D06: a note of 250,000 characters with no colon (quadratic in the old unanchored search: minutes)
assert unloaded._failures(["x" * 250_000 + " called with inferred arguments []"]) == []
"""


def test_names_and_notes_of_any_length_are_read_in_one_pass():
    try:
        done = subprocess.run([sys.executable, "-c", CHECKS], capture_output=True, text=True, timeout=BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"a scan of a name or note the submission chose ran past {BOUND_SECONDS} s")
    assert done.returncode == 0, done.stderr


def test_the_student_report_still_drops_the_instructors_clauses():
    assert for_students("no gradients were extracted: set spec.grads (in reading gradients)") == (
        "no gradients were extracted (in reading gradients)"
    )
    assert for_students("no forward found; set [entry] forward to name it; then try again") == (
        "no forward found; then try again"
    )
    assert for_students("fine text: set nothing here") == "fine text: set nothing here"


def test_load_failures_are_still_read_where_they_start_a_note_or_follow_a_module():
    notes = [
        "demo: demo.py line 4: statement raised ModuleNotFoundError: No module named 'x' while loading; skipped",
        "fc.py: SyntaxError: Missing parentheses (fc.py, line 3) while loading; skipped",
    ]
    assert [w for w, _, _ in unloaded._failures(notes)] == ["demo.py line 4", "fc.py"]


def test_an_exception_class_name_is_clipped_in_the_answer():
    Long = type("E" * 10_000, (Exception,), {})
    assert len(errordict.error_dict(Long("x"), None)["type"]) == errordict.TYPE_CHARS


def test_a_source_past_the_cap_is_not_parsed_by_the_grader():
    """500,000 one-letter lines took 20 s and 0.9 GB of the grader's memory to parse; its imports and literals are
    read line by line instead (the callers' fallback for a file that does not parse)."""
    from gradcheck.audit.submissions import _imports

    huge = "import numpy\n" + "a\n" * 500_000
    assert untrusted.parse(huge) is None and untrusted.parse("import numpy\n") is not None
    assert _imports(huge) == {"numpy"}
