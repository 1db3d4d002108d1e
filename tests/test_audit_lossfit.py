"""Which loss a gradient is judged against (gradcheck.audit.lossfit) and which network a forward is
(gradcheck.audit.network): conventions read off a student's loss value or derivative, slopes and
alphas fitted to the output, scores taken as the forward. Student values are computed here with
plain numpy (independently of reference_nets)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gradcheck.audit.lossfit import (
    LossDisagrees,
    LossError,
    choices,
    from_student,
    from_student_grad,
    other_conventions,
)
from gradcheck.audit.network import infer_network
from gradcheck.audit.spec import AuditSpec, parse_spec
from gradcheck.diagnose.layout import infer_layouts
from reference_nets.mlp import MLP, MLPConfig

RNG = np.random.default_rng(3)
X = RNG.normal(size=(8, 3))


def _net(output="identity", hidden=("tanh",), n_out=2, **kw):
    config = MLPConfig((3, 4, n_out), hidden, output=output, loss="mse", **kw)
    net = MLP(config)
    return config, net.init_params(seed=1)


def _labels(k=3):
    return np.eye(k)[[0, 1, 2, 0, 1, 2, 1, 0]]


@pytest.mark.parametrize(
    "student, loss, over_samples, over_outputs, half",
    [
        (lambda a, y: np.mean((a - y) ** 2), "mse", "mean", None, False),
        (lambda a, y: 0.5 * np.sum((a - y) ** 2), "mse", "sum", "sum", True),
        (lambda a, y: np.mean(np.sum((a - y) ** 2, axis=1)), "mse", "mean", "sum", False),
        (lambda a, y: np.sum((a - y) ** 2) / len(a), "mse", "mean", "sum", False),
    ],
)
def test_mse_convention_read_off_the_students_value(student, loss, over_samples, over_outputs, half):
    config, params = _net(n_out=3)  # 3 outputs: with 2, "half" and "mean over outputs" give the same number
    Y = RNG.normal(size=(8, 3))
    a, _ = MLP(config).forward(params, X)
    found = from_student({"source": "error()", "value": float(student(a, Y))}, config, params, X, Y)
    assert found, "no convention matched"
    c = found[0].config
    assert (c.loss, c.over_samples, c.over_outputs, c.half) == (loss, over_samples, over_outputs, half)


def test_log_likelihood_is_cross_entropy_with_the_sign_flipped():
    config, params = _net(output="softmax", n_out=3)
    Y = _labels()
    a, _ = MLP(config).forward(params, X)
    found = from_student({"source": "cost()", "value": float(np.sum(Y * np.log(a)))}, config, params, X, Y)
    assert [(c.config.loss, c.config.over_samples, c.factor) for c in found] == [("ce", "sum", -1.0)]


def test_a_value_matching_nothing_is_no_verdict_on_a_guessed_loss():
    """The code's loss is none the reference nets model: no fitted loss may stand in for it."""
    config, params = _net(output="sigmoid", n_out=1)
    Y = (RNG.random((8, 1)) > 0.5).astype(float)
    with pytest.raises(LossDisagrees, match=r"f\(\) = 123.*not judged against a guessed loss.*\[loss\] name"):
        choices(AuditSpec(), [config], [{"source": "f()", "value": 123.0, "tier": 2}], params, X, Y, [])


def test_no_loss_in_the_code_falls_back_to_the_usual_losses():
    config, params = _net(output="sigmoid", n_out=1)
    Y = (RNG.random((8, 1)) > 0.5).astype(float)
    picks = choices(AuditSpec(), [config], [], params, X, Y, [])
    assert [(c.config.loss, c.source) for c in picks] == [("bce", "auto"), ("mse", "auto")]


