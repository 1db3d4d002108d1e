"""Reference nets against nets written independently, the way students write them (tests/user_nets.py).

For each user net, the reference configuration that names its conventions must
compute the same forward pass and the same loss; the user's own (correct)
backward must agree with the reference gradient; and the reference gradient must
agree with the 50-digit mpmath oracle (tests/mp_oracle.py).
"""

import numpy as np
import pytest
import user_nets as U
from mp_oracle import gradient as mp_gradient
from mp_oracle import spec_of

from reference_nets.mlp import MLP, MLPConfig


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(float(np.max(np.abs(b))), 1e-300))


def check_reference(config, params, X, Y, user_loss, user_grads, user_out, *, loss_rtol=1e-14):
    net = MLP(config)
    yhat, _ = net.forward(params, X)
    value, grads = net.loss_and_grad(params, X, Y)
    assert rel(user_out, yhat) <= 1e-14
    assert value == pytest.approx(user_loss, rel=loss_rtol)
    for k in grads:
        assert rel(np.reshape(user_grads[k], grads[k].shape), grads[k]) <= 1e-12, k
    exact = mp_gradient(params, X, Y, spec_of(config))
    assert max(rel(grads[k], exact[k]) for k in grads) <= 2e-15
    return net


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


def test_cs231n_two_layer_net_with_integer_labels(rng):
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    params = {"W1": 1e-1 * rng.normal(size=(4, 5)), "b1": np.zeros(5), "W2": rng.normal(size=(5, 3)), "b2": np.zeros(3)}
    params["b1"] = 0.1 * rng.normal(size=5)
    reg = 0.05
    loss, grads, scores = U.cs231n_two_layer(params, X, y, reg)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    # CS231n's reg * sum(W**2) is the reference's (l2 / 2) * sum(W**2) with l2 = 2 * reg
    config = MLPConfig((4, 5, 3), "relu", output="softmax", loss="ce", labels="int", l2=2 * reg)
    check_reference(config, params, X, y, loss, grads, probs)


def test_unshifted_softmax_with_log_p_plus_1e_8_and_one_hot_labels(rng):
    X, Y = rng.normal(size=(5, 3)), np.eye(4)[rng.integers(0, 4, 5)]
    params = {"W1": rng.normal(size=(3, 6)), "b1": 0.1 * rng.normal(size=(1, 6))}
    params |= {"W2": rng.normal(size=(6, 4)), "b2": 0.1 * rng.normal(size=(1, 4))}
    loss, grads, P = U.tanh_softmax_onehot(params, X, Y)
    ref_params = {k: v.reshape(-1) if k.startswith("b") else v for k, v in params.items()}
    config = MLPConfig((3, 6, 4), "tanh", output="softmax", loss="ce")
    # the 1e-8 inside the log moves the loss by about 1e-8 / p of the labelled class
    p_true = np.sum(P * Y, axis=1)
    check_reference(config, ref_params, X, Y, loss, grads, P, loss_rtol=2e-8 / p_true.min())


