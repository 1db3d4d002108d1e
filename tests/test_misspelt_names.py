"""A pass function whose name is misspelled (``forward_propagetaion``) is found, said so in a note; where no one
function is plainly the forward, the error names the candidates and the spec key, not "no forward function"."""

import textwrap

from gradcheck.audit.adapters.names import BACKWARD_NAMES, FORWARD_NAMES, INIT_FUNC_NAMES, misspelt
from gradcheck.audit.adapters.shapes.functions import first_named


def _fns(*names):
    return {n: (lambda: None) for n in names}


def test_a_misspelled_pass_name_is_the_one_it_misspells():
    assert misspelt(["forward_propagetaion", "relu"], FORWARD_NAMES) == ("forward_propagetaion", "forward_propagation")
    assert misspelt(["backward_propogation"], BACKWARD_NAMES) == ("backward_propogation", "backward_propagation")
    assert misspelt(["initialise_paramters"], INIT_FUNC_NAMES)[1] == "initialise_parameters"


def test_the_other_pass_and_unrelated_words_are_no_misspelling():
    assert misspelt(["backward_propagation"], FORWARD_NAMES) is None  # a known name of the other pass
    assert misspelt(["forward_propagation"], BACKWARD_NAMES) is None
    assert misspelt(["linear_forward", "sigmoid", "compute_cost"], FORWARD_NAMES) is None
    assert misspelt(["forwrd_pass", "forward_propogation"], FORWARD_NAMES) is None  # two: not guessed


def test_first_named_falls_back_on_the_misspelling_after_the_affixed_names():
    funcs = _fns("linear_forward", "forward_propagetaion", "backward_propagation", "relu")
    assert first_named(funcs, FORWARD_NAMES) == "forward_propagetaion"  # two affixed: the misspelling decides
    assert first_named(_fns("net_forward", "forwrd_pass"), FORWARD_NAMES) == "net_forward"
    assert first_named(funcs, BACKWARD_NAMES) == "backward_propagation"


_COLUMNS_NET = """
import numpy as np


def initialize_parameters(n_x, n_h, n_y):
    rng = np.random.default_rng(1)
    return {"W1": rng.standard_normal((n_h, n_x)) * 0.5, "b1": np.zeros((n_h, 1)),
            "W2": rng.standard_normal((n_y, n_h)) * 0.5, "b2": np.zeros((n_y, 1))}


def linear_forward(A, W, b):
    return W @ A + b


def {forward}(X, parameters):
    Z1 = linear_forward(X, parameters["W1"], parameters["b1"])
    A1 = np.tanh(Z1)
    A2 = 1 / (1 + np.exp(-linear_forward(A1, parameters["W2"], parameters["b2"])))
    return A2, {"A1": A1, "A2": A2}


def compute_cost(A2, Y):
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - cache["A1"] ** 2)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ cache["A1"].T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}


parameters = initialize_parameters(3, 4, 1)
"""


def test_a_misspelled_forward_is_audited_and_said(tmp_path, audit_json):
    (tmp_path / "net.py").write_text(textwrap.dedent(_COLUMNS_NET.replace("{forward}", "forward_propogation")))
    s = audit_json([tmp_path / "net.py"], tmp_path / "out")["net.py"]
    assert s["status"] == "pass", s["error"]
    assert any("forward_propogation taken for forward_propagation" in n for n in s["notes"])


def test_no_plain_forward_names_the_candidates_and_the_key(tmp_path, audit_json):
    (tmp_path / "net.py").write_text(textwrap.dedent(_COLUMNS_NET.replace("{forward}", "run_forward_net")))
    s = audit_json([tmp_path / "net.py"], tmp_path / "out")["net.py"]
    assert s["status"] == "error"
    assert "LoneBackward" in s["error"] and "no forward function" not in s["error"]
    assert "linear_forward, run_forward_net may be" in s["error"] and "[entry] forward =" in s["error"]


def test_a_loss_derivative_named_with_der_is_one():
    from gradcheck.audit.adapters.names import LOSS_DERIV_FUNC

    for name in ("mean_square_error_der", "mse_der", "cross_entropy_der", "loss_derivative", "mse_prime"):
        assert LOSS_DERIV_FUNC.search(name), name
    for name in ("mean_square_error", "loss_border", "mse", "tanh_der"):
        assert not LOSS_DERIV_FUNC.search(name), name


def test_a_word_put_into_a_pass_name_is_no_misspelling():
    assert misspelt(["model_backforward"], BACKWARD_NAMES) is None  # 3 edits from model_backward: no slip
