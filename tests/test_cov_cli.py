"""Command-line edge cases: progress lines on a terminal, unwritable report folders,
optional report renderers missing, and internal errors reported without a traceback."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from gradcheck import suite
from gradcheck.audit import cli as audit_cli
from gradcheck.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "submissions" / "inplace_correct.py"


class _Tty(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


# --------------------------------------------------------------------------- gradcheck run / suite


def test_tty_progress_is_none_off_a_terminal():
    assert suite.tty_progress(io.StringIO()) is None


def test_tty_progress_rewrites_one_line_and_ends_it_when_done():
    stream = _Tty()
    show = suite.tty_progress(stream)
    show(0, 2, "relu-mse-d1")
    show(1, 2, "tanh-mse-d1")
    assert stream.getvalue() == "\r\033[K[0/2] relu-mse-d1\r\033[K[1/2] tanh-mse-d1"
    show(2, 2, "")
    assert stream.getvalue().endswith("\r\033[K[2/2] \n")


def test_run_cases_reports_progress_for_every_case_then_done():
    cases = suite.select_cases(["preset:threshold-1-4-1-*"])
    calls = []
    run = suite.run_cases(cases, mode="full", progress=lambda *a: calls.append(a))
    assert calls == [
        (0, 2, "preset:threshold-1-4-1-sigmoid"),
        (1, 2, "preset:threshold-1-4-1-tanh"),
        (2, 2, ""),
    ]
    assert [r.config for r in run.results] == ["preset:threshold-1-4-1-sigmoid", "preset:threshold-1-4-1-tanh"]
    assert run.status == "pass"


def test_select_cases_pattern_matching_nothing():
    with pytest.raises(ValueError, match=r"--config 'nosuch-\*' matches no configuration; see --list"):
        suite.select_cases(["nosuch-*"])


def test_internal_error_is_exit_2_without_traceback(monkeypatch, capsys, tmp_path):
    def boom(patterns, seed=0):
        raise RuntimeError("case table is corrupt")

    monkeypatch.setattr(suite, "select_cases", boom)
    code = main(["run", "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "gradcheck run: internal error: RuntimeError: case table is corrupt. This is a defect of gradcheck" in err
    assert "please report it" in err
    assert "Traceback" not in err


def test_parser_without_the_audit_package_has_no_audit_command(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "gradcheck.audit.cli", None)  # import fails with ImportError
    parser = build_parser()
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["audit", str(GOOD)])
    assert info.value.code == 2
    assert "invalid choice: 'audit'" in capsys.readouterr().err
    assert parser.parse_args(["run", "--list"]).command == "run"


# --------------------------------------------------------------------------- gradcheck audit


def test_audit_progress_is_none_off_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert audit_cli._progress() is None


def test_audit_progress_bar_eta_and_final_newline(monkeypatch):
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    show = audit_cli._progress()
    show(0, 4, 0, 0.0)
    assert tty.getvalue() == f"\r\033[K[{'':<20}] 0/4  0 failing  0s  ETA 0s"
    show(1, 4, 1, 10.0)  # 10 s for one: 30 s left for three
    assert tty.getvalue().endswith(f"\r\033[K[{'#' * 5:<20}] 1/4  1 failing  10s  ETA 30s")
    show(4, 4, 2, 42.0)
    assert tty.getvalue().endswith(f"\r\033[K[{'#' * 20}] 4/4  2 failing  42s  ETA 0s\n")


def test_audit_output_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    code = main(["audit", str(GOOD), "--output", str(blocker)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"gradcheck audit: error: --output {blocker}: is a file, not a folder" in err
    assert blocker.read_text() == "not a folder"


def test_render_all_without_the_optional_renderers(monkeypatch):
    from gradcheck.audit.batch import AuditReport
    from gradcheck.audit.spec import load_spec

    monkeypatch.setitem(sys.modules, "gradcheck.report.gradescope", None)
    monkeypatch.setitem(sys.modules, "gradcheck.report.html", None)
    spec = load_spec(None)
    report = AuditReport(status="pass", submissions=(), elapsed=0.0)
    out = audit_cli.render_all(report, spec)
    assert sorted(out) == ["json", "junit", "markdown", "text"]
    assert '"kind": "audit"' in out["json"]
