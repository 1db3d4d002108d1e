"""check_gradients: test the tester.

Correct reference gradients must pass with every estimator; planted bugs must
fail with evidence naming the tensor and the entry; numerically unreliable
losses must be ``inconclusive``, never ``fail``.
"""

import dataclasses

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.check import AUTO_FULL_LIMIT
from gradcheck.diagnose import Context
from gradcheck.noise import NOISE_POINTS
from gradcheck.result import format_index
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.presets import standard_suite

SUITE = {c.name: c for c in standard_suite()}
SMOOTH = [n for n in SUITE if "relu" not in n and "kink" not in n]


def _loss(p):
    return float(np.sum(np.sin(p["W"])) + np.sum(p["b"] ** 3))


def _grad(p):
    return {"W": np.cos(p["W"]), "b": 3 * p["b"] ** 2}


def _params():
    rng = np.random.default_rng(0)
    return {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}


def _copy(grads):
    return {k: np.array(v, copy=True) for k, v in grads.items()}


def _others_ok(report, name):
    return all(t.status in ("pass", "kink") for t in report.tensors if t.name != name)


# ------------------------------------------------------------ arguments
@pytest.mark.parametrize(
    "kw, exc, msg",
    [
        (
            {"method": "forward"},
            ValueError,
            r"method must be one of auto, central, richardson, complex, scipy, fprime; got 'forward'",
        ),
        ({"method": None}, ValueError, r"method must be one of .*; got None"),
        ({"mode": "all"}, ValueError, r"mode must be one of auto, full, sampled, directional; got 'all'"),
        ({"seed": -1}, ValueError, r"seed must be an integer >= 0, got -1"),
        ({"seed": 1.5}, ValueError, r"seed must be an integer >= 0, got 1.5"),
        ({"seed": True}, ValueError, r"seed must be an integer >= 0, got True"),
        ({"samples": 1}, ValueError, r"samples must be an integer >= 2, got 1"),
        ({"samples": "8"}, ValueError, r"samples must be an integer >= 2, got '8'"),
        ({"rtol": 0.0}, ValueError, r"rtol must be in \(0, 1\), got 0.0"),
        ({"rtol": 1.5}, ValueError, r"rtol must be in \(0, 1\), got 1.5"),
        ({"rtol": "1e-6"}, TypeError, r"rtol must be a float, got str"),
    ],
)
def test_bad_options(kw, exc, msg):
    with pytest.raises(exc, match=msg):
        check_gradients(_loss, _grad, _params(), **kw)


def test_numpy_integer_seed_and_samples_accepted():
    report = check_gradients(_loss, _grad, _params(), seed=np.int64(3), samples=np.int32(2), mode="sampled")
    assert report.seed == 3 and report.passed


# ------------------------------------------------------------ report basics
def test_report_fields_on_a_small_correct_problem():
    # a loss returned through float() is not complex-safe: auto screens it with real differences
    report = check_gradients(_loss, _grad, _params(), seed=5)
    assert report.status == "pass" and report.passed
    assert (report.mode, report.method, report.seed, report.dtype) == ("directional", "central", 5, "float64")
    assert report.rtol == pytest.approx(np.sqrt(np.finfo(float).eps))
    assert [t.name for t in report.tensors] == ["W", "b"]
    assert [t.directional["ok"] for t in report.tensors] == [True, True]
    assert report.diagnoses == ()
    full = check_gradients(_loss, _grad, _params(), seed=5, mode="full")
    assert [t.checked for t in full.tensors] == [12, 4]
    np.testing.assert_allclose(full.numeric["W"], np.cos(_params()["W"]), rtol=1e-8)


def test_full_central_costs_two_evaluations_per_entry():
    report = check_gradients(_loss, _grad, _params(), method="central", mode="full")
    # the base point twice (non-determinism), the loss's noise (12, 1 extended), 2 per entry
    assert report.evaluations == 2 + 2 * NOISE_POINTS + 1 + 2 * 16
    assert [t.evaluations for t in report.tensors] == [24, 8]


