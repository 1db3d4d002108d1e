"""Per-entry comparison rule of gradcheck.compare."""

import numpy as np
import pytest

from gradcheck.compare import SAFETY, UNRESOLVED, default_rtol, judge, scale_floor, validate_rtol


@pytest.mark.parametrize("dtype, expected", [(np.float64, 1.4901e-8), (np.float32, 3.4527e-4)])
def test_default_rtol_is_sqrt_eps(dtype, expected):
    assert default_rtol(dtype) == pytest.approx(np.sqrt(np.finfo(dtype).eps))
    assert default_rtol(dtype) == pytest.approx(expected, rel=1e-4)


def test_validate_rtol_default_and_value():
    assert validate_rtol(None, np.float32) == default_rtol(np.float32)
    assert validate_rtol(1e-6, np.float64) == 1e-6
    assert validate_rtol(np.float32(1e-3), np.float64) == pytest.approx(1e-3)


@pytest.mark.parametrize("bad", [0, 0.0, 1.0, -1e-3, 2.0, float("nan"), float("inf")])
def test_validate_rtol_out_of_range(bad):
    with pytest.raises(ValueError, match=r"rtol must be in \(0, 1\), got "):
        validate_rtol(bad, np.float64)


@pytest.mark.parametrize("bad, kind", [("1e-6", "str"), (True, "bool"), ([1e-6], "list")])
def test_validate_rtol_wrong_type(bad, kind):
    with pytest.raises(TypeError, match=rf"rtol must be a float, got {kind}"):
        validate_rtol(bad, np.float64)


def test_scale_floor():
    n = np.array([1.0, -4.0, 0.5])
    assert scale_floor(n, np.float64) == pytest.approx(np.finfo(float).eps ** (1 / 3) * 4.0)
    assert scale_floor(np.zeros(3), np.float64) == np.finfo(float).tiny
    assert scale_floor(np.array([]), np.float32) == np.finfo(np.float32).tiny
    assert scale_floor(np.array([np.inf, 1.0]), np.float64) == np.finfo(float).tiny


def test_judge_exact_match_passes():
    jd = judge([1.0, -2.0], [1.0, -2.0], [1e-12, 1e-12], 1.5e-8, 1e-6)
    assert jd.ok.all() and jd.resolved.all()
    assert np.all(jd.rel_error == 0)


def test_judge_fails_a_relative_error_above_rtol():
    g, n = np.array([1.0, 1.0]), np.array([1.0 + 1e-6, 1.0 + 1e-9])
    jd = judge(g, n, [1e-13, 1e-13], 1.5e-8, 1e-6)
    assert list(jd.ok) == [False, True]
    assert jd.rel_error[0] == pytest.approx(1e-6, rel=1e-3)


def test_judge_tolerance_formula():
    g, n, err, rtol, floor = 2.0, 2.1, 0.01, 1e-3, 0.5
    jd = judge([g], [n], [err], rtol, floor)
    scale = max(abs(g), abs(n), floor, err / rtol)
    assert jd.scale[0] == pytest.approx(scale)
    assert jd.tolerance[0] == pytest.approx(rtol * scale + SAFETY * err)
    assert jd.abs_error[0] == pytest.approx(0.1)
    assert jd.rel_error[0] == pytest.approx(0.1 / scale)


def test_judge_never_fails_what_the_estimator_cannot_resolve():
    # the difference is within SAFETY x the numeric error: ok, but unresolved
    jd = judge([1.0], [1.3], [0.1], 1.5e-8, 1e-6)
    assert jd.ok[0]
    assert not jd.resolved[0]


def test_judge_resolved_threshold():
    own = 1.0
    just_in = UNRESOLVED * own / SAFETY * 0.99
    just_out = UNRESOLVED * own / SAFETY * 1.01
    jd = judge([1.0, 1.0], [1.0, 1.0], [just_in, just_out], 1.5e-8, 1e-9)
    assert list(jd.resolved) == [True, False]


def test_judge_floor_protects_tiny_entries():
    # entry far below its tensor's scale: measured against the floor
    jd = judge([1e-12], [2e-12], [1e-20], 1.5e-8, 1e-3)
    assert jd.ok[0]
    assert jd.scale[0] == pytest.approx(1e-3)


def test_judge_nan_numeric_is_neither_ok_nor_resolved():
    jd = judge([1.0], [np.nan], [np.inf], 1.5e-8, 1e-6)
    assert not jd.ok[0]
    assert not jd.resolved[0]


def test_judge_sign_flip_fails():
    g = np.array([0.5, -0.25, 3.0])
    jd = judge(-g, g, np.full(3, 1e-12), 1.5e-8, scale_floor(g, np.float64))
    assert not jd.ok.any()
    assert np.allclose(jd.rel_error, 2.0)
