"""gradcheck.diagnose.search and posts: the fewest bugs that reproduce every entry.

Planted: compounds of catalogued mutants (named bug by bug), a helper misused in
every layer (one bug), fitted constants (a clip, a decay, a factor), ties, and a
bug outside the catalogue (a partial explanation, never a made-up one).
"""

import numpy as np
import pytest

from gradcheck import GradientShapeError, check_gradients
from gradcheck.diagnose import Context, fingerprints, posts, search
from gradcheck.zoo_runner import named_codes, run_compound_case
from reference_nets.compound import Compound, compound_cases
from reference_nets.mlp import MLP
from reference_nets.zoo import MUTANTS, ZOO_CONFIGS, zoo_data


def _net(config_name, seed=0):
    config = ZOO_CONFIGS[config_name]
    X, Y = zoo_data(config_name, seed)
    return config, MLP(config).init_params(seed=seed), X, Y


def _report(net, params, X, Y):
    loss, grad = net.closures(X, Y)
    try:
        return check_gradients(loss, grad, params)
    except GradientShapeError as exc:
        return exc.report


SAMPLE = compound_cases(seed=5, per_pair=1)[::17]


@pytest.mark.parametrize("case", SAMPLE, ids=lambda c: c.name)
def test_compound_sample_both_bugs_named(case):
    r = run_compound_case(case, seed=5)
    assert r.detected
    assert set(case.expected_codes) <= set(named_codes(r.diagnoses)), [(d.code, d.tensor) for d in r.diagnoses]


def test_two_bugs_one_diagnosis_each_with_the_tensors_it_explains():
    config, p, X, Y = _net("tanh-bce-d2")
    net = Compound(config, [("sign-flip-tensor", 3), ("derivative-at-activation", 1)])
    report = _report(net, p, X, Y)
    best = [d for d in report.diagnoses if d.evidence.get("explanation") == 1]
    assert sorted((d.code, d.tensor) for d in best) == [("derivative_at_activation", "W1, b1"), ("sign_flip", "W3")]
    assert all(d.evidence["bugs"] == 2 and d.message.startswith("Bug ") for d in best)
    assert all("other tensors are right" not in d.message for d in report.diagnoses)


def test_helper_in_every_layer_is_one_bug_named_once():
    config, p, X, Y = _net("sigmoid-mse-sigout-d1")
    net = Compound(config, [("derivative-at-activation", 1), ("output-derivative-at-activation", None)])
    report = _report(net, p, X, Y)
    top = [d for d in report.diagnoses if d.evidence.get("explanation") == 1]
    assert [d.code for d in top] == ["derivative_at_activation"]
    assert top[0].evidence["bugs"] == 1 and "shared helper" in top[0].message
    assert "output layer" in top[0].message


def test_single_layer_copy_of_the_helper_bug_is_named_for_its_layer():
    config, p, X, Y = _net("sigmoid-mse-sigout-d1")
    report = _report(MUTANTS["output-derivative-at-activation"].build(config), p, X, Y)
    top = report.diagnoses[0]
    assert top.code == "derivative_at_activation" and "shared helper" not in top.message


def test_parsimony_prefers_one_bug_to_two():
    config, p, X, Y = _net("tanh-mse-d2")
    net = MUTANTS["derivative-at-activation"].build(config, (1, 2))
    found = search.search(net.closures(X, Y)[1](p), p, Context(MLP(config), X, Y))
    assert [e.size for e in found] == [1] and found[0].bugs[0].parts == (("derivative-at-activation", (1, 2)),)


def test_three_bugs():
    config, p, X, Y = _net("tanh-mse-d2")
    parts = [("sign-flip-all", None), ("sum-over-batch", None), ("bias-first-sample", 1)]
    found = search.search(Compound(config, parts).closures(X, Y)[1](p), p, Context(MLP(config), X, Y))
    assert found and {b.code for b in found[0].bugs} == {"sign_flip", "missing_batch_mean", "bias_not_summed"}


def test_the_search_does_not_depend_on_the_clock(monkeypatch):
    """The pair and triple search is bounded by combinations tried, not seconds: a clock that races ahead
    (a loaded machine) finds the same three bugs (a 5 s deadline found none of the triples under it)."""
    import itertools
    import time

    config, p, X, Y = _net("tanh-mse-d2")
    parts = [("sign-flip-all", None), ("sum-over-batch", None), ("bias-first-sample", 1)]
    claimed = Compound(config, parts).closures(X, Y)[1](p)
    calm = search.search(claimed, p, Context(MLP(config), X, Y))
    ticks = itertools.count()
    monkeypatch.setattr(time, "perf_counter", lambda: 100.0 * next(ticks))
    raced = search.search(claimed, p, Context(MLP(config), X, Y))
    assert raced and [e.bugs for e in raced] == [e.bugs for e in calm]
    assert {b.code for b in raced[0].bugs} == {"sign_flip", "missing_batch_mean", "bias_not_summed"}


def test_clip_fitted_on_top_of_a_catalogued_bug():
    config, p, X, Y = _net("sigmoid-bce-d2")
    claimed = MUTANTS["sum-over-batch"].build(config).closures(X, Y)[1](p)
    claimed = {k: np.clip(v, -0.25, 0.25) for k, v in claimed.items()}
    found = search.search(claimed, p, Context(MLP(config), X, Y))
    kinds = {(b.code, b.kind) for b in found[0].bugs}
    assert kinds == {("missing_batch_mean", "sum-over-batch"), ("gradient_clipping", "clip")}
    clip = next(b for b in found[0].bugs if b.kind == "clip")
    assert clip.values["clip"] == pytest.approx(0.25)