def test_full_complex_costs_about_one_evaluation_per_entry():
    report = check_gradients(
        lambda p: np.sum(np.sin(p["W"])) + np.sum(p["b"] ** 3), _grad, _params(), method="complex", mode="full"
    )
    assert report.method == "complex"
    assert [t.evaluations for t in report.tensors] == [12, 4]


def test_grad_is_called_on_a_copy():
    def grad(p):
        out = _grad(p)
        p["W"][:] = 0.0  # vandalise the argument
        return out

    assert check_gradients(_loss, grad, _params()).status == "pass"


def test_name_bugs_false_leaves_no_diagnoses():
    report = check_gradients(_loss, lambda p: {k: -v for k, v in _grad(p).items()}, _params(), name_bugs=False)
    assert report.status == "fail" and report.diagnoses == ()


def test_sampled_mode_is_seeded_and_records_unchecked_as_nan():
    rng = np.random.default_rng(1)
    params = {"W": rng.normal(size=(20, 30))}
    loss = lambda p: float(np.sum(np.sin(p["W"])))  # noqa: E731
    grad = lambda p: {"W": np.cos(p["W"])}  # noqa: E731
    a = check_gradients(loss, grad, params, mode="sampled", samples=6, seed=11)
    b = check_gradients(loss, grad, params, mode="sampled", samples=6, seed=11)
    c = check_gradients(loss, grad, params, mode="sampled", samples=6, seed=12)
    mask = ~np.isnan(a.numeric["W"])
    assert a.mode == "sampled" and a.passed
    assert 2 <= mask.sum() <= 6
    assert a.tensors[0].checked == mask.sum() and a.tensors[0].size == 600
    np.testing.assert_array_equal(mask, ~np.isnan(b.numeric["W"]))
    assert not np.array_equal(mask, ~np.isnan(c.numeric["W"]))
    # the entry with the largest analytic magnitude is always among the sampled
    assert mask.reshape(-1)[np.argmax(np.abs(np.cos(params["W"])))]


# ------------------------------------------- correct gradients pass everywhere
@pytest.mark.parametrize("name", list(SUITE))
@pytest.mark.parametrize("method", ["central", "richardson", "complex"])
def test_standard_suite_passes(name, method):
    case = SUITE[name]
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params(), method=method)
    assert report.passed, report.summary()
    assert report.diagnoses == ()
    assert report.method == method
    worst = max(t.max_rel_error for t in report.tensors)
    if method == "complex":
        assert worst <= 1e-12
    elif name in SMOOTH:
        assert worst <= 1e-8


@pytest.mark.parametrize("name", ["sigmoid-mse-d1", "tanh-bce-d1", "relu-mse-d1", "preset:gates-2-4-1-and"])
def test_standard_suite_passes_scipy(name):
    case = SUITE[name]
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params(), method="scipy")
    assert report.passed and report.method == "scipy"
    assert max(t.max_rel_error for t in report.tensors) <= 1e-8


@pytest.mark.parametrize("name", ["sigmoid-mse-d1", "preset:gates-2-4-1-or"])
def test_standard_suite_passes_fprime(name):
    case = SUITE[name]
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params(), method="fprime")
    assert report.passed and report.method == "fprime"


@pytest.mark.parametrize("name", list(SUITE))
def test_float32_params_pass_with_auto(name):
    case = SUITE[name]
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params(np.float32))
    assert report.dtype == "float32"
    assert report.rtol == pytest.approx(np.sqrt(np.finfo(np.float32).eps))
    assert report.passed, report.summary()


def test_float32_auto_uses_the_complex_step():
    # documented: "auto: central differences per entry (the complex step for float32 parameters)"
    case = SUITE["tanh-bce-d2"]
    loss, grad = case.closures()
    report = check_gradients(loss, grad, case.params(np.float32))
    assert report.method == "complex", report.notes


