"""The reference MLP's new layers: softmax/tanh outputs, CE, MSE conventions, leaky ReLU, ELU, any depth.

Gradients are checked against two independent oracles: the complex step of the
net's own loss (every entry) and a 50-digit mpmath re-implementation of the
loss from textbook formulas (tests/mp_oracle.py), differentiated numerically.
"""

import dataclasses
import itertools

import numpy as np
import pytest
from cs_oracle import complex_step
from mp_oracle import gradient as mp_gradient
from mp_oracle import spec_of
from mp_oracle import total_loss as mp_loss

from reference_nets.mlp import MLP, MLPConfig

H = 1e-20
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
HEADS = [
    ("identity", "mse", {}),
    ("sigmoid", "mse", {"over_outputs": "sum", "half": True}),
    ("tanh", "mse", {}),
    ("tanh", "mse", {"over_samples": "sum", "half": True}),
    ("softmax", "mse", {}),
    ("sigmoid", "bce", {"over_samples": "sum"}),
    ("softmax", "ce", {}),
    ("softmax", "ce", {"labels": "int"}),
    ("softmax", "ce", {"labels": "int", "over_samples": "sum", "over_outputs": "mean"}),
]


def targets(config, n, rng):
    k = config.sizes[-1]
    if config.labels == "int":
        return rng.integers(0, k, n)
    if config.loss == "ce":
        return np.eye(k)[rng.integers(0, k, n)]
    if config.loss == "bce":
        return rng.integers(0, 2, (n, k)).astype(float)
    if config.output == "tanh":
        return rng.uniform(-0.9, 0.9, (n, k))
    if config.output in ("sigmoid", "softmax"):
        return rng.uniform(0.05, 0.95, (n, k))
    return rng.normal(size=(n, k))


def setup(config, seed=0, n=5, scale=1.0):
    rng = np.random.default_rng(seed + 31)
    net = MLP(config)
    return net, net.init_params(seed=seed, scale=scale), rng.normal(size=(n, config.sizes[0])), targets(config, n, rng)


def worst(analytic, exact):
    """Largest error of an entry, relative to its tensor's largest exact entry."""
    return max(float(np.max(np.abs(analytic[k] - exact[k])) / max(np.max(np.abs(exact[k])), 1e-300)) for k in exact)


# ------------------------------------------------------------ complex step, every entry
HEAD_IDS = [f"{o}-{l}-{'-'.join(map(str, k.values()))}" for o, l, k in HEADS]


@pytest.mark.parametrize("head", range(len(HEADS)), ids=HEAD_IDS)
@pytest.mark.parametrize("act", HIDDEN)
@pytest.mark.parametrize("depth", [1, 2, 5])
def test_backward_matches_complex_step(act, head, depth):
    output, loss, kw = HEADS[head]
    config = MLPConfig((3, *[4] * depth, 3), act, output=output, loss=loss, **kw)
    net, params, X, Y = setup(config, seed=depth)
    _, grads = net.loss_and_grad(params, X, Y)
    assert worst(grads, complex_step(net, params, X, Y)) <= 1e-13


@pytest.mark.parametrize("head", range(len(HEADS)), ids=HEAD_IDS)
def test_depth_zero_backward_matches_complex_step(head):
    output, loss, kw = HEADS[head]
    config = MLPConfig((3, 3), (), output=output, loss=loss, **kw)
    net, params, X, Y = setup(config, seed=7)
    assert list(params) == ["W1", "b1"] and config.depth == 0
    _, grads = net.loss_and_grad(params, X, Y)
    assert worst(grads, complex_step(net, params, X, Y)) <= 1e-13


