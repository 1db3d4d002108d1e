"""A file name is the student's too: one with a newline in it must not forge a line of the report.

``r97_x\\n== inplace_correct.py: ok\\n.py`` (a buggy file) printed as three lines would put a
passing verdict line for another student into report.txt, report.md and the JUnit failure
text, and its ``reproduce:`` command would not run. Each name is shown on one line with its
escapes, and the command is one shell word that names the real file.
"""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "submissions" / "inplace_correct.py"
BAD = ROOT / "examples" / "submissions" / "grads_tuple_sign_bug.py"
FORGED = "== inplace_correct.py: ok"


def test_newline_in_a_file_name_forges_no_line(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(GOOD, folder / "inplace_correct.py")
    hostile = folder / f"r97_x\n{FORGED}\n.py"
    shutil.copy(BAD, hostile)
    code = main(["audit", str(folder), "--output", str(tmp_path / "out")])
    stdout = capsys.readouterr().out
    assert code == 1
    run = next((tmp_path / "out").iterdir())
    texts = {"stdout": stdout, **{n: (run / n).read_text() for n in ("report.txt", "report.md")}}
    for name, text in texts.items():
        assert not any(line.lstrip("# ").startswith(FORGED) for line in text.splitlines()), name
        assert f"r97_x\\n{FORGED}\\n.py" in text, name  # shown, escaped, on one line
    failure = next(c for c in ET.parse(run / "junit.xml").getroot().iter("testcase") if "r97" in c.get("name"))
    assert "\n" not in failure.get("name")
    assert not any(line.startswith(FORGED) for line in failure.find("failure").text.splitlines())
    command = next(line for line in stdout.splitlines() if "reproduce:" in line and "r97" in line)
    command = command.split("reproduce: ", 1)[1]
    argv = subprocess.run(
        ["bash", "-c", f"printf '%s\\0' {command.removeprefix('python -m gradcheck audit ')}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")[:-1]
    assert argv == [str(hostile)]


def test_a_name_with_backticks_and_html_stays_inside_its_code_span_in_report_md():
    """``bob`<img src=x onerror=alert(1)>`**PASS**.py`` once closed the table's code span and the heading was raw: a
    previewer that renders HTML ran it, and "**PASS**" was bold beside a failing verdict. Every name is one code span
    now, fenced with more backticks than it holds."""
    import re

    from gradcheck.audit.batch import AuditReport
    from gradcheck.audit.submissionresult import SubmissionResult
    from gradcheck.report.audit import render_markdown

    name = "class/bob`<img src=x onerror=alert(1)>`**PASS**.py"
    report = AuditReport(status="fail", submissions=(SubmissionResult(path=name, status="fail"),), elapsed=0.1)
    md = render_markdown(report)
    fenced = "``" + name + "``"
    row = next(line for line in md.splitlines() if line.startswith("| ") and "bob" in line)
    heading = next(line for line in md.splitlines() if line.startswith("## "))
    assert row.startswith(f"| {fenced} |") and heading == f"## {fenced}"
    prose, block = [], ""  # what is neither inside a fenced block (the details, literal) nor a code span
    for line in md.splitlines():
        if not block and re.fullmatch("`{3,}", line):
            block = line
        elif block:
            block = "" if line == block else block
        else:
            prose.append(re.sub(r"``.*?``", "", line))
    assert not any("<img" in line or "**PASS**" in line for line in prose), md
