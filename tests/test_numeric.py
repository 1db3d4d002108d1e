"""Estimators of gradcheck.numeric against known derivatives, with their error estimates."""

import numpy as np
import pytest

from gradcheck import UserFunctionError, vectorised
from gradcheck import numeric as nm
from gradcheck import probe as pb
from gradcheck.problem import Problem

W0 = np.array([0.3, -1.7, 2.5, 40.0])


def oracle(loss, params=None):
    params = {"w": W0.copy()} if params is None else params
    return nm.Oracle(Problem.create(loss, None, params))


def smooth(p):
    w = p["w"]
    return np.sum(np.exp(0.5 * w[:3]) + np.sin(w[:3]) ** 3) + np.log(w[3])


def smooth_grad(w):
    head = 0.5 * np.exp(0.5 * w[:3]) + 3 * np.sin(w[:3]) ** 2 * np.cos(w[:3])
    return np.append(head, 1.0 / w[3])


TRUE = smooth_grad(W0)


@pytest.mark.parametrize("dtype, expected", [(np.float64, 6.0555e-6), (np.float32, 4.9215e-3)])
def test_step_base_is_cube_root_of_eps(dtype, expected):
    assert nm.step_base(dtype) == pytest.approx(float(np.finfo(dtype).eps) ** (1 / 3))
    assert nm.step_base(dtype) == pytest.approx(expected, rel=1e-4)


def test_oracle_base_loss_and_evaluation_count():
    o = oracle(smooth)
    assert o.L0 == pytest.approx(float(smooth({"w": W0})))
    assert o.evaluations == 2  # the base point, and again to detect a noisy loss
    assert o.noise == 0.0


def test_oracle_restores_entries_and_counts():
    o = oracle(smooth)
    before = o.work["w"].copy()
    value = o.loss_at("w", 1, 0.0)
    assert value == pytest.approx(float(smooth({"w": np.array([0.3, 0.0, 2.5, 40.0])})))
    np.testing.assert_array_equal(o.work["w"], before)
    assert o.evaluations == 3


def test_oracle_works_on_a_private_copy():
    params = {"w": W0.copy()}
    o = oracle(smooth, params)
    o.loss_at("w", 0, 10.0)
    np.testing.assert_array_equal(params["w"], W0)


def test_oracle_nonfinite_loss_is_nan():
    o = oracle(lambda p: float("inf") if p["w"][0] < 0 else float(np.sum(p["w"])))
    assert np.isnan(o.loss_at("w", 0, -1.0))
    est = nm.central(oracle(lambda p: float("inf") if p["w"][0] < 0.3 else 1.0), "w", 0)
    assert np.isnan(est.value) and est.error == float("inf")


def test_loss_along_direction():
    o = oracle(smooth)
    d = {"w": np.array([1.0, 0.0, 0.0, 0.0])}
    assert o.loss_along(d, 0.1) == pytest.approx(o.loss_at("w", 0, 0.4), rel=1e-15)


@pytest.mark.parametrize("j", range(4))
def test_central_accurate_within_its_error_and_truncation(j):
    o = oracle(smooth)
    est = nm.central(o, "w", j)
    assert est.estimator == "central"
    assert est.error > 0
    # rounding (est.error) plus truncation h**2 |L'''| / 6 with |L'''| < 10 here
    h = nm.step_base(np.float64) * max(1.0, abs(W0[j]))
    assert abs(est.value - TRUE[j]) <= 4 * est.error + 10 * h**2 / 6 * max(1.0, abs(TRUE[j]))
    assert abs(est.value - TRUE[j]) <= 1e-8 * max(1.0, abs(TRUE[j]))


def test_central_costs_two_evaluations():
    o = oracle(smooth)
    nm.central(o, "w", 0)
    assert o.evaluations == 4


@pytest.mark.parametrize("j", range(4))
def test_richardson_error_estimate_bounds_the_error(j):
    o = oracle(smooth)
    est = nm.richardson(o, "w", j)
    assert est.estimator == "richardson"
    assert abs(est.value - TRUE[j]) <= 4 * est.error
    assert abs(est.value - TRUE[j]) <= 1e-9 * max(1.0, abs(TRUE[j]))


def test_richardson_beats_central_on_a_curved_function():
    loss = lambda p: float(np.exp(3.0 * p["w"][0]))  # noqa: E731
    o = oracle(loss, {"w": np.array([2.0])})
    true = 3.0 * np.exp(6.0)
    c, r = nm.central(o, "w", 0), nm.richardson(o, "w", 0)
    assert abs(r.value - true) < abs(c.value - true)


@pytest.mark.parametrize("j", range(4))
def test_complex_step_is_exact_to_rounding(j):
    o = oracle(smooth)
    before = o.evaluations
    est = nm.complex_step(o, "w", j)
    assert o.evaluations == before + 1
    assert est.estimator == "complex"
    assert abs(est.value - TRUE[j]) <= 1e-14 * max(1.0, abs(TRUE[j]))
    assert abs(est.value - TRUE[j]) <= est.error


