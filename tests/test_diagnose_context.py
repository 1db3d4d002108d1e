"""Context.infer: the network behind a hand-written loss, from loss values alone.

Every loss here is plain numpy in a student's conventions; inference must name the
architecture, the output and loss, the factor between the two losses and the
weight decay.
"""

import numpy as np
import pytest

from gradcheck.diagnose import Context

RNG = np.random.default_rng(3)
X = RNG.normal(size=(12, 3))
P = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4) * 0.1, "W2": RNG.normal(size=(4, 3)), "b2": np.zeros(3)}
LABELS = RNG.integers(0, 3, size=12)
ONEHOT = np.eye(3)[LABELS]
REAL = RNG.normal(size=(12, 3))


def _hidden(p, act):
    z = X @ p["W1"] + p["b1"]
    return {
        "tanh": np.tanh(z),
        "sigmoid": 1 / (1 + np.exp(-z)),
        "relu": np.maximum(z, 0),
        "leaky": np.where(z > 0, z, 0.1 * z),
        "elu": np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1),
    }[act]


def _softmax(s):
    e = np.exp(s - s.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def ce_int(p):
    probs = _softmax(_hidden(p, "relu") @ p["W2"] + p["b2"])
    return -np.mean(np.log(probs[np.arange(12), LABELS]))


def ce_onehot_sum(p):
    probs = _softmax(_hidden(p, "tanh") @ p["W2"] + p["b2"])
    return -np.sum(ONEHOT * np.log(probs + 1e-12))


def tanh_out_half_sse(p):
    out = np.tanh(_hidden(p, "leaky") @ p["W2"] + p["b2"])
    return 0.5 * np.sum((out - REAL) ** 2) / len(X)


def elu_mse_l2(p):
    pred = _hidden(p, "elu") @ p["W2"] + p["b2"]
    return np.mean((pred - REAL) ** 2) + 0.03 * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))


@pytest.mark.parametrize(
    "loss, output, name, scale, hidden, extra",
    [
        (ce_int, "softmax", "ce", 1.0, "relu", {"labels": "int"}),
        (ce_onehot_sum, "softmax", "ce", 12.0, "tanh", {}),
        (tanh_out_half_sse, "tanh", "mse", 1.5, "leaky_relu", {"leaky_slope": 0.1}),
        (elu_mse_l2, "identity", "mse", 1.0, "elu", {"l2": 0.06}),
    ],
)
def test_infer_names_head_convention_and_decay(loss, output, name, scale, hidden, extra):
    ctx = Context.infer(loss, P)
    assert ctx is not None
    cfg = ctx.network.config
    assert (cfg.output, cfg.loss, cfg.hidden) == (output, name, (hidden,))
    assert ctx.scale == pytest.approx(scale, rel=1e-6)
    for key, value in extra.items():
        assert getattr(cfg, key) == pytest.approx(value) if isinstance(value, float) else getattr(cfg, key) == value


def test_infer_samples_as_columns():
    Xc, Yc = X.T.copy(), REAL.T.copy()
    params = {"W1": P["W1"].T.copy(), "b1": P["b1"][:, None], "W2": P["W2"].T.copy(), "b2": np.zeros((3, 1))}

    def loss(p):
        A = np.tanh(p["W1"] @ Xc + p["b1"])
        return np.sum((p["W2"] @ A + p["b2"] - Yc) ** 2) / Xc.shape[1]

    ctx = Context.infer(loss, params)
    assert ctx is not None and ctx.layout.layers[0].transposed and ctx.batch_size == 12
    assert ctx.user_name("W2") == "W2" and ctx.reference_name("b1") == "b1"


def test_infer_gives_none_for_an_unknown_loss():
    def loss(p):
        return float(np.sum(np.sin(X @ p["W1"])) + np.sum(p["W2"] ** 4))

    assert Context.infer(loss, P) is None


def test_to_reference_keeps_an_unsummed_bias_in_samples_as_rows():
    Xc, Yc = X.T.copy(), REAL.T.copy()
    params = {"W1": P["W1"].T.copy(), "b1": P["b1"][:, None], "W2": P["W2"].T.copy(), "b2": np.zeros((3, 1))}

    def loss(p):
        return np.mean((p["W2"] @ np.tanh(p["W1"] @ Xc + p["b1"]) + p["b2"] - Yc) ** 2)

    ctx = Context.infer(loss, params)
    unsummed = {**params, "b1": np.ones((4, 12))}
    assert ctx.to_reference(unsummed)["b1"].shape == (12, 4)
    assert ctx.to_reference({**params, "b1": np.ones(())})["b1"].shape == ()


def test_a_net_no_reference_has_is_given_up_after_a_counted_number_of_candidates(monkeypatch):
    """Four swish layers: no candidate matches, and the search stops at MAX_CANDIDATES, not after every one of
    5**4 hidden tuples times the heads (about 33,000 candidates: 18 s on this machine before the bound)."""
    import reference_nets.mlp as mlp
    from gradcheck.diagnose import context

    rng = np.random.default_rng(5)
    sizes = [3, 4, 4, 4, 4, 2]
    deep = {}
    for i in range(5):
        deep[f"W{i + 1}"] = rng.normal(size=(sizes[i], sizes[i + 1]))
        deep[f"b{i + 1}"] = np.zeros(sizes[i + 1])
    target = REAL[:, :2]

    def swish_mse(p):
        a = X
        for i in range(1, 5):
            z = a @ p[f"W{i}"] + p[f"b{i}"]
            a = z / (1 + np.exp(-z))
        return np.mean((a @ p["W5"] + p["b5"] - target) ** 2)

    calls = []
    real_loss = mlp.MLP.loss
    monkeypatch.setattr(mlp.MLP, "loss", lambda self, *a, **k: calls.append(1) or real_loss(self, *a, **k))
    assert Context.infer(swish_mse, deep) is None
    assert 0 < len(calls) <= 3 * context.MAX_CANDIDATES  # three points per candidate


def test_every_layer_alike_is_tried_first():
    from gradcheck.diagnose.context import HIDDEN, _hidden_tuples

    first = list(_hidden_tuples(4))[: len(HIDDEN)]
    assert first == [(a,) * 4 for a in HIDDEN]
    assert len(list(_hidden_tuples(4))) == len(HIDDEN) ** 4


def test_a_bias_folded_into_its_weight_is_said_as_that_weights_column_or_row():
    from gradcheck.diagnose.layout import LayerMap, Layout

    layout = Layout(
        (
            LayerMap("V", None, transposed=True, n_in=5, n_out=6, folded=0),
            LayerMap("W", None, transposed=False, n_in=6, n_out=3, folded=-1),
            LayerMap("U", "c", transposed=False, n_in=3, n_out=2),
        )
    )
    ctx = Context(None, X, REAL, layout)
    assert ctx.user_name("b1") == "V" and ctx.shown_name("b1") == "V's bias (first column)"
    assert ctx.shown_name("b2") == "W's bias (last row)"
    assert ctx.shown_name("b3") == ctx.user_name("b3") == "c" and ctx.shown_name("W1") == "V"
