"""Truth cases for examples that audit with no spec only when the loader and the adapters read them right:
top-level settings read as globals by the methods (CONFIG = load_config(), a DEBUG flag), a model that keeps a
module-level dict of constants keyed like its weights, and a cost function over one flat parameter vector.
Each file's claimed gradient and a loss written here, independently of the project's gradient code, for
central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(31)
X = RNG.normal(size=(7, 3))


def _module(rel: str) -> types.ModuleType:
    """The file's imports, definitions and plain top-level assignments (its loops and calls of the model left out)."""
    tree = ast.parse((FOLDER / rel).read_text())
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign)
    tree.body = [s for s in tree.body if isinstance(s, keep) and not (isinstance(s, ast.Assign) and _calls_model(s))]
    module = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), module.__dict__)
    return module


def _calls_model(stmt: ast.stmt) -> bool:
    called = {n.func.id for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return bool(called & {"TinyNet", "ThreeLayer", "gradient_descent", "cost_function", "print"})


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def toplevel_flags(rel: str):
    """tanh hidden layer, sigmoid output, BCE averaged over samples and outputs."""
    m = _module(rel)
    net = m.TinyNet(3, 2)
    Y = (RNG.random((7, 2)) > 0.5).astype(float)
    ps = [net.W1, net.b1, net.W2, net.b2]
    net.forward(X)
    g = net.backward(Y)

    def loss():
        return _bce(_sig(np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3]), Y)

    return ps, [g[k] for k in ("W1", "b1", "W2", "b2")], loss


def noise_dict(rel: str):
    """ReLU, ReLU, sigmoid output; MSE averaged over samples (one output); the noise dict is a constant."""
    m = _module(rel)
    net = m.ThreeLayer()
    Xn = X[:, :2]
    Y = RNG.random((7, 1))
    keys = ["W1", "b1", "W2", "b2", "W3", "b3"]
    ps = [getattr(net, k) for k in keys]
    net.forward(Xn)
    g = net.backward(Y)

    def loss():
        a1 = np.maximum(Xn @ ps[0] + ps[1], 0)
        a2 = np.maximum(a1 @ ps[2] + ps[3], 0)
        return np.mean((_sig(a2 @ ps[4] + ps[5]) - Y) ** 2)

    return ps, [g[k] for k in keys], loss, keys


def flat_theta(rel: str):
    """theta = W1 (3x4), b1 (4), W2 (4x2), b2 (2) in that order, row-major; sigmoid layers, BCE summed over
    outputs and averaged over samples, plus lam / (2m) times the squared weights (not the biases)."""
    m = _module(rel)
    n_in, h, k, lam = 3, 4, 2, 0.3
    sizes = [n_in * h, h, h * k, k]
    theta = RNG.normal(0, 0.6, sum(sizes))
    Y = np.eye(k)[RNG.integers(0, k, 7)]
    _, grad = m.cost_function(theta.copy(), X, Y, n_in, h, k, lam)
    cuts = np.cumsum([0, *sizes])
    shapes = [(n_in, h), (h,), (h, k), (k,)]
    ps = [theta[a:b].reshape(s).copy() for a, b, s in zip(cuts[:-1], cuts[1:], shapes)]
    claimed = [np.asarray(grad)[a:b].reshape(s) for a, b, s in zip(cuts[:-1], cuts[1:], shapes)]

    def loss():
        out = _sig(_sig(X @ ps[0] + ps[1]) @ ps[2] + ps[3])
        data = -np.sum(Y * np.log(out) + (1 - Y) * np.log(1 - out)) / len(X)
        return data + lam / (2 * len(X)) * (np.sum(ps[0] ** 2) + np.sum(ps[2] ** 2))

    return ps, claimed, loss


ZEROCONF_CASES = {
    "toplevel_flags_correct.py": lambda: toplevel_flags("toplevel_flags_correct.py"),
    "toplevel_flags_tanh_prime_bug.py": lambda: toplevel_flags("toplevel_flags_tanh_prime_bug.py"),
    "noise_dict_attrs_correct.py": lambda: noise_dict("noise_dict_attrs_correct.py"),
    "noise_dict_attrs_relu_bug.py": lambda: noise_dict("noise_dict_attrs_relu_bug.py"),
    "flat_theta_cost_correct.py": lambda: flat_theta("flat_theta_cost_correct.py"),
    "flat_theta_cost_db1_bug.py": lambda: flat_theta("flat_theta_cost_db1_bug.py"),
}
