"""A screen's reach per entry: entries it cannot vouch for at 1e-2 are checked one by one.

The nets are ReLU / leaky-ReLU MLPs at small weights, written as users write
them (``np.maximum``, a sigmoid output, clipped BCE returned through
``float()``, so no complex step): the first layers' gradient entries are
1e-4 where the output bias's is 0.06, and a screen through a tensor of them
has a tolerance set by its direction, not by them. The truth of every entry
planted on is an ``np.longdouble`` central difference of the loss as written.
"""

import numpy as np
import pytest

from gradcheck import check_gradients, reach
from gradcheck import numeric as nm
from gradcheck.directional import Screen
from gradcheck.problem import Problem


def relu_bce(widths, scale, batch, seed, leaky=0.0):
    rng = np.random.default_rng(seed)
    params = {}
    for k in range(len(widths) - 1):
        params[f"W{k + 1}"] = rng.normal(0.0, scale, (widths[k], widths[k + 1]))
        params[f"b{k + 1}"] = np.zeros(widths[k + 1])
    X = rng.normal(size=(batch, widths[0]))
    y = (rng.random((batch, 1)) < 0.5).astype(float)
    depth = len(widths) - 1

    def forward(p):
        acts, a = [X], X
        for k in range(1, depth + 1):
            z = a @ p[f"W{k}"] + p[f"b{k}"]
            a = 1 / (1 + np.exp(-z)) if k == depth else np.maximum(z, leaky * z)
            acts.append(a)
        return acts

    def raw_loss(p):
        out = np.clip(forward(p)[-1], 1e-12, 1 - 1e-12)
        return -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))

    def grad(p):
        acts = forward(p)
        d = (acts[-1] - y) / batch
        g = {}
        for k in range(depth, 0, -1):
            g[f"W{k}"] = acts[k - 1].T @ d
            g[f"b{k}"] = d.sum(axis=0)
            if k > 1:
                d = (d @ p[f"W{k}"].T) * np.where(acts[k - 1] > 0, 1.0, leaky)
        return g

    return (lambda p: float(raw_loss(p))), raw_loss, grad, params


def longdouble_entry(raw_loss, params, name, j, h=1e-7):
    """Central difference of the loss as written, in np.longdouble (not this project's code)."""
    wide = {k: v.astype(np.longdouble) for k, v in params.items()}
    flat = wide[name].reshape(-1)
    base = flat[j]
    flat[j] = base + np.longdouble(h)
    up = raw_loss(wide)
    flat[j] = base - np.longdouble(h)
    down = raw_loss(wide)
    flat[j] = base
    return float((up - down) / (2 * np.longdouble(h)))


def planted(grad, name, j, factor=1.01):
    def bad(p):
        out = grad(p)
        out[name].reshape(-1)[j] *= factor
        return out

    return bad


# (seed, leaky slope, tensor): a tensor of small entries whose largest, x1.01, passed before this rule
CASES = [(5, 0.0, "b1"), (5, 0.0, "W3"), (7, 0.0, "b1"), (7, 0.0, "W3"), (8, 0.0, "b1"), (4, 0.0, "b1")]


@pytest.mark.parametrize(("seed", "leaky", "name"), CASES)
def test_one_percent_at_a_small_tensors_largest_entry_is_caught_and_pinned(seed, leaky, name):
    loss, raw_loss, grad, params = relu_bce([4, 16, 16, 1], 0.02, 16, seed, leaky)
    g = grad(params)
    j = int(np.argmax(np.abs(g[name])))
    largest = max(float(np.max(np.abs(v))) for v in g.values())
    assert abs(g[name].reshape(-1)[j]) < 0.01 * largest  # a tensor of small entries beside the gradient's largest
    truth = longdouble_entry(raw_loss, params, name, j)
    assert g[name].reshape(-1)[j] == pytest.approx(truth, rel=1e-6)  # the user's gradient is right there
    assert check_gradients(loss, grad, params, name_bugs=False).status == "pass"
    report = check_gradients(loss, planted(grad, name, j), params, name_bugs=False)
    tensor = {t.name: t for t in report.tensors}[name]
    assert tensor.status == "fail"
    assert tensor.worst_index == np.unravel_index(j, params[name].shape)


def test_without_the_rule_those_plants_pass(monkeypatch):
    """The cases above are the rule's: with no entry taken as beyond reach, the first of them passes."""
    seed, leaky, name = CASES[0]
    loss, _, grad, params = relu_bce([4, 16, 16, 1], 0.02, 16, seed, leaky)
    j = int(np.argmax(np.abs(grad(params)[name])))
    monkeypatch.setattr(reach, "REACH", float("inf"))  # no entry beyond reach
    report = check_gradients(loss, planted(grad, name, j), params, name_bugs=False)
    assert {t.name: t for t in report.tensors}[name].status == "pass"


class _Screener:
    """The two attributes :func:`reach.unresolved` reads of a screener: ``g`` and ``v``."""

    def __init__(self, g):
        self.g = np.asarray(g, float)
        self.v = np.ones_like(self.g)


