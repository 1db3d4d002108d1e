"""Result objects: frozen, documented statuses, to_dict() that JSON accepts."""

import dataclasses
import json

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.result import (
    STATUSES,
    CaseResult,
    Diagnosis,
    EntryEvidence,
    GradientReport,
    RunReport,
    TensorResult,
    format_index,
    worst_status,
)

TENSOR_KEYS = {"name", "shape", "status", "max_abs_error", "max_rel_error", "worst_index", "analytic", "numeric"}


def _failing_report():
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(5, 9)), "b1": rng.normal(size=9)}
    loss = lambda p: float(np.sum(np.tanh(p["W1"])) + np.sum(p["b1"] ** 2))  # noqa: E731

    def grad(p):
        g = {"W1": 1 - np.tanh(p["W1"]) ** 2, "b1": 2 * p["b1"]}
        g["W1"][3, 7] += 0.25
        return g

    return check_gradients(loss, grad, params, seed=3)


def test_statuses_vocabulary():
    assert STATUSES == ("pass", "fail", "kink", "inconclusive", "error", "timeout")


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ([], "pass"),
        (["pass"], "pass"),
        (["pass", "kink"], "kink"),
        (["kink", "inconclusive"], "inconclusive"),
        (["inconclusive", "fail", "pass"], "fail"),
        (["fail", "timeout"], "timeout"),
        (["timeout", "error"], "error"),
        (iter(["pass", "fail"]), "fail"),
    ],
)
def test_worst_status(statuses, expected):
    assert worst_status(statuses) == expected


def test_worst_status_rejects_unknown():
    with pytest.raises(KeyError):
        worst_status(["pass", "bogus"])


@pytest.mark.parametrize(
    "name, index, text",
    [("W1", (3, 7), "W1[3, 7]"), ("b", (0,), "b[0]"), ("s", (), "s"), ("W", (np.int64(2), np.int64(1)), "W[2, 1]")],
)
def test_format_index(name, index, text):
    assert format_index(name, index) == text


def test_report_to_dict_round_trips_through_json():
    report = _failing_report()
    d = report.to_dict()
    again = json.loads(json.dumps(d, allow_nan=False))
    assert again == d
    assert again["status"] == "fail" and again["seed"] == 3
    for t in again["tensors"]:
        assert TENSOR_KEYS <= set(t)
    w1 = next(t for t in again["tensors"] if t["name"] == "W1")
    assert w1["worst_index"] == [3, 7] and w1["shape"] == [5, 9]
    assert w1["analytic"] - w1["numeric"] == pytest.approx(0.25, rel=1e-6)
    for diag in again["diagnoses"]:
        assert {"code", "tensor", "message", "confidence"} <= set(diag)
    assert "analytic" not in again and "numeric" not in again


def test_report_is_frozen():
    report = _failing_report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.status = "pass"
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.tensors[0].status = "pass"


def test_report_accessors():
    report = _failing_report()
    assert not report.passed
    assert report.tensor("W1").location == "W1[3, 7]"
    assert [(n, e.index) for n, e in report.failures] == [("W1", (3, 7))]
    with pytest.raises(KeyError, match=r"no tensor named 'W9'; tensors: W1, b1"):
        report.tensor("W9")
    assert "W1[3, 7]" in report.summary()


def test_passed_for_kink_and_not_for_inconclusive():
    base = dict(
        tensors=(), method="central", mode="full", seed=0, rtol=1e-8, dtype="float64", evaluations=1, elapsed=0.0
    )
    assert GradientReport(status="kink", **base).passed
    assert GradientReport(status="pass", **base).passed
    assert not GradientReport(status="inconclusive", **base).passed
    assert not GradientReport(status="fail", **base).passed


def test_entry_evidence_to_dict():
    e = EntryEvidence((1, 2), 0.5, 0.25, 1e-9, 0.25, 0.5, 1e-8, "fail", left=None, right=0.3, estimator="one-sided")
    d = e.to_dict()
    assert d["index"] == [1, 2] and d["left"] is None and d["right"] == 0.3 and d["estimator"] == "one-sided"
    assert json.loads(json.dumps(d)) == d


def test_tensor_result_to_dict_types():
    t = TensorResult(
        "W",
        (2, 3),
        "pass",
        np.float64(1e-9),
        np.float64(1e-8),
        (1, 2),
        np.float64(1.0),
        np.float64(1.0),
        np.int64(6),
        6,
        {"pass": 6},
        np.int64(12),
    )
    d = t.to_dict()
    assert type(d["max_abs_error"]) is float and type(d["checked"]) is int and type(d["evaluations"]) is int
    assert d["worst_index"] == [1, 2]
    json.dumps(d)


def test_diagnosis_to_dict():
    d = Diagnosis("sign_flip", None, "msg", 0.123456789, {"factor": -1.0}).to_dict()
    assert d == {
        "code": "sign_flip",
        "tensor": None,
        "message": "msg",
        "confidence": 0.1235,
        "evidence": {"factor": -1.0},
    }


def test_case_and_run_report_to_dict():
    report = _failing_report()
    case = CaseResult("toy", "5x9 tanh", 54, report)
    run = RunReport("fail", (case,), "central", "auto", 3, 1.23456)
    d = json.loads(json.dumps(run.to_dict()))
    assert d["status"] == "fail" and d["seed"] == 3 and d["elapsed"] == 1.235
    (r,) = d["results"]
    assert {"config", "status", "tensors", "diagnoses"} <= set(r)
    assert r["config"] == "toy" and r["n_params"] == 54 and r["status"] == case.status == "fail"
