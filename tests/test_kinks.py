"""Kinks: an analytic value between the one-sided slopes is a valid subgradient."""

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.kinks import subgradient_status
from gradcheck.numeric import Estimate
from reference_nets.mlp import MLP, MLPConfig

METHODS = ["auto", "central", "richardson", "complex"]


def est(left, right, error=1e-9):
    return Estimate((left + right) / 2, error, "one-sided", left=left, right=right, kink=True)


@pytest.mark.parametrize(
    "analytic, expected", [(0.0, "kink"), (1.0, "kink"), (0.5, "kink"), (-1e-3, "fail"), (1.001, "fail"), (5.0, "fail")]
)
def test_subgradient_status(analytic, expected):
    assert subgradient_status(analytic, est(0.0, 1.0), 1e-8) == expected


def test_subgradient_status_slopes_in_either_order():
    assert subgradient_status(0.5, est(1.0, 0.0), 1e-8) == "kink"
    assert subgradient_status(-0.5, est(1.0, 0.0), 1e-8) == "fail"


def test_subgradient_status_slack_is_error_plus_tolerance():
    e = est(0.0, 1.0, error=0.01)
    assert subgradient_status(1.0 + 0.01 + 0.005 - 1e-9, e, 0.005) == "kink"
    assert subgradient_status(1.0 + 0.01 + 0.005 + 1e-6, e, 0.005) == "fail"


# ----------------------------------------------------------- abs at zero
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("sub", [0.0, 1.0, -1.0, 0.3])
def test_abs_at_zero_valid_subgradient_is_not_fail(method, sub):
    report = check_gradients(lambda x: abs(x[0]), lambda x: np.array([sub]), np.array([0.0]), method=method)
    assert report.status in ("kink", "pass")
    assert report.passed


@pytest.mark.parametrize("method", METHODS)
def test_abs_at_zero_sign_zero_is_kink_or_pass(method):
    report = check_gradients(
        lambda x: float(np.abs(x).sum()), lambda x: np.sign(x), np.array([0.0, 2.0]), method=method
    )
    assert report.status in ("kink", "pass")


@pytest.mark.parametrize("method", METHODS)
def test_abs_at_zero_wrong_subgradient_fails_with_slopes(method):
    report = check_gradients(lambda x: abs(x[0]), lambda x: np.array([5.0]), np.array([0.0]), method=method)
    assert report.status == "fail"
    e = report.tensors[0].worst[0]
    assert e.status == "fail" and e.index == (0,)
    assert (e.left, e.right) == (pytest.approx(-1.0, abs=1e-6), pytest.approx(1.0, abs=1e-6))
    assert "one-sided slopes" in report.summary()


# ---------------------------------------------------------- ReLU at zero
@pytest.fixture(scope="module")
def relu_at_zero():
    """A ReLU net where z1[2, 1] is exactly 0: sample 2 is a zero row and b1[1] = 0."""
    net = MLP(MLPConfig((3, 4, 2), ("relu",), output="identity", loss="mse"))
    params = net.init_params(seed=0)
    params["b1"][1] = 0.0
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    X[2] = 0.0
    _, cache = net.forward(params, X)
    assert cache.zs[0][2, 1] == 0.0
    loss, grad = net.closures(X, Y)
    return loss, grad, params


def _entry(report, name, index):
    found = [e for e in report.tensor(name).worst if e.index == index]
    assert found, f"{name}{list(index)} not in the evidence"
    return found[0]


@pytest.mark.parametrize("method", METHODS)
def test_relu_kink_entry_is_kink_never_fail(relu_at_zero, method):
    loss, grad, params = relu_at_zero
    report = check_gradients(loss, grad, params, method=method, mode="full")
    assert report.status in ("kink", "pass")
    assert report.passed
    assert report.tensor("b1").status in ("kink", "pass")
    e = _entry(report, "b1", (1,))
    assert e.status in ("kink", "pass")
    if e.status == "kink":
        assert e.left is not None and e.right is not None
        assert abs(e.left - e.right) > 1e-3  # a real jump in the slope
        lo, hi = sorted((e.left, e.right))
        assert lo - 1e-6 <= e.analytic <= hi + 1e-6


def test_relu_kink_records_slopes(relu_at_zero):
    loss, grad, params = relu_at_zero
    e = _entry(check_gradients(loss, grad, params, method="central"), "b1", (1,))
    assert e.status == "kink"
    assert e.estimator == "one-sided"
    assert e.left != e.right


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("side", [-1, 1])
def test_relu_kink_wrong_value_outside_slopes_fails(relu_at_zero, method, side):
    loss, grad, params = relu_at_zero
    e = _entry(check_gradients(loss, grad, params, method="central"), "b1", (1,))
    lo, hi = sorted((e.left, e.right))
    g = grad(params)
    g["b1"][1] = (hi + (hi - lo)) if side > 0 else (lo - (hi - lo))
    report = check_gradients(loss, g, params, method=method)
    assert report.status == "fail"
    bad = report.tensor("b1")
    assert bad.status == "fail" and bad.worst_index == (1,)
    assert all(t.status in ("pass", "kink") for t in report.tensors if t.name != "b1")


def test_maximum_at_a_tie_is_a_kink_under_the_complex_step():
    # np.maximum of complex numbers compares lexicographically: at a tie the complex
    # step returns one branch's slope (1.1 here). That is consistent with the loss (it
    # is one of the one-sided slopes), so the complex step stays in use, and the valid
    # subgradient 0.1 is reported as a kink with both slopes as evidence.
    report = check_gradients(
        lambda v: np.sum(np.maximum(v, 0.0) + 0.1 * v), lambda v: np.array([0.1]), np.array([0.0]), method="complex"
    )
    assert report.method == "complex"
    assert report.status == "kink"
    e = report.tensors[0].worst[0]
    assert (e.left, e.right) == (pytest.approx(0.1, abs=1e-6), pytest.approx(1.1, abs=1e-6))
    wrong = check_gradients(
        lambda v: np.sum(np.maximum(v, 0.0) + 0.1 * v), lambda v: np.array([2.0]), np.array([0.0]), method="complex"
    )
    assert wrong.status == "fail"


@pytest.mark.parametrize("method", METHODS)
def test_maximum_tie_away_from_the_probed_entry_is_never_fail(method):
    x = np.array([0.0, 0.7])
    report = check_gradients(
        lambda v: np.sum(np.maximum(v, 0.0) + v**2), lambda v: np.array([0.0, 1 + 1.4]), x, method=method
    )
    assert report.status in ("kink", "pass")
    assert report.tensors[0].worst[0].index == (0,)
