"""``python -m gradcheck audit``: usage errors (exit 2), formats, report files, Gradescope template."""

import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "submissions" / "inplace_correct.py"
BAD = ROOT / "examples" / "submissions" / "grads_tuple_sign_bug.py"
REPORT_FILES = ("report.json", "report.md", "junit.xml", "results.json", "report.html")


def _folders(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir()) if out.exists() else []


def test_no_path_exit_2(tmp_path, capsys):
    code = main(["audit", "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "give at least one submission file or folder" in err
    assert _folders(tmp_path) == []


def test_nonexistent_path_exit_2_naming_it(tmp_path, capsys):
    missing = tmp_path / "no_such_student.py"
    code = main(["audit", str(missing), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert str(missing) in err and "does not exist" in err
    assert "Traceback" not in err
    assert _folders(tmp_path / "out") == []


def test_folder_without_submissions_exit_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "_helper.py").write_text("x = 1")
    code = main(["audit", str(tmp_path), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"no .py or .ipynb submissions in {tmp_path}" in err


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_jobs_below_one_exit_2(tmp_path, capsys, jobs):
    code = main(["audit", str(GOOD), "--jobs", jobs, "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"argument --jobs: must be an integer from 1 to 256, got '{jobs}'" in err
    assert _folders(tmp_path) == []


def test_resume_missing_folder_exit_2(tmp_path, capsys):
    code = main(["audit", str(GOOD), "--resume", str(tmp_path / "gone"), "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"argument --resume: {tmp_path / 'gone'}: no such folder" in err


def test_bad_format_is_a_usage_error(tmp_path, capsys):
    assert main(["audit", str(GOOD), "--format", "yaml", "--output", str(tmp_path)]) == 2
    assert "argument --format: invalid choice: 'yaml'" in capsys.readouterr().err


def test_json_stdout_and_report_files(tmp_path, capsys):
    out = tmp_path / "reports"
    code = main(["audit", str(GOOD), str(BAD), "--format", "json", "--jobs", "2", "--output", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    data = json.loads(captured.out)  # stdout is the JSON and nothing else
    assert data["status"] == "fail"
    assert [Path(s["path"]).name for s in data["submissions"]] == [GOOD.name, BAD.name]
    assert [s["status"] for s in data["submissions"]] == ["pass", "fail"]
    # progress and logs on stderr
    assert "auditing 2 submission(s)" in captured.err
    # one new folder under --output with every report file
    folders = _folders(out)
    assert len(folders) == 1 and folders[0].name.startswith("audit-")
    folder = folders[0]
    for name in REPORT_FILES:
        assert (folder / name).is_file(), name
    assert str(folder) in captured.err
    assert json.loads((folder / "report.json").read_text())["status"] == "fail"
    ET.parse(folder / "junit.xml")
    json.loads((folder / "results.json").read_text())
    assert "<html" in (folder / "report.html").read_text().lower()
    assert sorted(p.name for p in (folder / "submissions").iterdir()) == [f"{BAD.name}.json", f"{GOOD.name}.json"]


def test_each_audit_gets_a_new_folder(tmp_path, capsys):
    for _ in range(2):
        assert main(["audit", str(GOOD), "--format", "json", "--output", str(tmp_path)]) == 0
    capsys.readouterr()
    folders = _folders(tmp_path)
    assert len(folders) == 2
    for f in folders:
        assert (f / "report.json").is_file()


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "gradescope", "html"])
def test_other_stdout_formats(tmp_path, capsys, fmt):
    code = main(["audit", str(BAD), "--format", fmt, "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    if fmt == "text":
        assert BAD.name in out and "sign_flip" in out and "reproduce: python -m gradcheck audit" in out
    elif fmt == "markdown":
        assert "| submission | verdict |" in out and "`sign_flip`" in out
    elif fmt == "junit":
        suite = ET.fromstring(out.split("?>", 1)[-1].strip())
        assert suite.get("failures") == "1" and len(suite.findall("testcase")) == 1
    elif fmt == "gradescope":
        data = json.loads(out)
        assert "score" in data or "tests" in data
    else:
        assert "<html" in out.lower()


def test_loss_option_overrides(tmp_path, capsys):
    # inplace_correct is correct for BCE: declaring MSE must fail it
    code = main(["audit", str(GOOD), "--loss", "mse", "--format", "json", "--output", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["submissions"][0]["status"] == "fail"
    assert data["submissions"][0]["loss"] == "mse (mean)"


def test_gradescope_template_writes_executable_scripts(tmp_path, capsys):
    target = tmp_path / "autograder"
    code = main(["audit", "--gradescope-template", str(target)])
    err = capsys.readouterr().err
    assert code == 0
    for name in ("run_autograder", "setup.sh"):
        f = target / name
        assert f.is_file(), name
        mode = f.stat().st_mode
        assert mode & stat.S_IXUSR and mode & stat.S_IXGRP and mode & stat.S_IXOTH, oct(mode)
        assert os.access(f, os.X_OK)
        assert f.read_text().startswith("#!"), name
        assert f"wrote {f}" in err
    for name in ("run_autograder", "setup.sh"):
        subprocess.run(["bash", "-n", str(target / name)], check=True)


def test_gradescope_template_with_spec_copies_it(tmp_path, capsys):
    spec = tmp_path / "hw.toml"
    spec.write_text('[loss]\nname = "bce"\n')
    target = tmp_path / "ag"
    assert main(["audit", "--gradescope-template", str(target), "--spec", str(spec)]) == 0
    assert (target / "spec.toml").read_text() == spec.read_text()


def test_gradescope_template_with_bad_spec_exit_2(tmp_path, capsys):
    spec = tmp_path / "hw.toml"
    spec.write_text("[loss]\nnme = 1\n")
    code = main(["audit", "--gradescope-template", str(tmp_path / "ag"), "--spec", str(spec)])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown key 'nme' in [loss]" in err


def test_subprocess_entry_point_exit_codes(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck", "audit", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_report_files_follow_the_umask(tmp_path, capsys, umask, file_mode, dir_mode):
    old = os.umask(umask)
    try:
        assert main(["audit", str(GOOD), str(BAD), "--output", str(tmp_path / "out")]) == 1
    finally:
        os.umask(old)
    (folder,) = _folders(tmp_path / "out")
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != "signing.key"]
    assert (folder / "signing.key").stat().st_mode & 0o777 == 0o600  # a secret: never the umask's choice
    assert {p.name for p in files} >= {*REPORT_FILES, "report.txt", f"{GOOD.name}.json", f"{BAD.name}.json"}
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(file_mode)}  # group can read, as the umask says
    assert oct(folder.stat().st_mode & 0o777) == oct(dir_mode)
    assert oct((folder / "submissions").stat().st_mode & 0o777) == oct(dir_mode)
