"""Tests for reference_nets.mlp: config validation, forward, and backward vs complex step."""

import numpy as np
import pytest

from reference_nets.activations import sigmoid
from reference_nets.mlp import MLP, Cache, MLPConfig

H = 1e-20  # complex step


def make_net(act, loss, depth, bias=True, l2=0.0, seed=0):
    sizes = (3, 5, 4, 3)[: depth + 1] + (2,)
    output = "identity" if loss == "mse" else "sigmoid"
    net = MLP(MLPConfig(sizes, (act,) * depth, output=output, loss=loss, l2=l2, bias=bias))
    rng = np.random.default_rng(seed + 100)
    X = rng.normal(size=(7, 3))
    Y = rng.integers(0, 2, (7, 2)).astype(float) if loss == "bce" else rng.normal(size=(7, 2))
    return net, net.init_params(seed=seed), X, Y


def complex_step_grads(net, params, X, Y):
    """Independent gradient: Im L(theta + i h e_k) / h for every entry k."""
    cparams = {k: v.astype(np.complex128) for k, v in params.items()}
    out = {}
    for name, value in cparams.items():
        g = np.zeros(value.shape)
        for idx in np.ndindex(value.shape):
            value[idx] += 1j * H
            g[idx] = net.loss(cparams, X, Y).imag / H
            value[idx] -= 1j * H
        out[name] = g
    return out


def max_rel_error(analytic, numeric):
    worst = 0.0
    for name, n in numeric.items():
        floor = max(1e-3 * np.max(np.abs(n)), 1e-300)
        err = np.abs(analytic[name] - n) / np.maximum(np.abs(n), floor)
        worst = max(worst, float(np.max(err)))
    return worst


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("act", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("bias", [True, False])
def test_backward_matches_complex_step(act, loss, depth, bias):
    net, params, X, Y = make_net(act, loss, depth, bias=bias)
    _, grads = net.loss_and_grad(params, X, Y)
    assert max_rel_error(grads, complex_step_grads(net, params, X, Y)) <= 1e-13


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("act", ["sigmoid", "relu", "tanh"])
def test_backward_with_l2_matches_complex_step(act, loss):
    net, params, X, Y = make_net(act, loss, 2, l2=0.05)
    _, grads = net.loss_and_grad(params, X, Y)
    assert max_rel_error(grads, complex_step_grads(net, params, X, Y)) <= 1e-13


@pytest.mark.parametrize("output, loss", [("sigmoid", "mse"), ("identity", "mse"), ("sigmoid", "bce")])
@pytest.mark.parametrize("hidden", [("relu", "tanh", "sigmoid"), ("tanh", "relu")])
def test_mixed_heads_match_complex_step(hidden, output, loss):
    sizes = (2, *[4] * len(hidden), 3)
    net = MLP(MLPConfig(sizes, hidden, output=output, loss=loss, l2=0.01))
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(5, 2)), rng.uniform(0, 1, (5, 3))
    params = net.init_params(seed=2)
    grads = net.backward(params, net.forward(params, X)[1], Y)
    assert max_rel_error(grads, complex_step_grads(net, params, X, Y)) <= 1e-13


def test_saturated_bce_net_still_exact():
    net, _, X, Y = make_net("sigmoid", "bce", 2)
    params = net.init_params(seed=1, scale=20.0)
    _, grads = net.loss_and_grad(params, X, Y)
    assert np.isfinite(net.loss(params, X, Y))
    assert max_rel_error(grads, complex_step_grads(net, params, X, Y)) <= 1e-13


def test_planted_bug_is_caught_by_the_same_check():
    """The check above can fail: a(1-a) applied to z in the hidden layer."""

    class Buggy(MLP):
        def _hidden_delta(self, layer, upstream_da, cache, params):
            z = cache.zs[layer - 1]
            return upstream_da * z * (1 - z)

    net, params, X, Y = make_net("sigmoid", "mse", 1)
    buggy = Buggy(net.config)
    _, grads = buggy.loss_and_grad(params, X, Y)
    assert max_rel_error(grads, complex_step_grads(net, params, X, Y)) > 1e-2


