"""Per-sample code taking one sample as flat vectors (``x`` of shape (n_in,), ``y`` of shape (n_out,)): a target
handed over as a column broadcasts against the flat output (``p - y`` of shape (n_out, n_out)), the grader's layout,
not the code's bug; the sample is then given as vectors, target included."""

from __future__ import annotations

import textwrap

import pytest
from auditcheck import assert_verdict

SOURCE = """
import numpy as np


class PixelNet:
    def __init__(self):
        rng = np.random.default_rng(2)
        self.W1 = rng.normal(size=(5, 4)) * 0.5
        self.b1 = rng.normal(size=(5,)) * 0.1
        self.W2 = rng.normal(size=(3, 5)) * 0.5
        self.b2 = rng.normal(size=(3,)) * 0.1

    def forward(self, x):
        z = np.dot(self.W1, x).reshape(-1) + self.b1
        h = np.tanh(z)
        s = np.dot(self.W2, h) + self.b2
        e = np.exp(s - s.max())
        return z, h, e / e.sum()

    def backward(self, x, target):
        z, h, p = self.forward(x)
        d_out = p - target
        d_hid = self.W2.T.dot(d_out) * {derivative}
        g_W2 = np.array([[d_out[i] * h[j] for j in range(len(h))] for i in range(len(d_out))])
        g_W1 = np.array([[d_hid[i] * x[j] for j in range(len(x))] for i in range(len(d_hid))])
        return g_W1, d_hid, g_W2, d_out

    def train(self, images, labels, lr=0.1):
        for x, t in zip(images, labels):
            g_W1, g_b1, g_W2, g_b2 = self.backward(x, t)
            self.W1 -= lr * g_W1
            self.b1 -= lr * g_b1
            self.W2 -= lr * g_W2
            self.b2 -= lr * g_b2
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    src = tmp_path_factory.mktemp("src")
    (src / "flat_correct.py").write_text(textwrap.dedent(SOURCE.replace("{derivative}", "(1 - h ** 2)")))
    (src / "flat_no_derivative_bug.py").write_text(textwrap.dedent(SOURCE.replace("{derivative}", "1.0")))
    untrained = SOURCE[: SOURCE.index("    def train")]  # no loop of its own: found per-sample by failing on a batch
    (src / "flat_untrained_correct.py").write_text(textwrap.dedent(untrained.replace("{derivative}", "(1 - h ** 2)")))
    return audit_json(sorted(src.iterdir()), tmp_path_factory.mktemp("out"))


@pytest.mark.parametrize("name", ["flat_correct.py", "flat_untrained_correct.py"])
def test_the_correct_per_sample_code_passes(audited, name):
    assert_verdict(audited[name], "pass", None)


def test_the_per_sample_bug_is_found_in_its_layer_not_in_the_target_s_layout(audited):
    s = audited["flat_no_derivative_bug.py"]
    codes = assert_verdict(s, "fail", None)
    assert "bias_not_summed" not in codes and "shape_mismatch" not in codes, codes
    assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "b1"}
