"""One wrong entry among many, behind a tripped screen, where sampling used to leave it out.

A look-alike of a held-out miss: a sigmoid MLP 3-3-10-13-2 with weights scaled
~10.7 (saturated hidden units and outputs), batch 8, the loss written as
``-np.mean(y*np.log(p+1e-8) + (1-y)*np.log(1-p+1e-8))`` on
``p = 1/(1+np.exp(-z))``, and a hand-written backward pass. Its complex-step
screens trip on the loss's own cancellation; the checker then sampled 64 of
W3's 130 entries, and a gradient whose largest entry was off by 1% passed,
its rounding "explained" by the same gradient code at extended precision. An
error of 1% on the largest entry must never pass.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.screened import sample

SIZES = (3, 3, 10, 13, 2)


def _net(seed: int, scale: float = 10.7, batch: int = 8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, SIZES[0]))
    Y = (rng.random((batch, SIZES[-1])) < 0.5).astype(float)
    params = {}
    for k, (a, b) in enumerate(zip(SIZES, SIZES[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((a, b)) * scale
        params[f"b{k}"] = rng.standard_normal(b) * 0.1
    layers = len(SIZES) - 1

    def forward(p):
        acts = [X]
        for k in range(1, layers + 1):
            acts.append(1 / (1 + np.exp(-(acts[-1] @ p[f"W{k}"] + p[f"b{k}"]))))
        return acts

    def loss(p):
        out = forward(p)[-1]
        return -np.mean(Y * np.log(out + 1e-8) + (1 - Y) * np.log(1 - out + 1e-8))

    def grad(p):
        acts = forward(p)
        out = acts[-1]
        d = -(Y / (out + 1e-8) - (1 - Y) / (1 - out + 1e-8)) / Y.size * out * (1 - out)
        g = {}
        for k in range(layers, 0, -1):
            g[f"W{k}"] = acts[k - 1].T @ d
            g[f"b{k}"] = d.sum(axis=0)
            if k > 1:
                d = (d @ p[f"W{k}"].T) * acts[k - 1] * (1 - acts[k - 1])
        return g

    return loss, grad, params


def _largest(g: dict, names) -> tuple[str, tuple[int, ...]]:
    name = max(names, key=lambda n: float(np.max(np.abs(g[n]))))
    return name, tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(g[name]))), g[name].shape))


def _planted(grad, name, index, factor, only=None):
    """``grad`` with one entry times ``factor`` (only in results of dtype ``only``, if given)."""

    def bad(p):
        g = {k: np.array(v, copy=True) for k, v in grad(p).items()}
        if only is None or g[name].dtype == only:
            g[name][index] *= factor
        return g

    return bad


def _check(loss, grad, params, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp overflow in the user's sigmoid
        return check_gradients(loss, grad, params, seed=seed, name_bugs=False)


def _pinned(report, name, index) -> bool:
    failing = [t for t in report.tensors if t.status == "fail"]
    return report.status == "fail" and [t.name for t in failing] == [name] and failing[0].worst_index == index


#: 4, 11, 23, 26 and 27 were the misses (the planted entry sampled away, or excused as rounding)
SEEDS = [4, 11, 23, 26, 27, 0, 5]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_largest_entry_of_the_sampled_tensor_off_by_one_percent_is_caught_and_named(seed):
    loss, grad, params = _net(seed)
    name, index = _largest(grad(params), ["W3"])
    report = _check(loss, _planted(grad, name, index, 1.01), params, seed)
    assert _pinned(report, name, index), report.summary()


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_the_largest_entry_of_the_gradient_off_by_one_percent_is_caught_and_named(seed):
    loss, grad, params = _net(seed)
    g = grad(params)
    name, index = _largest(g, list(g))
    report = _check(loss, _planted(grad, name, index, 1.01), params, seed)
    assert _pinned(report, name, index), report.summary()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_correct_gradient_is_not_failed(seed):
    loss, grad, params = _net(seed)
    assert _check(loss, grad, params, seed).status != "fail"


@pytest.mark.parametrize("seed", [4, 11])
def test_extended_precision_does_not_excuse_a_one_percent_difference(seed):
    # a bug only the float64 run has: the extended-precision run of the same code agrees with
    # the derivative, but a 1% difference on a resolved entry is no rounding of float64 code
    loss, grad, params = _net(seed)
    name, index = _largest(grad(params), ["W3"])
    report = _check(loss, _planted(grad, name, index, 1.01, only=np.float64), params, seed)
    assert _pinned(report, name, index), report.summary()


def test_a_dense_sample_always_holds_the_entries_that_dominate_the_norm():
    rng = np.random.default_rng(0)
    g = rng.standard_normal(130) * 1e-3
    g[[17, 99]] = [5.0, -3.0]
    for seed in range(20):
        picked = sample(g, np.arange(130), 64, np.random.default_rng(seed))
        assert {17, 99} <= set(picked.tolist()) and picked.size == 64 and np.unique(picked).size == 64
    assert sample(g, np.arange(10), 64, rng).tolist() == list(range(10))
