"""The combined directional screen: one complex evaluation screens every tensor.

In auto mode on a complex-safe loss, ``check_gradients`` screens all tensors at
once along ``w_T sign(g_i) spread_i`` (see :mod:`gradcheck.directional`). A
correct gradient must pass at that cost, with no false trip at any size or in
float32; one wrong entry in any tensor (a weight or a small bias, a typical or
a small entry) must still be found and named from per-entry evidence; and the
probe that shares the complex evaluation must keep the complex step away from
losses that are not analytic.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck import directional as dr
from gradcheck import numeric as nm
from gradcheck.problem import Problem
from reference_nets.mlp import MLP, MLPConfig
from reference_nets.presets import standard_suite

ROOT = Path(__file__).resolve().parents[1]


def _net(sizes, seed=0, batch=64, act="tanh"):
    """The benchmark's problem: tanh hidden layers, sigmoid output, BCE, standard-normal batch."""
    config = MLPConfig(sizes, act, output="sigmoid", loss="bce")
    net = MLP(config)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0]))
    Y = (rng.random((batch, sizes[-1])) < 0.5).astype(float)
    loss, grad = net.closures(X, Y)
    params = net.init_params(seed)
    return loss, grad, params, grad(params)


@pytest.fixture(scope="module")
def net42k():
    return _net((64, 128, 128, 128, 10))


@pytest.fixture(scope="module")
def net335k():
    return _net((784, 256, 256, 256, 10))