# ------------------------------------------------------------ planted bugs
PLANT_CASES = [
    "tanh-bce-d2",
    "sigmoid-mse-d3",
    "mixed-relu-tanh-sigmoid-bce-d3",
    "preset:gates-2-8-1-xor",
    "relu-mse-d2",
    "tanh-mse-d2-l2",
]


def _plant_index(g, rng):
    """A random entry of ``g`` large enough to carry a 1e-5 relative error."""
    big = np.flatnonzero(np.abs(g) >= 0.05 * np.max(np.abs(g)))
    return tuple(int(i) for i in np.unravel_index(int(rng.choice(big)), g.shape))


@pytest.mark.parametrize("method", ["central", "complex"])
@pytest.mark.parametrize("name", PLANT_CASES)
def test_one_entry_off_by_1e5_relative_fails_at_that_entry(name, method):
    # the checker's verdict alone (name_bugs=False): naming the bug comes after it and changes none of it
    # (test_naming_the_bug_changes_nothing_else_in_the_report), and no catalogued bug explains one entry, so
    # the search for one would spend its whole time budget on every tensor here
    case = SUITE[name]
    loss, grad = case.closures()
    params = case.params()
    rng = np.random.default_rng(len(name))
    for tensor, g in grad(params).items():
        ix = _plant_index(g, rng)
        bad = _copy(grad(params))
        bad[tensor][ix] *= 1 + 1e-5
        report = check_gradients(loss, bad, params, method=method, mode="full", name_bugs=False)
        where = format_index(tensor, ix)
        assert report.status == "fail", f"{where} not detected"
        t = report.tensor(tensor)
        assert t.status == "fail" and t.worst_index == ix, where
        assert t.counts["fail"] == 1
        assert _others_ok(report, tensor), where
        assert [(n, e.index) for n, e in report.failures] == [(tensor, ix)]
        e = report.failures[0][1]
        assert e.analytic == pytest.approx(g[ix] * (1 + 1e-5), rel=1e-12)
        assert abs(e.numeric - g[ix]) <= 1e-7 * abs(g[ix])
        assert where in report.summary()


@pytest.mark.parametrize("method", ["central", "complex"])
def test_naming_the_bug_changes_nothing_else_in_the_report(method):
    case = SUITE["preset:gates-2-8-1-xor"]
    loss, grad = case.closures()
    params = case.params()
    bad = _copy(grad(params))
    bad["W1"][_plant_index(bad["W1"], np.random.default_rng(0))] *= 1 + 1e-5
    named = check_gradients(loss, bad, params, method=method, mode="full")
    plain = check_gradients(loss, bad, params, method=method, mode="full", name_bugs=False)
    assert named.status == "fail" and named.diagnoses and plain.diagnoses == ()
    assert dataclasses.replace(named, diagnoses=(), elapsed=0.0) == dataclasses.replace(plain, elapsed=0.0)
    for k in params:
        np.testing.assert_array_equal(named.numeric[k], plain.numeric[k])
        np.testing.assert_array_equal(named.analytic[k], plain.analytic[k])


@pytest.mark.parametrize("x0", [0.3, 0.01])
def test_complex_method_fails_a_1e5_error_on_a_small_entry(x0):
    # the complex step resolves 3 * 0.01**2 = 3e-4 to ~1e-18: a 1e-5 relative error is 1e6 times that
    x = np.array([x0, -1.2, 2.0])
    g = 3 * x**2
    g[0] *= 1 + 1e-5
    report = check_gradients(lambda v: np.sum(v**3), g, x, method="complex")
    assert report.method == "complex"
    assert report.status == "fail", report.summary()
    assert report.tensors[0].worst_index == (0,)


def test_sign_flip_in_one_tensor():
    case = SUITE["tanh-mse-d2"]
    loss, grad = case.closures()
    params = case.params()
    bad = _copy(grad(params))
    bad["W2"] = -bad["W2"]
    report = check_gradients(loss, bad, params)
    w2 = report.tensor("W2")
    assert report.status == "fail"
    assert w2.status == "fail" and w2.counts == {"fail": w2.size}
    assert _others_ok(report, "W2")
    assert w2.max_rel_error == pytest.approx(2.0, rel=1e-6)
    top = report.diagnoses[0]
    assert top.code == "sign_flip" and "W2" in top.tensor
    text = report.summary()
    assert "W2[" in text and "FAIL" in text and "seed 0" in text