# ------------------------------------------------------------ mpmath, 50 digits
ORACLE_NETS = [
    MLPConfig((3, 4, 3), "elu", output="softmax", loss="ce", labels="int", l2=0.01),
    MLPConfig((2, 5, 4, 3), ("leaky_relu", "tanh"), output="softmax", loss="ce", over_samples="sum", leaky_slope=0.2),
    MLPConfig((3, 4, 2), "tanh", output="tanh", loss="mse", over_outputs="sum", half=True),
    MLPConfig((2, 3, 3, 3, 3, 3, 2), ("sigmoid", "elu", "tanh", "leaky_relu", "relu"), loss="bce"),
    MLPConfig((3, 4, 3), "relu", output="softmax", loss="mse", bias=False),
    MLPConfig((3, 4, 2), "elu", output="identity", loss="mse", over_samples="sum", over_outputs="sum", elu_alpha=0.5),
    MLPConfig((4, 6, 3), "tanh", output="softmax", loss="ce", over_outputs="mean"),
    # depth 0, one layer of weights: logistic, softmax (integer and one-hot labels) and linear regression
    MLPConfig((3, 1), (), output="sigmoid", loss="bce"),
    MLPConfig((4, 3), (), output="softmax", loss="ce", labels="int"),
    MLPConfig((4, 3), (), output="softmax", loss="ce", over_samples="sum"),
    MLPConfig((3, 2), (), output="identity", loss="mse", l2=0.01),
    MLPConfig((3, 1), (), output="identity", loss="mse", bias=False, over_samples="sum", half=True),
]


@pytest.mark.parametrize("config", ORACLE_NETS, ids=lambda c: c.label)
def test_loss_and_gradient_match_a_50_digit_oracle(config):
    net, params, X, Y = setup(config, seed=3)
    value, grads = net.loss_and_grad(params, X, Y)
    # measured: loss within 3.5e-16, every gradient entry within 6.3e-16 of its tensor's largest
    assert value == pytest.approx(float(mp_loss(params, X, Y, spec_of(config))), rel=1e-15)
    assert worst(grads, mp_gradient(params, X, Y, spec_of(config))) <= 2e-15


@pytest.mark.parametrize("config", ORACLE_NETS[:3], ids=lambda c: c.label)
def test_saturated_nets_stay_exact(config):
    net, params, X, Y = setup(config, seed=4, scale=12.0)
    value, grads = net.loss_and_grad(params, X, Y)
    assert np.isfinite(value) and all(np.all(np.isfinite(g)) for g in grads.values())
    assert value == pytest.approx(float(mp_loss(params, X, Y, spec_of(config))), rel=1e-13)
    assert worst(grads, complex_step(net, params, X, Y)) <= 1e-13


def test_saturated_softmax_ce_keeps_a_loss_of_1e_minus_300(monkeypatch):
    import mp_oracle

    monkeypatch.setattr(mp_oracle, "DPS", 400)  # the textbook -log(p) needs 1 - p = 1e-300 resolved
    config = MLPConfig((1, 2, 2), "relu", output="softmax", loss="ce", labels="int")
    net = MLP(config)
    W2 = np.array([[70.0, -70.0], [0.0, 0.0]])
    params = {"W1": np.eye(1, 2) * 10, "b1": np.zeros(2), "W2": W2, "b2": np.zeros(2)}
    X, y = np.array([[1.0]]), np.array([0])
    value, grads = net.loss_and_grad(params, X, y)
    # z = (700, -700): the loss is log(1 + exp(-1400)) ~ 1e-608 underflows to 0; at 1e-300 it is kept
    assert value == 0.0
    params["W2"] = np.array([[34.5, -34.5], [0.0, 0.0]])
    value, grads = net.loss_and_grad(params, X, y)
    assert value == pytest.approx(float(mp_loss(params, X, y, spec_of(config))), rel=1e-15)
    assert worst(grads, mp_gradient(params, X, y, spec_of(config))) <= 1e-15


# ------------------------------------------------------------ labels, data, dtypes
def test_integer_and_one_hot_labels_give_the_same_net():
    onehot = MLPConfig((3, 4, 3), "tanh", output="softmax", loss="ce")
    ints = dataclasses.replace(onehot, labels="int")
    net_o, params, X, Y = setup(onehot)
    y = np.argmax(Y, axis=1)
    net_i = MLP(ints)
    for labels in (y, y[:, None], y.astype(float)):
        lo, go = net_o.loss_and_grad(params, X, Y)
        li, gi = net_i.loss_and_grad(params, X, labels)
        assert lo == li and all(np.array_equal(go[k], gi[k]) for k in go)