def test_bce_loss_equals_naive_formula():
    net, params, X, Y = make_net("tanh", "bce", 2)
    p = net.forward(params, X)[0]
    naive = -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))
    assert net.loss(params, X, Y) == pytest.approx(naive, rel=1e-13)


def test_l2_term_value():
    net, params, X, Y = make_net("tanh", "mse", 2, l2=0.1)
    plain = MLP(MLPConfig(net.config.sizes, net.config.hidden, output="identity"))
    wsq = sum(np.sum(params[k] ** 2) for k in params if k.startswith("W"))
    assert net.loss(params, X, Y) == pytest.approx(plain.loss(params, X, Y) + 0.05 * wsq, rel=1e-14)


def test_loss_types():
    net, params, X, Y = make_net("tanh", "mse", 1)
    assert type(net.loss(params, X, Y)) is float
    cparams = {k: v + 0j for k, v in params.items()}
    value = net.loss(cparams, X, Y)
    assert type(value) is complex and value.imag == 0.0
    assert value.real == pytest.approx(net.loss(params, X, Y), rel=1e-15)


def test_forward_cache_layout():
    net, params, X, _ = make_net("relu", "bce", 2)
    yhat, cache = net.forward(params, X)
    assert isinstance(cache, Cache)
    assert len(cache.zs) == 3 and len(cache.activations) == 4
    assert cache.activations[0] is not None and np.array_equal(cache.activations[0], X)
    np.testing.assert_allclose(cache.zs[0], X @ params["W1"] + params["b1"])
    np.testing.assert_array_equal(yhat, sigmoid(cache.zs[-1]))
    assert yhat.shape == (7, 2)


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("act", ["sigmoid", "relu", "tanh"])
def test_float32_params_give_float32_computation(act, loss):
    net, params, X, Y = make_net(act, loss, 2)
    p32 = net.init_params(seed=0, dtype=np.float32)
    yhat, cache = net.forward(p32, X)
    assert yhat.dtype == np.float32
    assert all(z.dtype == np.float32 for z in cache.zs)
    grads = net.backward(p32, cache, Y)
    assert all(g.dtype == np.float32 for g in grads.values())
    g64 = net.loss_and_grad(params, X, Y)[1]
    for k in grads:
        np.testing.assert_allclose(grads[k], g64[k], rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("complex_params", [False, True])
def test_batched_loss_equals_per_set_loss(loss, complex_params):
    net, _, X, Y = make_net("tanh", loss, 2, l2=0.01)
    sets = [net.init_params(seed=s) for s in range(4)]
    if complex_params:
        sets = [{k: v + 1j * H * (i + 1) for k, v in p.items()} for i, p in enumerate(sets)]
    batch = {k: np.stack([p[k] for p in sets]) for k in sets[0]}
    out = net.batched_loss(batch, X, Y)
    assert out.shape == (4,)
    expected = np.array([net.loss(p, X, Y) for p in sets])
    np.testing.assert_allclose(out.real, expected.real, rtol=1e-14)
    if complex_params:
        np.testing.assert_allclose(out.imag, expected.imag, rtol=1e-12)


def test_batched_loss_without_bias():
    net, _, X, Y = make_net("relu", "mse", 3, bias=False)
    sets = [net.init_params(seed=s) for s in range(3)]
    batch = {k: np.stack([p[k] for p in sets]) for k in sets[0]}
    np.testing.assert_allclose(net.batched_loss(batch, X, Y), [net.loss(p, X, Y) for p in sets], rtol=1e-14)


def test_closures_do_not_mutate_and_match_methods():
    net, params, X, Y = make_net("sigmoid", "bce", 2, l2=0.01)
    before = {k: v.copy() for k, v in params.items()}
    loss_fn, grad_fn = net.closures(X, Y)
    X[:] = 0.0  # the closures own a copy of the batch
    value, grads = loss_fn(params), grad_fn(params)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
    X0 = make_net("sigmoid", "bce", 2)[2]
    assert value == net.loss(before, X0, Y)
    ref = net.loss_and_grad(before, X0, Y)[1]
    assert all(np.array_equal(grads[k], ref[k]) for k in ref)


def test_closures_accept_any_mapping_of_arrays():
    from types import MappingProxyType

    net, params, X, Y = make_net("tanh", "mse", 1)
    loss_fn, grad_fn = net.closures(X, Y)
    as_lists = MappingProxyType({k: v.tolist() for k, v in params.items()})
    assert loss_fn(as_lists) == loss_fn(params)
    assert set(grad_fn(as_lists)) == set(params)


def test_grads_in_param_name_order_with_same_shapes():
    net, params, X, Y = make_net("tanh", "mse", 3, bias=False)
    grads = net.loss_and_grad(params, X, Y)[1]
    assert list(grads) == net.config.param_names == ["W1", "W2", "W3", "W4"]
    assert all(grads[k].shape == params[k].shape for k in params)


# ---------------------------------------------------------------- init_params
def test_init_params_deterministic_and_scaled():
    net = MLP(MLPConfig((3, 6, 2), ("relu",)))
    a, b = net.init_params(seed=4), net.init_params(seed=4)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    c = net.init_params(seed=5)
    assert not np.array_equal(a["W1"], c["W1"])
    big = net.init_params(seed=4, scale=10.0)
    np.testing.assert_allclose(big["W2"], 10 * a["W2"])
    np.testing.assert_allclose(big["b1"], 10 * a["b1"])
    assert np.all(a["b1"] != 0)


def test_init_params_he_vs_xavier():
    n = 400
    relu = MLP(MLPConfig((n, n, 1), ("relu",))).init_params(seed=0)
    tanh = MLP(MLPConfig((n, n, 1), ("tanh",))).init_params(seed=0)
    assert np.std(relu["W1"]) == pytest.approx(np.sqrt(2 / n), rel=0.02)
    assert np.std(tanh["W1"]) == pytest.approx(np.sqrt(2 / (2 * n)), rel=0.02)


def test_init_params_dtype():
    net = MLP(MLPConfig((2, 3, 1), ("tanh",)))
    assert all(v.dtype == np.complex128 for v in net.init_params(dtype=np.complex128).values())
    with pytest.raises(ValueError, match=r"dtype must be a float or complex dtype, got int64"):
        net.init_params(dtype=np.int64)
    with pytest.raises(ValueError, match=r"scale must be finite, got inf"):
        net.init_params(scale=float("inf"))


# ---------------------------------------------------------------- config
def test_config_properties():
    cfg = MLPConfig([2, 5, 5, 1], ["sigmoid", "sigmoid"], loss="mse", bias=False, l2=0.01)
    assert cfg.sizes == (2, 5, 5, 1) and cfg.hidden == ("sigmoid", "sigmoid")
    assert cfg.n_layers == 3 and cfg.depth == 2
    assert cfg.param_names == ["W1", "W2", "W3"]
    assert cfg.param_shapes == {"W1": (2, 5), "W2": (5, 5), "W3": (5, 1)}
    assert cfg.n_params == 10 + 25 + 5
    assert cfg.label == "2-5-5-1 sigmoid,sigmoid|sigmoid mse l2=0.01 nobias"
    assert MLPConfig((2, 4, 1), ("tanh",), loss="bce").label == "2-4-1 tanh|sigmoid bce"
    assert MLPConfig((2, 4, 4, 1), "relu").hidden == ("relu", "relu")
    full = MLPConfig((2, 4, 1), ("tanh",))
    assert full.param_names == ["W1", "b1", "W2", "b2"] and full.n_params == 17


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sizes=(2,), hidden=()), r"sizes must have at least 2 entries .* got \(2,\)"),
        (dict(sizes=(2, 0, 1), hidden=("tanh",)), r"sizes must be positive integers, got 0 in \(2, 0, 1\)"),
        (dict(sizes=(2, 2.5, 1), hidden=("tanh",)), r"sizes must be positive integers, got 2.5"),
        (dict(sizes=(2, True, 1), hidden=("tanh",)), r"sizes must be positive integers, got True"),
        (dict(sizes="241", hidden=("tanh",)), r"sizes must be a tuple of ints, got '241'"),
        (
            dict(sizes=(2, 4, 1), hidden=("tanh", "tanh")),
            r"hidden must name one activation per hidden layer \(1\), got \('tanh', 'tanh'\)",
        ),
        (
            dict(sizes=(2, 4, 1), hidden=("softmax",)),
            r"hidden activation must be one of \('sigmoid', 'relu', 'tanh', 'leaky_relu', 'elu'\), got 'softmax'",
        ),
        (dict(sizes=(2, 4, 1), hidden=None), r"hidden must be a tuple of activation names, got None"),
        (
            dict(sizes=(2, 4, 1), hidden=("tanh",), output="relu"),
            r"output must be one of \('sigmoid', 'identity', 'tanh', 'softmax'\), got 'relu'",
        ),
        (
            dict(sizes=(2, 4, 1), hidden=("tanh",), loss="hinge"),
            r"loss must be one of \('mse', 'bce', 'ce'\), got 'hinge'",
        ),
        (
            dict(sizes=(2, 4, 1), hidden=("tanh",), loss="bce", output="identity"),
            r"loss='bce' requires output='sigmoid', got output='identity'",
        ),
        (dict(sizes=(2, 4, 1), hidden=("tanh",), l2=-1.0), r"l2 must be a finite number >= 0, got -1.0"),
        (dict(sizes=(2, 4, 1), hidden=("tanh",), l2=float("nan")), r"l2 must be a finite number >= 0, got nan"),
        (dict(sizes=(2, 4, 1), hidden=("tanh",), bias="yes"), r"bias must be True or False, got 'yes'"),
    ],
)
def test_config_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLPConfig(**kwargs)


