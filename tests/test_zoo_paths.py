"""The error sent back to the hidden layers without the output's derivative (reference_nets.zoo_paths).

The book-style class computes ``hidden_errors = who.T @ output_errors`` while its
``who`` update keeps the output sigmoid's derivative. The gradients here are
written by hand in plain numpy (never with the reference nets) for a
sigmoid-hidden, sigmoid-output net under mean squared error.
"""

import numpy as np
import pytest

from gradcheck import check_gradients
from reference_nets.compound import Compound
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.zoo import MUTANTS

RNG = np.random.default_rng(5)
X = RNG.normal(size=(9, 3))
Y = RNG.random((9, 2))
CONFIG = MLPConfig((3, 4, 2), ("sigmoid",), output="sigmoid", loss="mse")


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _hand(p, output_deriv_sent_back=True, hidden_deriv=True):
    """MSE (mean over every entry) of a 3-4-2 sigmoid/sigmoid net, by hand; the two flags plant the book's bugs."""
    h = _sig(X @ p["W1"] + p["b1"])
    yhat = _sig(h @ p["W2"] + p["b2"])
    err = 2 * (yhat - Y) / Y.size
    d2 = err * yhat * (1 - yhat)
    back = (d2 if output_deriv_sent_back else err) @ p["W2"].T
    d1 = back * h * (1 - h) if hidden_deriv else back
    return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": h.T @ d2, "b2": d2.sum(0)}


def _loss(p):
    yhat = _sig(_sig(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    return float(np.mean((yhat - Y) ** 2))


@pytest.fixture
def params():
    return MLP(CONFIG).init_params(seed=2)


def test_the_mutant_is_the_hand_written_bug(params):
    got = MUTANTS["hidden-error-skips-output-derivative"].build(CONFIG).closures(X, Y)[1](params)
    want = _hand(params, output_deriv_sent_back=False)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-15)
    right = _hand(params)  # the output layer's own gradient is untouched; the hidden one differs
    np.testing.assert_allclose(got["W2"], right["W2"], rtol=1e-12)
    assert not np.allclose(got["W1"], right["W1"], rtol=1e-3)


def test_with_the_hidden_derivative_also_dropped_it_is_the_hand_written_pair(params):
    both = Compound(CONFIG, [("hidden-error-skips-output-derivative", None), ("missing-activation-derivative", 1)])
    got = both.closures(X, Y)[1](params)
    want = _hand(params, output_deriv_sent_back=False, hidden_deriv=False)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-15)


def test_only_squashed_outputs_under_mse():
    spec = MUTANTS["hidden-error-skips-output-derivative"]
    assert spec.layers(CONFIG) == [None]
    assert spec.layers(MLPConfig((3, 4, 2), ("tanh",), output="tanh", loss="mse")) == [None]
    assert spec.layers(MLPConfig((3, 4, 2), ("tanh",), output="identity", loss="mse")) == []  # identity' == 1
    assert spec.layers(MLPConfig((3, 4, 1), ("tanh",), output="sigmoid", loss="bce")) == []


def _diagnosed(grad_fn, params):
    report = check_gradients(_loss, grad_fn, {k: v.copy() for k, v in params.items()})
    return [d for d in report.diagnoses if d.evidence.get("explanation") == 1]


def test_the_diagnosis_says_what_the_code_does_and_how_to_fix_it(params):
    (d,) = _diagnosed(lambda p: _hand(p, output_deriv_sent_back=False), params)
    assert d.code == "missing_activation_derivative"
    assert d.evidence["mutant"] == "hidden-error-skips-output-derivative"
    assert "sent back to the hidden layers skips the output sigmoid's derivative" in d.message
    assert "output layer's own gradient keeps it" in d.message and "Send back the output layer's delta" in d.message


def test_both_derivatives_missing_from_the_hidden_path_names_both(params):
    found = _diagnosed(lambda p: _hand(p, output_deriv_sent_back=False, hidden_deriv=False), params)
    assert {d.code for d in found} == {"missing_activation_derivative"}
    assert sorted(d.evidence["mutant"] for d in found) == [
        "hidden-error-skips-output-derivative",
        "missing-activation-derivative",
    ]
    assert all("Bug" in d.message and "of 2" in d.message for d in found)
