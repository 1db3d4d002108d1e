"""The directional screen of candidate networks (gradcheck.audit.fitscreen) and the no-forward path it speeds up.

The screen may only remove work: a right gradient must never be screened out (else a pass
becomes an error), and a gradient right for no candidate must not be diagnosed at all.
"""

import numpy as np
import pytest

import gradcheck.audit.attempts as attempts_module
import gradcheck.audit.noforward as noforward_module
from gradcheck.audit.fitscreen import AGREE, DISAGREE, KINK, directional_fit
from gradcheck.audit.grade import grade
from gradcheck.audit.spec import parse_spec
from reference_nets.mlp import MLP, MLPConfig

RNG = np.random.default_rng(7)
A = RNG.standard_normal((5, 3))
T = RNG.standard_normal(5)


def softplus_loss(p):
    """sum softplus(A w + c) - T . (A w): smooth, complex-safe, with the hand-derived gradient below."""
    z = A @ p["w"] + p["c"]
    return np.sum(np.log1p(np.exp(z))) - T @ (A @ p["w"])


def softplus_grad(p):
    z = A @ p["w"] + p["c"]
    s = 1.0 / (1.0 + np.exp(-z))
    return {"w": A.T @ (s - T), "c": np.array([s.sum()])}


POINT = {"w": RNG.standard_normal(3), "c": np.array([0.3])}


def test_a_right_gradient_agrees():
    verdict, worst = directional_fit(softplus_loss, softplus_grad(POINT), POINT, rtol=1.5e-8)
    assert verdict == AGREE and worst < 1e-6


@pytest.mark.parametrize("change", [lambda g: {**g, "w": g["w"] * 1.2}, lambda g: {**g, "c": -g["c"]}])
def test_a_wrong_gradient_disagrees(change):
    assert directional_fit(softplus_loss, change(softplus_grad(POINT)), POINT, rtol=1.5e-8)[0] == DISAGREE


def test_a_uniform_factor_agrees_only_when_allowed():
    half = {k: 0.5 * v for k, v in softplus_grad(POINT).items()}
    assert directional_fit(softplus_loss, half, POINT, rtol=1.5e-8)[0] == DISAGREE
    assert directional_fit(softplus_loss, half, POINT, rtol=1.5e-8, factors=(1.0, 0.5))[0] == AGREE
    assert directional_fit(softplus_loss, half, POINT, rtol=1.5e-8, free_scale=True)[0] == AGREE
    ascent = {k: -v for k, v in half.items()}  # a learning rate is positive: a sign flip is no rate
    assert directional_fit(softplus_loss, ascent, POINT, rtol=1.5e-8, free_scale=True)[0] == DISAGREE


def test_a_kink_at_the_point_is_undecided_not_a_disagreement():
    """relu(w) at w = 0: the loss's derivative takes the slope of its own branch (0 here), a right
    subgradient of the student's may take the other (relu'(0) = 1, as ``z >= 0`` code writes)."""

    def loss(p):  # relu selected on the real part, as the reference networks do (complex-safe)
        w = p["w"]
        return np.sum(np.where(w.real > 0, w, 0.0))

    at_kink = {"w": np.zeros(4)}
    assert directional_fit(loss, {"w": np.zeros(4)}, at_kink, rtol=1.5e-8)[0] == AGREE  # the same branch
    other_side = {"w": np.ones(4)}
    assert directional_fit(loss, other_side, at_kink, rtol=1.5e-8)[0] == DISAGREE
    assert directional_fit(loss, other_side, at_kink, rtol=1.5e-8, kinks=lambda p: [p["w"]])[0] == KINK
    away = {"w": np.array([0.5, -0.5, 1.0, -1.0])}
    wrong = {"w": np.ones(4)}  # far from any kink, a wrong gradient still disagrees
    assert directional_fit(loss, wrong, away, rtol=1.5e-8, kinks=lambda p: [p["w"]])[0] == DISAGREE


def _no_forward(hidden, output, loss, *, zero_row=False):
    """A worker result with the reference network's gradient and no forward output."""
    sizes = (3, 4, 2)
    net = MLP(MLPConfig(sizes, (hidden,), output=output, loss=loss))
    params = net.init_params(seed=5)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, sizes[0]))
    if zero_row:  # an input of zeros and zero biases: every hidden unit of that sample sits on its kink
        X[0] = 0.0
        params["b1"] = np.zeros_like(params["b1"])
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 12)] if output == "softmax" else rng.random((12, sizes[-1]))
    grads = net.backward(params, net.forward(params, X)[1], Y)
    names = ["W1", "b1", "W2", "b2"]
    result = {
        "ok": True,
        "shape": "inplace-update",
        "entry": "Net.step",
        "params": [{"name": k, "data": params[k].tolist()} for k in names],
        "grads": [{"param": k, "data": grads[k].tolist(), "rule": "update"} for k in names],
        "forward": None,
        "samples_as_columns": False,
    }
    return result, X, Y