def test_complex_step_restores_complex_copy():
    o = oracle(smooth)
    nm.complex_step(o, "w", 2)
    assert np.all(o.cwork["w"].imag == 0)


def test_refine_smooth_is_not_a_kink():
    o = oracle(smooth)
    est = nm.refine(o, "w", 1)
    assert not est.kink
    assert abs(est.value - TRUE[1]) <= 4 * est.error
    assert est.left is not None and est.right is not None


def test_refine_finds_the_kink_of_abs():
    o = oracle(lambda p: float(abs(p["w"][0]) + p["w"][1] ** 2), {"w": np.array([0.0, 1.0])})
    est = nm.refine(o, "w", 0)
    assert est.kink
    assert est.estimator == "one-sided"
    assert est.left == pytest.approx(-1.0, abs=1e-9)
    assert est.right == pytest.approx(1.0, abs=1e-9)


def test_refine_kink_of_relu_with_offset_slopes():
    loss = lambda p: float(max(p["w"][0], 0.0) * 3.0 + 0.5 * p["w"][0])  # noqa: E731
    est = nm.refine(oracle(loss, {"w": np.array([0.0])}), "w", 0)
    assert est.kink
    assert (est.left, est.right) == (pytest.approx(0.5, abs=1e-9), pytest.approx(3.5, abs=1e-9))


# ---------------------------------------------------------- complex safety
def test_probe_accepts_complex_safe_loss():
    o = oracle(smooth)
    assert pb.probe_complex_safety(o, [("w", 0), ("w", 3)]) is None


def test_probe_accepts_complex_safe_float32_loss():
    # A float32 loss computes in float32; the same loss of complex128 parameters
    # computes in double precision. Their values differ by ~1e-8 relative, which
    # is rounding of the float32 forward pass, not a changed loss.
    params = {"w": np.array([0.3, -1.7, 2.5], np.float32)}
    o = oracle(lambda p: np.sum(np.sin(p["w"]) * np.exp(0.1 * p["w"])), params)
    assert pb.probe_complex_safety(o, [("w", 0)]) is None


def test_probe_rejects_float():
    o = oracle(lambda p: float(np.sum(p["w"][:3] ** 2)))
    reason = pb.probe_complex_safety(o, [("w", 0)])
    assert reason is not None and "does not accept complex parameters" in reason


def test_probe_rejects_abs():
    o = oracle(lambda p: abs(np.sum(p["w"])))
    reason = pb.probe_complex_safety(o, [("w", 0)])
    assert reason is not None and "returns a real value" in reason


def test_probe_rejects_conjugate_products():
    # complex-typed but not analytic: w * conj(w) = |w|**2 has a zero complex-step derivative
    o = oracle(lambda p: np.sum(p["w"] * np.conj(p["w"])))
    reason = pb.probe_complex_safety(o, [("w", 1)])
    assert reason is not None and "disagrees with central differences" in reason and "on w" in reason


def test_probe_rejects_a_loss_whose_value_changes():
    o = oracle(lambda p: np.sum(p["w"]) + (1.0 if np.iscomplexobj(p["w"]) else 0.0))
    reason = pb.probe_complex_safety(o, [("w", 1)])
    assert reason is not None and "value changes" in reason


def test_probe_rejects_a_raising_loss():
    def loss(p):
        if np.iscomplexobj(p["w"]):
            raise ValueError("no complex here")
        return float(np.sum(p["w"]))

    reason = pb.probe_complex_safety(oracle(loss), [("w", 0)])
    assert reason is not None and "ValueError: no complex here" in reason


# ------------------------------------------------------------------- scipy
def test_scipy_derivatives_match_with_error_estimates():
    o = oracle(smooth)
    ests = vectorised.scipy_derivatives(o, "w", np.arange(4))
    assert [e.estimator for e in ests] == ["scipy"] * 4
    for e, t in zip(ests, TRUE):
        assert np.isfinite(e.error)
        assert abs(e.value - t) <= 1e-9 * max(1.0, abs(t))
    np.testing.assert_array_equal(o.work["w"], W0)


def test_fprime_derivatives_within_their_error():
    o = oracle(smooth)
    ests = vectorised.fprime_derivatives(o, "w", np.arange(4))
    for e, t in zip(ests, TRUE):
        assert e.estimator == "fprime"
        assert abs(e.value - t) <= 4 * e.error
        assert abs(e.value - t) <= 1e-5 * max(1.0, abs(t))
    np.testing.assert_array_equal(o.work["w"], W0)


def test_estimate_is_frozen():
    est = nm.Estimate(1.0, 0.1, "central")
    with pytest.raises(AttributeError):
        est.value = 2.0


def test_user_error_in_perturbed_evaluation_is_wrapped():
    def loss(p):
        if p["w"][0] != W0[0]:
            raise RuntimeError("boom")
        return float(np.sum(p["w"]))

    o = oracle(loss)
    with pytest.raises(UserFunctionError, match=r"loss\(params\) raised RuntimeError: boom"):
        nm.central(o, "w", 0)
    np.testing.assert_array_equal(o.work["w"], W0)
