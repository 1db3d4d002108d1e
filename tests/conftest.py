"""Fixtures shared by the test modules."""

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest


@pytest.fixture
def clean_imports(monkeypatch):
    """Code that loads submissions in-process edits sys.path, sys.meta_path and sys.modules: undo it afterwards."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
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
