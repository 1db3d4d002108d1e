"""reference_nets.compound: catalogued bugs combined as real code combines them.

The compound gradients are checked against gradients written out by hand here
(plain numpy, independent of the mutants' code), and the compound zoo's cases
against its own promises: every bug shows, deterministic, placements valid.
"""

import numpy as np
import pytest

from reference_nets.compound import Compound, compound_cases, hooks, orderings, same, sample_pairs, visible
from reference_nets.mlp import MLP
from reference_nets.zoo import MUTANTS, ZOO_CONFIGS, zoo_data


def _setup(config_name, seed=0):
    config = ZOO_CONFIGS[config_name]
    X, Y = zoo_data(config_name, seed)
    return config, MLP(config).init_params(seed=seed), X, Y


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _bce_extra_times_n(p, X, Y):
    """By hand: 2-hidden-layer sigmoid net, BCE; output delta (yhat - y)/size * sigma'(z) * N."""
    a1 = _sig(X @ p["W1"] + p["b1"])
    a2 = _sig(a1 @ p["W2"] + p["b2"])
    z3 = a2 @ p["W3"] + p["b3"]
    y = _sig(z3)
    d3 = (y - Y) / Y.size * y * (1 - y) * len(X)
    d2 = d3 @ p["W3"].T * a2 * (1 - a2)
    d1 = d2 @ p["W2"].T * a1 * (1 - a1)
    return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0), "W3": a2.T @ d3, "b3": d3.sum(0)}


def test_sum_over_batch_scales_the_bce_shortcut_times_sigma_prime():
    config, p, X, Y = _setup("sigmoid-bce-d2")
    net = Compound(config, [("sum-over-batch", None), ("bce-extra-sigmoid-derivative", None)])
    got = net.closures(X, Y)[1](p)
    want = _bce_extra_times_n(p, X, Y)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-12, atol=1e-15)


def test_a_replacing_bug_outside_loses_the_wrapping_one_and_orderings_drop_that_order():
    config, p, X, Y = _setup("sigmoid-mse-sigout-d1")
    parts = [("missing-output-derivative", None), ("sum-over-batch", None)]
    outer = Compound(config, parts)
    alone = MUTANTS["missing-output-derivative"].build(config).closures(X, Y)[1](p)
    assert same(outer.closures(X, Y)[1](p), alone)  # the missing sigma' replaces the step the sum wraps
    found = orderings(config, parts, p, X, Y)
    assert [order for order, _ in found] == [(("sum-over-batch", None), ("missing-output-derivative", None))]


def test_each_bug_keeps_its_own_layer():
    config, p, X, Y = _setup("tanh-mse-d2")
    net = Compound(config, [("derivative-at-activation", 1), ("bias-first-sample", 3)])
    g = net.closures(X, Y)[1](p)
    z1 = X @ p["W1"] + p["b1"]
    a1 = np.tanh(z1)
    a2 = np.tanh(a1 @ p["W2"] + p["b2"])
    d3 = 2 * (a2 @ p["W3"] + p["b3"] - Y) / Y.size
    d2 = d3 @ p["W3"].T * (1 - a2**2)
    d1 = d2 @ p["W2"].T * (1 - np.tanh(a1) ** 2)  # tanh' at the activation, layer 1 only
    np.testing.assert_allclose(g["b3"], d3[0], rtol=1e-12)  # first sample, layer 3 only
    np.testing.assert_allclose(g["b2"], d2.sum(0), rtol=1e-12)
    np.testing.assert_allclose(g["W1"], X.T @ d1, rtol=1e-12)


def test_clipping_is_the_last_step():
    config, p, X, Y = _setup("tanh-mse-d2")
    found = orderings(config, [("tensor-scaled", 2), ("gradient-clipping", None)], p, X, Y)
    order, grads = found[0]
    assert order[0][0] == "gradient-clipping"
    top = max(float(np.max(np.abs(g))) for g in grads.values())
    assert sum(int(np.sum(np.abs(g) >= top * (1 - 1e-12))) for g in grads.values()) >= 3  # entries at the bound


def test_hooks_are_the_steps_mutants_override():
    assert {"_output_delta", "_hidden_delta", "_bias_grad", "_weight_grad", "_l2_grad", "backward"} <= set(hooks())


def test_visible_needs_every_part_to_show():
    config, p, X, Y = _setup("tanh-mse-d2")
    assert visible(config, [("mse-factor-doubled", None), ("mse-factor-dropped", None)], p, X, Y) is None  # cancel
    assert visible(config, [("sign-flip-all", None), ("sum-over-batch", None)], p, X, Y) is not None


def test_two_factors_on_one_tensor_are_never_a_pair():
    # sign flip and x2 on the same dW make one factor of -2 (a single tensor_scale): only apart
    for seed in (0, 5):
        found = compound_cases(seed=seed, per_pair=3, mutants=["sign-flip-tensor", "tensor-scaled"])
        assert found and all(len({layer for _, layer in c.parts}) == 2 for c in found), [c.name for c in found]


def test_compound_rejects_an_invalid_placement():
    config = ZOO_CONFIGS["relu-mse-d2"]
    with pytest.raises(ValueError, match="derivative-at-activation"):
        Compound(config, [("derivative-at-activation", 1)])
    with pytest.raises(ValueError, match="at least one"):
        Compound(config, [])


@pytest.fixture(scope="module")
def cases():
    return compound_cases(seed=0, per_pair=1)


def test_compound_zoo_covers_most_pairs_and_every_case_shows_both(cases):
    import itertools

    pairs = {tuple(sorted(c.mutants)) for c in cases}
    fit = [
        tuple(sorted(pair))
        for pair in itertools.combinations(MUTANTS, 2)
        if any(all(MUTANTS[m].applies(cfg) for m in pair) for cfg in ZOO_CONFIGS.values())
    ]
    assert pairs <= set(fit) and len(pairs) >= 0.9 * len(fit)  # a few pairs cancel or hide each other
    for c in cases[::25]:
        p = c.params()
        assert visible(c.config, c.parts, p, c.X, c.Y) is not None, c.name
        assert c.expected_codes == tuple(MUTANTS[m].code for m in c.mutants)


def test_compound_zoo_is_deterministic_and_seeded(cases):
    again = compound_cases(seed=0, per_pair=1)
    assert [c.name for c in again] == [c.name for c in cases]
    other = compound_cases(seed=1, per_pair=1)
    assert [c.name for c in other] != [c.name for c in cases]


def test_compound_case_to_dict(cases):
    d = cases[0].to_dict()
    assert d["mutants"] == list(cases[0].mutants) and len(d["expected_codes"]) == 2
    assert d["config"] == cases[0].config.label


def test_compound_cases_restricted_to_named_mutants():
    cs = compound_cases(seed=0, per_pair=2, mutants=["sum-over-batch", "bce-extra-sigmoid-derivative"])
    assert cs and all(set(c.mutants) == {"sum-over-batch", "bce-extra-sigmoid-derivative"} for c in cs)
    assert len({c.config_name for c in cs}) == len(cs) <= 2


def test_sample_pairs_meets_every_mutant_three_times():
    names = list(MUTANTS)
    pairs = sample_pairs(names)
    met = {n: sum(n in p for p in pairs) for n in names}
    assert min(met.values()) >= 3 and len(pairs) == len(set(pairs)) <= 3 * len(names)
    assert all(names.index(a) < names.index(b) for a, b in pairs)
