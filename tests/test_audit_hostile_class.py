"""Hostile files inside a class export (a folder per student), audited by the real command line with
the default (bwrap) sandbox: what one student puts in their folder must not stop the class's audit,
nor change or take another student's verdict or result file.

* ``mallory/mlp.py`` is examples/hostile/deep_nesting.py (an expression nested 3,000 deep) and
  ``trudy/hw.ipynb`` examples/hostile/nested_notebook.ipynb (a notebook of lists nested 3,000 deep):
  the grader reads every file of a folder to see what imports what, where a parser that runs out of
  recursion used to stop the whole batch (exit 2, no verdict for anyone);
* ``eve/mlp.py`` is a relative link to ``../alice/mlp.py``: eve's folder is refused unread, and its verdict goes
  to its own result file (named by the link's place, it used to overwrite alice's);
* ``oscar`` uploads ``mlp<0xff>.py`` (the bug of bob's file), a name that is not UTF-8, and ``pat``'s folder is
  named with terminal escapes (``pat<ESC>[2J<BEL>``, the correct file): the digest, the sandbox's arguments and
  report.html encoded such names as UTF-8 and stopped the batch or its reports; every report now shows them
  escaped, and their verdicts are their files';
* ``zed/`` is a project (``net.py`` imports its ``layers.py``) holding folders nested 1,100 deep
  (made here: a tree git cannot usefully keep): the grader's recursive walks (``Path.rglob``, the
  copy) ran out of recursion and stopped the batch; now the walks are bounded and the copy refuses
  a folder nested more than ``untrusted.MAX_DEPTH`` deep, naming it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sandbox_util import bwrap_or_skip

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "examples" / "hostile"
HONEST = ROOT / "examples" / "submissions" / "inplace_correct.py"
BUGGY = ROOT / "examples" / "submissions" / "inplace_tanh_bug.py"
#: nothing here should time out: a wall limit a loaded CI machine (two test workers, two audits each) cannot reach
SPEC = "[limits]\nwall_seconds = 30\nmemory_mb = 768\n"


def _audit(target: Path, out: Path, spec: Path) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck", "audit", str(target), "--spec", str(spec), "--format", "json"]
        + ["--jobs", "2", "--output", str(out)],
        cwd=out.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc, report


def _nest(top: Path, depth: int) -> None:
    """Folders ``a/a/.../a`` ``depth`` deep under ``top``, made relative to open folders (the whole path
    is longer than PATH_MAX allows)."""
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("a", dir_fd=fd)
        inner = os.open("a", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


def _unnest(top: Path) -> None:
    """Remove what :func:`_nest` made, deepest first, without recursion."""
    if not top.is_dir():
        return
    fds = [os.open(top, os.O_RDONLY)]
    try:
        while True:
            try:
                fds.append(os.open("a", os.O_RDONLY, dir_fd=fds[-1]))
            except FileNotFoundError:
                break
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir("a", dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


def _essence(s: dict) -> tuple:
    return s["status"], [d["code"] for d in s["diagnoses"]], [(t["name"], t["status"]) for t in s["tensors"]]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    bwrap_or_skip()
    base = tmp_path_factory.mktemp("hostile-class")
    spec = base / "spec.toml"
    spec.write_text(SPEC)
    honest = base / "honest"
    # outside pytest's temp dirs: their clean-up (shutil.rmtree) recurses once per level of zed's tree
    cls = Path(tempfile.mkdtemp(prefix="gradcheck-hostile-class-")) / "cls"
    for who, src in (("alice", HONEST), ("bob", BUGGY)):
        for folder in (honest, cls):
            (folder / who).mkdir(parents=True, exist_ok=True)
            shutil.copy(src, folder / who / "mlp.py")
    for who, name, src in (("mallory", "mlp.py", "deep_nesting.py"), ("trudy", "hw.ipynb", "nested_notebook.ipynb")):
        (cls / who).mkdir()
        shutil.copy(HOSTILE / src, cls / who / name)
    (cls / "eve").mkdir()
    (cls / "eve" / "mlp.py").symlink_to("../alice/mlp.py")
    odd = os.fsencode(cls)
    for folder, name, src in ((b"oscar", b"mlp\xff.py", BUGGY), (b"pat\x1b[2J\x07", b"mlp.py", HONEST)):
        os.mkdir(odd + b"/" + folder)
        shutil.copy(src, odd + b"/" + folder + b"/" + name)
    zed = cls / "zed"
    zed.mkdir()
    (zed / "net.py").write_text(HONEST.read_text().replace("import numpy as np", "import numpy as np\nimport layers"))
    (zed / "layers.py").write_text("SIZES = (2, 4, 1)\n")
    (zed / "deep").mkdir()
    try:
        _nest(zed / "deep", 1100)
        yield from _run_class(base, honest, cls, spec)
    finally:
        _unnest(zed / "deep")
        shutil.rmtree(cls.parent)


def _run_class(base: Path, honest: Path, cls: Path, spec: Path):
    (base / "out-honest").mkdir()
    (base / "out").mkdir()
    baseline, base_report = _audit(honest, base / "out-honest", spec)
    proc, report = _audit(cls, base / "out", spec)
    folder = next((base / "out").glob("audit-*"), None)
    files, written = {}, {}
    if folder is not None:
        for f in (folder / "submissions").rglob("*.json"):
            files[f.relative_to(folder / "submissions").as_posix()] = json.loads(f.read_text())
        reports = [f for f in folder.iterdir() if f.name.startswith(("report", "junit", "results"))]
        written = {f.name: f.read_bytes() for f in reports}
    yield {"baseline": base_report, "proc": proc, "report": report, "files": files, "written": written}


def _by_student(report: dict) -> dict[str, dict]:
    paths = {Path(s["path"]): s for s in report["submissions"]}
    return {(p.parent.name if p.suffix else p.name): s for p, s in paths.items()}  # a file, or a project folder


def test_the_class_audit_finishes(run):
    proc = run["proc"]
    assert proc.returncode == 1, proc.stderr[-2000:]  # failing submissions: exit 1, never our crash (2)
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    students = {"alice", "bob", "mallory", "trudy", "eve", "zed", "oscar", "pat\x1b[2J\x07"}
    assert set(_by_student(run["report"])) == students
    assert len(run["written"]) >= 5 and "report.html" in run["written"]


def test_honest_verdicts_unchanged(run):
    base, got = _by_student(run["baseline"]), _by_student(run["report"])
    assert base["alice"]["status"] == "pass" and base["bob"]["status"] == "fail"
    for who in ("alice", "bob"):
        assert _essence(got[who]) == _essence(base[who]), who
    assert _essence(got["oscar"]) == _essence(base["bob"])  # its file is bob's: so is its verdict
    assert _essence(got["pat\x1b[2J\x07"]) == _essence(base["alice"])


def test_no_control_character_in_any_report(run):
    for name, data in run["written"].items():
        text = data.decode("utf-8")
        bad = sorted({c for c in text if (ord(c) < 32 and c not in "\n\t\r") or 0x7F <= ord(c) <= 0x9F})
        assert not bad, f"{name} holds control characters {bad!r}"


def test_hostile_files_get_an_error_about_themselves(run):
    got = _by_student(run["report"])
    assert got["mallory"]["status"] == "error" and "RecursionError" in got["mallory"]["error"]
    assert got["trudy"]["status"] == "error"
    assert got["eve"]["status"] == "error" and "link out of the submission" in got["eve"]["error"]
    assert got["zed"]["status"] == "error" and "nested more than" in got["zed"]["error"]
    for who in ("mallory", "trudy", "eve", "zed"):
        assert got[who]["score"] == 0


def test_every_student_has_their_own_result_file(run):
    files = run["files"]
    names = {f"{w}/mlp.py.json" for w in ("alice", "bob", "mallory", "pat\x1b[2J\x07")}
    names |= {"trudy/hw.ipynb.json", "zed.json", "eve.json", "oscar/mlp\udcff.py.json"}  # refused folders: one file
    assert set(files) == names
    for name, data in files.items():
        assert name.startswith((Path(data["path"]).parent.name + "/", Path(data["path"]).name)), (name, data["path"])
    assert files["alice/mlp.py.json"]["status"] == "pass"


def test_unparseable_text_is_unreadable_in_the_grader():
    from gradcheck.audit import untrusted
    from gradcheck.audit.submissions import imported_names, source_of

    assert untrusted.parse("x = a" + "[0]" * 3000) is None
    assert untrusted.parse("x = 1\0") is None
    assert untrusted.read_json("[" * 3000 + "]" * 3000) is None
    assert untrusted.parse("import layers") is not None
    assert source_of(HOSTILE / "nested_notebook.ipynb") == ""
    assert "numpy" in imported_names(HOSTILE / "deep_nesting.py")  # read line by line when it does not parse


def test_an_answer_nested_too_deep_is_no_answer():
    from gradcheck.audit.batch import _parse_channel

    assert _parse_channel(b"[" * 100_000 + b"]" * 100_000) is None
    assert _parse_channel(b'{"a": ' + b"[" * 900 + b"]" * 900 + b"}") is None  # parses, too deep to walk
    assert _parse_channel(b"\xff\xfe") is None
    answer = b'{"ok": true, "grads": [{"param": "W", "data": [[1.0, "nan"]]}]}'
    assert _parse_channel(answer) == {"ok": True, "grads": [{"param": "W", "data": [[1.0, "nan"]]}]}
