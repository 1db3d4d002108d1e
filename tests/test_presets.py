"""Tests for reference_nets.presets: presets, Case, standard_suite."""

from collections import Counter

import numpy as np
import pytest

from reference_nets.mlp import MLP, MLPConfig
from reference_nets.presets import PRESETS, Case, Preset, get_preset, standard_suite

REQUIRED = {
    "autoencoder-8-3-8-sigmoid": ("8-3-8 sigmoid|sigmoid mse", (8, 8)),
    "autoencoder-8-3-8-relu": ("8-3-8 relu|sigmoid mse", (8, 8)),
    "gates-2-4-1-and": ("2-4-1 sigmoid|sigmoid bce", (4, 1)),
    "gates-2-4-1-or": ("2-4-1 sigmoid|sigmoid bce", (4, 1)),
    "gates-2-8-1-xor": ("2-8-1 sigmoid|sigmoid bce", (4, 1)),
    "threshold-1-4-1-sigmoid": ("1-4-1 sigmoid|sigmoid bce", (64, 1)),
    "threshold-1-4-1-tanh": ("1-4-1 tanh|sigmoid bce", (64, 1)),
    "xor-2-5-5-1-nobias": ("2-5-5-1 sigmoid,sigmoid|sigmoid mse nobias", (100, 1)),
    "points-2-16-16-1-relu": ("2-16-16-1 relu,relu|sigmoid mse", (100, 1)),
    "spiral-2-16-3-softmax": ("2-16-3 relu|softmax ce int-labels l2=0.002", (60,)),
    "blobs-4-8-3-softmax-onehot": ("4-8-3 tanh|softmax ce", (30, 3)),
    "sine-1-10-1-tanh-out": ("1-10-1 leaky_relu|tanh mse half sum-outputs", (32, 1)),
    "blobs-4-8-8-3-elu-softmax": ("4-8-8-3 elu,elu|softmax ce int-labels", (30,)),
}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_presets(name):
    preset = get_preset(name)
    label, y_shape = REQUIRED[name]
    assert preset.name == name and preset.config.label == label
    X, Y = preset.data()
    assert Y.shape == y_shape and X.shape == (y_shape[0], preset.config.sizes[0])
    assert preset.description
    loss_fn, grad_fn = MLP(preset.config).closures(X, Y)
    params = MLP(preset.config).init_params()
    assert np.isfinite(loss_fn(params))
    assert set(grad_fn(params)) == set(preset.config.param_names)


def test_gate_presets_use_their_gate():
    assert get_preset("gates-2-4-1-and").data()[1].ravel().tolist() == [0, 0, 0, 1]
    assert get_preset("gates-2-4-1-or").data()[1].ravel().tolist() == [0, 1, 1, 1]
    assert get_preset("gates-2-8-1-xor").data()[1].ravel().tolist() == [0, 1, 1, 0]


def test_preset_is_immutable():
    preset = get_preset("threshold-1-4-1-tanh")
    with pytest.raises(TypeError):
        preset.dataset_kwargs["n"] = 3
    with pytest.raises(AttributeError):
        preset.name = "x"


def test_get_preset_error():
    with pytest.raises(ValueError, match=r"unknown preset 'nope'; valid names: autoencoder-8-3-8-sigmoid"):
        get_preset("nope")


def test_preset_case():
    case = get_preset("gates-2-4-1-and").case(seed=3)
    assert isinstance(case, Case) and case.name == "preset:gates-2-4-1-and" and case.seed == 3


def test_standard_suite_names_unique_and_bounded():
    suite = standard_suite()
    names = [c.name for c in suite]
    assert len(names) == len(set(names)) and len(suite) < 70
    assert {"tanh-bce-d2", "mixed-relu-tanh-sigmoid-bce-d3", "tanh-mse-d2-l2"} <= set(names)
    assert {f"preset:{p}" for p in PRESETS} <= set(names)


