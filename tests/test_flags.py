"""Every flag of every subcommand is checked when it is parsed: a typo is exit 2, names the flag
and its accepted range, prints nothing on stdout, writes no report folder and checks nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import gradcheck.audit.batch
import gradcheck.suite
import gradcheck.zoo_runner
from gradcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = str(ROOT / "examples" / "submissions" / "inplace_correct.py")
#: A folder nothing can be written into, even by root: a read-only file system.
READ_ONLY = "/proc/gradcheck-reports"


@pytest.fixture
def no_work(monkeypatch):
    """Any check, zoo case or sandboxed audit fails the test: a typo must stop before the work."""

    def forbidden(*args, **kwargs):
        raise AssertionError("work started despite a bad flag")

    monkeypatch.setattr(gradcheck.suite, "check_gradients", forbidden)
    monkeypatch.setattr(gradcheck.zoo_runner, "run_case", forbidden)
    monkeypatch.setattr(gradcheck.audit.batch, "audit_one", forbidden)


def _usage_error(argv, capsys, tmp_path, *expected):
    code = main([*argv, "--output", str(tmp_path / "out")] if "--output" not in argv else argv)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    for words in expected:
        assert words in captured.err, captured.err
    assert not (tmp_path / "out").exists()
    return captured.err


COMMANDS = {
    "run": ["run", "--config", "tanh-mse-d1"],
    "zoo": ["zoo", "--mutant", "sign-flip"],
    "audit": ["audit", GOOD],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-1", "argument --seed: must be an integer >= 0, got '-1'"),
        ("1.5", "argument --seed: must be an integer >= 0, got '1.5'"),
        ("seven", "argument --seed: must be an integer >= 0, got 'seven'"),
        ("", "argument --seed: must be an integer >= 0, got ''"),
    ],
)
def test_bad_seed_in_every_subcommand(command, value, words, capsys, tmp_path, no_work):
    _usage_error([*COMMANDS[command], "--seed", value], capsys, tmp_path, f"gradcheck {command}: error: {words}")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_bad_format_in_every_subcommand(command, capsys, tmp_path, no_work):
    argv = [*COMMANDS[command], "--format", "jsno"]
    _usage_error(argv, capsys, tmp_path, "argument --format: invalid choice: 'jsno'")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_output_that_is_a_file_in_every_subcommand(command, capsys, tmp_path, no_work):
    blocker = tmp_path / "reports.txt"
    blocker.write_text("keep me")
    argv = [*COMMANDS[command], "--output", str(blocker)]
    _usage_error(argv, capsys, tmp_path, f"gradcheck {command}: error: --output {blocker}: is a file, not a folder")
    assert blocker.read_text() == "keep me"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_output_under_a_file_in_every_subcommand(command, capsys, tmp_path, no_work):
    blocker = tmp_path / "reports.txt"
    blocker.write_text("keep me")
    argv = [*COMMANDS[command], "--output", str(blocker / "sub")]
    _usage_error(argv, capsys, tmp_path, f"--output {blocker / 'sub'}: is inside {blocker}, which is a file")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_output_on_a_read_only_file_system_in_every_subcommand(command, capsys, tmp_path, no_work):
    argv = [*COMMANDS[command], "--output", READ_ONLY]
    err = _usage_error(argv, capsys, tmp_path, f"gradcheck {command}: error: --output {READ_ONLY}: cannot write there")
    assert "give a folder you can write to" in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_empty_output_in_every_subcommand(command, capsys, tmp_path, no_work):
    argv = [*COMMANDS[command], "--output", ""]
    _usage_error(argv, capsys, tmp_path, "argument --output: must name a folder, got an empty string")


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--scale", "0", "argument --scale: must be a finite number in (0, inf), got '0'"),
        ("--scale", "-0.5", "argument --scale: must be a finite number in (0, inf), got '-0.5'"),
        ("--scale", "nan", "argument --scale: must be a finite number in (0, inf), got 'nan'"),
        ("--scale", "inf", "argument --scale: must be a finite number in (0, inf), got 'inf'"),
        ("--scale", "half", "argument --scale: must be a number in (0, inf), got 'half'"),
        ("--timeout", "-5", "argument --timeout: must be a finite number in (0, 86400], got '-5'"),
        ("--timeout", "0", "argument --timeout: must be a finite number in (0, 86400], got '0'"),
        ("--timeout", "nan", "argument --timeout: must be a finite number in (0, 86400], got 'nan'"),
        ("--timeout", "1e9", "argument --timeout: must be a finite number in (0, 86400], got '1e9'"),
        ("--timeout", "10s", "argument --timeout: must be a number in (0, 86400], got '10s'"),
        ("--jobs", "0", "argument --jobs: must be an integer from 1 to 256, got '0'"),
        ("--jobs", "-3", "argument --jobs: must be an integer from 1 to 256, got '-3'"),
        ("--jobs", "2.5", "argument --jobs: must be an integer from 1 to 256, got '2.5'"),
        ("--jobs", "100000", "argument --jobs: must be an integer from 1 to 256, got '100000'"),
        ("--loss", "mes", "argument --loss: invalid choice: 'mes'"),
        ("--reduction", "avg", "argument --reduction: invalid choice: 'avg'"),
    ],
)
def test_bad_audit_flags(flag, value, words, capsys, tmp_path, no_work):
    _usage_error(["audit", GOOD, flag, value], capsys, tmp_path, f"gradcheck audit: error: {words}")


def test_audit_missing_submission_spec_and_resume(capsys, tmp_path, no_work):
    _usage_error(["audit", str(tmp_path / "nope.py")], capsys, tmp_path, f"{tmp_path / 'nope.py'} does not exist")
    _usage_error(["audit", GOOD, "--spec", str(tmp_path / "hw.toml")], capsys, tmp_path, "spec file", "does not exist")
    resume = str(tmp_path / "audit-gone")
    _usage_error(["audit", GOOD, "--resume", resume], capsys, tmp_path, f"argument --resume: {resume}: no such folder")


def test_spec_limits_out_of_range_is_a_usage_error_naming_the_spec(capsys, tmp_path, no_work):
    spec = tmp_path / "hw.toml"
    spec.write_text("[limits]\nwall_seconds = -5\n")
    _usage_error(["audit", GOOD, "--spec", str(spec)], capsys, tmp_path, f"{spec}", "wall_seconds")


def test_run_and_zoo_names_that_match_nothing(capsys, tmp_path, no_work):
    _usage_error(["run", "--config", "tahn-*"], capsys, tmp_path, "--config 'tahn-*' matches no configuration")
    _usage_error(["run", "--mode", "ful"], capsys, tmp_path, "argument --mode: invalid choice: 'ful'")
    _usage_error(["run", "--method", "centrl"], capsys, tmp_path, "argument --method: invalid choice: 'centrl'")
    _usage_error(["zoo", "--mutant", "sing-flip"], capsys, tmp_path, "--mutant sing-flip matches no mutant")


def test_version(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gradcheck {version('gradcheck')}"


@pytest.mark.parametrize("argv", [[], ["run"], ["zoo"], ["audit"]])
def test_exit_codes_are_in_every_help(argv, capsys):
    assert main([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    assert "exit status:" in out
    for line in ("0    everything checked passes", "1    a gradient fails", "2    usage error", "130  interrupted"):
        assert line in out, line


def test_a_real_process_prints_one_line_and_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gradcheck", "audit", GOOD, "--timeout", "-5", "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines()[-1] == (
        "gradcheck audit: error: argument --timeout: must be a finite number in (0, 86400], got '-5'"
    )
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[loss]\nscale = 0", "[loss] scale must be a finite number in (0, inf), got 0"),
        ("[loss]\nscale = nan", "[loss] scale must be a finite number in (0, inf), got nan"),
        ("[limits]\nwall_seconds = -5", "[limits] wall_seconds must be a finite number in (0, 86400], got -5"),
        ("[limits]\nmemory_mb = 0", "[limits] memory_mb must be a finite number in [16, 1048576], got 0"),
        ("[points]\ngradient = -1", "[points] gradient must be a finite number in [0, inf), got -1"),
        ("[points]\nforward = inf", "[points] forward must be a finite number in [0, inf), got inf"),
        ("[data]\nn = 0", "[data] n must be a finite number in [1, 1000000], got 0"),
        ("[data]\nseed = -1", "[data] seed must be a finite number in [0, inf), got -1"),
        ("[check]\nrtol = 1.0", "[check] rtol must be a finite number in (0, 0.5], got 1.0"),
    ],
)
def test_spec_values_out_of_range_are_usage_errors(toml, words, capsys, tmp_path, no_work):
    spec = tmp_path / "hw.toml"
    spec.write_text(toml + "\n")
    _usage_error(["audit", GOOD, "--spec", str(spec)], capsys, tmp_path, f"gradcheck audit: error: {spec}: {words}")


def test_audit_paths_and_targets_that_cannot_be_used(capsys, tmp_path, no_work):
    notes = tmp_path / "notes.txt"
    notes.write_text("not code")
    _usage_error(["audit", str(notes)], capsys, tmp_path, f"{notes} is not a .py or .ipynb file")
    _usage_error(["audit", GOOD, "--init-spec", str(tmp_path)], capsys, tmp_path, f"--init-spec {tmp_path} is a folder")
    _usage_error(["audit", GOOD, "--init-spec", READ_ONLY + "/spec.toml"], capsys, tmp_path, "cannot write there")
    argv = ["audit", "--gradescope-template", str(notes)]
    _usage_error(argv, capsys, tmp_path, f"--gradescope-template {notes}: is a file, not a folder")
    assert notes.read_text() == "not code"
