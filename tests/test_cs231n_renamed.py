"""A CS231n loss by another name (``nn(self, x, y=None)`` returning ``(loss, grads)``) is the class's entry, its
label-free call read before the argmax it returns is the forward, and a softmax's scores shifted by a constant
per sample are the network's scores."""

from __future__ import annotations

import importlib.util
import json
import textwrap

import numpy as np

from gradcheck.audit import worker
from gradcheck.audit.adapters.shapes import classes, cs231n
from gradcheck.audit.network import forward_errors
from reference_nets.mlp import MLP, MLPConfig

SOURCE = """
import numpy as np

class Classifier:
    def __init__(self, n_in, n_hidden, n_out):
        self.model = {"W1": 0.5 * np.random.randn(n_in, n_hidden), "b1": np.zeros(n_hidden) + 0.1,
                      "W2": 0.5 * np.random.randn(n_hidden, n_out), "b2": np.zeros(n_out) - 0.2}

    def run(self, x, y=None, reg=0.0):
        h = np.maximum(x @ self.model["W1"] + self.model["b1"], 0)
        s = h @ self.model["W2"] + self.model["b2"]
        s = s - s.max(axis=1, keepdims=True)
        if y is None:
            return np.argmax(s, axis=1)
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        n = len(x)
        loss = -np.mean(np.log(p[np.arange(n), y]))
        d = {}
        p[np.arange(n), y] -= 1
        p /= n
        d["W2"] = h.T @ p
        d["b2"] = p.sum(axis=0)
        dh = (p @ self.model["W2"].T) * (h > 0)
        d["W1"] = x.T @ dh
        d["b1"] = dh.sum(axis=0)
        return loss, d

    def train(self, x, y, x_val, y_val, lr=1e-3, epochs=5):
        for _ in range(epochs):
            loss, d = self.run(x, y)
            for k in self.model:
                self.model[k] -= lr * d[k]
        return np.mean(self.run(x_val) == y_val)
"""


def _loaded(tmp_path, source: str, name: str):
    """Class ``name`` of ``source`` loaded from a file (its methods' source is read back)."""
    path = tmp_path / "student_cls.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("student_cls", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_the_renamed_loss_is_the_backward_and_its_label_free_call_the_forward(tmp_path):
    cls = _loaded(tmp_path, SOURCE, "Classifier")
    assert cs231n.renamed_loss(cls, ["__init__", "run", "train"]) == "run"
    picked = classes.method_names(cls, {})
    assert picked is not None and picked.backward == "run"
    assert cs231n.as_forward(picked.forward, picked.backward, cls) == ("run", True)


def test_a_method_returning_a_cache_is_no_loss(tmp_path):
    source = """
class Layer:
    def forward(self, x, y=None):
        out = x * 2
        cache = {}
        cache["x"] = x
        return out, cache
"""
    assert cs231n.renamed_loss(_loaded(tmp_path, source, "Layer"), ["forward"]) is None


def test_scores_shifted_per_sample_are_a_softmax_networks_scores():
    rng = np.random.default_rng(3)
    net = MLP(MLPConfig([3, 4, 3], ("relu",), output="softmax", loss="ce"))
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4), "W2": rng.normal(size=(4, 3))}
    params["b2"] = rng.normal(size=3)
    X = rng.normal(size=(5, 3))
    _, cache = net.forward(params, X)
    scores = cache.zs[-1]
    _, on_scores = forward_errors(net, params, X, scores - scores.max(axis=1, keepdims=True))
    assert on_scores < 1e-12
    _, off = forward_errors(net, params, X, scores + np.arange(3))  # a constant per class is another network
    assert off > 0.5


def test_the_class_audits_with_no_spec(tmp_path, monkeypatch, clean_imports):
    (tmp_path / "student.py").write_text(textwrap.dedent(SOURCE))
    (tmp_path / "req.json").write_text(json.dumps({"submission": "student.py", "spec": {}, "lrs": [1e-3, 2e-3]}))
    monkeypatch.chdir(tmp_path)
    assert worker.main(["worker", "req.json"]) == 0
    r = json.loads((tmp_path / "result.json").read_text())
    assert r["ok"], r["error"]
    assert r["entry"] == "Classifier.run" and r["shape"] == "loss-and-grads"
    assert np.asarray(r["forward"], float).dtype.kind == "f"  # the scores, not the argmax