def test_standard_suite_coverage():
    suite = standard_suite()
    combos = Counter(
        (h, c.config.loss, c.config.depth)
        for c in suite
        for h in set(c.config.hidden)
        if len(set(c.config.hidden)) == 1
    )
    for act in ("sigmoid", "relu", "tanh"):
        for loss in ("mse", "bce"):
            for depth in (1, 2, 3):
                assert combos[(act, loss, depth)] >= 1, (act, loss, depth)
    assert sum(len(set(c.config.hidden)) > 1 for c in suite) >= 3
    assert any(c.config.l2 > 0 for c in suite)
    assert any(not c.config.bias for c in suite)


def test_standard_suite_cases_are_valid_and_consistent():
    suite = standard_suite(seed=1)
    first = suite[: suite.index(next(c for c in suite if c.name == "preset:points-2-16-16-1-relu")) + 1]
    for case in suite:
        cfg = case.config
        assert isinstance(cfg, MLPConfig)
        assert cfg.loss != "bce" or cfg.output == "sigmoid"
        if case in first and not case.name.startswith("preset:"):
            assert cfg.output == ("identity" if cfg.loss == "mse" else "sigmoid")
            assert case.X.shape == (16, 3) and case.Y.shape == (16, 2)
        if cfg.loss == "bce":
            assert set(np.unique(case.Y)) <= {0.0, 1.0}
        labels = cfg.labels == "int"
        assert case.X.shape[1] == cfg.sizes[0] and case.Y.shape[1:] == (() if labels else (cfg.sizes[-1],))
        loss_fn, grad_fn = case.closures()
        params = case.params()
        assert np.isfinite(loss_fn(params)), case.name
        assert all(g.shape == params[k].shape for k, g in grad_fn(params).items())
        assert case.to_dict()["name"] == case.name


def test_standard_suite_deterministic_and_seeded():
    a, b, c = standard_suite(0), standard_suite(0), standard_suite(1)
    assert all(np.array_equal(x.X, y.X) and np.array_equal(x.Y, y.Y) for x, y in zip(a, b))
    assert not np.array_equal(a[0].X, c[0].X)
    assert not np.array_equal(a[0].params()["W1"], c[0].params()["W1"])


def test_case_params_dtype_and_mlp():
    case = standard_suite()[0]
    assert case.mlp().config is case.config
    assert all(v.dtype == np.float32 for v in case.params(np.float32).values())
    assert isinstance(Preset, type)


def test_standard_suite_covers_the_newer_layers():
    suite = standard_suite()
    configs = [c.config for c in suite]
    hidden = {h for c in configs for h in c.hidden}
    assert {"leaky_relu", "elu"} <= hidden
    assert {c.output for c in configs} == {"identity", "sigmoid", "tanh", "softmax"}
    assert {(c.loss, c.labels) for c in configs if c.loss == "ce"} == {("ce", "int"), ("ce", "onehot")}
    assert any(c.half for c in configs) and any(c.over_samples == "sum" for c in configs)
    assert max(c.depth for c in configs) >= 5
    kinks = [c for c in suite if c.name.endswith("-at-kink")]
    assert {c.config.hidden[0] for c in kinks} == {"relu", "leaky_relu", "elu"}
    for case in kinks:
        params = case.params()
        assert np.all(case.X[0] == 0) and np.all(params["b1"] == 0)


def test_the_first_32_cases_keep_their_batches():
    """Cases are seeded by position: the newer layers were appended, not interleaved."""
    suite = standard_suite()
    assert [c.name for c in suite[:3]] == ["sigmoid-mse-d1", "sigmoid-mse-d2", "sigmoid-mse-d3"]
    assert suite[31].name == "preset:points-2-16-16-1-relu"
    rng = np.random.default_rng([0, 0])
    np.testing.assert_array_equal(suite[0].X, rng.normal(size=(16, 3)))
