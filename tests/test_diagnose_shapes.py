"""Gradients of the wrong shape: named for what they are, and every other tensor still checked."""

import numpy as np
import pytest

from gradcheck import GradientShapeError, check_gradients
from gradcheck.audit.verdicts import _shape_diag
from gradcheck.check import check_around_shapes
from gradcheck.diagnose import diagnose_shape_error
from gradcheck.diagnose.shapes import shape_kind
from gradcheck.problem import GradientShapeError as ProblemShapeError
from gradcheck.testing import assert_gradients_close

RNG = np.random.default_rng(7)
X = RNG.normal(size=(16, 3))
Y = RNG.normal(size=(16, 2))
P = {
    "W1": RNG.normal(size=(3, 4)),
    "b1": RNG.normal(size=(1, 4)) * 0.1,
    "W2": RNG.normal(size=(4, 2)),
    "b2": RNG.normal(size=(1, 2)) * 0.1,
}


def loss(p):
    return np.mean((np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - Y) ** 2)


def grad(p, bias="sum", tanh_at_a=False, bias2=None):
    A = np.tanh(X @ p["W1"] + p["b1"])
    d2 = 2 * (A @ p["W2"] + p["b2"] - Y) / Y.size
    d1 = d2 @ p["W2"].T * ((1 - np.tanh(A) ** 2) if tanh_at_a else (1 - A**2))
    b1 = {"sum": d1.sum(0, keepdims=True), "rows": d1, "all": np.sum(d1)}[bias]
    b2 = d2.sum(0, keepdims=True) if bias2 is None else bias2(d2)
    return {"W1": X.T @ d1, "b1": b1, "W2": A.T @ d2, "b2": b2}


@pytest.mark.parametrize(
    "want, got, batch, kind",
    [
        ((4,), (16, 4), 16, "bias_not_summed"),
        ((1, 4), (16, 4), 16, "bias_not_summed"),
        ((1, 4), (16, 4), None, "bias_not_summed"),
        ((4, 1), (4, 16), 16, "bias_not_summed"),
        ((1, 1), (1, 12), 12, "bias_not_summed"),
        ((4,), (16,), 16, "bias_not_summed"),
        ((4,), (), 16, "shape_mismatch"),
        ((1, 4), (8, 4), 16, "shape_mismatch"),
        ((3, 4), (4, 3), 16, "transposed"),
        ((3, 4), (12,), 16, "shape_mismatch"),
    ],
)
def test_shape_kind(want, got, batch, kind):
    assert shape_kind(want, got, batch) == kind


def test_bias_rows_against_a_row_bias_is_bias_not_summed_and_the_rest_is_checked():
    with pytest.raises(GradientShapeError) as info:
        check_gradients(loss, lambda p: grad(p, "rows", tanh_at_a=True), P)
    report = info.value.report
    assert [(t.name, t.status) for t in report.tensors] == [
        ("W1", "fail"),
        ("b1", "fail"),
        ("W2", "pass"),
        ("b2", "pass"),
    ]
    best = {d.code: d.tensor for d in report.diagnoses if d.evidence.get("explanation") == 1}
    assert best == {"bias_not_summed": "b1", "derivative_at_activation": "W1, b1"}
    assert info.value.diagnoses == report.diagnoses
    assert all(d.code != "tensor_scale" for d in report.diagnoses)


def test_bias_summed_over_everything_is_a_shape_mismatch_with_the_fix():
    with pytest.raises(GradientShapeError) as info:
        check_gradients(loss, lambda p: grad(p, "all"), P)
    top = info.value.report.diagnoses[0]
    assert top.code == "shape_mismatch" and top.tensor == "b1"
    assert "sum(axis=0)" in top.message


def test_two_shape_bugs_are_both_named():
    with pytest.raises(GradientShapeError) as info:
        check_gradients(loss, lambda p: grad(p, "rows", bias2=lambda d2: d2), P)
    best = [d for d in info.value.report.diagnoses if d.evidence.get("explanation") == 1]
    assert [d.code for d in best] == ["bias_not_summed"]  # one bug, in both layers
    assert best[0].tensor == "b1, b2" and best[0].evidence["layer"] == [1, 2]


def test_shape_error_message_is_unchanged_for_callers_that_read_it():
    with pytest.raises(
        ProblemShapeError, match=r"gradient 'b1' has shape \(16, 4\) but parameter 'b1' has shape \(1, 4\)"
    ):
        check_gradients(loss, lambda p: grad(p, "rows"), P)


def test_check_around_shapes_without_a_diagnosis():
    report = check_around_shapes(loss, grad(P, "rows"), P, seed=0)
    assert report.status == "fail" and report.diagnoses == ()
    assert report.tensor("b1").checked == 0 and report.tensor("W1").status == "pass"
    assert "not comparable entry by entry" in report.notes[-1]


def test_name_bugs_false_keeps_the_report_undiagnosed():
    with pytest.raises(GradientShapeError) as info:
        check_gradients(loss, lambda p: grad(p, "rows"), P, name_bugs=False)
    assert info.value.report.diagnoses == ()
    assert info.value.diagnoses[0].code == "bias_not_summed"


def test_assert_gradients_close_fails_with_the_shape_bug_named_not_tensor_scale():
    with pytest.raises(AssertionError) as info:
        assert_gradients_close(loss, lambda p: grad(p, "rows"), P)
    text = str(info.value)
    assert "Diagnosis: bias_not_summed (b1)" in text and "tensor_scale" not in text
    assert info.value.report.tensor("W1").status == "pass"


def test_audit_shape_diagnosis_is_never_tensor_scale():
    exc = ProblemShapeError("params['b1']", (1, 4), (4, 4, 4))
    assert [d.code for d in _shape_diag(exc)] == ["shape_mismatch"]
    assert diagnose_shape_error(exc, {}, {}, None)[0].code == "shape_mismatch"


def test_shape_error_with_another_input_error_keeps_the_checker_message():
    def bad(p):
        g = grad(p, "rows")
        g["W2"] = np.full_like(g["W2"], np.nan)
        return g

    with pytest.raises(GradientShapeError) as info:
        check_gradients(loss, bad, P)
    assert info.value.report is None and info.value.diagnoses[0].code == "bias_not_summed"