def test_config_frozen_and_layer_error():
    cfg = MLPConfig((2, 4, 1), ("tanh",))
    with pytest.raises(AttributeError):
        cfg.l2 = 1.0
    assert cfg.activation(2).name == "sigmoid"
    with pytest.raises(ValueError, match=r"layer must be in 1..2, got 3"):
        cfg.activation(3)


# ---------------------------------------------------------------- input errors
@pytest.fixture
def small():
    net = MLP(MLPConfig((2, 3, 1), ("tanh",)))
    return net, net.init_params(), np.zeros((4, 2)), np.zeros((4, 1))


def test_mlp_requires_config():
    with pytest.raises(TypeError, match=r"config must be an MLPConfig, got dict"):
        MLP({"sizes": (2, 3, 1)})


def test_param_errors(small):
    net, params, X, Y = small
    with pytest.raises(ValueError, match=r"params is missing tensor\(s\) \['b2'\]"):
        net.loss({k: v for k, v in params.items() if k != "b2"}, X, Y)
    with pytest.raises(ValueError, match=r"params has unexpected tensor\(s\) \['W3'\]"):
        net.loss({**params, "W3": np.zeros(2)}, X, Y)
    with pytest.raises(ValueError, match=r"params\['W1'\] has shape \(3, 2\), expected \(2, 3\)"):
        net.loss({**params, "W1": params["W1"].T}, X, Y)
    with pytest.raises(TypeError, match=r"params must be a mapping of name -> array, got list"):
        net.loss(list(params.values()), X, Y)


def test_batched_param_errors(small):
    net, params, X, Y = small
    batch = {k: np.stack([v, v]) for k, v in params.items()}
    batch["b1"] = np.stack([params["b1"]] * 3)
    with pytest.raises(ValueError, match=r"params\['b1'\] has shape \(3, 3\), expected \(2, 3\)"):
        net.batched_loss(batch, X, Y)


def test_data_errors(small):
    net, params, X, Y = small
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\), got \(4, 3\)"):
        net.loss(params, np.zeros((4, 3)), Y)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\), got \(2,\)"):
        net.forward(params, np.zeros(2))
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\) \(N rows of X, n_out\), got \(4,\)"):
        net.loss(params, X, np.zeros(4))
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\)"):
        net.closures(X, np.zeros((3, 1)))
    with pytest.raises(TypeError, match=r"X must be numeric, got dtype <U1"):
        net.loss(params, np.full((4, 2), "a"), Y)
    with pytest.raises(TypeError, match=r"Y must be numeric, got dtype <U1"):
        net.loss(params, X, np.full((4, 1), "a"))
