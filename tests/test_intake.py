"""gradcheck.audit.intake: a submission is copied without following a link out of it, and only
regular files are opened; what cannot be copied safely is refused, unread, with its name."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from gradcheck.audit import intake
from gradcheck.audit.intake import SubmissionRefused, copy_submission, tree_digest

CAP = 10 * 1024**2


@pytest.fixture
def project(tmp_path):
    p = tmp_path / "alice"
    (p / "lib").mkdir(parents=True)
    (p / "main.py").write_text("from lib.model import Net\n")
    (p / "lib" / "model.py").write_text("class Net: pass\n")
    (p / "lib" / "__init__.py").write_text("")
    (p / "run.sh").write_text("#!/bin/sh\n")
    (p / "run.sh").chmod(0o755)
    (p / "__pycache__").mkdir()
    (p / "__pycache__" / "x.pyc").write_bytes(b"junk")
    return p


def test_a_file_is_copied_into_a_private_dir(tmp_path):
    f = tmp_path / "hw.py"
    f.write_text("x = 1\n")
    w = copy_submission(f, max_bytes=CAP)
    try:
        assert (w / "hw.py").read_text() == "x = 1\n"
        assert (w.stat().st_mode & 0o777) == 0o700 and w.name.startswith("gradcheck-work-")
    finally:
        shutil.rmtree(w)


def test_a_folder_is_copied_recursively_without_caches(project):
    w = copy_submission(project, max_bytes=CAP)
    try:
        assert sorted(str(p.relative_to(w)) for p in w.rglob("*")) == [
            "alice",
            "alice/lib",
            "alice/lib/__init__.py",
            "alice/lib/model.py",
            "alice/main.py",
            "alice/run.sh",
        ]
        assert os.access(w / "alice" / "run.sh", os.X_OK)
    finally:
        shutil.rmtree(w)


def test_a_symlink_submission_is_refused_unread(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("TOP SECRET\n")
    secret.chmod(0o600)
    link = tmp_path / "hw.py"
    link.symlink_to(secret)
    with pytest.raises(SubmissionRefused, match=r"hw.py is a symbolic link \(to .*secret\).*refused, it was not read"):
        copy_submission(link, max_bytes=CAP)
    assert not list(tmp_path.glob("gradcheck-work-*"))


def test_a_link_out_of_a_folder_is_refused(project, tmp_path):
    (project / "lib" / "data").symlink_to("/etc/passwd")
    with pytest.raises(SubmissionRefused, match=r"alice/lib/data is a link out of the submission \(to /etc/passwd\)"):
        copy_submission(project, max_bytes=CAP, root=tmp_path)
    (project / "lib" / "data").unlink()
    (project / "lib" / "data").symlink_to("../../outside")
    with pytest.raises(SubmissionRefused, match="link out of the submission"):
        copy_submission(project, max_bytes=CAP, root=tmp_path)
    assert not list(tmp_path.glob("gradcheck-work-*")), "a refused copy leaves no work dir"


def test_every_link_out_and_fifo_of_a_folder_is_named_in_one_refusal(project, tmp_path):
    (project / "helpers.py").symlink_to("../bob/mlp.py")  # a classmate's file
    (project / "lib" / "data.csv").symlink_to("/etc/hostname")
    os.mkfifo(project / "pipe")
    with pytest.raises(SubmissionRefused) as refused:
        copy_submission(project, max_bytes=CAP, root=tmp_path)
    message = str(refused.value)
    for named in (
        "helpers.py is a link out of the submission (to ../bob/mlp.py)",
        "lib/data.csv is a link out",
        "alice/pipe is a FIFO",
    ):
        assert named in message, message
    assert message.endswith("refused, they were not read")
    assert not list(tmp_path.glob("gradcheck-work-*")), "a refused copy leaves no work dir"


def test_a_refusal_names_a_few_entries_and_counts_the_rest(project, tmp_path):
    for i in range(intake.MAX_NAMED + 3):
        (project / f"link{i:02d}").symlink_to("/etc/hostname")
    message = str(pytest.raises(SubmissionRefused, copy_submission, project, max_bytes=CAP, root=tmp_path).value)
    assert message.count("is a link out") == intake.MAX_NAMED and "and 3 more" in message


def test_a_link_inside_the_folder_is_kept_as_a_link(project):
    (project / "model.py").symlink_to("lib/model.py")
    w = copy_submission(project, max_bytes=CAP)
    try:
        assert os.readlink(w / "alice" / "model.py") == "lib/model.py"
        assert (w / "alice" / "model.py").read_text() == "class Net: pass\n"
    finally:
        shutil.rmtree(w)


def test_fifos_and_sockets_are_refused(project, tmp_path):
    os.mkfifo(project / "pipe")
    with pytest.raises(SubmissionRefused, match="alice/pipe is a FIFO: refused, it was not read"):
        copy_submission(project, max_bytes=CAP)
    os.unlink(project / "pipe")
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(project / "sock"))
    try:
        with pytest.raises(SubmissionRefused, match="alice/sock is a socket"):
            copy_submission(project, max_bytes=CAP)
    finally:
        s.close()
    fifo = tmp_path / "hw.py"
    os.mkfifo(fifo)
    with pytest.raises(SubmissionRefused, match="hw.py is a FIFO"):
        copy_submission(fifo, max_bytes=CAP)


def test_size_and_file_count_caps(project, monkeypatch):
    (project / "big.npy").write_bytes(b"\0" * 5000)
    with pytest.raises(SubmissionRefused, match="larger than the sandbox's disk cap of 4096 bytes"):
        copy_submission(project, max_bytes=4096)
    monkeypatch.setattr(intake, "MAX_FILES", 3)
    with pytest.raises(SubmissionRefused, match="more than 3 files"):
        copy_submission(project, max_bytes=CAP)


def test_missing_submission(tmp_path):
    with pytest.raises(FileNotFoundError):
        copy_submission(tmp_path / "nope.py", max_bytes=CAP)


def test_tree_digest_follows_content_not_place(project, tmp_path):
    w1, w2 = copy_submission(project, max_bytes=CAP), copy_submission(project, max_bytes=CAP)
    try:
        assert tree_digest(w1) == tree_digest(w2)
        (w2 / "alice" / "main.py").write_text("changed\n")
        assert tree_digest(w1) != tree_digest(w2)
        (w1 / "alice" / "x").symlink_to("main.py")
        assert "x" in str(list((w1 / "alice").iterdir())) and tree_digest(w1) != tree_digest(w2)
    finally:
        shutil.rmtree(w1)
        shutil.rmtree(w2)
