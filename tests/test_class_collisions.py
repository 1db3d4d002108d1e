"""A class export a student shaped against the grader: folders named like result files, a damaged notebook.

A folder ``mallory/mlp.py.json/`` beside ``mallory/mlp.py`` once made one result's file the other's folder
and stopped the batch before any report was written; a notebook whose cell source held a number stopped it
in discovery. Each student still gets a verdict of their own, and ``--resume`` finishes such a class.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcheck.audit.resultfiles import NAME_BYTES, _result_path
from gradcheck.audit.submissions import source_of

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "submissions" / "inplace_correct.py"
BUGGY = ROOT / "examples" / "submissions" / "inplace_tanh_bug.py"
DAMAGED = {"cells": [{"cell_type": "code", "source": ["import numpy as np\n", 1]}], "nbformat": 4}

part = st.sampled_from(["mlp.py", "mlp.py.json", "a~", "a", "a.json~", "x" * (NAME_BYTES + 5), "y.json" * 40])
names = st.lists(st.lists(part, min_size=1, max_size=4).map("/".join), min_size=2, max_size=8, unique=True)


@settings(max_examples=200, deadline=None)
@given(names)
def test_no_result_file_is_another_results_folder_or_file(rel):
    paths = {Path(f"/class/{n}"): n for n in rel}
    files = [_result_path(Path("/out"), p, paths).relative_to("/out") for p in paths]
    assert len(set(files)) == len(files)  # one file per student
    folders = {parent for f in files for parent in f.parents}
    assert not folders & set(files)  # and none of them a folder another student's result needs
    assert all(len(x.encode()) <= 255 for f in files for x in f.parts)


def test_a_damaged_notebooks_source_is_read_as_no_code_by_the_grader(tmp_path):
    nb = tmp_path / "hw.ipynb"
    nb.write_text(json.dumps(DAMAGED))
    assert source_of(nb) == "import numpy as np\n"


@pytest.fixture(scope="module")
def class_export(tmp_path_factory):
    root = tmp_path_factory.mktemp("export") / "class"
    for rel, src in (
        ("alice/mlp.py", GOOD),
        ("mallory/mlp.py", BUGGY),
        ("mallory/mlp.py.json/mlp.py", GOOD),
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, root / rel)
    (root / "carol").mkdir()
    (root / "carol" / "hw.ipynb").write_text(json.dumps(DAMAGED))
    out = root.parent / "out"
    argv = [sys.executable, "-m", "gradcheck", "audit", str(root), "--jobs", "2"]
    first = subprocess.run([*argv, "--output", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    (out,) = out.iterdir()  # the run's own folder, audit-<time>
    kept = {f: f.read_bytes() for f in (out / "submissions").rglob("*.json")}
    reports = {"first": json.loads((out / "report.json").read_text())}
    again = subprocess.run([*argv, "--resume", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    reports["again"] = json.loads((out / "report.json").read_text())
    return {"first": first, "again": again, "out": out, "kept": kept, "reports": reports}


@pytest.mark.parametrize("run", ["first", "again"])
def test_every_student_gets_a_verdict_of_their_own(class_export, run):
    proc = class_export[run]
    assert proc.returncode == 1, proc.stderr  # a FAIL in the class, never the grader's exit 2
    report = class_export["reports"][run]
    status = {
        Path(s["path"]).relative_to(class_export["out"].parent.parent / "class").as_posix(): s
        for s in report["submissions"]
    }
    assert {k: s["status"] for k, s in status.items()} == {
        "alice/mlp.py": "pass",
        "mallory/mlp.py": "fail",
        "mallory/mlp.py.json/mlp.py": "pass",
        "carol/hw.ipynb": "error",
    }
    assert "damaged" in status["carol/hw.ipynb"]["error"] and "cell 1" in status["carol/hw.ipynb"]["error"]
    assert status["carol/hw.ipynb"]["error_source"] == "audit"


def test_resume_reads_every_verdict_back_from_its_own_file(class_export):
    sub = class_export["out"] / "submissions"
    files = sorted(p.relative_to(sub).as_posix() for p in sub.rglob("*.json"))
    assert files == [
        "alice/mlp.py.json",
        "carol/hw.ipynb.json",
        "mallory/mlp.py.json",
        "mallory/mlp.py.json~/mlp.py.json",
    ]
    assert len(class_export["kept"]) == 4
    assert {f: f.read_bytes() for f in sub.rglob("*.json")} == class_export["kept"]  # none audited again