class TanhAtActivation(MLP):
    """The classic bug: tanh'(tanh(z)) where tanh'(z) belongs."""

    layers = (1, 2)

    def _hidden_delta(self, layer, upstream_da, cache, params):
        if layer not in self.layers:
            return super()._hidden_delta(layer, upstream_da, cache, params)
        a = cache.activations[layer]
        return upstream_da * (1.0 - np.tanh(a) ** 2)


class TanhAtActivationLayer1(TanhAtActivation):
    layers = (1,)


class BiasFromFirstSample(MLP):
    def _bias_grad(self, layer, delta):
        return delta[0] if layer == 1 else super()._bias_grad(layer, delta)


def _mutant_closures(cls, config, seed=0):
    net = cls(config)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(16, config.sizes[0]))
    Y = (
        rng.integers(0, 2, (16, config.sizes[-1])).astype(float)
        if config.loss == "bce"
        else rng.normal(size=(16, config.sizes[-1]))
    )
    loss, grad = net.closures(X, Y)
    return loss, grad, MLP(config).init_params(seed=seed)


TANH_BCE_D2 = MLPConfig((3, 5, 4, 2), ("tanh", "tanh"), output="sigmoid", loss="bce")


@pytest.mark.parametrize("method", ["auto", "central", "complex"])
def test_tanh_derivative_at_activation_fails_and_is_named(method):
    loss, grad, params = _mutant_closures(TanhAtActivation, TANH_BCE_D2)
    report = check_gradients(loss, grad, params, method=method)
    assert report.status == "fail"
    assert {t.name for t in report.tensors if t.status == "fail"} == {"W1", "b1", "W2", "b2"}
    assert {t.name: t.status for t in report.tensors}["W3"] == "pass"
    name, e = report.failures[0]
    assert name in ("W1", "b1", "W2", "b2")
    assert abs(e.analytic - e.numeric) > 100 * e.tolerance
    assert format_index(name, e.index) in report.summary()
    assert report.diagnoses[0].code == "derivative_at_activation"


def test_tanh_derivative_at_activation_in_layer_1_only():
    loss, grad, params = _mutant_closures(TanhAtActivationLayer1, TANH_BCE_D2)
    report = check_gradients(loss, grad, params)
    assert {t.name for t in report.tensors if t.status == "fail"} == {"W1", "b1"}
    top = report.diagnoses[0]
    assert top.code == "derivative_at_activation"
    assert "layer 1" in top.message


def test_bias_gradient_from_first_sample():
    config = MLPConfig((3, 5, 4, 2), ("tanh", "tanh"), output="identity", loss="mse")
    loss, grad, params = _mutant_closures(BiasFromFirstSample, config)
    report = check_gradients(loss, grad, params)
    assert report.status == "fail"
    assert [t.name for t in report.tensors if t.status == "fail"] == ["b1"]
    assert report.tensor("b1").worst_index in {(i,) for i in range(5)}
    assert report.diagnoses[0].code == "bias_not_summed"


def test_explicit_context_is_used_for_fingerprints():
    config = MLPConfig((3, 5, 4, 2), ("tanh", "tanh"), output="identity", loss="mse")
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    params = MLP(config).init_params(seed=0)
    claimed = BiasFromFirstSample(config).loss_and_grad(params, X, Y)[1]
    loss_fn = MLP(config).closures(X, Y)[0]
    report = check_gradients(lambda p: loss_fn(p), claimed, params, context=Context(MLP(config), X, Y))
    top = report.diagnoses[0]
    assert top.code == "bias_not_summed"
    assert top.evidence.get("matched") == "fingerprint"
    assert top.evidence.get("mutant") == "bias-first-sample"


