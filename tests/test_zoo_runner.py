"""gradcheck.zoo_runner: every catalogued mutant is caught and named."""

import dataclasses
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
    # the top diagnosis never blames a tensor the check found right (transposed@tanh-mse-d2-square/L2: only W2
    # is wrong, the diagnosis must not say "W2, b2"); a refused shape's checked rest counts as checked
    top = r.diagnoses[0]
    blamed = set(top.tensor.split(", ")) if top.tensor else set()
    assert blamed <= set(r.wrong), f"{case.name}: {top.code} blames {top.tensor!r}, wrong are {sorted(r.wrong)}"


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


# ------------------------------------------------------------------ two bugs at once
from gradcheck.cli import main as cli_main  # noqa: E402
from gradcheck.zoo_runner import (  # noqa: E402
    CompoundResult,
    compound_footer,
    controls_footer,
    named_codes,
    render_compounds,
    render_compounds_markdown,
    run_compounds,
    run_controls,
)


def test_compounds_filtered_to_the_selected_mutants_and_both_named():
    results, elapsed = run_compounds(["bce-extra*", "sum-over-batch"], per_pair=2)
    assert results and all(set(r.mutants) == {"bce-extra-sigmoid-derivative", "sum-over-batch"} for r in results)
    assert all(r.detected and r.named for r in results)
    assert run_compounds(["sum-over-batch"], per_pair=1)[0] == []  # a pair needs both mutants selected
    assert run_compounds(None, per_pair=0) == ([], 0.0)


def test_compound_result_named_needs_every_planted_code_in_the_best_explanation():
    from gradcheck.result import Diagnosis

    best = Diagnosis("sign_flip", None, "", 0.9, {"explanation": 1})
    other = Diagnosis("missing_batch_mean", None, "", 0.4, {"explanation": 2})
    r = CompoundResult(
        "a+b@c", ("a", "b"), (None, None), "cfg", ("sign_flip", "missing_batch_mean"), True, (best, other), "fail"
    )
    assert not r.named and named_codes(r.diagnoses) == ["sign_flip"]
    both = dataclasses.replace(other, evidence={"explanation": 1})
    assert dataclasses.replace(r, diagnoses=(best, both)).named
    d = r.to_dict()
    assert d["expected_codes"] == ["sign_flip", "missing_batch_mean"] and d["named"] is False
    json.dumps(d)


def test_compound_renderers_and_footers():
    results, elapsed = run_compounds(["gradient-clipping", "sum-over-batch"], per_pair=1)
    txt = render_compounds(results, elapsed)
    assert txt.splitlines()[0].split() == ["mutants", "config", "detected", "named", "expected", "both"]
    assert "1 compound cases of 1 pairs: 1 detected (100%), both bugs named in 1 (100.0%; target 95%)" in txt
    md = render_compounds_markdown(results, elapsed)
    assert md.startswith("| mutants |") and "**NO**" not in md
    miss = dataclasses.replace(results[0], diagnoses=())
    assert "both bugs named in 0 (0.0%" in compound_footer([miss], 0.0)


def test_controls_pass_without_a_diagnosis():
    controls = run_controls()
    assert controls and all(status in ("pass", "kink") and n == 0 for _, status, n in controls)
    assert controls_footer(controls) == f"{len(controls)} correct networks: {len(controls)} pass without a diagnosis"


def test_cli_zoo_json_has_compounds_and_controls(capsys, tmp_path):
    code = cli_main(["zoo", "--mutant", "l2-*", "--compound", "all", "--format", "json", "--output", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["status"] == "pass"
    assert data["compounds"] and all(c["named"] for c in data["compounds"])
    assert {"config", "status", "diagnoses"} <= set(data["controls"][0])


def test_cli_zoo_compound_none_and_bad_choice(capsys, tmp_path):
    assert cli_main(["zoo", "--mutant", "transposed", "--compound", "none", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "compound cases" not in out and "correct networks" in out
    assert cli_main(["zoo", "--compound", "some"]) == 2
    assert "argument --compound: invalid choice: 'some'" in capsys.readouterr().err
