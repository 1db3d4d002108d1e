"""Naming the bug: signatures, fingerprints, localisation, context discovery.

Property tests (Hypothesis): any zoo mutant is detected and named; any correct
reference net at any seed passes without a diagnosis.
"""

import functools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gradcheck import check_gradients
from gradcheck.diagnose import CODES, Context, diagnose, layer_of, localize, signatures
from gradcheck.zoo_runner import run_case
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.presets import standard_suite
from reference_nets.zoo import DIAGNOSIS_CODES, zoo_cases

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True)


@pytest.fixture(scope="module")
def mse_net():
    """tanh MSE net, batch 16, through reference closures (batch size known)."""
    config = MLPConfig((3, 5, 4, 2), ("tanh", "tanh"), output="identity", loss="mse")
    net = MLP(config)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    loss, grad = net.closures(X, Y)
    params = net.init_params(seed=0)
    return loss, grad, params


def _scaled(grad, params, factors):
    g = grad(params)
    return {k: factors.get(k, 1.0) * v for k, v in g.items()}


def test_codes_vocabulary_contains_design_codes():
    assert set(DIAGNOSIS_CODES) <= set(CODES)


@pytest.mark.parametrize("case", standard_suite(), ids=lambda c: c.name)
def test_no_diagnoses_on_a_passing_report(case):
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params())
    assert report.passed
    assert report.diagnoses == ()


def test_diagnose_clears_a_passing_report(mse_net):
    loss, grad, params = mse_net
    report = check_gradients(loss, grad, params)
    assert diagnose(report, params=params).diagnoses == ()


@pytest.mark.parametrize(
    "factor, code",
    [
        (-1.0, "sign_flip"),
        (16.0, "missing_batch_mean"),
        (2.0, "missing_mse_factor"),
        (0.5, "missing_mse_factor"),
        (3.0, "uniform_scale"),
    ],
)
def test_uniform_factor_top_code(mse_net, factor, code):
    loss, grad, params = mse_net
    claimed = _scaled(grad, params, {k: factor for k in params})
    report = check_gradients(loss, claimed, params)
    assert report.status == "fail"
    top = report.diagnoses[0]
    assert top.code == code
    assert top.tensor is None


@pytest.mark.parametrize(
    "factor, code",
    [
        (-1.0, "sign_flip"),
        (16.0, "missing_batch_mean"),
        (1 / 16, "missing_batch_mean"),
        (2.0, "missing_mse_factor"),
        (0.5, "missing_mse_factor"),
        (3.0, "uniform_scale"),
    ],
)
def test_uniform_factor_signatures_from_numbers_alone(mse_net, factor, code):
    loss, grad, params = mse_net
    claimed = _scaled(grad, params, {k: factor for k in params})
    report = check_gradients(loss, claimed, params, name_bugs=False)
    (top, *_) = signatures(report, batch_size=16, loss="mse")
    assert top.code == code
    assert top.evidence["factor"] == pytest.approx(factor, rel=1e-6)
    if code == "missing_batch_mean":
        assert "16" in top.message


def test_uniform_3_on_bce_is_not_an_mse_factor(mse_net):
    loss, grad, params = mse_net
    report = check_gradients(loss, _scaled(grad, params, {k: 2.0 for k in params}), params, name_bugs=False)
    assert signatures(report, batch_size=16, loss="bce")[0].code == "uniform_scale"


@pytest.mark.parametrize("name", ["W1", "b2", "W3"])
def test_one_tensor_scaled_names_it(mse_net, name):
    loss, grad, params = mse_net
    report = check_gradients(loss, _scaled(grad, params, {name: 3.0}), params)
    assert [t.name for t in report.tensors if t.status == "fail"] == [name]
    top = report.diagnoses[0]
    assert (top.code, top.tensor) == ("tensor_scale", name)
    assert top.evidence["factor"] == pytest.approx(3.0, rel=1e-6)
    assert f"{name}'s gradient is 3 times" in top.message


def test_transposed_square_weight():
    config = MLPConfig((3, 3, 3, 2), ("tanh", "tanh"), output="identity", loss="mse")
    net = MLP(config)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    loss, grad = net.closures(X, Y)
    params = net.init_params(seed=0)
    g = grad(params)
    g["W2"] = g["W2"].T.copy()
    report = check_gradients(loss, g, params)
    assert [t.name for t in report.tensors if t.status == "fail"] == ["W2"]
    assert report.diagnoses[0].code == "transposed"
    assert "W2" in report.diagnoses[0].tensor
    sig = signatures(report)
    assert (sig[0].code, sig[0].tensor) == ("transposed", "W2")


def test_zeroed_weight_gradient(mse_net):
    loss, grad, params = mse_net
    report = check_gradients(loss, _scaled(grad, params, {"W2": 0.0}), params)
    top = report.diagnoses[0]
    assert (top.code, top.tensor) == ("zero_gradient", "W2")
    assert "never computed" in top.message


def test_zeroed_layer_is_grouped(mse_net):
    loss, grad, params = mse_net
    report = check_gradients(loss, _scaled(grad, params, {"W2": 0.0, "b2": 0.0}), params)
    top = report.diagnoses[0]
    assert top.code == "zero_gradient" and "W2" in top.tensor and "b2" in top.tensor


