"""Variants of the pair-list, add()-builder and init-method shapes, written here with other names than the
examples: pairs kept as ``[W, b]`` lists named ``params`` with a forward returning ``(output, cache)``; a
``Sequential`` assembled by ``create_model(hidden)`` called with the code's own argument, beside layer classes
that look like models; weights made by ``setup(n_inputs, n_hidden, n_outputs)`` with a rate set in the method.
Each is checked here against central differences of a loss written in this file, then audited zero-config
in one sandboxed batch.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from auditcheck import assert_verdict
from centraldiff import numeric

HERE = Path(__file__).resolve().parent / "submissions" / "shapes3"
#: submission -> (status, top diagnosis code or None, a phrase a note must contain)
EXPECTED = {
    "pairs_params_tanh_correct.py": ("pass", None, "a list of 2 (weight, bias) pairs"),
    "builder_args_sigmoid_bug.py": ("fail", "missing_activation_derivative", "by create_model(12)"),
    "setup_method_rate_correct.py": ("pass", None, "`Perceptron2()`, then `p.setup(4, 8, 1)`"),
}
RNG = np.random.default_rng(8)
X = RNG.normal(size=(6, 2))


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name[:-3], HERE / name)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)  # the files keep their training code under __main__
    return m


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _pairs():
    m = _module("pairs_params_tanh_correct.py")
    params, y = m.init_network([2, 5, 3]), RNG.normal(size=(6, 3))

    def loss():
        h = np.tanh(X @ params[0][0] + params[0][1])
        return 0.5 * np.mean(np.sum((h @ params[1][0] + params[1][1] - y) ** 2, axis=1))

    got = m.backward(params, m.forward(params, X)[1], y)
    return [a for p in params for a in p], [a for g in got for a in g], loss


def _builder():
    m = _module("builder_args_sigmoid_bug.py")
    model, t = m.create_model(4), (RNG.random((6, 1)) > 0.5).astype(float)
    fc = [model.stack[0], model.stack[2]]

    def loss():
        p = _sig(_sig(X @ fc[0].w + fc[0].b) @ fc[1].w + fc[1].b)
        return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))

    model.backward(model.forward(X), t)
    return [a for f in fc for a in (f.w, f.b)], [a for f in fc for a in (f.dw, f.db)], loss


def _setup():
    m = _module("setup_method_rate_correct.py")
    net, y = m.Perceptron2(), (RNG.random((6, 1)) > 0.5).astype(float)
    net.setup(2, 4, 1)
    names = ["W_ih", "b_h", "W_ho", "b_o"]
    before = [getattr(net, k).copy() for k in names]
    net.predict_proba(X)
    net.backprop(y)
    claimed = [(b - getattr(net, k)) / 0.3 for b, k in zip(before, names)]
    for k, b in zip(names, before):
        setattr(net, k, b)

    def loss():
        p = _sig(np.maximum(0, X @ net.W_ih + net.b_h) @ net.W_ho + net.b_o)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return before, claimed, loss


@pytest.mark.parametrize(
    "make, wrong", [(_pairs, []), (_builder, [0, 1]), (_setup, [])], ids=["pairs", "builder", "setup"]
)
def test_variant_against_central_differences(make, wrong):
    params, claimed, loss = make()
    truth = numeric(loss, params)
    off = [i for i, (c, t) in enumerate(zip(claimed, truth)) if np.max(np.abs(c - t)) > 1e-6 * np.max(np.abs(t))]
    assert off == wrong


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    return audit_json([HERE / name for name in EXPECTED], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_gets_the_truth(audited, name):
    status, code, phrase = EXPECTED[name]
    s = audited[name]
    assert_verdict(s, status, code)
    assert any(phrase in n for n in s["notes"]), s["notes"]


def test_pair_names_say_which_is_the_bias():
    from gradcheck.audit.adapters.shapes.pairs import is_pairs, pair_tensors

    layers = [(np.zeros(4), np.ones((3, 4))), (np.ones((4, 1)), np.zeros(1))]  # (b, W) in the first pair
    assert is_pairs(layers) and not is_pairs([(np.ones(2),)]) and not is_pairs([])
    tensors = pair_tensors(layers, "net")
    assert [t.name for t in tensors] == ["net[0].W", "net[0].b", "net[1].W", "net[1].b"]
    assert [t.steps for t in tensors[:2]] == [(("item", 0), ("item", 1)), (("item", 0), ("item", 0))]