def test_the_best_tier_that_matches_decides_and_the_others_are_noted():
    """The loss the model holds (tier 1) over a module helper (tier 2) that computes something else."""
    config, params = _net(output="sigmoid", n_out=1)
    Y = (RNG.random((8, 1)) > 0.5).astype(float)
    a, _ = MLP(config).forward(params, X)
    bce = float(-np.mean(Y * np.log(a) + (1 - Y) * np.log(1 - a)))
    found = [{"source": "accuracy_ish()", "value": 0.625, "tier": 2}, {"source": "Net.loss()", "value": bce, "tier": 1}]
    notes: list[str] = []
    picks = choices(AuditSpec(), [config], found, params, X, Y, notes)
    assert [(c.config.loss, c.config.over_samples, c.config.half, c.source) for c in picks] == [
        ("bce", "mean", False, "Net.loss()")
    ]
    assert "accuracy_ish() = 0.625" in notes[0]


def _bce_both_orders():
    """A ``_loss(self, y, p)`` called as its names say, and the other way round (plain numpy, clipped as written)."""
    config, params = _net(output="sigmoid", n_out=1)
    Y = (RNG.random((8, 1)) > 0.5).astype(float)
    a, _ = MLP(config).forward(params, X)

    def loss(y, p):
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    return config, params, Y, loss(a, Y), loss(Y, a)


def test_the_swapped_order_is_kept_only_when_the_named_one_is_no_loss():
    config, params, Y, named_wrong, other = _bce_both_orders()
    found = [
        {"source": "the student's BinaryMLP._loss()", "value": named_wrong, "tier": 1},
        {"source": "the student's BinaryMLP._loss()", "value": other, "tier": 1, "swapped": True},
    ]
    notes: list[str] = []
    picks = choices(AuditSpec(), [config], found, params, X, Y, notes)
    assert [(c.config.loss, c.config.over_samples) for c in picks] == [("bce", "mean")]
    assert notes == [
        "the student's BinaryMLP._loss() takes its prediction and target the other way round from what their names say"
    ]
    # the named order right: the swapped value is never weighed, nor noted
    found = [{**found[0], "value": other}, {**found[1], "value": named_wrong}]
    notes = []
    assert [c.config.loss for c in choices(AuditSpec(), [config], found, params, X, Y, notes)] == ["bce"]
    assert notes == []


def test_neither_order_a_loss_is_an_error_naming_the_order_as_written():
    config, params, Y, _, _ = _bce_both_orders()
    found = [
        {"source": "f()", "value": 123.0, "tier": 2},
        {"source": "f()", "value": 456.0, "tier": 2, "swapped": True},
    ]
    with pytest.raises(LossDisagrees, match=r"f\(\) = 123\) is none") as err:
        choices(AuditSpec(), [config], found, params, X, Y, [])
    assert "456" not in str(err.value)


@pytest.mark.parametrize(
    "derivative, expected",
    [
        (lambda a, y: a - y, {("mse", "mean", True), ("mse", "sum", True)}),  # N = 1 below: mean == sum
        (lambda a, y: 2 * (a - y) / a.size, {("mse", "mean", False)}),
    ],
)
def test_convention_read_off_the_students_derivative(derivative, expected):
    config, params = _net(output="identity", n_out=1)
    x, y = X[:1], RNG.normal(size=(1, 1))
    a, _ = MLP(config).forward(params, x)
    found = from_student_grad({"source": "mse_prime()", "value": derivative(a, y)}, config, params, x, y)
    assert {(c.config.loss, c.config.over_samples, c.config.half) for c in found} >= expected


def test_a_declared_loss_the_output_cannot_have_is_an_error():
    config, params = _net(output="softmax", n_out=3)
    spec = parse_spec({"loss": {"name": "bce"}})
    with pytest.raises(LossError, match=r"\[loss\] name = 'bce' does not fit the network's softmax output"):
        choices(spec, [config], None, params, X, _labels(), [])


