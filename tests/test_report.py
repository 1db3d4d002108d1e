"""Renderers (text, markdown) and report files (atomic writes, JSON, run folders)."""

import json
import os
import re

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.report import markdown, text
from gradcheck.report.files import run_folder, to_json, write_atomic
from gradcheck.result import CaseResult, RunReport
from gradcheck.suite import run_cases, select_cases


@pytest.fixture(scope="module")
def failing():
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(5, 9)), "b1": rng.normal(size=9)}
    loss = lambda p: float(np.sum(np.tanh(p["W1"])) + np.sum(p["b1"] ** 2))  # noqa: E731

    def grad(p):
        g = {"W1": 1 - np.tanh(p["W1"]) ** 2, "b1": 2 * p["b1"]}
        g["W1"][3, 7] *= 1.001
        return g

    return check_gradients(loss, grad, params, seed=9)


@pytest.fixture(scope="module")
def run():
    return run_cases(select_cases(["tanh-bce-d*", "preset:gates-2-4-1-and"]), method="central")


def _table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("|")]


def _check_md_table(rows: list[str]) -> int:
    assert len(rows) >= 3
    assert re.fullmatch(r"\|(---\|)+", rows[1]), rows[1]
    n = rows[1].count("---")
    for r in rows:
        cells = re.split(r"(?<!\\)\|", r)
        assert cells[0] == "" and cells[-1] == "", r
        assert len(cells) - 2 == n, r
    return n


def test_text_report_has_location_verdict_and_evidence(failing):
    out = text.render_report(failing)
    assert out.splitlines()[0].startswith("gradient check: FAIL")
    assert "seed 9" in out
    assert "W1[3, 7]" in out
    assert "FAIL" in out and re.search(r"^b1\s.*\bok$", out, re.M)
    evidence = next(line for line in out.splitlines() if line.strip().startswith("W1[3, 7]:"))
    assert "analytic" in evidence and "numeric" in evidence and "rel err" in evidence and "tolerance" in evidence
    assert failing.summary() == out


def test_text_table_alignment():
    out = text.table(["a", "bb"], [["xxx", "1"], ["y", "22"]], right={1})
    lines = out.splitlines()
    assert lines[0] == "a    bb"
    assert lines[1] == "---  --"
    assert lines[2] == "xxx   1"
    assert lines[3] == "y    22"


def test_text_run_lists_every_config_and_verdicts(run):
    out = text.render_run(run)
    for r in run.results:
        assert r.config in out
    assert "configurations:" in out and "seed 0" in out
    assert f"{len(run.results)} pass" in out


def test_markdown_report_table_is_well_formed(failing):
    md = markdown.render_report(failing)
    assert md.startswith("**FAIL**")
    assert _check_md_table(_table_rows(md)) == 7
    assert "`W1[3, 7]`" in md
    assert "- `W1[3, 7]`: analytic" in md


def test_markdown_run_table_is_well_formed(run):
    md = markdown.render_run(run)
    assert md.startswith("# gradcheck run: PASS")
    rows = _table_rows(md)
    n = _check_md_table(rows)
    assert len(rows) == 2 + len(run.results)
    assert n == 5 + len({t.name for r in run.results for t in r.report.tensors})


def test_markdown_escapes_pipes():
    md = markdown.md_table(["a|b", "c"], [["x|y", "z"]])
    rows = md.splitlines()
    assert rows[0] == "| a\\|b | c |"
    assert _check_md_table(rows) == 2


def test_markdown_run_details_for_failing_configs(failing):
    run = RunReport("fail", (CaseResult("toy-config", "5x9", 54, failing),), "central", "auto", 9, 0.1)
    md = markdown.render_run(run)
    assert "## toy-config" in md
    assert "`W1[3, 7]`" in md


def test_write_atomic_leaves_no_temp_files(tmp_path):
    target = tmp_path / "sub" / "report.json"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert sorted(os.listdir(target.parent)) == ["report.json"]


def test_write_atomic_cleans_up_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "r.md"
    target.write_text("old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["r.md"]


def test_to_json_turns_nan_and_inf_into_null():
    data = {"a": float("nan"), "b": [1.0, float("inf"), (float("-inf"), 2)], "c": {"d": float("nan")}, "e": "x"}
    out = to_json(data)
    assert json.loads(out) == {"a": None, "b": [1.0, None, [None, 2]], "c": {"d": None}, "e": "x"}
    assert "NaN" not in out and "Infinity" not in out
    assert out.endswith("\n")


def test_to_json_of_a_report(failing):
    assert json.loads(to_json(failing.to_dict()))["tensors"][0]["worst_index"] == [3, 7]


def test_run_folder_is_new_every_time(tmp_path):
    a = run_folder(tmp_path, "run")
    b = run_folder(tmp_path, "run")
    assert a != b and a.is_dir() and b.is_dir()
    assert a.parent == tmp_path and a.name.startswith("run-") and b.name.startswith(a.name)
