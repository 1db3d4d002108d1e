"""The command line: python -m gradcheck run | zoo (exit codes, formats, files)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import gradcheck.suite
from gradcheck.cli import main
from reference_nets.presets import standard_suite
from reference_nets.zoo import MUTANTS

ROOT = Path(__file__).resolve().parents[1]
TENSOR_KEYS = {"name", "shape", "status", "max_abs_error", "max_rel_error", "worst_index", "analytic", "numeric"}


def _folders(out: Path, kind: str) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and p.name.startswith(f"{kind}-"))


def test_run_list(capsys, tmp_path):
    assert main(["run", "--list", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for case in standard_suite():
        assert case.name in out
    assert list(tmp_path.iterdir()) == []


def test_run_config_glob_json(capsys, tmp_path):
    code = main(["run", "--config", "tanh-*", "--format", "json", "--output", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    data = json.loads(captured.out)
    assert data["status"] == "pass"
    names = [r["config"] for r in data["results"]]
    assert names == [c.name for c in standard_suite() if c.name.startswith("tanh-")]
    for r in data["results"]:
        assert {"config", "status", "tensors", "diagnoses"} <= set(r)
        assert r["status"] == "pass" and r["diagnoses"] == []
        for t in r["tensors"]:
            assert TENSOR_KEYS <= set(t)
            assert isinstance(t["worst_index"], list) and isinstance(t["shape"], list)
    (folder,) = _folders(tmp_path, "run")
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "report.md"]
    assert json.loads((folder / "report.json").read_text()) == data
    assert (folder / "report.md").read_text().startswith("# gradcheck run: PASS")
    assert "reports written to" in captured.err


def test_run_each_invocation_writes_a_new_folder(capsys, tmp_path):
    for _ in range(2):
        assert main(["run", "--config", "tanh-bce-d1", "--output", str(tmp_path)]) == 0
    assert len(_folders(tmp_path, "run")) == 2


def test_run_markdown(capsys, tmp_path):
    assert main(["run", "--config", "preset:gates-*", "--format", "markdown", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# gradcheck run: PASS")
    assert "| `preset:gates-2-4-1-and` |" in out
    assert "|---|" in out


def test_run_text(capsys, tmp_path):
    assert main(["run", "--config", "sigmoid-bce-d2", "--output", str(tmp_path), "--method", "complex"]) == 0
    out = capsys.readouterr().out
    assert "sigmoid-bce-d2" in out and "complex" in out and "1 configurations: 1 pass" in out


def test_run_unknown_config(capsys, tmp_path):
    assert main(["run", "--config", "no-such-net", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "gradcheck run: error: --config 'no-such-net' matches no configuration" in err
    assert "Traceback" not in err


def test_run_bad_method_is_a_usage_error(capsys):
    assert main(["run", "--method", "bogus"]) == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


def test_missing_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_run_exit_1_when_a_gradient_fails(capsys, tmp_path, monkeypatch):
    real = gradcheck.suite.check_gradients

    def flipped(loss, grad, params, **kw):
        return real(loss, lambda p: {k: -v for k, v in grad(p).items()}, params, **kw)

    monkeypatch.setattr(gradcheck.suite, "check_gradients", flipped)
    assert main(["run", "--config", "tanh-mse-d1", "--format", "json", "--output", str(tmp_path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "fail"
    (result,) = data["results"]
    assert result["diagnoses"][0]["code"] == "sign_flip"


def test_unwritable_output_is_a_usage_error_before_any_work(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(gradcheck.suite, "check_gradients", None)  # any check would raise
    code = main(["run", "--config", "tanh-bce-d1", "--format", "json", "--output", str(blocker)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert f"gradcheck run: error: --output {blocker}: is a file, not a folder" in captured.err
    assert "Traceback" not in captured.err
    assert blocker.read_text() == "not a directory"


def test_reports_that_cannot_be_written_at_the_end_are_exit_2_after_the_results(capsys, tmp_path, monkeypatch):
    from gradcheck.report import files

    def full_disk(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_atomic", full_disk)
    code = main(["run", "--config", "tanh-bce-d1", "--format", "json", "--output", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert json.loads(captured.out)["status"] == "pass"  # the results are printed all the same
    assert f"could not write the reports under {tmp_path}: No space left on device" in captured.err
    assert "Traceback" not in captured.err


def test_zoo_list(capsys):
    assert main(["zoo", "--list"]) == 0
    out = capsys.readouterr().out
    for name, spec in MUTANTS.items():
        assert name in out and spec.code in out


def test_zoo_sign_flip_json(capsys, tmp_path):
    assert main(["zoo", "--mutant", "sign-flip*", "--format", "json", "--output", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "pass"
    assert {m["mutant"] for m in data["mutants"]} == {"sign-flip-tensor", "sign-flip-all"}
    for m in data["mutants"]:
        assert {"name", "config", "detected", "expected_code", "diagnoses"} <= set(m)
        assert m["detected"] is True and m["expected_code"] == "sign_flip"
        assert m["diagnoses"][0]["code"] == "sign_flip"
    (folder,) = _folders(tmp_path, "zoo")
    assert json.loads((folder / "report.json").read_text()) == data


def test_zoo_unknown_mutant(capsys, tmp_path):
    assert main(["zoo", "--mutant", "nope*", "--output", str(tmp_path)]) == 2
    assert "--mutant nope* matches no mutant" in capsys.readouterr().err


def test_zoo_exit_1_when_a_mutant_escapes(capsys, tmp_path, monkeypatch):
    import gradcheck.zoo_runner as zr

    real = zr.run_case

    def escaped(case, seed=0):
        r = real(case, seed)
        return zr.MutantResult(r.name, r.mutant, r.config, r.layer, r.expected_code, False, (), "pass")

    monkeypatch.setattr(zr, "run_case", escaped)
    assert main(["zoo", "--mutant", "zero-gradient", "--format", "markdown", "--output", str(tmp_path)]) == 1
    assert capsys.readouterr().out.startswith("# gradcheck zoo: FAIL")


def test_subprocess_run_json(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gradcheck",
            "run",
            "--config",
            "tanh-bce-d1",
            "--config",
            "relu-mse-d1",
            "--format",
            "json",
            "--output",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [r["config"] for r in data["results"]] == ["tanh-bce-d1", "relu-mse-d1"]
    assert all(np.isfinite(t["max_rel_error"]) for r in data["results"] for t in r["tensors"])
    assert "reports written to" in proc.stderr
    assert len(_folders(tmp_path, "run")) == 1
