"""A factor 2 at a batch of four: the MSE factor applied twice, or half the sum of squares where the loss is a
mean (N / 2 = 2). Both are said, the fewest-bugs reading first; any other batch size or factor keeps one."""

from __future__ import annotations

import pytest

from gradcheck.diagnose.coincide import HALF_SUM_BATCH, half_sum_reading
from gradcheck.result import Diagnosis


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


def test_an_xor_script_differentiating_half_the_sum_where_it_prints_a_mean(audit_json, tmp_path):
    """The example written for it (four samples, the gradient of 0.5 * sum of squares, np.mean printed), audited."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "xor_half_sum_mean_print_bug.py"
    s = audit_json([path], tmp_path)[path.name]
    assert s["status"] == "fail"
    assert [d["code"] for d in s["diagnoses"]][:2] == ["missing_mse_factor", "missing_batch_mean"]
