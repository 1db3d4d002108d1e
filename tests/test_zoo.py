"""Tests for reference_nets.zoo: the catalogue of planted backprop bugs."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import reference_nets
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.zoo import (
    DIAGNOSIS_CODES,
    MUTANTS,
    ZOO_CONFIGS,
    Mutant,
    MutantSpec,
    ZooCase,
    candidates,
    get_mutant,
    zoo_cases,
    zoo_data,
)

# DESIGN.md vocabulary, copied independently (codes may be added, never renamed)
DESIGN_CODES = {
    "derivative_at_activation",
    "derivative_at_preactivation",
    "wrong_activation_derivative",
    "missing_activation_derivative",
    "extra_activation_derivative",
    "sign_flip",
    "uniform_scale",
    "missing_batch_mean",
    "missing_mse_factor",
    "tensor_scale",
    "bias_not_summed",
    "transposed",
    "zero_gradient",
    "wrong_cached_tensor",
    "regularization_mismatch",
    "forward_mismatch",
    "kink",
    "wrong_label_index",
}

# The stable catalogue: name -> (expected code, layered)
EXPECTED = {
    "derivative-at-activation": ("derivative_at_activation", True),
    "output-derivative-at-activation": ("derivative_at_activation", False),
    "derivative-at-preactivation": ("derivative_at_preactivation", True),
    "output-derivative-at-preactivation": ("derivative_at_preactivation", False),
    "wrong-activation-derivative": ("wrong_activation_derivative", True),
    "activation-as-derivative": ("wrong_activation_derivative", True),
    "tanh-derivative-misparenthesised": ("wrong_activation_derivative", True),
    "relu-derivative-threshold-one": ("wrong_activation_derivative", True),
    "relu-derivative-ones": ("missing_activation_derivative", True),
    "missing-activation-derivative": ("missing_activation_derivative", True),
    "missing-output-derivative": ("missing_activation_derivative", False),
    "bce-extra-sigmoid-derivative": ("extra_activation_derivative", False),
    "sign-flip-tensor": ("sign_flip", True),
    "sign-flip-all": ("sign_flip", False),
    "sum-over-batch": ("missing_batch_mean", False),
    "mse-factor-dropped": ("missing_mse_factor", False),
    "mse-factor-doubled": ("missing_mse_factor", False),
    "tensor-scaled": ("tensor_scale", True),
    "bias-first-sample": ("bias_not_summed", True),
    "bias-not-summed": ("bias_not_summed", True),
    "bias-wrong-axis": ("bias_not_summed", True),
    "dW-from-preactivation": ("wrong_cached_tensor", True),
    "dW-from-wrong-layer": ("wrong_cached_tensor", True),
    "l2-missing": ("regularization_mismatch", False),
    "l2-doubled": ("regularization_mismatch", False),
    "l2-on-bias": ("regularization_mismatch", False),
    "transposed": ("transposed", True),
    "zero-gradient": ("zero_gradient", True),
    # the newer layers (reference_nets.zoo_layers)
    "ce-softmax-jacobian-again": ("extra_activation_derivative", False),
    "ce-softmax-diagonal-again": ("extra_activation_derivative", False),
    "ce-labels-as-onehot": ("wrong_label_index", False),
    "ce-label-off-by-one": ("wrong_label_index", False),
    "ce-label-columns-all-rows": ("wrong_label_index", False),
    "tanh-output-derivative-missing": ("missing_activation_derivative", False),
    "tanh-output-derivative-at-activation": ("derivative_at_activation", False),
    "tanh-output-derivative-at-preactivation": ("derivative_at_preactivation", False),
    "tanh-output-sigmoid-derivative": ("wrong_activation_derivative", False),
    "softmax-mse-diagonal-jacobian": ("wrong_activation_derivative", False),
    "mean-over-batch-in-gradient": ("missing_batch_mean", False),
    "leaky-relu-slope-dropped": ("wrong_activation_derivative", True),
    "leaky-relu-derivative-ones": ("missing_activation_derivative", True),
    "elu-derivative-at-activation": ("derivative_at_activation", True),
    "elu-derivative-alpha-dropped": ("wrong_activation_derivative", True),
    "elu-derivative-is-elu": ("wrong_activation_derivative", True),
    "elu-derivative-output-form-at-z": ("derivative_at_preactivation", True),
    # BCE backpropagated the long way (reference_nets.zoo_bce)
    "bce-output-derivative-at-preactivation": ("derivative_at_preactivation", False),
    "bce-output-derivative-at-activation": ("derivative_at_activation", False),
    "bce-output-derivative-missing": ("missing_activation_derivative", False),
}

# Appended mutants: clipping, weight decay in the gradient only, a bias summed over every axis, one layer's 1/N
EXPECTED.update(
    {
        "gradient-clipping": ("gradient_clipping", False),
        "l2-gradient-only": ("regularization_mismatch", False),
        "bias-summed-all": ("shape_mismatch", True),
        "layer-sum-over-batch": ("missing_batch_mean", True),
    }
)
# The error's path back to the hidden layers (reference_nets.zoo_paths)
EXPECTED["hidden-error-skips-output-derivative"] = ("missing_activation_derivative", False)
EXPECTED["error-back-untransposed"] = ("transposed", True)
# A layer's step fed a neighbouring layer's cached value (reference_nets.zoo_crossed)
EXPECTED["derivative-from-layer-below"] = ("wrong_cached_tensor", True)
EXPECTED["bias-from-layer-above"] = ("wrong_cached_tensor", True)
EXPECTED["bias-not-averaged"] = ("missing_batch_mean", False)
# The ReLU's output cached for the next layer's dW where a leaky ReLU's belongs (reference_nets.zoo_layers)
EXPECTED["leaky-relu-cached-as-relu"] = ("wrong_cached_tensor", True)
# relu'(z) written np.sign(z) (reference_nets.zoo_catalogue)
EXPECTED["relu-derivative-sign"] = ("wrong_activation_derivative", True)
# Codes added to the vocabulary since (DESIGN.md lists them as candidates)
DESIGN_CODES |= {"gradient_clipping", "shape_mismatch"}

SHAPE_MUTANTS = {"bias-not-summed", "bias-wrong-axis", "bias-summed-all"}
CASES = zoo_cases(seed=0)


def differs(g, r):
    """Names of tensors where g differs from r (value beyond 1e-6 relative, or shape)."""
    out = []
    for k in r:
        if np.shape(g[k]) != np.shape(r[k]):
            out.append(k)
        elif np.max(np.abs(g[k] - r[k])) > 1e-6 * max(np.max(np.abs(r[k])), 1e-300):
            out.append(k)
    return out


def same_grad(a, b):
    return all(np.shape(a[k]) == np.shape(b[k]) and np.allclose(a[k], b[k], rtol=1e-10, atol=1e-14) for k in b)


def grads_of(net, config_name, seed=0):
    X, Y = zoo_data(config_name, seed)
    params = MLP(ZOO_CONFIGS[config_name]).init_params(seed)
    return net.closures(X, Y)[1](params)


def ref_grads(config_name, seed=0):
    return grads_of(MLP(ZOO_CONFIGS[config_name]), config_name, seed)


# ------------------------------------------------------------------ catalogue
def test_catalogue_is_stable_and_complete():
    assert len(MUTANTS) >= 22
    assert list(MUTANTS) == list(EXPECTED)
    for name, spec in MUTANTS.items():
        assert spec.name == name
        assert (spec.code, spec.layered) == EXPECTED[name]
        assert isinstance(spec, MutantSpec)
        assert spec.description and "\n" not in spec.description


def test_names_kebab_case_and_unique():
    names = [s.name for s in MUTANTS.values()]
    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", name), name


def test_codes_within_design_vocabulary():
    assert set(DIAGNOSIS_CODES) == DESIGN_CODES
    assert {s.code for s in MUTANTS.values()} <= DESIGN_CODES


def test_get_mutant():
    assert get_mutant("transposed") is MUTANTS["transposed"]
    with pytest.raises(ValueError, match=r"unknown mutant 'nope'.*derivative-at-activation"):
        get_mutant("nope")
    with pytest.raises(ValueError, match="unknown mutant"):
        get_mutant(3)


def test_spec_to_dict():
    d = get_mutant("sign-flip-all").to_dict()
    assert d == {
        "name": "sign-flip-all",
        "description": MUTANTS["sign-flip-all"].description,
        "code": "sign_flip",
        "layered": False,
    }


def test_package_exports():
    for name in ("MutantSpec", "MUTANTS", "get_mutant", "candidates", "ZooCase", "zoo_cases"):
        assert name in reference_nets.__all__
        assert getattr(reference_nets, name) is not None


@pytest.mark.parametrize("module", ["zoo", "zoo_layers", "mutant"])
def test_zoo_module_does_not_import_gradcheck(module):
    tree = ast.parse((Path(reference_nets.__file__).parent / f"{module}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "gradcheck" for a in node.names)
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] != "gradcheck"


# ------------------------------------------------------------------- zoo cases
def test_zoo_cases_shape_of_benchmark():
    assert 150 <= len(CASES) <= 230
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names)
    for c in CASES:
        layers = c.layer if isinstance(c.layer, tuple) else (c.layer,)
        suffix = "" if c.layer is None else "/L" + "+".join(map(str, layers))
        assert re.fullmatch(re.escape(c.mutant) + r"@[a-z0-9-]+" + re.escape(suffix), c.name)
        labels = c.config.labels == "int"
        assert c.X.shape == (16, c.config.sizes[0]) and c.Y.shape == ((16,) if labels else (16, c.config.sizes[-1]))
    assert "derivative-at-activation@tanh-bce-d2/L1" in names
    assert "derivative-at-activation@tanh-bce-d2/L1+2" in names


def test_every_mutant_at_two_or_more_configs():
    configs: dict[str, set] = {}
    for c in CASES:
        configs.setdefault(c.mutant, set()).add(c.config)
    assert set(configs) == set(MUTANTS)
    for name, cfgs in configs.items():
        assert len(cfgs) >= 2, name


def test_zoo_cases_deterministic():
    again = zoo_cases(seed=0)
    assert [c.name for c in again] == [c.name for c in CASES]
    for a, b in zip(again, CASES):
        np.testing.assert_array_equal(a.X, b.X)
        np.testing.assert_array_equal(a.Y, b.Y)
        assert a.config == b.config and a.layer == b.layer
    other = zoo_cases(seed=1)
    assert [c.name for c in other] == [c.name for c in CASES]
    assert not np.array_equal(other[0].X, CASES[0].X)


def test_zoo_targets_fit_the_loss():
    for c in CASES:
        if c.config.loss == "bce":
            assert set(np.unique(c.Y)) <= {0.0, 1.0}
        elif c.config.labels == "int":
            assert set(np.unique(c.Y)) <= set(range(c.config.sizes[-1])) and len(set(c.Y)) > 1
        elif c.config.loss == "ce":
            assert np.array_equal(c.Y.sum(axis=1), np.ones(16)) and set(np.unique(c.Y)) == {0.0, 1.0}
        elif c.config.output == "sigmoid":
            assert np.all((c.Y > 0) & (c.Y < 1))
        elif c.config.output == "tanh":
            assert np.all(np.abs(c.Y) < 0.9)
        elif c.config.output == "softmax":
            np.testing.assert_allclose(c.Y.sum(axis=1), 1.0)
            assert np.all(c.Y > 0)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_forward_same_gradient_differs(case):
    net, ref = case.net(), MLP(case.config)
    assert isinstance(net, Mutant) and net.mutant_name == case.mutant and net.layer == case.layer
    params = case.params()
    before = {k: v.copy() for k, v in params.items()}
    yhat, _ = net.forward(params, case.X)
    np.testing.assert_array_equal(yhat, ref.forward(params, case.X)[0])
    loss_fn, grad_fn = case.closures()
    ref_loss, ref_grad = case.reference_closures()
    assert loss_fn(params) == ref_loss(params)
    g, r = grad_fn(params), ref_grad(params)
    assert list(g) == list(r)
    bad = differs(g, r)
    assert bad, f"{case.name}: buggy gradient equals the reference"
    shapes_differ = [k for k in r if np.shape(g[k]) != np.shape(r[k])]
    if case.mutant in SHAPE_MUTANTS:
        assert shapes_differ or case.config.sizes[case.layer] == 16
    else:
        assert not shapes_differ
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])  # nothing mutated


def test_zoo_case_helpers():
    case = CASES[0]
    assert case.spec is MUTANTS[case.mutant]
    assert case.expected_code == MUTANTS[case.mutant].code
    d = case.to_dict()
    assert d["name"] == case.name and d["expected_code"] == case.expected_code
    assert d["config"] == case.config.label and d["batch_size"] == 16


def test_other_seed_still_visible():
    for case in zoo_cases(seed=3):
        p = case.params()
        assert differs(case.closures()[1](p), case.reference_closures()[1](p)), case.name


# ------------------------------------------------------------ layers / placement
@pytest.mark.parametrize("config_name", list(ZOO_CONFIGS))
def test_candidates_all_differ_and_are_distinct(config_name):
    config = ZOO_CONFIGS[config_name]
    ref = ref_grads(config_name)
    cands = candidates(config)
    expected = []
    for s in MUTANTS.values():
        layers = s.layers(config)
        expected += [(s.name, l) for l in layers]
        if getattr(s.cls, "multi_layer", False) and len(layers) >= 2:
            expected.append((s.name, tuple(layers)))
    assert [(n, l) for n, l, _ in cands] == expected
    fingerprints = []
    for name, layer, net in cands:
        assert isinstance(net, Mutant) and net.mutant_name == name and net.layer == layer
        g = grads_of(net, config_name)
        assert differs(g, ref), (name, layer)
        for other_name, other_layer, other in fingerprints:
            # a multi-layer variant may equal one of its own single layers where the
            # bug is invisible in the others at this batch: same code, no ambiguity
            same_family = other_name == name and isinstance(layer, tuple)
            assert same_family or not same_grad(g, other), ((name, layer), (other_name, other_layer))
        fingerprints.append((name, layer, g))


def test_layers_follow_activations():
    mixed = ZOO_CONFIGS["mixed-relu-tanh-sigmoid-bce-d3"]  # hidden: relu, tanh, sigmoid
    assert get_mutant("derivative-at-activation").layers(mixed) == [2, 3]
    assert get_mutant("derivative-at-preactivation").layers(mixed) == [2, 3]
    assert get_mutant("missing-activation-derivative").layers(mixed) == [2, 3]
    assert get_mutant("wrong-activation-derivative").layers(mixed) == [1, 2, 3]
    assert get_mutant("relu-derivative-threshold-one").layers(mixed) == [1]
    assert get_mutant("relu-derivative-ones").layers(mixed) == [1]
    assert get_mutant("sign-flip-tensor").layers(mixed) == [1, 2, 3, 4]
    assert get_mutant("dW-from-preactivation").layers(mixed) == [2, 3, 4]
    assert get_mutant("transposed").layers(mixed) == []
    assert get_mutant("dW-from-wrong-layer").layers(mixed) == []
    assert get_mutant("bce-extra-sigmoid-derivative").layers(mixed) == [None]
    assert get_mutant("mse-factor-dropped").layers(mixed) == []
    assert get_mutant("l2-missing").layers(mixed) == []
    square = ZOO_CONFIGS["sigmoid-bce-d3-square"]  # 4-4-4-4-1
    assert get_mutant("transposed").layers(square) == [1, 2, 3]
    assert get_mutant("dW-from-wrong-layer").layers(square) == [2, 3, 4]
    nobias = ZOO_CONFIGS["tanh-mse-d2-nobias"]
    for name in ("bias-first-sample", "bias-not-summed", "bias-wrong-axis", "l2-on-bias"):
        assert get_mutant(name).layers(nobias) == []
    assert get_mutant("output-derivative-at-activation").layers(ZOO_CONFIGS["tanh-mse-d2"]) == []
    assert get_mutant("l2-on-bias").layers(ZOO_CONFIGS["tanh-mse-d2-l2"]) == [None]
    with pytest.raises(TypeError, match="MLPConfig"):
        get_mutant("transposed").layers("2-4-1")


def test_one_by_one_layer_is_not_transposable():
    assert get_mutant("transposed").layers(MLPConfig((1, 1, 1), ("tanh",))) == []


@pytest.mark.parametrize(
    "mutant, config_name, layer",
    [
        ("derivative-at-activation", "relu-mse-d2", 1),  # relu'(relu z) == relu'(z)
        ("derivative-at-activation", "mixed-tanh-relu-mse-d2", 2),
        ("derivative-at-preactivation", "relu-bce-d1", 1),  # relu'-from-output(z) == relu'(z)
        ("output-derivative-at-activation", "tanh-mse-d2", None),  # identity' == 1 everywhere
        ("output-derivative-at-preactivation", "tanh-mse-d2", None),
        ("missing-output-derivative", "tanh-mse-d2", None),
        ("l2-missing", "tanh-mse-d2", None),  # l2 = 0
        ("l2-doubled", "sigmoid-bce-d2", None),
        ("l2-on-bias", "tanh-mse-d2", None),
    ],
)
def test_excluded_placements_are_equivalent_to_reference(mutant, config_name, layer):
    spec = get_mutant(mutant)
    config = ZOO_CONFIGS[config_name]
    assert layer not in spec.layers(config)
    with pytest.raises(ValueError, match=re.escape(mutant)):
        spec.build(config, layer)
    unchecked = spec.cls(config, layer)  # bypass validation: the bug has no effect
    assert same_grad(grads_of(unchecked, config_name), ref_grads(config_name))


def test_missing_derivative_on_relu_is_relu_ones():
    """missing-activation-derivative skips relu: same fingerprint as relu-derivative-ones."""
    config = ZOO_CONFIGS["relu-mse-d2"]
    assert get_mutant("missing-activation-derivative").layers(config) == []
    dropped = get_mutant("missing-activation-derivative").cls(config, 1)
    ones = get_mutant("relu-derivative-ones").build(config, 1)
    assert same_grad(grads_of(dropped, "relu-mse-d2"), grads_of(ones, "relu-mse-d2"))


# ------------------------------------------------------------ specific bugs
def test_scale_mutants_have_exact_factors():
    name = "tanh-mse-d2"
    config, ref = ZOO_CONFIGS[name], ref_grads(name)
    for mutant, factor in (
        ("sign-flip-all", -1.0),
        ("sum-over-batch", 16.0),
        ("mse-factor-dropped", 0.5),
        ("mse-factor-doubled", 2.0),
    ):
        g = grads_of(get_mutant(mutant).build(config), name)
        for k in ref:
            np.testing.assert_allclose(g[k], factor * ref[k], rtol=1e-12, atol=1e-15)
    g = grads_of(get_mutant("tensor-scaled").build(config, 2), name)
    np.testing.assert_allclose(g["W2"], 2 * ref["W2"], rtol=1e-12)
    assert same_grad({k: g[k] for k in ref if k != "W2"}, {k: ref[k] for k in ref if k != "W2"})
    g = grads_of(get_mutant("sign-flip-tensor").build(config, 3), name)
    np.testing.assert_array_equal(g["W3"], -ref["W3"])
    np.testing.assert_array_equal(g["b3"], ref["b3"])
    g = grads_of(get_mutant("zero-gradient").build(config, 1), name)
    assert not g["W1"].any() and not g["b1"].any()
    np.testing.assert_array_equal(g["W2"], ref["W2"])


def test_sum_over_batch_keeps_l2_term_right():
    name = "tanh-mse-d2-l2"
    config = ZOO_CONFIGS[name]
    params = MLP(config).init_params(0)
    ref = ref_grads(name)
    g = grads_of(get_mutant("sum-over-batch").build(config), name)
    l2 = config.l2 * params["W1"]
    np.testing.assert_allclose(g["W1"] - l2, 16 * (ref["W1"] - l2), rtol=1e-10)
    g = grads_of(get_mutant("l2-missing").build(config), name)
    np.testing.assert_allclose(g["W1"], ref["W1"] - l2, rtol=1e-12)
    g = grads_of(get_mutant("l2-doubled").build(config), name)
    np.testing.assert_allclose(g["W1"], ref["W1"] + l2, rtol=1e-12)
    g = grads_of(get_mutant("l2-on-bias").build(config), name)
    np.testing.assert_allclose(g["b1"], ref["b1"] + config.l2 * params["b1"], rtol=1e-12)


def test_bias_and_transpose_shapes():
    name = "tanh-mse-d2"  # 3-5-4-2, batch 16
    config = ZOO_CONFIGS[name]
    assert grads_of(get_mutant("bias-not-summed").build(config, 1), name)["b1"].shape == (16, 5)
    assert grads_of(get_mutant("bias-wrong-axis").build(config, 2), name)["b2"].shape == (16,)
    assert grads_of(get_mutant("bias-first-sample").build(config, 1), name)["b1"].shape == (5,)
    sq = "tanh-mse-d2-square"
    g = grads_of(get_mutant("transposed").build(ZOO_CONFIGS[sq], 2), sq)
    np.testing.assert_allclose(g["W2"], ref_grads(sq)["W2"].T, rtol=1e-12)


def test_dw_from_wrong_tensor():
    name = "tanh-mse-d2-square"  # 3-3-3-2, tanh hidden, identity output, MSE
    config = ZOO_CONFIGS[name]
    X, Y = zoo_data(name)
    params = MLP(config).init_params(0)
    _, cache = MLP(config).forward(params, X)
    ref = ref_grads(name)
    delta3 = 2 * (cache.output - Y) / Y.size
    delta2 = (delta3 @ params["W3"].T) * (1 - np.tanh(cache.zs[1]) ** 2)
    g = grads_of(get_mutant("dW-from-wrong-layer").build(config, 2), name)
    np.testing.assert_allclose(g["W2"], X.T @ delta2, rtol=1e-10)  # a0 instead of a1
    for k in ("W1", "b1", "b2", "W3", "b3"):
        np.testing.assert_array_equal(g[k], ref[k])
    g = grads_of(get_mutant("dW-from-preactivation").build(config, 3), name)
    np.testing.assert_allclose(g["W3"], cache.zs[1].T @ delta3, rtol=1e-10)  # z2 instead of a2
    for k in ("W1", "b1", "W2", "b2", "b3"):
        np.testing.assert_array_equal(g[k], ref[k])


# ------------------------------------------------------------------- errors
def test_build_errors_name_mutant_config_and_layer():
    tanh = ZOO_CONFIGS["tanh-mse-d2"]
    relu = ZOO_CONFIGS["relu-mse-d2"]
    with pytest.raises(
        ValueError,
        match=r"'derivative-at-activation' does not apply to config "
        r"'3-5-4-2 relu,relu\|identity mse'",
    ):
        get_mutant("derivative-at-activation").build(relu, 1)
    with pytest.raises(
        ValueError,
        match=r"'derivative-at-activation' does not apply at layer 3 "
        r"of config '3-5-4-2 tanh,tanh\|identity mse'; "
        r"valid layers: \[1, 2\]",
    ):
        get_mutant("derivative-at-activation").build(tanh, 3)
    with pytest.raises(ValueError, match=r"'sign-flip-tensor' needs a layer.*valid layers: \[1, 2, 3\]"):
        get_mutant("sign-flip-tensor").build(tanh)
    with pytest.raises(ValueError, match=r"'sign-flip-all' is not per-layer; got layer=1"):
        get_mutant("sign-flip-all").build(tanh, 1)
    with pytest.raises(ValueError, match=r"'l2-missing' does not apply.*l2 > 0"):
        get_mutant("l2-missing").build(tanh)
    with pytest.raises(ValueError, match=r"'transposed' does not apply.*square"):
        get_mutant("transposed").build(tanh, 1)
    with pytest.raises(ValueError, match=r"layer must be an int or None, got 'L1'"):
        get_mutant("zero-gradient").build(tanh, "L1")
    with pytest.raises(ValueError, match=r"does not apply at layer 0"):
        get_mutant("zero-gradient").build(tanh, 0)
    with pytest.raises(ValueError, match="unknown zoo config"):
        zoo_data("nope")


def test_mutant_repr_and_numpy_int_layer():
    net = get_mutant("zero-gradient").build(ZOO_CONFIGS["tanh-mse-d2"], np.int64(2))
    assert net.layer == 2 and type(net.layer) is int
    assert repr(net) == "Mutant('zero-gradient', '3-5-4-2 tanh,tanh|identity mse', layer=2)"
    assert "layer" not in repr(get_mutant("sign-flip-all").build(ZOO_CONFIGS["tanh-mse-d2"]))
    assert isinstance(net, MLP)


def test_zoo_case_is_frozen():
    with pytest.raises(Exception):
        CASES[0].layer = 5  # type: ignore[misc]
    assert isinstance(CASES[0], ZooCase)


def test_multi_layer_variant_is_the_union_of_single_layer_bugs():
    config = ZOO_CONFIGS["tanh-bce-d3"]
    spec = get_mutant("derivative-at-activation")
    both = spec.build(config, (1, 2, 3))
    assert both.layer == (1, 2, 3)
    assert differs(grads_of(both, "tanh-bce-d3"), grads_of(spec.build(config, 1), "tanh-bce-d3"))
    with pytest.raises(ValueError, match=r"layers \(1, 7\) must be two or more of \[1, 2, 3\]"):
        spec.build(config, (1, 7))
    with pytest.raises(ValueError, match="must be an int or None"):
        get_mutant("sign-flip-tensor").build(config, (1, 2))