def _planted(g, name, which, rel):
    """A copy of ``g`` with one entry of ``name`` (median, 10th percentile or largest |g|) off by ``rel``."""
    a = np.abs(g[name]).reshape(-1)
    order = np.argsort(a, kind="stable")
    j = {"median": order[a.size // 2], "p10": order[a.size // 10], "max": order[-1]}[which]
    ix = tuple(int(i) for i in np.unravel_index(j, g[name].shape))
    bad = {k: np.array(v, copy=True) for k, v in g.items()}
    bad[name][ix] *= 1 + rel
    return bad, ix


def _assert_named(report, name, ix):
    assert report.status == "fail", report.summary()
    failing = [t for t in report.tensors if t.status == "fail"]
    assert [t.name for t in failing] == [name], report.summary()
    assert failing[0].worst_index == ix
    assert all(t.status == "pass" for t in report.tensors if t.name != name)
    assert report.evaluations < 200


# ------------------------------------------------------------- correct gradients
def test_correct_gradient_is_one_complex_and_a_few_real_evaluations(net42k):
    loss, grad, params, _ = net42k
    report = check_gradients(loss, grad, params)
    assert report.passed and report.mode == "directional"
    # 2 (the loss and its repeat) + 1 complex + 2 real, at most 4 more real where the probe needs them
    assert report.evaluations <= 9
    for t in report.tensors:
        assert t.checked == 0 and t.directional["ok"]
        assert t.directional["tensors"] == list(params)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_standard_suite_never_trips_the_combined_screen(dtype):
    for case in standard_suite():
        loss, grad = case.closures()
        report = check_gradients(loss, grad, case.params(dtype), name_bugs=False)
        assert report.passed, (case.name, report.summary())
        if report.mode == "directional":
            assert all(t.checked == 0 for t in report.tensors), (case.name, report.summary())


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_big_nets_pass_without_a_trip(act, dtype):
    loss, grad, _, _ = _net((64, 128, 128, 128, 10), seed=1, act=act)
    params = MLP(MLPConfig((64, 128, 128, 128, 10), act, output="sigmoid", loss="bce")).init_params(1, dtype=dtype)
    report = check_gradients(loss, grad, params, name_bugs=False)
    assert report.passed and report.mode == "directional", report.summary()
    assert all(t.checked == 0 for t in report.tensors), report.summary()


def test_each_tensor_has_a_share_of_sqrt_its_size(net42k):
    loss, grad, params, g = net42k
    problem = Problem.create(loss, grad, params)
    combined = dr.Combined(nm.Oracle(problem), problem.analytic(g))
    for name, (analytic, scale) in combined.sums.items():
        assert analytic == scale > 0
        ratio = scale / combined.sums["W1"][1]
        assert ratio == pytest.approx((g[name].size / g["W1"].size) ** dr.WEIGHT_POWER, rel=1e-12)
    assert max(abs(s.v).max() for s in combined.screeners.values()) <= 1 + dr.SPREAD


def test_spread_never_cancels_exactly():
    s = dr.spread(24)
    assert np.all((s >= 1.0) & (s < 1.0 + dr.SPREAD))
    np.testing.assert_array_equal(dr.spread(10), dr.spread(1000)[:10])
    signs = np.repeat([1.0, -1.0], 12)  # a term of random sign that sums to zero over equal magnitudes
    for seed in range(20):
        assert abs(np.random.default_rng(seed).permutation(signs) @ s) > 1e-3


# ------------------------------------------------------------ one wrong entry
@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"])
def test_one_entry_off_is_named_in_any_tensor_42k(net42k, name):
    loss, _, params, g = net42k
    for which, rel in (("median", 1e-6), ("p10", 1e-5), ("max", 1e-5)):
        bad, ix = _planted(g, name, which, rel)
        report = check_gradients(loss, bad, params, name_bugs=False)
        _assert_named(report, name, ix)


@pytest.mark.parametrize("name, which, rel", [("W1", "median", 1e-6), ("b4", "p10", 1e-5), ("W2", "max", 1e-5)])
def test_one_entry_off_is_named_at_335k(net335k, name, which, rel):
    loss, _, params, g = net335k
    bad, ix = _planted(g, name, which, rel)
    report = check_gradients(loss, bad, params, name_bugs=False)
    _assert_named(report, name, ix)


def test_a_tripped_combined_screen_is_split_with_the_largest_share_inferred(net42k):
    loss, grad, params, g = net42k
    bad, _ = _planted(g, "b3", "median", 1e-5)
    problem = Problem.create(loss, grad, params)
    oracle = nm.Oracle(problem)
    combined = dr.Combined(oracle, problem.analytic(bad))
    whole = combined.test()
    assert not whole.ok
    before = oracle.evaluations
    parts = combined.split(whole)
    largest = max(combined.sums, key=lambda n: combined.sums[n][1])
    assert oracle.evaluations - before == len(parts) - 1
    assert parts[largest][1] == 0 and all(spent == 1 for n, (_, spent) in parts.items() if n != largest)
    measured = sum(s.numeric for n, (s, _) in parts.items() if n != largest)
    assert parts[largest][0].numeric == pytest.approx(whole.numeric - measured, rel=1e-15)
    assert [n for n, (s, _) in parts.items() if not s.ok] == ["b3"]


def test_a_tensor_whose_gradient_is_zero():
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=5), "c": rng.normal(size=3)}

    def loss(p):
        return np.sum(np.sin(p["w"])) + 0.0 * np.sum(p["c"])

    def grad(p):
        return {"w": np.cos(p["w"]), "c": np.zeros(3)}

    assert check_gradients(loss, grad, params).passed

    def loss2(p):
        return np.sum(np.sin(p["w"])) + 1e-3 * np.sum(p["c"] ** 2)

    report = check_gradients(loss2, grad, params)  # the claimed zeros miss 2e-3 c
    assert report.status == "fail" and report.tensor("c").status == "fail"
    assert report.tensor("w").status == "pass"


# --------------------------------------------------------------------- probe
def test_probe_shows_a_smooth_loss_safe_with_its_screen(net42k):
    loss, grad, params, g = net42k
    problem = Problem.create(loss, grad, params)
    oracle = nm.Oracle(problem)
    before = oracle.evaluations
    seen = dr.probe(oracle, dr.Combined(oracle, problem.analytic(g)))
    assert seen.safe is True and seen.screen.ok
    assert 3 <= oracle.evaluations - before <= 7


def test_probe_leaves_a_real_loss_to_the_per_entry_probe():
    params = {"w": np.array([0.3, -0.7, 1.2])}
    problem = Problem.create(lambda p: float(np.sum(p["w"] ** 2)), None, params)
    oracle = nm.Oracle(problem)
    seen = dr.probe(oracle, dr.Combined(oracle, {"w": 2 * params["w"]}))
    assert seen.safe is None and seen.screen is None


