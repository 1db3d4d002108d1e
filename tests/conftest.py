"""Fixtures shared by the test modules."""

import contextlib
import fcntl
import io
import json
import os
import subprocess
import sys
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


ROOT = Path(__file__).resolve().parents[1]
#: The README's audit command (stdout piped); it names the example folder as the README does.
EXAMPLES_AUDIT = ["-m", "gradcheck", "audit", "examples/submissions/"]


@pytest.fixture(scope="session")
def examples_audit(tmp_path_factory):
    """The README's audit of examples/submissions, run once for every test that reads its output.

    ``python -m gradcheck audit examples/submissions/ --output DIR`` from the checkout, stdout piped.
    Returns ``proc`` (the finished process: its text report on stdout, its exit code) and ``folder``
    (the report folder it wrote: report.json, report.txt, junit.xml, submissions/...). Auditing the
    ~75 examples is the suite's most expensive step: the README, the examples' verdicts and the
    text-width tests read this one run instead of each auditing the folder again.
    """
    # Under pytest -n the test modules reading it may run in different worker processes: the first one to
    # need it runs the audit in the folder the workers share, the others wait for it and read its result.
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out, done = shared / "examples-audit", shared / "examples-audit.json"
    with open(shared / "examples-audit.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            out.mkdir()
            argv = [sys.executable, *EXAMPLES_AUDIT, "--output", str(out)]
            ran = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
            done.write_text(
                json.dumps({"args": argv, "returncode": ran.returncode, "stdout": ran.stdout, "stderr": ran.stderr})
            )
    proc = subprocess.CompletedProcess(**json.loads(done.read_text()))
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1, (folders, proc.stderr[-2000:])
    return SimpleNamespace(proc=proc, folder=folders[0])
