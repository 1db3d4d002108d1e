"""Property tests over activation x output x loss x convention x depth x dtype (Hypothesis).

Any reference net drawn here must have an analytic gradient equal to the
complex step of its own loss at every entry, a float32 computation that stays
float32 and close to the float64 one, integer labels equivalent to one-hot
rows, and conventions that scale the loss by exactly N and/or K.
"""

import dataclasses

import numpy as np
from cs_oracle import complex_step
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reference_nets.mlp import MLP, MLPConfig

H = 1e-20
HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")
HEADS = [("identity", "mse"), ("sigmoid", "mse"), ("tanh", "mse"), ("softmax", "mse"), ("sigmoid", "bce")]
HEADS += [("softmax", "ce")]
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)


@st.composite
def nets(draw):
    depth = draw(st.integers(1, 5))
    output, loss = draw(st.sampled_from(HEADS))
    n_out = draw(st.integers(2, 4)) if output == "softmax" else draw(st.integers(1, 3))
    kw = dict(
        over_samples=draw(st.sampled_from(["mean", "sum"])),
        over_outputs=draw(st.sampled_from([None, "mean", "sum"])),
        half=loss == "mse" and draw(st.booleans()),
        labels="int" if loss == "ce" and draw(st.booleans()) else "onehot",
        leaky_slope=draw(st.sampled_from([0.0, 0.01, 0.3])),
        elu_alpha=draw(st.sampled_from([0.5, 1.0, 2.0])),
        bias=draw(st.booleans()),
        l2=draw(st.sampled_from([0.0, 0.05])),
    )
    sizes = (draw(st.integers(1, 4)), *[draw(st.integers(1, 5)) for _ in range(depth)], n_out)
    hidden = tuple(draw(st.sampled_from(HIDDEN)) for _ in range(depth))
    config = MLPConfig(sizes, hidden, output=output, loss=loss, **kw)
    return config, draw(st.integers(1, 8)), draw(st.sampled_from([0.3, 1.0, 4.0])), draw(st.integers(0, 2**16))


def data(config, n, seed):
    rng = np.random.default_rng(seed)
    k = config.sizes[-1]
    X = rng.normal(size=(n, config.sizes[0]))
    if config.loss == "ce":
        labels = rng.integers(0, k, n)
        return X, labels if config.labels == "int" else np.eye(k)[labels]
    if config.loss == "bce":
        return X, rng.integers(0, 2, (n, k)).astype(float)
    low = -0.9 if config.output == "tanh" else (0.05 if config.output in ("sigmoid", "softmax") else -2.0)
    return X, rng.uniform(low, 0.95 if low > -2 else 2.0, (n, k))


#: The complex step cannot see a derivative below ~5e-304 (h * g underflows below the smallest
#: subnormal at h = 1e-20): errors are measured against at least this much.
RESOLUTION = 1e-290


def worst(analytic, exact):
    """Largest error of an entry, relative to its tensor's largest entry.

    A tensor whose entries are sums over samples that cancel (a bias gradient of 1e-6 built from
    deltas of 1e-2) carries the rounding of its terms, not of its result: the scale is at least
    1e-4 of the largest entry of any tensor.
    """
    top = max(float(np.max(np.abs(e))) for e in exact.values())
    return max(
        float(np.max(np.abs(analytic[k] - exact[k])) / max(np.max(np.abs(exact[k])), 1e-4 * top, RESOLUTION))
        for k in exact
    )


@PROPERTY
@given(nets())
@example((MLPConfig((2, 3, 3, 3, 3, 3, 3), "elu", output="softmax", loss="ce", labels="int"), 8, 4.0, 1))
@example((MLPConfig((1, 1, 1), "leaky_relu", output="tanh", half=True, leaky_slope=0.0), 1, 4.0, 2))
@example((MLPConfig((1, 1, 1, 2), "sigmoid", output="softmax", elu_alpha=0.5), 1, 4.0, 7390))  # softmax_vjp cancelled
@example((MLPConfig((4, 2, 3, 2, 2), "relu", loss="bce", elu_alpha=0.5), 4, 0.3, 2338))  # b2 sums cancel to 1e-6
@example(  # gradients of 1e-310: below what the complex step resolves
    (MLPConfig((2, 3, 4, 2, 3, 1, 1), ("leaky_relu", "relu") * 2 + ("tanh",), output="identity", bias=False), 6, 4.0, 3)
)
def test_every_net_matches_the_complex_step(drawn):
    config, n, scale, seed = drawn
    net = MLP(config)
    X, Y = data(config, n, seed)
    params = net.init_params(seed=seed, scale=scale)
    _, grads = net.loss_and_grad(params, X, Y)
    assert worst(grads, complex_step(net, params, X, Y)) <= 1e-12


