"""Per-sample code that runs on a batch without raising: its gradients keep the batch's axis there (a bias gradient
of shape (out, n)) and fit every parameter on one sample, so it is checked on one sample; batch code whose bias
gradient is not summed looks the same on a batch, reads the batch's size, and keeps its bug."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from auditcheck import assert_verdict
from centraldiff import numeric

from gradcheck.audit.adapters.batchshaped import carries_batch, fits, reads_batch
from gradcheck.audit.adapters.params import Tensor

HERE = Path(__file__).resolve().parent / "submissions" / "batchshaped"
EXPECTED = {
    "rows_persample_correct.py": ("pass", None, "per-sample code, checked on one sample"),
    "columns_unsummed_bias_bug.py": ("fail", "bias_not_summed", "16 samples made"),
}


def _tensors(*shapes):
    return [Tensor(name=f"p{i}", steps=(), shape=s) for i, s in enumerate(shapes)]


def test_a_bias_gradient_keeping_the_batch_axis_is_carried_and_one_sample_fits():
    params = _tensors((4, 3), (4, 1))
    on_batch = ([np.zeros((4, 3))], [np.zeros((4, 16))])
    assert carries_batch(on_batch, params, 16)
    assert not carries_batch(on_batch, params, 1)  # one sample: nothing to carry
    assert not fits(on_batch, params)
    assert fits(([np.zeros((4, 3))], [np.zeros((4, 1))]), params)
    assert not carries_batch(([np.zeros((4, 3))], [np.zeros((4, 1))]), params, 16)  # every shape returned
    assert not carries_batch(([np.zeros((4, 3))], [np.zeros((4, 2))]), params, 16)  # a wrong shape, no batch in it
    assert not carries_batch(None, params, 16)  # updated in place, nothing returned


@pytest.mark.parametrize(
    "source, reads",
    [
        ("def backprop(self, x, y):\n    nb = [np.zeros(b.shape) for b in self.b]\n    return len(self.sizes)", False),
        ("def backward(self, X, Y):\n    m = X.shape[1]\n    return m", True),
        ("def backward(X, Y, cache):\n    return np.sum(cache, axis=0)", True),
        ("def backward(X, Y):\n    return 1 / len(X)", True),
        ("def backward(x, y):\n    return np.outer(x, y)", False),
    ],
)
def test_what_reads_a_batch_size(source, reads):
    assert reads_batch([ast.parse(source)]) is reads


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name[:-3], HERE / name)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def test_the_per_sample_file_is_right_on_one_sample_and_the_batch_file_wrong_on_a_batch():
    """Ground truth for the two files, from central differences of losses written here."""
    rng = np.random.default_rng(5)
    net = _module("rows_persample_correct.py").TinyNet()
    x, t = rng.normal(size=(1, 3)), rng.normal(size=(1, 2)) * 0.5
    ps = [net.w_in, net.c_in, net.w_out, net.c_out]
    got = net.gradients(x, t)
    truth = numeric(lambda: 0.5 * np.sum((np.tanh(np.tanh(x @ ps[0] + ps[1]) @ ps[2] + ps[3]) - t) ** 2), ps)
    for g, want in zip([got["w_in"], got["c_in"], got["w_out"], got["c_out"]], truth):
        np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-9)

    b = _module("columns_unsummed_bias_bug.py").Net()
    X, Y = rng.normal(size=(3, 6)), (rng.random((1, 6)) > 0.5).astype(float)
    dW1, db1, dW2, db2 = b.backward(X, Y)
    assert db2.shape == (1, 6) != b.b2.shape  # the batch's axis kept
    truth = numeric(lambda: b.loss(X, Y), [b.W1, b.b1, b.W2, b.b2])
    np.testing.assert_allclose(db2.sum(axis=1, keepdims=True), truth[3], rtol=1e-6)  # summed, it would be right


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    return audit_json([HERE / name for name in EXPECTED], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_audited_zero_config(audited, name):
    status, code, phrase = EXPECTED[name]
    s = audited[name]
    assert_verdict(s, status, code)
    assert any(phrase in n for n in s["notes"]), s["notes"]
