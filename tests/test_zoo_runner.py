"""gradcheck.zoo_runner: every catalogued mutant is caught and named."""

import json
import re

import pytest

from gradcheck.zoo_runner import MutantResult, render_markdown, render_text, run_case, run_zoo
from reference_nets.zoo import MUTANTS, zoo_cases

CASES = zoo_cases()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_zoo_case_detected_and_named(case):
    r = run_case(case)
    assert r.detected, f"{case.name} escaped (status {r.status})"
    assert r.named, f"{case.name}: expected {case.expected_code}, got {[d.code for d in r.diagnoses]}"
    assert r.status in ("fail", "error")


def test_shape_refused_mutant_is_error_detected_and_named():
    case = next(c for c in CASES if c.name == "bias-not-summed@tanh-mse-d2/L1")
    r = run_case(case)
    assert (r.status, r.detected, r.named) == ("error", True, True)
    assert r.diagnoses[0].code == "bias_not_summed" and "b1" in r.diagnoses[0].tensor


def test_wrong_axis_bias_is_named_bias_not_summed():
    case = next(c for c in CASES if c.name == "bias-wrong-axis@tanh-mse-d2/L2")
    r = run_case(case)
    assert r.status == "error" and r.named


def test_mutant_result_to_dict_keys():
    case = next(c for c in CASES if c.name == "sign-flip-all@tanh-mse-d2")
    d = run_case(case).to_dict()
    assert {"name", "config", "detected", "expected_code", "diagnoses"} <= set(d)
    assert d["mutant"] == "sign-flip-all" and d["detected"] is True and d["named"] is True
    assert d["config"] == case.config.label and d["layer"] is None
    for diag in d["diagnoses"]:
        assert {"code", "tensor", "message", "confidence"} <= set(diag)
    json.dumps(d)


def test_multi_layer_to_dict():
    case = next(c for c in CASES if c.name == "derivative-at-activation@tanh-bce-d2/L1+2")
    assert run_case(case).to_dict()["layer"] == [1, 2]


def test_named_requires_expected_code_on_top():
    r = MutantResult("x", "m", "cfg", None, "sign_flip", True, (), "fail")
    assert not r.named


def test_run_zoo_filters_by_glob():
    results, elapsed = run_zoo(["sign-flip*", "transposed"])
    assert {r.mutant for r in results} == {"sign-flip-tensor", "sign-flip-all", "transposed"}
    assert len(results) == sum(c.mutant in {"sign-flip-tensor", "sign-flip-all", "transposed"} for c in CASES)
    assert elapsed >= 0
    assert run_zoo(["no-such-mutant"])[0] == []


def test_every_mutant_has_zoo_cases():
    assert {c.mutant for c in CASES} == set(MUTANTS)


def test_renderers():
    results, elapsed = run_zoo(["zero-gradient"])
    txt = render_text(results, elapsed)
    assert txt.splitlines()[0].split() == ["mutant", "config", "detected", "top", "diagnosis", "expected", "match"]
    assert f"{len(results)} cases of 1 mutants: {len(results)} detected (100%)" in txt
    md = render_markdown(results, elapsed)
    assert md.startswith("# gradcheck zoo: PASS")
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(results)
    assert all(len(re.findall(r"(?<!\\)\|", r)) == 7 for r in rows)


def test_markdown_marks_escapes():
    r = MutantResult("m@c", "m", "cfg", 2, "sign_flip", False, (), "pass")
    md = render_markdown([r], 0.0)
    assert md.startswith("# gradcheck zoo: FAIL") and "**NO**" in md
    assert "cfg L2" in render_text([r], 0.0)