def test_other_conventions_exclude_the_ones_already_tried():
    config, params = _net(output="sigmoid", n_out=1)
    picks = choices(AuditSpec(), [config], None, params, X, np.ones((8, 1)), [])
    others = other_conventions(picks)
    assert others and not {(c.config, c.factor) for c in others} & {(c.config, c.factor) for c in picks}


# ------------------------------------------------------------------------------------------------ network


@pytest.mark.parametrize(
    "hidden, kw, label",
    [
        (("leaky_relu",), {"leaky_slope": 0.2}, "slope=0.2"),
        (("leaky_relu",), {"leaky_slope": 0.037}, "slope=0.037"),  # not a common value: searched
        (("elu",), {"elu_alpha": 0.5}, "alpha=0.5"),
    ],
)
def test_slope_and_alpha_are_fitted_to_the_forward(hidden, kw, label):
    config, params = _net(hidden=hidden, output="sigmoid", **kw)
    out, _ = MLP(config).forward(params, X)
    _, found, fwd = infer_network(params, out, X, 2, AuditSpec())
    assert fwd.status == "match" and found.hidden == hidden and label in fwd.network, fwd


def test_scores_are_recognised_and_the_output_left_to_the_loss():
    config, params = _net(output="softmax", n_out=3, hidden=("relu",))
    a, cache = MLP(config).forward(params, X)
    _, found, fwd = infer_network(params, cache.zs[-1], X, 3, AuditSpec())
    # scores are an identity output's output: the forward matches; the grader lets the loss pick the output
    assert fwd.status == "match" and found.output == "identity"
    sig, sparams = _net(output="sigmoid", n_out=3, hidden=("relu",))
    _, scores = MLP(sig).forward(sparams, X)
    _, found, fwd = infer_network(sparams, MLP(sig).forward(sparams, X)[0], X, 3, AuditSpec())
    assert found.output == "sigmoid" and not fwd.on_logits  # the output itself is preferred to scores


def test_an_unmodelled_activation_is_a_mismatch_not_a_match():
    config, params = _net(hidden=("tanh",), output="identity")
    layout = infer_layouts({k: v.shape for k, v in params.items()}, 3, 2)[0]
    ref = layout.to_reference(params)
    out = np.log1p(np.exp(X @ ref["W1"] + ref["b1"])) @ ref["W2"] + ref["b2"]  # softplus: not a reference layer
    _, _, fwd = infer_network(params, out, X, 2, AuditSpec())
    assert fwd.status == "mismatch"


def test_declared_network_is_the_only_candidate():
    config, params = _net(hidden=("tanh",), output="identity")
    out, _ = MLP(dataclasses.replace(config, output="identity")).forward(params, X)
    spec = parse_spec({"network": {"hidden": ["sigmoid"], "output": "identity"}})
    _, found, fwd = infer_network(params, out, X, 2, spec)
    assert found.hidden == ("sigmoid",) and fwd.status == "mismatch"


def test_only_a_prediction_target_pair_is_ever_swapped():
    from gradcheck.audit.adapters.lossfind import swapped

    assert swapped([("self", "self"), ("y", "Y"), ("p", "out")]) == [("self", "self"), ("y", "out"), ("p", "Y")]
    assert swapped([("y", "=y"), ("p", "Y")]) == [("y", "Y"), ("p", "=y")]
    assert swapped([("params", "params"), ("X", "X"), ("Y", "Y")]) is None
    assert swapped([("a", "out"), ("X", "X"), ("Y", "Y")]) is None
    assert swapped([("a", "out"), ("b", "out")]) is None


def test_a_flat_forward_output_meets_column_targets_in_their_shape():
    """predict_proba(X).ravel() against (N, 1) targets: a loss would broadcast them to N x N."""
    from gradcheck.audit.adapters.studentloss import _like_targets

    p = np.linspace(0.1, 0.9, 5)
    y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    shaped = _like_targets(p, y)
    assert shaped.shape == (5, 1)
    bce = -np.mean(y * np.log(shaped) + (1 - y) * np.log(1 - shaped))
    assert np.isclose(bce, -np.mean(y.ravel() * np.log(p) + (1 - y.ravel()) * np.log(1 - p)))
    scores = np.ones((5, 3))
    assert _like_targets(scores, np.array([0, 2, 1, 1, 0])) is scores  # class scores and labels differ in size
    assert _like_targets(None, y) is None