@pytest.mark.parametrize(
    "hidden, output, loss",
    [("relu", "identity", "mse"), ("leaky_relu", "tanh", "mse"), ("elu", "identity", "mse"), ("tanh", "softmax", "ce")],
)
def test_the_network_a_right_gradient_belongs_to_is_found(hidden, output, loss):
    result, X, Y = _no_forward(hidden, output, loss)
    r = grade(result, X, Y, parse_spec({"loss": {"name": loss}}), path="s.py")
    assert r.status == "pass", r.to_dict()
    assert r.forward.network.startswith(f"3-4-2 {hidden}|{output}"), r.forward


def test_a_right_relu_gradient_on_its_kinks_is_not_screened_out():
    result, X, Y = _no_forward("relu", "identity", "mse", zero_row=True)
    r = grade(result, X, Y, parse_spec({"loss": {"name": "mse"}}), path="s.py")
    assert r.status in ("pass", "kink"), r.to_dict()
    assert r.forward.network == "3-4-2 relu|identity"


@pytest.mark.parametrize("output", ["identity", "sigmoid", "tanh"])
def test_a_right_leaky_relu_gradient_on_its_kinks_is_judged_first(output):
    """Sampled four real points around the point, a central difference straddled the kinks and the right network
    was only undecided (kink), ranked behind wrong ones past the cap: a correct submission became an error. The
    complex step takes the slope of the network's own branch: the right network agrees and is judged."""
    result, X, Y = _no_forward("leaky_relu", output, "mse", zero_row=True)
    r = grade(result, X, Y, parse_spec({"loss": {"name": "mse"}}), path="s.py")
    assert r.status in ("pass", "kink"), r.to_dict()
    assert r.forward.network.startswith(f"3-4-2 leaky_relu|{output}"), r.forward


def test_a_gradient_right_for_no_candidate_is_never_diagnosed(monkeypatch):
    result, X, Y = _no_forward("tanh", "identity", "mse")
    result["grads"][0]["data"] = (np.asarray(result["grads"][0]["data"]) * 1.5).tolist()  # W1 off by half
    calls = []
    monkeypatch.setattr(attempts_module, "diagnosis_of", lambda *a, **k: calls.append(1) or [])
    r = grade(result, X, Y, parse_spec({}), path="s.py")
    assert r.status == "error" and "right for none of the candidate networks" in r.error
    assert calls == []  # the full judgement (each diagnosis searches the catalogue) was never reached


def test_the_cap_on_full_checks_is_said(monkeypatch):
    result, X, Y = _no_forward("tanh", "identity", "mse")
    monkeypatch.setattr(noforward_module, "MAX_JUDGED", 0)
    r = grade(result, X, Y, parse_spec({}), path="s.py")
    assert r.status == "error"
    assert "only the first 0 were checked entry by entry, the cap on work per submission" in r.error, r.error


@pytest.mark.parametrize("spec", [{"loss": {"name": "mse"}}, {}])
def test_the_winning_candidate_is_checked_once_per_loss(monkeypatch, spec):
    """The entrywise check that picks the network is the one its full judgement reads, not repeated."""
    result, X, Y = _no_forward("tanh", "identity", "mse")
    checked = []
    real = attempts_module.check

    def counted(ex, layout, config, X, Y, factor, seed):
        checked.append((config, factor))
        return real(ex, layout, config, X, Y, factor, seed)

    monkeypatch.setattr(attempts_module, "check", counted)
    r = grade(result, X, Y, parse_spec(spec), path="s.py")
    assert r.status == "pass", r.to_dict()
    assert checked and len(checked) == len(set(checked)), checked


def test_the_screen_costs_one_evaluation_a_direction():
    """The checker's complex step along each direction (gradcheck.directional.complex_along), and the loss twice
    at the point (the oracle's determinism check): DIRECTIONS + 2 evaluations, not four a direction."""
    from gradcheck.audit.fitscreen import DIRECTIONS

    calls = []

    def counted(p):
        calls.append(1)
        return softplus_loss(p)

    assert directional_fit(counted, softplus_grad(POINT), POINT, rtol=1.5e-8)[0] == AGREE
    assert len(calls) == DIRECTIONS + 2