def test_decay_in_the_gradient_only_is_fitted_and_named():
    config, p, X, Y = _net("tanh-mse-d2")
    claimed = MLP(config).closures(X, Y)[1](p)
    claimed = {k: v + (0.003 * p[k] if k.startswith("W") else 0) for k, v in claimed.items()}
    diags = fingerprints(claimed, p, Context(MLP(config), X, Y))
    assert [d.code for d in diags] == ["regularization_mismatch"]
    assert "loss has none" in diags[0].message and "0.003" in diags[0].message


def test_a_tie_is_split_between_the_readings():
    config, p, X, Y = _net("tanh-mse-d2")
    X2, Y2 = X[:2], Y[:2]  # N = 2: the batch sum and the doubled MSE factor are the same gradient
    claimed = MUTANTS["sum-over-batch"].build(config).closures(X2, Y2)[1](p)
    diags = fingerprints(claimed, p, Context(MLP(config), X2, Y2))
    assert {d.code for d in diags} == {"missing_batch_mean", "missing_mse_factor"}
    assert len({d.confidence for d in diags}) == 1 and diags[0].confidence <= 0.5


def test_a_bug_outside_the_catalogue_is_not_explained_but_the_catalogued_one_is_named_partly():
    config, p, X, Y = _net("tanh-mse-d2")
    claimed = MUTANTS["bias-first-sample"].build(config, 3).closures(X, Y)[1](p)
    rng = np.random.default_rng(0)
    claimed["W1"] = claimed["W1"] + 0.05 * rng.standard_normal(claimed["W1"].shape)  # noise: no pattern
    claimed["b1"] = claimed["b1"] * (1 + 0.3 * rng.standard_normal(claimed["b1"].shape))
    ctx = Context(MLP(config), X, Y)
    assert search.search(claimed, p, ctx) == []
    part = search.partial(claimed, p, ctx)
    assert part and part[0].bugs[0].code == "bias_not_summed" and set(part[0].unexplained) == {"W1", "b1"}


def test_is_round_and_clip_bound():
    assert posts.is_round(1.0) and posts.is_round(5e-2) and not posts.is_round(0.37)
    one_at_round = {"a": np.array([0.3, -1.0, 0.2])}
    one_at_odd = {"a": np.array([0.3, -0.937, 0.2])}
    two_at_odd = {"a": np.array([0.937, -0.937, 0.2])}
    assert posts.clip_bound(one_at_round) == 1.0
    assert posts.clip_bound(one_at_odd) is None
    assert posts.clip_bound(two_at_odd) == pytest.approx(0.937)


def test_fits_need_exact_agreement():
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert posts.fit_scale(2.5 * g, g) == pytest.approx(2.5)
    assert posts.fit_scale(2.5 * g + np.eye(2) * 1e-3, g) is None
    w = np.array([[0.5, -1.0], [2.0, 0.1]])
    assert posts.fit_decay(g + 0.01 * w, g, w) == pytest.approx(0.01)
    assert posts.fit_decay(g, g, w) is None  # no decay is no bug
    assert posts.fit_scale(np.array([3.0]), np.array([1.0])) is None  # one entry: any factor fits


def test_norm_clipping_per_tensor_is_one_bug():
    config, p, X, Y = _net("tanh-mse-d2")
    claimed = MLP(config).closures(X, Y)[1](p)
    c = 0.5 * min(float(np.linalg.norm(v)) for v in claimed.values())
    clipped = {k: v * min(1.0, c / float(np.linalg.norm(v))) for k, v in claimed.items()}
    bugs = posts.explain(claimed, clipped, p, 3)
    assert [b.kind for b in bugs] == ["clip-norm"] and bugs[0].values["clip"] == pytest.approx(c)


@pytest.mark.parametrize("name", ["tanh-bce-d3", "relu-mse-sigout-d2-l2", "mixed-relu-tanh-sigmoid-bce-d3"])
def test_no_explanation_of_a_correct_gradient_is_needed(name):
    config, p, X, Y = _net(name)
    loss, grad = MLP(config).closures(X, Y)
    assert check_gradients(loss, grad, p).diagnoses == ()
    found = search.search(grad(p), p, Context(MLP(config), X, Y))
    assert found == [] or all(e.size == 0 for e in found)


def _spread_bias_sum(config_name: str, zero_output_bias: bool = False):
    """The reference gradient with every bias gradient replaced by its sum, on every entry (``b - lr * db``)."""
    config, p, X, Y = _net(config_name)
    net = MLP(config)
    loss, grad = net.closures(X, Y)

    def claimed(params):
        g = dict(grad(params))
        for k in [k for k in g if k.startswith("b")]:
            g[k] = np.full(g[k].shape, g[k].sum())
        if zero_output_bias:
            g[f"b{config.n_layers}"] = np.zeros_like(g[f"b{config.n_layers}"])
        return g

    return check_gradients(loss, claimed, p)


@pytest.mark.parametrize("config_name", ["tanh-bce-d2", "tanh-softmax-ce-int-d1"])
def test_a_bias_summed_to_one_number_on_every_entry_is_named(config_name):
    """Read off ``b - lr * np.sum(dZ)``: the catalogued bias-summed-all bug, even at a softmax output, where the
    sum is zero and both numbers are rounding."""
    report = _spread_bias_sum(config_name)
    named = [d for d in report.diagnoses if d.evidence.get("explanation") == 1]
    assert [d.code for d in named] == ["shape_mismatch"] and "summed over the units" in named[0].message


def test_an_output_bias_gradient_left_at_zero_is_not_a_bias_summed_to_zero():
    report = _spread_bias_sum("tanh-softmax-ce-int-d1", zero_output_bias=True)
    named = {(d.code, d.tensor) for d in report.diagnoses if d.evidence.get("explanation") == 1}
    assert ("zero_gradient", "b2") in named, named
