"""Fixtures shared by the test modules."""

import contextlib
import fcntl
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

# One BLAS thread unless told otherwise, in this process and the command lines, clusters and graders it
# starts (the sandbox sets its own): on 2 shared cores a second OpenBLAS thread waiting for a busy core
# makes a 0.1 ms matrix product take 30-100 ms at random (the 42,634-parameter net's complex-step check:
# 8.6 s with threads, 0.23 s without, on a loaded machine). Set before numpy loads (no test module has yet).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

#: Modules a test may import for the first time and keep: this project's and its libraries'
#: (dropping them would load a second copy, whose classes are not the first's).
KEPT_MODULES = ("gradcheck", "reference_nets", "numpy", "scipy")


@pytest.fixture
def clean_imports(monkeypatch):
    """Code that loads submissions in-process edits sys.path, sys.meta_path and sys.modules: undo it afterwards."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    # a submission loads as __main__: put the test run's own back (worker processes spawned later import it)
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if not name.startswith(KEPT_MODULES):
            del sys.modules[name]


@pytest.fixture(scope="session")
def audit_json():
    """Audit paths in-process (2 jobs, JSON on stdout): the submissions by file name."""

    def audit(paths, output):
        from gradcheck.cli import main

        out, err = io.StringIO(), io.StringIO()
        argv = ["audit", *map(str, paths), "--format", "json", "--jobs", "2", "--output", str(output)]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(argv)
        return {Path(s["path"]).name: s for s in json.loads(out.getvalue())["submissions"]}

    return audit


@pytest.fixture
def audit_sign_pair(audit_json, tmp_path):
    """Audit one look-alike source as written right (``SIGN `` dropped) and with a sign flipped (``SIGN `` made
    ``-``), as ``<stem>_right.py`` and ``<stem>_sign_bug.py``: their verdicts, (right, wrong)."""

    def audit(source: str, stem: str):
        right, wrong = tmp_path / f"{stem}_right.py", tmp_path / f"{stem}_sign_bug.py"
        right.write_text(source.replace("SIGN ", ""))
        wrong.write_text(source.replace("SIGN ", "-"))
        got = audit_json([right, wrong], tmp_path / "out")
        return got[right.name], got[wrong.name]

    return audit


ROOT = Path(__file__).resolve().parents[1]
#: The README's audit command (stdout piped); it names the example folder as the README does.
EXAMPLES_AUDIT = ["-m", "gradcheck", "audit", "examples/submissions/"]


#: Runs the README's audit in the background and records how it ended: ``python -c RUN_AUDIT OUT DONE ARGV...``
#: writes DONE (JSON: args, returncode, stdout, stderr) when the audit has finished, atomically.
RUN_AUDIT = """
import json, os, subprocess, sys
out, done, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
try:  # a bound for a hung audit, not a speed target: on a slow shared machine the ~300 examples took 14 min
    ran = subprocess.run(argv, cwd=os.getcwd(), capture_output=True, text=True, timeout=2700)
    record = {"args": argv, "returncode": ran.returncode, "stdout": ran.stdout, "stderr": ran.stderr}
except subprocess.TimeoutExpired as exc:
    record = {"args": argv, "returncode": -9, "stdout": str(exc.stdout or ""), "stderr": "timed out"}
with open(done + ".tmp", "w") as f:
    json.dump(record, f)
os.replace(done + ".tmp", done)
"""


def _shared_dir(tmp_path_factory) -> Path:
    """The folder every xdist worker of this run shares (the controller's base temp), or this run's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _unmeasured() -> dict[str, str]:
    """This process's environment without coverage's hand-down to subprocesses (``COVERAGE_PROCESS_CONFIG``, from
    ``patch = ["subprocess"]``, and pytest-cov's ``COV_CORE_*``): the README's audit of every example is the suite's
    longest step, and measured it costs a third more CPU (32 s -> 44 s on 40 examples) for code that the grader's
    in-process tests measure already."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_PROCESS", "COV_CORE_"))}


def _start_examples_audit(shared: Path) -> tuple[Path, Path]:
    """Start the README's audit of examples/submissions in the background, once per run (whichever worker asks
    first); (its report folder, the file it writes when it has finished)."""
    out, done = shared / "examples-audit", shared / "examples-audit.json"
    with open(shared / "examples-audit.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not out.exists():
            out.mkdir()
            argv = [sys.executable, *EXAMPLES_AUDIT, "--output", str(out)]
            subprocess.Popen([sys.executable, "-c", RUN_AUDIT, str(out), str(done), *argv], cwd=ROOT, env=_unmeasured())
    return out, done


def pytest_collection_modifyitems(session, config, items):
    """Test files in the order ``pytest -n --dist loadfile`` hands them out (pyproject.toml turns xdist's own
    reordering off): the files with the most tests first, as xdist orders them, but those that read the README's
    audit of the examples last. A worker given one of them early waits for the audit (minutes, on both cores)
    while files that need nothing from it queue behind it; last, they find it finished or nearly."""
    files: dict = {}
    for item in items:
        files.setdefault(item.path, []).append(item)
    waits = {p for p, its in files.items() if any("examples_audit" in getattr(i, "fixturenames", ()) for i in its)}
    order = sorted(files, key=lambda p: (p in waits, -len(files[p])))
    items[:] = [item for p in order for item in files[p]]


@pytest.fixture(scope="session", autouse=True)
def _examples_audit_early(request, tmp_path_factory):
    """Start the README's audit as this worker's first test starts, when any test of the run reads it: the other
    tests run while it does, instead of waiting for it (it is the suite's longest step)."""
    if any("examples_audit" in getattr(item, "fixturenames", ()) for item in request.session.items):
        _start_examples_audit(_shared_dir(tmp_path_factory))


@pytest.fixture(scope="session")
def examples_audit(tmp_path_factory):
    """The README's audit of examples/submissions, run once for every test that reads its output.

    ``python -m gradcheck audit examples/submissions/ --output DIR`` from the checkout, stdout piped.
    Returns ``proc`` (the finished process: its text report on stdout, its exit code) and ``folder``
    (the report folder it wrote: report.json, report.txt, junit.xml, submissions/...). Auditing the
    ~300 examples is the suite's most expensive step: the README, the examples' verdicts, the specs the
    audits suggest and the text-width tests read this one run instead of each auditing the folder again.
    Under pytest -n the test modules reading it may run in different worker processes: it runs once, in
    the background from the start (:func:`_examples_audit_early`), and they wait for its end.
    """
    out, done = _start_examples_audit(_shared_dir(tmp_path_factory))
    deadline = time.monotonic() + 3000  # the audit's own bound (2700 s) and its start-up
    while not done.exists():
        assert time.monotonic() < deadline, f"the README's audit of the examples never finished ({done} not written)"
        time.sleep(1.0)
    proc = subprocess.CompletedProcess(**json.loads(done.read_text()))
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1, (folders, proc.stderr[-2000:])
    return SimpleNamespace(proc=proc, folder=folders[0])