# --------------------------------------------- unreliable numerics: inconclusive
@pytest.mark.parametrize("method", ["auto", "richardson"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noisy_loss_is_never_fail_for_a_correct_gradient(seed, method):
    rng = np.random.default_rng(seed)
    w = np.array([0.3, -0.7, 1.2])
    loss = lambda p: float(np.sum(np.sin(p["w"])) + 1e-6 * rng.random())  # noqa: E731
    report = check_gradients(loss, lambda p: {"w": np.cos(p["w"])}, {"w": w}, method=method)
    assert report.status in ("inconclusive", "pass"), report.summary()


def _noisy(amplitude, seed):
    rng = np.random.default_rng(seed)
    return lambda p: float(np.sum(np.sin(p["w"])) + amplitude * rng.random())


def test_noisy_loss_never_passes_a_wrong_gradient():
    # noise 1e-9 moves a central difference at h = 6e-6 by ~1e-4; the planted error is 1e-2
    w = np.array([0.3, -0.7, 1.2])
    wrong = lambda p: {"w": np.cos(p["w"]) * np.array([1.01, 1.0, 1.0])}  # noqa: E731
    statuses = [check_gradients(_noisy(1e-9, seed), wrong, {"w": w}).status for seed in range(5)]
    assert "pass" not in statuses, statuses


@pytest.mark.parametrize("amplitude", [1e-10, 1e-8])
def test_slightly_noisy_loss_still_fails_a_sign_flip(amplitude):
    # the discrepancy (2 |cos w| ~ 1.9) is over 1000 times the noise of a central difference
    w = np.array([0.3, -0.7, 1.2])
    flipped = lambda p: {"w": -np.cos(p["w"])}  # noqa: E731
    statuses = [check_gradients(_noisy(amplitude, seed), flipped, {"w": w}).status for seed in range(6)]
    assert statuses == ["fail"] * 6


@pytest.mark.parametrize("offset", [0.0, 1e-6, -3e-6])
def test_jump_near_the_point_is_never_fail_for_a_correct_gradient(offset):
    w = np.array([0.3, -0.7, 1.2])
    c = 0.3 + offset
    loss = lambda p: float(np.sum(p["w"] ** 2) + (p["w"][0] > c))  # noqa: E731
    report = check_gradients(loss, lambda p: {"w": 2 * p["w"]}, {"w": w})
    assert report.status in ("inconclusive", "pass"), report.summary()
    assert report.status == "pass" or report.tensors[0].worst[0].index == (0,)


UNSAFE = {
    "abs": (lambda p: abs(np.sum(p["w"] ** 2)), lambda p: {"w": 2 * p["w"]}, [0.3, -0.7, 1.2]),
    "float": (lambda p: float(np.sum(p["w"] ** 2)), lambda p: {"w": 2 * p["w"]}, [0.3, -0.7, 1.2]),
}


@pytest.mark.parametrize("kind", list(UNSAFE))
def test_complex_unsafe_loss_falls_back_with_a_note(kind):
    loss, grad, w = UNSAFE[kind]
    report = check_gradients(loss, grad, {"w": np.array(w)}, method="complex")
    assert report.method == "richardson"
    assert any(n.startswith("complex step not used:") for n in report.notes)
    assert "complex step unavailable, fell back to richardson" in report.notes
    assert report.passed
    auto = check_gradients(loss, grad, {"w": np.array(w)})
    assert auto.method == "central"
    assert any(n.startswith("complex step not used:") for n in auto.notes)
    assert auto.passed


def test_complex_safe_loss_has_no_fallback_note():
    report = check_gradients(lambda p: np.sum(np.sin(p["W"])) + np.sum(p["b"] ** 3), _grad, _params(), method="complex")
    assert report.method == "complex"
    assert not any(n.startswith("complex step not used") for n in report.notes), report.notes


# ----------------------------------------------------------- the 40k-parameter net
def _big_net(batch: int):
    """64-128-128-128-10 tanh/sigmoid/tanh BCE net (42,634 parameters) on a batch of ``batch`` samples."""
    config = MLPConfig((64, 128, 128, 128, 10), ("tanh", "sigmoid", "tanh"), output="sigmoid", loss="bce")
    net = MLP(config)
    params = net.init_params(seed=1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, 64))
    Y = rng.integers(0, 2, (batch, 10)).astype(float)
    loss, grad = net.closures(X, Y)
    assert config.n_params > 40_000
    return loss, grad, params, grad(params)


@pytest.fixture(scope="module")
def big():
    """64-128-128-128-10 tanh/sigmoid/tanh BCE net (42,634 parameters), batch 16."""
    return _big_net(16)


def _argmax(g):
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(g))), g.shape))


