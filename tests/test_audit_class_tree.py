"""A class export where one student's folder is a trap: thousands of files, a FIFO named like code,
links to a classmate's file and to the host's files, a sparse file of gigabytes, folders nested a
thousand deep; and a student entry that is a link to a folder outside the class.

The folder is ONE submission, refused by name (each offending entry, bounded), and nothing of it is
read or run; the link to a folder outside is listed as refused, not passed over; the honest
classmate is audited as before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sandbox_util import bwrap_or_skip

from gradcheck.audit.intake import MAX_FILES, SubmissionRefused, copy_submission
from gradcheck.audit.studentfolders import beyond_a_project
from gradcheck.audit.submissions import content_digest, discover
from gradcheck.audit.untrusted import MAX_DEPTH

ROOT = Path(__file__).resolve().parents[1]
HONEST = ROOT / "examples" / "submissions" / "inplace_correct.py"
BUGGY = ROOT / "examples" / "submissions" / "inplace_tanh_bug.py"
#: Folders deep: four times the cap. (A thousand deep would also pass the interpreter's recursion limit, which
#: the bounded walk never meets; but pytest's clean-up of old temporary folders, a recursive rmtree, would.)
NESTED = 4 * MAX_DEPTH
CELLS = MAX_FILES + 1000


def _nest(folder: Path, depth: int) -> None:
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(depth):  # through dir fds: the path would outgrow PATH_MAX
        os.mkdir("d", dir_fd=fd)
        nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    os.close(fd)


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("export")
    root = base / "class"
    (root / "anna").mkdir(parents=True)
    shutil.copy(HONEST, root / "anna" / "mlp.py")
    m = root / "mallory"
    m.mkdir()
    shutil.copy(BUGGY, m / "mlp.py")
    os.symlink(root / "anna" / "mlp.py", m / "anna_copy.py")
    os.symlink("/etc/hostname", m / "hostname.txt")
    os.mkfifo(m / "helpers.py")
    (m / "data").mkdir()
    with open(m / "data" / "weights.bin", "wb") as fh:
        fh.truncate(1900 * 1024**2)  # sparse: no disk used, 1.9 GB to whoever reads it
    _nest(m, NESTED)
    (m / "cells").mkdir()
    for i in range(CELLS):
        (m / "cells" / f"cell_{i:04d}.py").write_text(f"x{i} = {i}\n")
    outside = base / "elsewhere"
    outside.mkdir()
    shutil.copy(HONEST, outside / "mlp.py")
    os.symlink(outside, root / "zed")
    return root


def test_the_trap_folder_is_one_submission_and_the_link_out_is_listed(klass):
    found = discover([klass])
    assert found == [klass / "zed", klass / "anna" / "mlp.py", klass / "mallory"]


def test_every_offence_is_named_without_reading_a_file(klass):
    said = " ; ".join(beyond_a_project(klass / "mallory"))
    caps = (f"nested more than {MAX_DEPTH} folders deep", f"more than {MAX_FILES} files", "disk cap")
    for words in ("hostname.txt is a link out", "anna_copy.py is a link out", "helpers.py is a FIFO", *caps):
        assert words in said, words
    assert beyond_a_project(klass / "anna") == []
    with pytest.raises(SubmissionRefused, match="helpers.py is a FIFO.*refused, they were not read"):
        copy_submission(klass / "mallory", max_bytes=256 * 1024**2)
    assert content_digest(klass / "mallory").hexdigest() != content_digest(klass / "anna").hexdigest()


def test_the_audit_refuses_both_by_name_and_grades_the_classmate(klass, tmp_path):
    bwrap_or_skip()
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck", "audit", str(klass), "--out", str(out), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    report = json.loads(next(out.glob("*/report.json")).read_text())
    got = {Path(s["path"]).name: s for s in report["submissions"]}
    assert set(got) == {"zed", "mlp.py", "mallory"}
    assert got["mlp.py"]["status"] == "pass"
    assert got["zed"]["status"] == "error" and "symbolic link" in got["zed"]["error"]
    assert got["mallory"]["status"] == "error" and "helpers.py is a FIFO" in got["mallory"]["error"]


def _too_long(root: Path, levels: int = 20) -> Path:
    """``root/bob/<243 x's>/...`` ``levels`` deep, a file at the bottom: a path past PATH_MAX (4096 bytes), made one
    folder at a time relative to the last (no call is given the whole path)."""
    student = root / "bob"
    student.mkdir(parents=True)
    fd = os.open(student, os.O_RDONLY)
    try:
        for i in range(levels):
            name = f"d{i:02d}" + "x" * 240
            os.mkdir(name, dir_fd=fd)
            deeper = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        made = os.open("mlp.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(made, HONEST.read_bytes())
        os.close(made)
    finally:
        os.close(fd)
    return student


def test_a_folder_too_long_to_read_is_refused_by_name_not_dropped(tmp_path):
    """A class export whose student hid the file 20 folders of 243 characters down (about 4,900 bytes of path):
    the walk cannot open the deepest folders (ENAMETOOLONG), and once passed them over in silence, so the student
    was missing from every report. The folder is now one submission, refused with the entry it could not read."""
    student = _too_long(tmp_path / "class")
    said = " ; ".join(beyond_a_project(student))
    assert "cannot be read (File name too long)" in said, said
    assert student in discover([tmp_path / "class"])
