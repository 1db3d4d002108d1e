"""The second run with the dropout and penalties the first check turned off (gradcheck.audit.asdefaults).

The examples dropout_fixed_mask_* and l2_default_lam_* (tests/test_audit_examples.py) run it end to end in the
sandbox; here, how its verdict joins the first one's, and when it is asked for.
"""

from __future__ import annotations

import dataclasses

from gradcheck.audit import asdefaults
from gradcheck.audit.spec import parse_spec
from gradcheck.audit.submissionresult import SubmissionResult
from gradcheck.result import Diagnosis, TensorResult


def tensor(name: str, status: str) -> TensorResult:
    return TensorResult(name, (2,), status, 0.0, 0.0, (0,), 0.0, 0.0, 2, 2, {status: 2}, 4)


def verdict(status: str, failing=(), diagnoses=(), **kw) -> SubmissionResult:
    tensors = tuple(tensor(n, "fail" if n in failing else "pass") for n in ("W1", "b1", "W2", "b2"))
    return SubmissionResult("s.py", status, tensors=tensors, diagnoses=tuple(diagnoses), notes=("first",), **kw)


FIRST_RUN = {"shape": "grads-dict", "neutral_defaults": {"keep_prob": 0.8}}


def test_asked_only_for_a_judged_verdict_with_knobs_turned_off():
    assert asdefaults.turned_off(verdict("pass"), FIRST_RUN) == {"keep_prob": 0.8}
    assert asdefaults.turned_off(verdict("fail", ["W1"]), FIRST_RUN) == {"keep_prob": 0.8}
    assert asdefaults.turned_off(verdict("error"), FIRST_RUN) == {}
    assert asdefaults.turned_off(verdict("pass"), {"shape": "grads-dict", "neutral_defaults": {}}) == {}
    assert asdefaults.turned_off(verdict("pass"), {**FIRST_RUN, "shape": "script"}) == {}
    assert asdefaults.turned_off(verdict("pass"), {"neutral_defaults": {"keep_prob": None}}) == {"keep_prob": None}
    assert asdefaults.turned_off(verdict("pass"), None) == {}


def test_the_second_run_keeps_the_instructors_spec_and_adds_keep_defaults():
    spec = parse_spec({"entry": {"class": "Net", "init_args": [3, 4, 1]}, "loss": {"name": "mse"}})
    kept = asdefaults.kept(spec)
    assert kept.sections["entry"] == {"class": "Net", "init_args": [3, 4, 1], "keep_defaults": True}
    assert kept.sections["loss"] == {"name": "mse"} and "keep_defaults" not in spec.sections["entry"]
    assert kept.worker_spec()["keep_defaults"] is True and "keep_defaults" not in spec.worker_spec()


def test_a_pass_that_fails_with_dropout_on_becomes_a_fail_naming_the_mask():
    second = verdict("fail", ["W1", "b1"], [Diagnosis("localized", "W1, b1", "layer 1", 0.5)], loss="own: Net.loss()")
    out = asdefaults.judged(verdict("pass"), {"keep_prob": 0.8}, lambda: second)
    assert out.status == "fail"
    assert [t.name for t in out.tensors if t.status == "fail"] == ["W1", "b1"]
    (d,) = out.diagnoses
    assert d.code == "localized" and d.tensor == "W1, b1" and "mask" in d.message and "keep_prob = 0.8" in d.message
    assert out.notes[0].startswith("checked again with keep_prob = 0.8 as the code sets it")
    assert "against the student's" not in out.notes[0] and "Net.loss()" in out.notes[0]


def test_a_penalty_missing_from_one_tensor_is_a_regularization_mismatch_beside_the_first_bug():
    first = verdict("fail", ["b1"], [Diagnosis("shape_mismatch", "b1", "summed", 0.9)])
    second = verdict("fail", ["b1", "W2"])
    out = asdefaults.judged(first, {"lam": 0.5}, lambda: second)
    assert [t.name for t in out.tensors if t.status == "fail"] == ["b1", "W2"]
    assert [d.code for d in out.diagnoses] == ["shape_mismatch", "regularization_mismatch"]
    assert out.diagnoses[1].tensor == "W2" and out.diagnoses[1].message.startswith("W2 is right without the penalty")


def test_a_pass_with_the_knobs_on_is_said_and_changes_nothing_else():
    first = verdict("pass")
    out = asdefaults.judged(first, {"lam": 0.5, "keep": 0.9}, lambda: verdict("pass"))
    assert dataclasses.replace(out, notes=first.notes) == first
    assert out.notes[-1].startswith("checked again with lam = 0.5, keep = 0.9 as the code sets them")
    assert out.notes[-1].endswith(": pass")


def test_no_verdict_from_the_second_run_keeps_the_first_and_says_what_was_not_checked():
    first = verdict("pass")
    for second in (verdict("error", error="the gradient differs from call to call"), verdict("inconclusive")):
        out = asdefaults.judged(first, {"keep_prob": None}, lambda s=second: s)
        assert out.status == "pass" and out.tensors == first.tensors
        assert out.notes[-1].startswith("not checked again with keep_prob at its default")
        assert "is not checked" in out.notes[-1]
