"""Truth cases for the examples whose backward returns the activations' gradients beside the weights' (the
course convention ``grads["dA1"]``), and for a loss that runs the forward with a dropout knob at its default:
each file's claimed gradient and a loss written here, independently of the project's gradient code, for central
differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(11)


def _module(rel: str):
    spec = importlib.util.spec_from_file_location(rel[:-3], FOLDER / rel)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the files train only under __main__
    return mod


def deep_cache(rel: str):
    """Samples in columns (3 x 9), a ReLU layer then a sigmoid, mean BCE with the file's 1e-8 guard in each log.

    At the file's own start (weights 0.01, zero biases) every output is about 0.5; the entries are checked at
    weights of order one so that each layer's gradient is large enough for central differences to tell.
    """
    m = _module(rel)
    p = m.init_deep([3, 5, 1])
    for k in p:
        p[k] = RNG.normal(size=p[k].shape)
    Xc, Y = RNG.normal(size=(3, 9)), (RNG.random((1, 9)) > 0.5).astype(float)
    AL, caches = m.model_forward(Xc, p)
    g = m.model_backward(AL, Y, caches)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        h = np.maximum(p["W1"] @ Xc + p["b1"], 0.0)
        q = 1.0 / (1.0 + np.exp(-(p["W2"] @ h + p["b2"])))
        return -np.mean(Y * np.log(q + 1e-8) + (1 - Y) * np.log(1 - q + 1e-8))

    return [p[k] for k in keys], [g["d" + k] for k in keys], loss, keys


def dropout_arg(rel: str):
    """Mean log-cosh over 7 samples and 2 outputs, the file's fixed mask on the tanh layer (keep_prob 0.8)."""
    m = _module(rel)
    net = m.Net()
    X, Y = RNG.normal(size=(7, 3)), RNG.normal(size=(7, 2))
    g = net.backward(X, Y)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        h = np.tanh(X @ net.W1 + net.b1) * net.mask
        return np.mean(np.log(np.cosh(h @ net.W2 + net.b2 - Y)))

    return [getattr(net, k) for k in keys], [g[k] for k in keys], loss, keys


CACHE_CASES = {
    "dropout_arg_logcosh_correct.py": lambda: dropout_arg("dropout_arg_logcosh_correct.py"),
    "deep_cache_eps_relu_correct.py": lambda: deep_cache("deep_cache_eps_relu_correct.py"),
    "deep_cache_eps_relu_db_bug.py": lambda: deep_cache("deep_cache_eps_relu_db_bug.py"),
}