def _screen(tolerance, analytic=1.0, numeric=1.0):
    return Screen(True, analytic, numeric, tolerance / 4, tolerance)


def test_unresolved_takes_the_entries_an_error_of_1e_2_would_not_move_past_twice_the_tolerance():
    g = np.array([1e-2, 1e-3, 1.1e-3, 0.0, -1.5e-3, 1e-4])
    found = reach.unresolved(_Screener(g), "w", _screen(1e-5), checked=set())
    # 0.01 * |g_i| > 2 * 1e-5 only for the first; the exact zero is nothing to plant on, and 1e-4 is
    # under a tenth of the largest (TOP): past any screen's reach, left to the reach figure
    assert found.check.tolist() == [1, 2, 4]
    assert found.left == 0
    assert found.reach == pytest.approx(2e-3)
    assert reach.unresolved(_Screener(g), "w", _screen(1e-5), checked={4}).check.tolist() == [1, 2]
    # nor an entry whose error of 1e-2 is under twice what a check of it alone resolves
    assert reach.unresolved(_Screener(g), "w", _screen(1e-5), set(), resolution=6e-6).check.tolist() == [4]


def test_a_tripped_screen_vouches_only_to_its_discrepancy():
    g = np.array([0.2, 0.15, 1.0])
    assert reach.unresolved(_Screener(g), "w", _screen(1e-9), checked=set()).check.size == 0
    found = reach.unresolved(_Screener(g), "w", _screen(1e-9, analytic=1.0, numeric=1.0 + 2e-3), checked=set())
    assert found.check.tolist() == [0, 1]


def test_more_than_the_limit_keeps_the_largest_and_the_note_counts_the_rest():
    g = np.concatenate([np.full(40, 1e-3), np.full(10, 1e-6)])
    g[7] = 2e-3  # the 1e-6 entries are under a tenth of it
    found = reach.unresolved(_Screener(g), "W2", _screen(1.0), checked=set())
    assert found.check.size == reach.LIMIT and 7 in found.check.tolist()
    assert found.left == 40 - reach.LIMIT
    text = reach.note("W2", found)
    assert "W2" in text and f"{found.left} more" in text


def test_a_few_more_than_the_limit_are_all_checked():
    # 23 unresolved entries (a float32 softmax CE's W2 at weights of 1e-3): checking 16 left 7 that an error
    # of 1% would not have shown in; up to ALL_BELOW every one is checked
    g = np.full(23, 1e-3)
    found = reach.unresolved(_Screener(g), "W2", _screen(1.0), checked=set())
    assert found.check.size == 23 and found.left == 0
    g = np.full(reach.ALL_BELOW + 1, 1e-3)
    assert reach.unresolved(_Screener(g), "W2", _screen(1.0), checked=set()).check.size == reach.LIMIT


def test_entries_neither_the_screen_nor_a_check_alone_resolves_are_counted_and_named():
    # the screen sees an error of 1e-2 at none of these; a check of each alone would need an error bar
    # of 5e-6 (1e-2 of 1e-3 over MARGIN) where the loss's noise gives 1e-5: none is taken, all are named
    g = np.array([1e-3, 8e-4, 5e-4, 1e-5])
    found = reach.unresolved(_Screener(g), "b1", _screen(1e-4), checked=set(), resolution=1e-5)
    assert found.check.size == 0 and found.faint == 3  # 1e-5 is under a tenth of the largest
    assert found.faint_worst == pytest.approx(2 * 1e-4 / 5e-4)
    text = reach.faint_note("b1", found)
    assert text.startswith("b1: 3 of its entries") and "shows only from 0.4 of the entry" in text
    # where a check alone resolves them, they are checked, and none is faint
    found = reach.unresolved(_Screener(g), "b1", _screen(1e-4), checked=set(), resolution=1e-8)
    assert found.check.tolist() == [0, 1, 2] and found.faint == 0


def test_refine_goes_inside_kinks_a_widened_step_still_crosses(monkeypatch):
    """Kinks at every scale from 3e-7 to 4e-5 of the point (a batch of ReLU units near zero), from a step
    8 times the model's: six halvings end at 7.6e-7, still crossing two of them; four more get inside."""
    kinks = np.array([3e-7, -6e-7, 1.2e-6, -2.5e-6, 5e-6, -1e-5, 2e-5, -4e-5])

    def loss(p):
        w = p["w"][0]
        return float(0.3 * w + 0.2 * np.sum(np.maximum(0.0, w - kinks)) + 0.5 * w * w)

    params = {"w": np.array([0.0])}
    true = 0.3 + 0.2 * 4  # the four kinks below zero are active at w = 0
    got = nm.refine(nm.Oracle(Problem.create(loss, None, params)), "w", 0, 8.0)
    assert got.value == pytest.approx(true, rel=1e-9)
    monkeypatch.setattr(nm, "KINK_HALVINGS", 0)
    old = nm.refine(nm.Oracle(Problem.create(loss, None, params)), "w", 0, 8.0)
    assert abs(old.value - true) > 1e-2 * true