@pytest.mark.parametrize("seed", [21, 27, 35, 39])
def test_at_small_weights_the_exact_network_wins_over_a_close_one_tried_first(seed):
    # weights 0.01 and zero biases (a course's initializer): the output is about 0.5 for every sample and varies
    # by 1e-6, so a sigmoid hidden layer (with a fitted leaky slope) comes within the forward's tolerance; the
    # ReLU network the code computes reproduces it to rounding, and only it may be taken for the network
    config = MLPConfig((3, 4, 5, 1), ("relu", "relu"), output="sigmoid", loss="mse")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, 3))
    params = {}
    for i, (a, b) in enumerate(zip(config.sizes[:-1], config.sizes[1:]), 1):
        params[f"W{i}"] = rng.normal(size=(a, b)) * 0.01
        params[f"b{i}"] = np.zeros(b)
    out, _ = MLP(config).forward(params, x)
    assert float(np.ptp(out)) < 1e-5  # the premise: the output barely varies
    _, found, fwd = infer_network(params, out, x, 1, AuditSpec())
    assert fwd.status == "match" and found.hidden == ("relu", "relu") and found.output == "sigmoid", fwd


def test_a_tier_with_the_modules_own_penalty_outranks_a_plain_match_lower_down():
    """``loss(model, X, y)`` = mean CE + (reg / 2N) * sum(W**2), reg the module's own (tier 2), over the summed CE that
    an expression of its body evaluates to on the script's names (tier 3)."""
    config, params = _net(output="softmax", n_out=3)
    Y = _labels()
    a, _ = MLP(config).forward(params, X)
    ce_sum = float(-np.sum(Y * np.log(a)))
    squares = sum(float(np.sum(v**2)) for k, v in params.items() if k.startswith("W"))
    total = (ce_sum + 0.02 / 2 * squares) / 8
    found = [
        {"source": "loss() of the weights", "value": total, "tier": 2, "penalties": {"reg": 0.02}},
        {"source": "the loss `nll = ...`", "value": ce_sum, "tier": 3},
    ]
    notes: list[str] = []
    picks = choices(AuditSpec(), [config], found, params, X, Y, notes)
    c = picks[0].config
    assert (c.loss, c.over_samples, picks[0].source) == ("ce", "mean", "loss() of the weights")
    assert np.isclose(c.l2, 0.02 / 8) and "reg / N" in notes[-1]
    # without the penalty's strength the tier-2 value matches nothing and the plain match below decides
    del found[0]["penalties"]
    picks = choices(AuditSpec(), [config], found, params, X, Y, [])
    assert (picks[0].config.over_samples, picks[0].source) == ("sum", "the loss `nll = ...`")


class _HoldsItsData:
    """A class constructed with its training data: its loss takes the prediction and reads the targets off self."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def loss_function(self, y_hat):
        return -np.mean(self.y * np.log(y_hat))

    def score(self, y_hat):
        return float(np.mean(y_hat))


def test_a_model_s_loss_reading_its_held_targets_is_bound_to_the_prediction_alone():
    from gradcheck.audit.adapters.lossfind import bindings

    obj = _HoldsItsData(None, None)
    assert list(bindings(obj.loss_function, set(), {"out", "Y"}, stateful=True)) == [[("y_hat", "out")]]
    assert list(bindings(obj.score, set(), {"out", "Y"}, stateful=True)) == []  # (no targets: no loss)
    assert list(bindings(obj.loss_function, set(), {"out", "Y"}, stateful=False)) == []  # (a function: no self)