def test_big_net_one_entry_off_fails_in_full_mode():
    # Central differences resolve ~1e-10 absolute here (rounding u|L|/h), so a
    # 1e-5 relative error is planted on an entry large enough to be measurable.
    # The same net on a batch of 4 (what is tested is every one of its 42,634 entries checked and the one wrong
    # named, not the batch; 85,268 forward passes of it take half the CPU on 4 samples that they take on 16).
    loss, grad, params, g = _big_net(4)
    ix = _argmax(g["W2"])
    bad = _copy(g)
    bad["W2"][ix] *= 1 + 1e-5
    report = check_gradients(loss, bad, params, method="central", mode="full")
    assert report.mode == "full" and report.method == "central"
    assert report.status == "fail"
    w2 = report.tensor("W2")
    assert w2.status == "fail" and w2.worst_index == ix and w2.counts["fail"] == 1
    assert _others_ok(report, "W2"), report.summary()
    assert sum(t.checked for t in report.tensors) == 42_634
    assert format_index("W2", ix) in report.summary()


def test_big_net_sampled_fails_whenever_the_entry_is_sampled(big):
    loss, grad, params, g = big
    base = check_gradients(loss, grad, params, method="complex", mode="sampled", seed=7)
    assert base.status == "pass"
    for name in ("W2", "b1", "W4"):
        sampled = [tuple(int(i) for i in ix) for ix in np.argwhere(~np.isnan(base.numeric[name]))]
        assert 2 <= len(sampled) <= 8
        assert _argmax(g[name]) in sampled
        for ix in sampled:
            bad = _copy(g)
            bad[name][ix] *= 1 + 1e-5
            report = check_gradients(loss, bad, params, method="complex", mode="sampled", seed=7)
            np.testing.assert_array_equal(np.isnan(report.numeric[name]), np.isnan(base.numeric[name]))
            t = report.tensor(name)
            assert report.status == "fail" and t.status == "fail", format_index(name, ix)
            assert t.worst_index == ix
            assert _others_ok(report, name)


def test_big_net_sampled_correct_passes_cheaply(big):
    loss, grad, params, _ = big
    report = check_gradients(loss, grad, params, mode="sampled", seed=3)
    assert report.passed and report.diagnoses == ()
    assert report.evaluations < 300


@pytest.mark.parametrize("name", ["W2", "b3", "W4"])
def test_big_net_directional_complex_localizes_one_entry(big, name):
    loss, grad, params, g = big
    ix = _argmax(g[name])
    bad = _copy(g)
    bad[name][ix] *= 1 + 1e-5
    report = check_gradients(loss, bad, params, method="complex", mode="directional")
    assert report.mode == "directional" and report.method == "complex"
    assert report.status == "fail"
    t = report.tensor(name)
    assert t.status == "fail" and t.worst_index == ix
    assert _others_ok(report, name)
    assert report.evaluations < 1000


@pytest.mark.parametrize("method", ["complex", "central"])
def test_big_net_directional_correct_passes(big, method):
    loss, grad, params, _ = big
    report = check_gradients(loss, grad, params, method=method, mode="directional", seed=4)
    assert report.passed and report.diagnoses == ()
    assert report.evaluations < 1000


def test_big_net_auto_mode_is_directional(big):
    loss, grad, params, _ = big
    assert 42_634 > AUTO_FULL_LIMIT
    report = check_gradients(loss, grad, params)
    assert report.mode == "directional" and report.passed
