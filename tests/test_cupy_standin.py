"""Layers written on cupy (numpy's interface on a GPU), audited where cupy is not installed: numpy stands in for
it, the same arithmetic, and a note says so. Before, every module importing cupy was skipped and the network was
never found."""

from __future__ import annotations

import sys

from gradcheck.audit import standins

SOURCE = """
import cupy as cp


class Net:
    def __init__(self, n_in, n_hidden, n_out):
        cp.random.seed(0)
        self.W1 = cp.random.randn(n_in, n_hidden) * 0.5
        self.b1 = cp.zeros(n_hidden)
        self.W2 = cp.random.randn(n_hidden, n_out) * 0.5
        self.b2 = cp.zeros(n_out)

    def forward(self, X):
        self.X = cp.asarray(X)
        self.h = cp.tanh(self.X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def loss(self, out, y):
        return float(cp.asnumpy(cp.mean((out - y) ** 2)))

    def backward(self, out, y):
        d = 2 * (out - y) / out.size
        dh = (d @ self.W2.T) * (1 - self.h ** 2)
        return {"W1": self.X.T @ dh, "b1": dh.sum(axis=0), "W2": self.h.T @ d, "b2": SIGN d.sum(axis=0)}
"""


def test_cupy_is_numpy_where_it_is_missing(monkeypatch):
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    if standins._state("cupy") == "real":
        return  # a machine with cupy installed: the real one is used
    assert standins.install_fake_cupy("import cupy as cp\n")
    import cupy

    assert cupy.zeros(3).shape == (3,) and cupy.asnumpy(cupy.ones(2)).sum() == 2.0
    assert not standins.install_fake_cupy("import numpy as np\n")  # only for code that imports it
    monkeypatch.delitem(sys.modules, "cupy")


def test_a_network_on_cupy_is_audited_on_numpy(audit_sign_pair):
    ok, bad = audit_sign_pair(SOURCE, "cupy")
    assert ok["status"] == "pass", ok.get("error")
    assert any("numpy stood in for it" in n for n in ok["notes"])
    assert bad["status"] == "fail" and [t["name"] for t in bad["tensors"] if t["status"] == "fail"] == ["b2"]