def test_unshifted_softmax_overflows_where_the_reference_does_not(rng):
    z = np.array([[800.0, 0.0, -5.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        student = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    assert np.isnan(student).any()
    config = MLPConfig((1, 1, 3), "tanh", output="softmax", loss="ce", labels="int")
    params = {"W1": np.ones((1, 1)), "b1": np.zeros(1), "W2": np.zeros((1, 3)), "b2": z[0]}
    value, grads = MLP(config).loss_and_grad(params, np.zeros((1, 1)), np.array([2]))
    assert value == pytest.approx(805.0, rel=1e-15) and all(np.all(np.isfinite(g)) for g in grads.values())


def test_leaky_relu_tanh_output_half_sum_mse(rng):
    X, Y = rng.normal(size=(7, 2)), rng.uniform(-0.9, 0.9, (7, 3))
    params = {"W1": rng.normal(size=(2, 5)), "b1": 0.1 * rng.normal(size=5)}
    params |= {"W2": 0.5 * rng.normal(size=(5, 3)), "b2": 0.1 * rng.normal(size=3)}
    loss, grads, out = U.leaky_tanh_regression(params, X, Y, alpha=0.1)
    config = MLPConfig((2, 5, 3), "leaky_relu", output="tanh", over_outputs="sum", half=True, leaky_slope=0.1)
    check_reference(config, params, X, Y, loss, grads, out)


def test_elu_sigmoid_bce_summed_over_everything(rng):
    X, Y = rng.normal(size=(8, 3)), rng.integers(0, 2, (8, 2)).astype(float)
    params = {"W1": rng.normal(size=(3, 4)), "b1": 0.1 * rng.normal(size=4)}
    params |= {"W2": rng.normal(size=(4, 2)), "b2": 0.1 * rng.normal(size=2)}
    loss, grads, p = U.elu_bce_summed(params, X, Y, alpha=0.7)
    config = MLPConfig((3, 4, 2), "elu", loss="bce", over_samples="sum", over_outputs="sum", elu_alpha=0.7)
    check_reference(config, params, X, Y, loss, grads, p, loss_rtol=1e-13)


def test_deep_layer_list_class_with_elu_leaky_tanh_and_softmax(rng):
    sizes = (3, 5, 4, 4, 3)
    weights = [rng.normal(0, 0.8, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [0.1 * rng.normal(size=b) for b in sizes[1:]]
    X, Y = rng.normal(size=(6, 3)), np.eye(3)[rng.integers(0, 3, 6)]
    net = U.DeepSoftmax(weights, biases)
    loss = net.loss(X, Y)
    dW, db = net.backward(Y)
    params = {f"{n}{i + 1}": v for i, (w, b) in enumerate(zip(weights, biases)) for n, v in (("W", w), ("b", b))}
    grads = {f"{n}{i + 1}": v for i, (w, b) in enumerate(zip(dW, db)) for n, v in (("W", w), ("b", b))}
    config = MLPConfig(sizes, ("elu", "leaky_relu", "tanh"), output="softmax", loss="ce")
    check_reference(config, params, X, Y, loss, grads, net.activations[-1])


@pytest.mark.parametrize("labels", ["int", "onehot"])
def test_separate_softmax_and_cross_entropy_layers_with_masked_elu(rng, labels):
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 4, 7)
    Y = y if labels == "int" else np.eye(4)[y]
    params = {"W1": rng.normal(size=(3, 5)), "b1": 0.1 * rng.normal(size=5)}
    params |= {"W2": rng.normal(size=(5, 4)), "b2": 0.1 * rng.normal(size=4)}
    loss, grads, p = U.layered_elu_softmax(params, X, Y, alpha=0.8)
    config = MLPConfig((3, 5, 4), "elu", output="softmax", loss="ce", labels=labels, elu_alpha=0.8)
    check_reference(config, params, X, Y, loss, grads, p, loss_rtol=1e-13)


def test_masked_elu_overflows_to_nan_where_the_reference_does_not(rng):
    z = np.array([[800.0, -2.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        student = z * (z > 0) + 1.0 * (np.exp(z) - 1) * (z <= 0)
    assert np.isnan(student[0, 0])
    from reference_nets.rectifiers import elu

    assert elu(z)[0, 0] == 800.0


def test_cross_entropy_summed_over_the_batch_with_1e_7(rng):
    X, Y = rng.normal(size=(6, 3)), np.eye(3)[rng.integers(0, 3, 6)]
    params = {"W1": rng.normal(size=(3, 4)), "b1": 0.1 * rng.normal(size=4)}
    params |= {"W2": rng.normal(size=(4, 3)), "b2": 0.1 * rng.normal(size=3)}
    loss, grads, P = U.summed_ce_leaky(params, X, Y)
    config = MLPConfig((3, 4, 3), "leaky_relu", output="softmax", loss="ce", over_samples="sum")
    p_true = np.sum(P * Y, axis=1)
    check_reference(config, params, X, Y, loss, grads, P, loss_rtol=2e-7 * len(Y) / p_true.min())