@pytest.mark.parametrize("tensor", ["W2", "b2", "W1"])
def test_an_l1_term_on_any_tensor_keeps_the_complex_step_out(tensor):
    # np.abs of complex weights is their modulus: the complex step misses lam * sign(W).
    # The per-entry probe looks at the first, last and largest tensors only; the
    # combined direction moves every tensor, and its disagreement sends the per-entry
    # probe to all of them.
    loss0, grad0, params, _ = _net((8, 3, 5, 2))
    lam = 1e-4

    def loss(p):
        return loss0(p) + lam * np.sum(np.abs(p[tensor]))

    def grad(p):
        g = grad0(p)
        g[tensor] = g[tensor] + lam * np.sign(p[tensor])
        return g

    report = check_gradients(loss, grad, params, name_bugs=False)
    assert report.passed
    assert any(n.startswith("complex step not used") for n in report.notes)
    forgot = check_gradients(loss, grad0, params, name_bugs=False)
    assert forgot.status == "fail" and forgot.tensor(tensor).status == "fail"


def test_relu_kinks_crossed_by_the_step_do_not_cost_the_complex_step():
    for seed in range(4):
        loss, grad, params, _ = _net((64, 128, 128, 128, 10), seed=seed, act="relu")
        report = check_gradients(loss, grad, params, name_bugs=False)
        assert report.passed and report.mode == "directional"
        assert report.evaluations <= 9, report.summary()


# ----------------------------------------------------------- without complex
def test_without_the_complex_step_large_tensors_have_their_own_screen_and_small_ones_share_one(net42k):
    from gradcheck.directional import GROUP_SHARE

    loss, grad, params, g = net42k
    report = check_gradients(loss, grad, params, method="central", mode="directional")
    assert report.passed
    # a correct gradient: one real screen through every tensor judges them all
    assert all(t.directional["tensors"] == list(params) for t in report.tensors)
    assert report.evaluations <= 16, report.summary()
    # once it trips: a screen per large tensor, one shared by the small ones, and the entry pinned
    bad, ix = _planted(g, "W2", "median", 1e-4)
    report = check_gradients(loss, bad, params, method="central", mode="directional", name_bugs=False)
    assert [(t.name, t.worst_index) for t in report.tensors if t.status == "fail"] == [("W2", ix)]
    assert report.evaluations < 400, report.summary()  # #12's budget for a real-difference search
    total = sum(p.size for p in params.values())
    small = [n for n, p in params.items() if p.size < GROUP_SHARE * total]
    assert len(small) > 1
    for t in report.tensors:
        assert t.directional["tensors"] == (small if t.name in small else [t.name]), t.name


# ------------------------------------------------------------------ harness
def _peers():
    if "bench_peers" in sys.modules:
        return sys.modules["bench_peers"]
    spec = importlib.util.spec_from_file_location("bench_peers", ROOT / "benchmarks" / "peers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_peers"] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_counts_batched_evaluations():
    peers = _peers()
    loss_fn, grad_fn, params, _ = _net((8, 3, 8))
    loss = peers.Counted(loss_fn)
    report = check_gradients(loss, grad_fn, params, mode="full", name_bugs=False)
    assert loss.calls == report.evaluations >= 2 * 59


@pytest.mark.parametrize("extended", [False, True])
def test_complex_moved_puts_the_step_times_the_move_in_the_imaginary_part(extended):
    params = {"W": np.arange(6.0).reshape(2, 3) - 2.5, "b": np.array([0.5, -1.0])}
    problem = Problem.create(lambda p: float(np.sum(p["W"] ** 2) + np.sum(p["b"])), None, params)
    if extended:
        problem = problem.extended()
        if problem is None:
            pytest.skip("np.longdouble is float64 here")
    o = nm.Oracle(problem)
    move = np.array([[1.0, -1.25, 1.5], [-1.0, 1.0, -1.5]])
    moved = dr._complex_moved(o, {"W": move})
    assert moved["W"].dtype == (np.clongdouble if extended else np.complex128)
    assert np.array_equal(moved["W"].real, o.work["W"]) and np.array_equal(moved["b"].real, o.work["b"])
    assert np.array_equal(moved["W"].imag, nm.COMPLEX_STEP * move)
    assert not np.any(moved["b"].imag)
