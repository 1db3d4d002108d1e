"""One example submission audited alone by the CLI, as an instructor would: its JSON record, and the check
that it got the verdict (and top diagnosis) EXPECTED.toml gives it."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

from gradcheck.cli import main

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def audit_path(path: Path, tmp_path: Path) -> dict:
    """The submission record of ``python -m gradcheck audit PATH --format json``, its reports under ``tmp_path``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["audit", str(path), "--format", "json", "--output", str(tmp_path / "out")])
    return json.loads(out.getvalue())["submissions"][0]


def audit_source(tmp_path: Path, name: str, source: str) -> dict:
    """The submission record of a file ``name`` holding ``source``, audited alone."""
    (tmp_path / name).write_text(source)
    return audit_path(tmp_path / name, tmp_path)


def audit_example(tmp_path: Path, name: str) -> dict:
    """The submission record of ``python -m gradcheck audit <a copy of the example> --format json``."""
    shutil.copy(FOLDER / name, tmp_path / name)
    return audit_path(tmp_path / name, tmp_path)


def assert_judged(tmp_path: Path, name: str, status: str, code: str | None) -> None:
    """The example's audit ends in ``status``, its first diagnosis ``code`` when one is given."""
    s = audit_example(tmp_path, name)
    assert s["status"] == status, s["error"]
    assert code is None or s["diagnoses"][0]["code"] == code, s["diagnoses"]