@PROPERTY
@given(nets())
@example((MLPConfig((1, 1, 1, 2, 2, 1), ("sigmoid",) * 3 + ("tanh",), output="identity", bias=False), 4, 0.3, 7))
def test_float32_stays_float32_and_near_float64(drawn):
    """float32 in, float32 out; and within 1e-3 of the float64 gradient's largest entry.

    The reference is the float64 computation on the same (float32-rounded) parameters and data, so
    the difference is float32 arithmetic alone. A single tensor may be far off relative to itself
    where its entries cancel (a gradient of 4e-8 out of terms of 1e-5): float32 cannot do better.
    """
    config, n, scale, seed = drawn
    net = MLP(config)
    X, Y = data(config, n, seed)
    X = X.astype(np.float32).astype(np.float64)
    Y = Y.astype(np.float32).astype(Y.dtype) if Y.dtype.kind == "f" else Y
    params32 = {k: v.astype(np.float32) for k, v in net.init_params(seed=seed, scale=min(scale, 1.0)).items()}
    value32, grads32 = net.loss_and_grad(params32, X, Y)
    value64, grads64 = net.loss_and_grad({k: v.astype(np.float64) for k, v in params32.items()}, X, Y)
    assert all(g.dtype == np.float32 for g in grads32.values())
    assert net.forward(params32, X)[0].dtype == np.float32
    top = max(float(np.max(np.abs(g))) for g in grads64.values())
    assert max(float(np.max(np.abs(grads32[k] - grads64[k]))) for k in grads64) <= 1e-3 * max(top, 1e-30)
    assert abs(value32 - value64) <= 1e-5 * max(abs(value64), 1.0)


@PROPERTY
@given(nets())
def test_integer_labels_equal_one_hot_rows(drawn):
    config, n, scale, seed = drawn
    if config.loss != "ce":
        config = MLPConfig(config.sizes[:-1] + (max(2, config.sizes[-1]),), config.hidden, output="softmax", loss="ce")
    ints, onehot = dataclasses.replace(config, labels="int"), dataclasses.replace(config, labels="onehot")
    labels = np.random.default_rng(seed).integers(0, config.sizes[-1], n)
    X = np.random.default_rng(seed + 1).normal(size=(n, config.sizes[0]))
    params = MLP(ints).init_params(seed=seed, scale=scale)
    li, gi = MLP(ints).loss_and_grad(params, X, labels)
    lo, go = MLP(onehot).loss_and_grad(params, X, np.eye(config.sizes[-1])[labels])
    assert li == lo and all(np.array_equal(gi[k], go[k]) for k in gi)


@PROPERTY
@given(nets())
def test_conventions_scale_the_data_loss_by_n_and_k(drawn):
    config, n, scale, seed = drawn
    base = dataclasses.replace(config, over_samples="mean", over_outputs="mean", half=False, l2=0.0)
    X, Y = data(base, n, seed)
    params = MLP(base).init_params(seed=seed, scale=scale)
    k = config.sizes[-1]
    reference = MLP(base).loss(params, X, Y)
    for over_samples, over_outputs, factor in (("sum", "mean", n), ("mean", "sum", k), ("sum", "sum", n * k)):
        other = dataclasses.replace(base, over_samples=over_samples, over_outputs=over_outputs)
        assert np.isclose(MLP(other).loss(params, X, Y), factor * reference, rtol=1e-13, atol=0)
    if base.loss == "mse":
        half = dataclasses.replace(base, half=True)
        assert MLP(half).loss(params, X, Y) == 0.5 * reference