def test_localized_message_names_layer_1(mse_net):
    loss, grad, params = mse_net
    rng = np.random.default_rng(5)
    g = grad(params)
    for k in ("W1", "b1"):
        g[k] = g[k] * (1 + 0.3 * rng.standard_normal(g[k].shape))
    report = check_gradients(loss, g, params)
    loc = next(d for d in report.diagnoses if d.code == "localized")
    assert loc.evidence["layer"] == 1
    assert loc.evidence["wrong"] == ["W1", "b1"]
    assert loc.message.startswith("W1, b1 wrong; W2, b2, W3, b3 right")
    assert "layer 1" in loc.message


def test_localize_output_layer_wording(mse_net):
    loss, grad, params = mse_net
    rng = np.random.default_rng(6)
    g = grad(params)
    for k in ("W3", "b3"):
        g[k] = g[k] * (1 + 0.3 * rng.standard_normal(g[k].shape))
    report = check_gradients(loss, g, params, name_bugs=False)
    loc = localize(report)
    assert loc.evidence["layer"] == 3 and "output layer" in loc.message


def test_localize_none_without_layer_numbers():
    rng = np.random.default_rng(0)
    params = {"gamma": rng.normal(size=4)}
    report = check_gradients(
        lambda p: float(np.sum(p["gamma"] ** 2)), lambda p: {"gamma": p["gamma"]}, params, name_bugs=False
    )
    assert report.status == "fail"
    assert localize(report) is None


@pytest.mark.parametrize(
    "name, layer", [("W2", 2), ("b_2", 2), ("weights[1]", 2), ("biases[0]", 1), ("W10", 10), ("gamma", None)]
)
def test_layer_of(name, layer):
    assert layer_of(name) == layer


# ------------------------------------------------------------- context discovery
def test_context_discover_from_a_lambda_closure():
    config = MLPConfig((3, 5, 2), ("sigmoid",), output="sigmoid", loss="bce")
    net = MLP(config)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3))
    Y = rng.integers(0, 2, (8, 2)).astype(float)
    ctx = Context.discover(lambda p: net.loss(p, X, Y))
    assert ctx is not None
    assert ctx.network is net and ctx.X is X and ctx.Y is Y
    assert ctx.batch_size == 8


def test_context_discover_from_reference_closure_attributes(mse_net):
    loss, _, _ = mse_net
    ctx = Context.discover(loss)
    assert ctx is not None and ctx.batch_size == 16 and ctx.network.config.loss == "mse"


def test_context_discover_unrelated_function_is_none():
    A = np.ones((4, 3))
    assert Context.discover(lambda p: float(np.sum(A @ p["w"]))) is None
    assert Context.discover(np.sum, len) is None


def test_fingerprint_found_for_hand_written_loss_over_reference_net():
    config = MLPConfig((3, 5, 4, 2), ("tanh", "tanh"), output="sigmoid", loss="bce")
    net = MLP(config)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(16, 3))
    Y = rng.integers(0, 2, (16, 2)).astype(float)
    params = net.init_params(seed=1)
    buggy = [c for c in zoo_cases() if c.name == "derivative-at-activation@tanh-bce-d2/L1"][0].net()
    claimed = buggy.loss_and_grad(params, X, Y)[1]
    report = check_gradients(lambda p: net.loss(p, X, Y), claimed, params)
    top = report.diagnoses[0]
    assert top.code == "derivative_at_activation"
    assert top.evidence["matched"] == "fingerprint"
    assert "layer 1" in top.message


# --------------------------------------------------- diagnoses blame only wrong tensors
# (every zoo case: tests/test_zoo_runner.py::test_every_zoo_case_detected_and_named, on the check it runs anyway)


# ------------------------------------------------------------------ properties
@functools.lru_cache(maxsize=8)
def _zoo(seed):
    return zoo_cases(seed)


N_ZOO = len(_zoo(0))
_ZOO_INDEX = {c.name: i for i, c in enumerate(_zoo(0))}


@PROPERTY
@given(index=st.integers(0, N_ZOO - 1), seed=st.sampled_from([0, 1, 2, 3]))
@example(index=_ZOO_INDEX["derivative-at-activation@tanh-bce-d2/L1"], seed=0)
@example(index=_ZOO_INDEX["transposed@tanh-mse-d2-square/L2"], seed=0)
@example(index=_ZOO_INDEX["bias-not-summed@tanh-mse-d2/L1"], seed=1)
@example(index=_ZOO_INDEX["sum-over-batch@tanh-mse-d2-l2"], seed=2)
def test_property_any_zoo_mutant_is_detected_and_named(index, seed):
    case = _zoo(seed)[index]
    result = run_case(case, seed=seed)
    assert result.detected, case.name
    assert result.diagnoses, case.name
    assert result.diagnoses[0].code == case.expected_code, (case.name, [d.code for d in result.diagnoses])


@functools.lru_cache(maxsize=32)
def _suite(seed):
    return standard_suite(seed)


N_SUITE = len(_suite(0))
_SUITE_INDEX = {c.name: i for i, c in enumerate(_suite(0))}


@PROPERTY
@given(index=st.integers(0, N_SUITE - 1), seed=st.integers(0, 2**31 - 1))
@example(index=_SUITE_INDEX["preset:points-2-16-16-1-relu"], seed=0)
@example(index=_SUITE_INDEX["relu-bce-d3"], seed=123456)
@example(index=_SUITE_INDEX["tanh-mse-d2-l2"], seed=7)
def test_property_any_correct_reference_net_passes(index, seed):
    case = _suite(seed)[index]
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params(), seed=seed)
    assert report.passed, (case.name, seed, report.summary())
    assert report.diagnoses == ()