def test_batched_loss_equals_per_set_loss_for_every_head():
    for output, loss, kw in HEADS:
        config = MLPConfig((3, 4, 4, 3), ("elu", "leaky_relu"), output=output, loss=loss, l2=0.01, **kw)
        net, _, X, Y = setup(config)
        sets = [{k: v + 1j * H * (i + 1) for k, v in net.init_params(seed=i).items()} for i in range(3)]
        batch = {k: np.stack([p[k] for p in sets]) for k in sets[0]}
        got = net.batched_loss(batch, X, Y)
        expected = np.array([net.loss(p, X, Y) for p in sets])
        np.testing.assert_allclose(got.real, expected.real, rtol=1e-14)
        np.testing.assert_allclose(got.imag, expected.imag, rtol=1e-12)


@pytest.mark.parametrize("output, loss, kw", HEADS[2:8])
@pytest.mark.parametrize("act", ["leaky_relu", "elu"])
def test_float32_params_give_float32_computation(act, output, loss, kw):
    config = MLPConfig((3, 4, 3), act, output=output, loss=loss, **kw)
    net, params, X, Y = setup(config)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    yhat, cache = net.forward(p32, X)
    assert yhat.dtype == np.float32 and all(z.dtype == np.float32 for z in cache.zs)
    _, grads = net.loss_and_grad(p32, X, Y)
    _, ref = net.loss_and_grad(params, X, Y)
    assert all(g.dtype == np.float32 for g in grads.values())
    assert worst(grads, ref) <= 1e-5


def test_any_depth():
    for depth in (1, 4, 8):
        config = MLPConfig((2, *[3] * depth, 2), "tanh", output="tanh")
        assert config.depth == depth and config.n_layers == depth + 1
        assert config.param_names[-2:] == [f"W{depth + 1}", f"b{depth + 1}"]
        net, params, X, Y = setup(config)
        _, grads = net.loss_and_grad(params, X, Y)
        assert worst(grads, complex_step(net, params, X, Y)) <= 1e-13


def test_rectifier_layers_get_he_init():
    for act in ("relu", "leaky_relu", "elu"):
        W = MLP(MLPConfig((400, 300, 1), act)).init_params(seed=0)["W1"]
        assert np.std(W) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    W = MLP(MLPConfig((400, 300, 1), "tanh")).init_params(seed=0)["W1"]
    assert np.std(W) == pytest.approx(np.sqrt(2 / 700), rel=0.02)


def test_softmax_output_rows_sum_to_one_and_tanh_is_bounded():
    net, params, X, _ = setup(MLPConfig((3, 4, 5), "elu", output="softmax", loss="ce"), scale=5.0)
    np.testing.assert_allclose(net.forward(params, X)[0].sum(axis=1), 1.0, rtol=1e-15)
    net, params, X, _ = setup(MLPConfig((3, 4, 5), "elu", output="tanh"), scale=5.0)
    assert np.max(np.abs(net.forward(params, X)[0])) <= 1.0


# ------------------------------------------------------------ config
def test_config_new_fields_label_and_formula():
    cfg = MLPConfig((3, 4, 3), "leaky_relu", output="softmax", loss="ce", labels="int", leaky_slope=0.2)
    assert cfg.label == "3-4-3 leaky_relu|softmax ce int-labels slope=0.2"
    assert cfg.loss_formula == "mean over samples of sum over outputs of -y log yhat"
    assert cfg.activation(1).parameter == 0.2 and cfg.activation(2).name == "softmax"
    cfg = MLPConfig((3, 4, 2), "elu", output="identity", over_samples="sum", over_outputs="sum", elu_alpha=2)
    assert cfg.label == "3-4-2 elu|identity mse sum-samples sum-outputs alpha=2"
    assert cfg.elu_alpha == 2.0 and isinstance(cfg.elu_alpha, float)
    # the loss's own reduction is stored as None: equal configs compare equal, replace() switches it
    assert MLPConfig((3, 4, 3), "tanh", output="softmax", loss="ce", over_outputs="sum").over_outputs is None
    mse = MLPConfig((3, 4, 3), "tanh", output="softmax")
    assert mse.convention.over_outputs == "mean"
    assert dataclasses.replace(mse, loss="ce").convention.over_outputs == "sum"
    assert MLPConfig((2, 4, 1), ("tanh",), loss="bce").label == "2-4-1 tanh|sigmoid bce"  # unchanged


