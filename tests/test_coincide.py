"""A factor 2 at a batch of four: the MSE factor applied twice, or half the sum of squares where the loss is a
mean (N / 2 = 2). Both are said, the fewest-bugs reading first unless the code multiplies by no 2; any other
batch size or factor keeps one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gradcheck.audit.adapters.literaltwo import writes_two
from gradcheck.diagnose.coincide import HALF_SUM_BATCH, half_sum_first, half_sum_reading
from gradcheck.result import Diagnosis

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "xor_half_sum_mean_print_bug.py"


def _doubled():
    ev = {"mutant": "mse-factor-doubled", "basis": "catalogue:1", "tied": 1}
    return Diagnosis("missing_mse_factor", None, "Every gradient is twice the true one.", 0.99, ev)


def test_at_four_samples_both_readings_are_said():
    out = half_sum_reading([_doubled()], HALF_SUM_BATCH)
    assert [d.code for d in out] == ["missing_mse_factor", "missing_batch_mean"]
    assert "N / 2" in out[0].message and "0.5 * sum((yhat - y)**2)" in out[1].message
    assert out[1].confidence < out[0].confidence


@pytest.mark.parametrize("n", [2, 3, 8, None])
def test_other_batches_keep_the_one_reading(n):
    assert half_sum_reading([_doubled()], n) == [_doubled()]


def test_the_factor_dropped_or_a_second_bug_keeps_the_one_reading():
    dropped = Diagnosis("missing_mse_factor", None, "half", 0.99, {"mutant": "mse-factor-dropped"})
    assert half_sum_reading([dropped], HALF_SUM_BATCH) == [dropped]
    other = Diagnosis("sign_flip", "W1", "sign", 0.9, {})
    assert half_sum_reading([_doubled(), other], HALF_SUM_BATCH) == [_doubled(), other]


def test_code_with_no_two_says_the_half_sum_reading_first():
    pair = half_sum_reading([_doubled()], HALF_SUM_BATCH)
    out = half_sum_first(pair)
    assert [d.code for d in out] == ["missing_batch_mean", "missing_mse_factor"]
    assert out[0].message.startswith("Every gradient sums over the batch") and "0.5 * sum" in out[0].message
    assert "multiplies by no literal 2" in out[1].message
    assert out[0].confidence > out[1].confidence
    assert half_sum_first([_doubled()]) == [_doubled()]  # no tied pair: nothing to reorder


@pytest.mark.parametrize(
    "src, two",
    [
        ("d = (out - y) * out * (1 - out)\nW += X.T @ d * lr", False),
        ("n_in = 2\nW = np.random.randn(n_in, 3)\ny = x ** 2\na[2] = 1", False),  # a 2 never multiplied by
        ("d = 2 * (out - y) / n", True),
        ("d = e / 0.5", True),
        ("two = 2\nd = two * e", True),
        ("def f(e, k=2):\n    return k * e", True),
        ("d = np.multiply(e, 2)", True),
        ("d *= 2", True),
    ],
)
def test_a_factor_two_is_read_off_the_code(src, two):
    assert writes_two(ast.parse(src).body) is two


def test_an_xor_script_differentiating_half_the_sum_where_it_prints_a_mean(audit_json, tmp_path):
    """The example written for it (four samples, the gradient of 0.5 * sum of squares, np.mean printed), audited:
    it multiplies by no 2, so the half-sum reading leads. The same script applying the MSE 2 twice keeps the
    fewest-bugs reading first."""
    s = audit_json([EXAMPLE], tmp_path / "a")[EXAMPLE.name]
    assert s["status"] == "fail"
    assert [d["code"] for d in s["diagnoses"]][:2] == ["missing_batch_mean", "missing_mse_factor"]
    twice = tmp_path / "xor_two_twice.py"
    src = EXAMPLE.read_text().replace(
        "d_out = (out - targets) * out * (1 - out)", "d_out = 2 * (out - targets) * out * (1 - out) * 2 / 4"
    )
    twice.write_text(src)
    s = audit_json([twice], tmp_path / "b")[twice.name]
    assert s["status"] == "fail"
    assert [d["code"] for d in s["diagnoses"]][:2] == ["missing_mse_factor", "missing_batch_mean"]
