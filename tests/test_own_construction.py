"""A model class whose backward is written for the depth its own code builds it with (``W0, W1, W2 = self.weights``):
when the invented sizes do not run, the class is made with the arguments of the code's own construction."""

from __future__ import annotations

import textwrap

import pytest
from auditcheck import assert_verdict

SOURCE = """
import numpy as np


class DeepNet:
    def __init__(self, layer_sizes):
        rng = np.random.default_rng(5)
        pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
        self.weights = [rng.normal(size=(a, b)) / np.sqrt(a) for a, b in pairs]
        self.biases = [np.zeros((1, b)) for _, b in pairs]

    def predict(self, X):
        h = X
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            h = np.maximum(h @ W + b, 0)
        return h @ self.weights[-1] + self.biases[-1]

    def loss(self, X, Y):
        return 0.5 * np.sum((self.predict(X) - Y) ** 2) / len(X)

    def gradients(self, X, Y):
        # exactly two hidden layers
        Wa, Wb, Wc = self.weights
        ba, bb, bc = self.biases
        ha = np.maximum(X @ Wa + ba, 0)
        hb = np.maximum(ha @ Wb + bb, 0)
        out = hb @ Wc + bc
        gc = (out - Y) / len(X)
        gb = (gc @ Wc.T) * (hb > 0)
        ga = (gb @ Wb.T) * (ha > 0)
        return (
            X.T @ ga, ga.sum(axis=0, keepdims=True),
            {middle}, gb.sum(axis=0, keepdims=True),
            hb.T @ gc, gc.sum(axis=0, keepdims=True),
        )


if __name__ == "__main__":
    net = DeepNet([3, 5, 5, 2])
    data = np.random.default_rng(0).normal(size=(20, 3))
    print(net.gradients(data, data[:, :2])[0].shape)
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    src = tmp_path_factory.mktemp("src")
    (src / "deep_correct.py").write_text(textwrap.dedent(SOURCE.replace("{middle}", "ha.T @ gb")))
    (src / "deep_transposed_bug.py").write_text(textwrap.dedent(SOURCE.replace("{middle}", "gb.T @ ha")))
    return audit_json(sorted(src.iterdir()), tmp_path_factory.mktemp("out"))


def test_the_correct_network_of_the_code_s_depth_passes(audited):
    s = audited["deep_correct.py"]
    assert_verdict(s, "pass", None)
    assert any("DeepNet made as the code makes it" in n and "DeepNet([3, 5, 5, 2])" in n for n in s["notes"])


def test_the_transposed_middle_gradient_is_found(audited):
    s = audited["deep_transposed_bug.py"]
    assert_verdict(s, "fail", "transposed")
    assert s["diagnoses"][0]["tensor"] == "weights[1]"