def test_defaults_keep_the_first_releases_config():
    cfg = MLPConfig((2, 3, 1), ("tanh",))
    assert (cfg.over_samples, cfg.over_outputs, cfg.half, cfg.labels) == ("mean", None, False, "onehot")
    assert (cfg.leaky_slope, cfg.elu_alpha) == (0.01, 1.0)
    assert cfg.convention.text == "mean over samples of mean over outputs"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(loss="ce"), r"loss='ce' requires output='softmax', got output='sigmoid'"),
        (dict(output="softmax", loss="bce"), r"loss='bce' requires output='sigmoid', got output='softmax'"),
        (dict(sizes=(2, 4, 1), output="softmax"), r"output='softmax' needs at least 2 outputs \(classes\), got sizes"),
        (dict(over_samples="avg"), r"over_samples must be 'mean' or 'sum', got 'avg'"),
        (dict(over_outputs="max"), r"over_outputs must be 'mean', 'sum' or None \(the loss's own\), got 'max'"),
        (dict(half=1), r"half must be True or False, got 1"),
        (dict(loss="bce", half=True), r"half=True \(a 1/2 in front of the MSE\) needs loss='mse', got loss='bce'"),
        (dict(labels="index"), r"labels must be one of \('onehot', 'int'\), got 'index'"),
        (dict(labels="int"), r"labels='int' \(class indices\) needs loss='ce', got loss='mse'"),
        (dict(leaky_slope=-0.01), r"leaky_slope must be a finite number >= 0, got -0.01"),
        (dict(elu_alpha=float("nan")), r"elu_alpha must be a finite number > 0, got nan"),
        (dict(hidden=("swish",)), r"hidden activation must be one of \('sigmoid', 'relu', 'tanh', 'leaky_relu'"),
    ],
)
def test_config_errors(kwargs, message):
    base = dict(sizes=(2, 4, 3), hidden=("tanh",))
    with pytest.raises(ValueError, match=message):
        MLPConfig(**{**base, **kwargs})


@pytest.mark.parametrize(
    "config, Y, message",
    [
        (
            dict(labels="int"),
            np.array([0, 3, 1, 0]),
            r"Y \(labels='int'\): labels must be integer class indices in 0..2",
        ),
        (dict(labels="int"), np.array([0.0, 1.5, 1, 0]), r"got 1.5 in row 1"),
        (dict(labels="int"), np.zeros((4, 3)), r"Y must hold 4 integer class labels, shape \(4,\) or \(4, 1\)"),
        (dict(), np.array([0, 2, 1, 0]), r"Y must have shape \(4, 3\) .*; for integer class labels set labels='int'"),
        (dict(labels="int"), np.array(["a", "b", "c", "d"]), r"Y must be numeric, got dtype <U1"),
    ],
)
def test_label_errors_name_Y_and_the_fix(config, Y, message):
    net = MLP(MLPConfig((2, 4, 3), "tanh", output="softmax", loss="ce", **config))
    error = TypeError if Y.dtype.kind == "U" else ValueError
    with pytest.raises(error, match=message):
        net.loss(net.init_params(), np.zeros((4, 2)), Y)


def test_every_hidden_x_head_x_depth_is_constructible():
    for act, (output, loss, kw), depth in itertools.product(HIDDEN, HEADS, (1, 3, 6)):
        cfg = MLPConfig((2, *[3] * depth, 3), act, output=output, loss=loss, **kw)
        assert cfg.depth == depth
