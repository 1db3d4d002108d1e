"""EXPECTED.toml is ground truth: each added example's claimed gradient against central differences of the
loss it claims to differentiate, written here independently (never with the project's gradient code).

The examples are this project's own files, run in-process here (the auditor itself only ever runs
submissions in its sandbox). A "pass" file must be right on every tensor; a "fail" file wrong on exactly
the tensors its ``wrong`` list names.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import json
import sys
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest
from centraldiff import numeric
from truth_caches import CACHE_CASES
from truth_crossed import CROSSED_CASES
from truth_depth0 import DEPTH0_CASES
from truth_gaps import GAP_CASES
from truth_madeinside import MADEINSIDE_CASES
from truth_outputs import OUTPUTS_CASES
from truth_ownloss import OWNLOSS_CASES
from truth_public import PUBLIC_CASES
from truth_stored import STORED_CASES
from truth_zeroconf import ZEROCONF_CASES
from truth_zeroconf_shapes import SHAPES_CASES

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
EXPECTED = tomllib.loads((FOLDER / "EXPECTED.toml").read_text())["files"]
RNG = np.random.default_rng(42)
X = RNG.normal(size=(7, 3))
#: Central differences at this step agree with an exact gradient to ~1e-9 on these small nets; a
#: wrong tensor is off by far more than this (every planted bug here changes entries by > 1%).
RTOL = 1e-6


def definitions(path: Path, name: str) -> types.ModuleType:
    """The file's imports, functions and classes (its top-level training code is not run); a notebook's code cells."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    else:
        source = path.read_text()
    tree = ast.parse(source)
    keep = [
        s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign))
    ]
    module = types.ModuleType(name)
    for stmt in keep:
        try:
            exec(compile(ast.Module([stmt], []), str(path), "exec"), module.__dict__)
        except Exception:  # noqa: BLE001 - e.g. a list built from data the test does not have
            pass
    return module


NAMES = ["W1", "b1", "W2", "b2"]


def ce(p, onehot):
    return -np.mean(np.sum(onehot * np.log(p), axis=1))


def bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def case_cs231n_softmax():
    m = definitions(FOLDER / "cs231n_softmax_correct.py", "c")
    net = m.TwoLayerNet(3, 5, 4, std=0.7)
    y = np.array([0, 1, 2, 3, 1, 2, 0])
    P = net.params
    _, g = net.loss(X, y)
    keys = ["W1", "b1", "W2", "b2"]
    return [P[k] for k in keys], [g[k] for k in keys], lambda: ce(softmax_rows(net.loss(X)), np.eye(4)[y])


def case_positional_softmax():
    m = definitions(FOLDER / "positional_softmax_correct.py", "p")
    ps = [RNG.normal(size=s) for s in ((4, 3), (4, 1), (3, 4), (3, 1))]
    Xc, Y = X.T.copy(), np.eye(3)[[0, 1, 2, 0, 1, 2, 2]].T
    claimed = m.backward_prop(*m.forward_prop(*ps, Xc), ps[0], ps[2], Xc, Y)
    return ps, list(claimed), lambda: -np.sum(Y * np.log(m.forward_prop(*ps, Xc)[3])) / 7


def case_params_never_created():
    m = definitions(FOLDER / "params_never_created_correct.py", "n")
    P = {
        k: RNG.normal(size=s)
        for k, s in (("W1", (3, 4)), ("b1", (4,)), ("W2", (4, 5)), ("b2", (5,)), ("W3", (5, 2)), ("b3", (2,)))
    }
    Y = RNG.normal(size=(7, 2))
    out, cache = m.forward(X, P)
    g = m.backward(P, cache, out, Y)
    return list(P.values()), [g[k] for k in P], lambda: np.mean((m.forward(X, P)[0] - Y) ** 2)


def _inplace(params, step, lr):
    before = [p.copy() for p in params]
    step()
    claimed = [(b - p) / lr for b, p in zip(before, params)]
    for p, b in zip(params, before):
        p[...] = b
    return claimed


def case_fit_weights():
    m = definitions(FOLDER / "fit_weights_correct.py", "f")
    net = m.MLPRegressor(n_hidden=5, eta=0.01, max_iter=0).fit(X, RNG.normal(size=7))
    Y = RNG.normal(size=(7, 1))
    ps = [net.W_in, net.b_in, net.W_out, net.b_out]
    return ps, _inplace(ps, lambda: net._backprop(X, Y), 0.01), lambda: np.mean((net.predict(X) - Y) ** 2)


#: Module names the example projects share (each project is imported afresh).
PROJECT_MODULES = ("activations", "layers", "losses", "model", "network", "dense")
#: Packages of example projects, popped with their modules (``stacknet.layers``).
PROJECT_PACKAGES = ("stacknet",)


def _import(folder: str, names: tuple[str, ...]):
    """The folder's modules, freshly imported (two example projects both have an ``activations`` module)."""
    sys.path.insert(0, str(FOLDER / folder))
    try:
        for name in PROJECT_MODULES:
            sys.modules.pop(name, None)
        return [importlib.import_module(n) for n in names]
    finally:
        sys.path.pop(0)
        for name in PROJECT_MODULES:
            sys.modules.pop(name, None)
        for name in [n for n in sys.modules if n.split(".")[0] in PROJECT_PACKAGES]:
            del sys.modules[name]
        here = str(FOLDER / folder)  # and whatever else of the folder was imported (planar_model): a later
        for name, module in list(sys.modules.items()):  # in-process audit of it must load its own copy
            if (getattr(module, "__file__", None) or "").startswith(here):
                del sys.modules[name]


def case_project():
    losses, network = _import("project_correct", ("losses", "network"))
    net, loss = network.Network(sizes=(3, 4, 1)), losses.BinaryCrossEntropy()
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    loss.forward(net.forward(X), Y)
    net.backward(loss.backward())
    dense = [lay for lay in net.layers if hasattr(lay, "W")]
    ps = [a for d in dense for a in (d.W, d.b)]
    claimed = [a for d in dense for a in (d.grad_W, d.grad_b)]
    return ps, claimed, lambda: bce(net.forward(X), Y)


def _mlp_case(rel: str, loss_of):
    m = definitions(FOLDER / rel, rel)
    net = m.MLP(n_in=3, n_hidden=4, n_out=2)
    Y = (RNG.random((7, 2)) > 0.5).astype(float)
    net.forward(X)
    got = net.backward(Y)
    ps = [net.W1, net.b1, net.W2, net.b2]
    claimed = [got[k] for k in ("W1", "b1", "W2", "b2")] if got is not None else [net.dW1, net.db1, net.dW2, net.db2]
    return ps, claimed, lambda: loss_of(net.forward(X), Y)


def case_softmax_onehot_missing_mean():
    m = definitions(FOLDER / "softmax_onehot_missing_mean_bug.py", "s")
    net = m.SoftmaxClassifier(n_features=3, n_hidden=4, n_classes=3)
    Y = np.eye(3)[[0, 1, 2, 2, 1, 0, 1]]
    net.forward(X)
    g = net.gradients(Y)
    ps = [net.W1, net.b1, net.W2, net.b2]
    return ps, [g[k] for k in ("dW1", "db1", "dW2", "db2")], lambda: ce(net.forward(X), Y)


def case_tanh_output():
    m = definitions(FOLDER / "tanh_output_correct.py", "t")
    net = m.TanhRegressor(3, 4, 2)
    Y = RNG.uniform(-0.9, 0.9, (7, 2))
    net.forward(X)
    return [net.W1, net.b1, net.W2, net.b2], list(net.backward(Y)), lambda: np.mean((net.forward(X) - Y) ** 2)


def case_elu_alpha():
    m = definitions(FOLDER / "elu_alpha_correct.py", "e")
    net = m.ELUClassifier(n_in=3, n_hidden=4, alpha=0.5, learning_rate=0.01)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    ps = [net.W1, net.b1, net.W2, net.b2]
    return ps, _inplace(ps, lambda: net.train_step(X, Y), 0.01), lambda: bce(net.forward(X), Y)


def case_leaky_relu_slope():
    m = definitions(FOLDER / "leaky_relu_slope_bug.py", "l")
    P = m.init_params(3, 6, 2)
    Y = RNG.normal(size=(7, 2))
    _, cache = m.forward(X, P)
    g = m.backward(P, cache, X, Y)
    keys = ["W1", "b1", "W2", "b2"]
    return [P[k] for k in keys], [g[k] for k in keys], lambda: np.mean((m.forward(X, P)[0] - Y) ** 2)


def case_half_sum_mse():
    m = definitions(FOLDER / "half_sum_mse_correct.py", "h")
    net = m.Net(n_in=3, n_hidden=4, n_out=3)
    Y = RNG.normal(size=(7, 3))
    net.forward(X)
    g = net.backward(Y)
    ps = [net.w_ih, net.b_h, net.w_ho, net.b_o]
    return ps, [g[k] for k in ("w_ih", "b_h", "w_ho", "b_o")], lambda: 0.5 * np.sum((net.forward(X) - Y) ** 2)


def case_two_bugs():
    m = definitions(FOLDER / "two_bugs_bug.py", "b")
    net = m.TwoBugNet()
    Y = RNG.normal(size=(7, 2))
    net.forward(X)
    g = net.backward(Y)
    ps = [net.W1, net.b1, net.W2, net.b2]
    return ps, [g[k] for k in ("W1", "b1", "W2", "b2")], lambda: np.mean((net.forward(X) - Y) ** 2)


def case_derivative_functions():
    m = definitions(FOLDER / "derivative_functions_correct.py", "d")
    ps = [RNG.normal(size=s) for s in ((3, 4), (4,), (4, 3), (3,))]
    T = np.eye(3)[[0, 1, 2, 0, 1, 2, 2]]
    Yp, Z = m.forward(X, *ps)
    ascent = [
        m.derivative_w1(X, Z, T, Yp, ps[2]),
        m.derivative_b1(T, Yp, ps[2], Z),
        m.derivative_w2(Z, T, Yp),
        m.derivative_b2(T, Yp),
    ]
    # the ascent direction of the log-likelihood sum T log Y is minus the gradient of the summed cross-entropy
    return ps, [-a for a in ascent], lambda: -np.sum(T * np.log(m.forward(X, *ps)[0]))


def case_layer_list():
    m = definitions(FOLDER / "layer_list_correct.py", "ll")
    net = [m.Dense(3, 4), m.Sigmoid(), m.Dense(4, 2), m.Sigmoid()]
    x, y = X[:1].T.copy(), RNG.random((2, 1))
    ps = [net[0].weights, net[0].bias, net[2].weights, net[2].bias]

    def step():
        grad = m.mse_prime(y, m.predict(net, x))
        for layer in reversed(net):
            grad = layer.backward(grad, 0.01)

    return ps, _inplace(ps, step, 0.01), lambda: m.mse(y, m.predict(net, x))


def case_script():
    source = (FOLDER / "script_correct.py").read_text()
    head, loop = source.split("for step in range(1000):")
    ns: dict = {}
    exec(head, ns)
    ps = [ns[k].copy() for k in ("W1", "b1", "W2", "b2")]
    body = "\n".join(line[4:] for line in loop.split("\n    W1 -= ")[0].splitlines() if line.strip())
    exec(body, ns)
    claimed = [ns[k] for k in ("dW1", "db1", "dW2", "db2")]

    def loss():
        a1 = np.maximum(ns["X"] @ ps[0] + ps[1], 0)
        return bce(1 / (1 + np.exp(-(a1 @ ps[2] + ps[3]))), ns["Y"])

    return ps, claimed, loss


def case_loss_params_first():
    m = definitions(FOLDER / "loss_params_first_two_bugs_bug.py", "lp")
    P = m.init_params(3, 4, 1)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    g = m.backward(P, X, Y)
    keys = ["W1", "b1", "W2", "b2"]
    return [P[k] for k in keys], [g[k] for k in keys], lambda: m.loss(P, X, Y)


def _myonn(rel: str):
    """The book-style class trains on one sample; its loss is half the sum of squares of (target - output)."""
    m = definitions(FOLDER / rel, rel)
    np.random.seed(0)
    net = m.neuralNetwork(3, 4, 2, 0.1)
    x, t = RNG.random(3), RNG.random(2) * 0.98 + 0.01
    ps = [net.wih, net.who]
    claimed = _inplace(ps, lambda: net.train(x, t), 0.1)
    return ps, claimed, lambda: 0.5 * np.sum((t[:, None] - net.query(x)) ** 2), ["wih", "who"]


def case_train_step_layers():
    m = definitions(FOLDER / "train_step_layers_correct.py", "ts")
    net = m.Network([m.Dense(3, 4), m.ReLU(), m.Dense(4, 2)])
    Y = RNG.normal(size=(7, 2))
    net.loss_fn.forward(net.forward(X), Y)
    net.backward()
    dense = net.layers[::2]
    ps = [a for d in dense for a in (d.W, d.b)]
    return ps, [a for d in dense for a in (d.dW, d.db)], lambda: np.mean((net.forward(X) - Y) ** 2)


def case_classifier_project():
    (model,) = _import("classifier_project_correct", ("model",))
    net = model.MLPClassifier(3, 5, 3)
    Y = np.eye(3)[[0, 1, 2, 2, 1, 0, 1]]
    net.loss(X, Y)
    net.backward()
    dense = net.layers[::2]
    ps = [a for d in dense for a in (d.weight, d.bias)]
    claimed = [a for d in dense for a in (d.grad_weight, d.grad_bias)]
    return ps, claimed, lambda: ce(softmax_rows(net.forward(X)), Y)


def case_sequential_main():
    """main() builds the layer list and trains with the loss object; one epoch's update at lr 0.1."""
    sys.path.insert(0, str(FOLDER / "sequential_main_bug"))
    try:
        layers, losses, model = (importlib.import_module(f"tinynet.{n}") for n in ("layers", "losses", "model"))
    finally:
        sys.path.pop(0)
        for name in [n for n in sys.modules if n == "tinynet" or n.startswith("tinynet.")]:
            sys.modules.pop(name)
    np.random.seed(3)
    net = model.Sequential([layers.Dense(3, 5), layers.Tanh(), layers.Dense(5, 3), layers.Softmax()])
    Y, loss = np.eye(3)[[0, 1, 2, 2, 1, 0, 1]], losses.CrossEntropy()
    dense = net.layers[::2]
    ps = [a for d in dense for a in (d.W, d.b)]
    claimed = _inplace(ps, lambda: net.train(X, Y, loss, epochs=1, learning_rate=0.1, verbose=False), 0.1)
    names = ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"]
    return ps, claimed, lambda: ce(softmax_rows(np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3]), Y), names


def case_trask_script():
    """The loop body's first pass, with the weights it starts from; gradient = minus the increment (lr 1)."""
    source = (FOLDER / "trask_script_preact_bug.py").read_text()
    head, loop = source.split("for j in range(60000):")
    ns: dict = {}
    exec(head, ns)
    body = [line[4:] for line in loop.splitlines() if line.startswith("    ")]
    ns["j"] = 1
    ps = [ns["syn0"], ns["syn1"]]
    claimed = _inplace(ps, lambda: exec("\n".join(body), ns), 1.0)
    sig = ns["nonlin"]
    return ps, claimed, lambda: 0.5 * np.sum((ns["y"] - sig(sig(ns["X"] @ ps[0]) @ ps[1])) ** 2), ["syn0", "syn1"]


def case_lists_init_network():
    m = definitions(FOLDER / "lists_init_network_bias_bug.py", "li")
    W, B = m.init_network([3, 4, 1])
    B = [b + 0.1 for b in B]
    Y = RNG.random((7, 1))
    dW, dB = m.backward(W, B, X, Y)
    return [W[0], B[0], W[1], B[1]], [dW[0], dB[0], dW[1], dB[1]], lambda: m.mse_loss(W, B, X, Y)


def _sklearn_style(rel: str, cls: str, kwargs: dict, backward: str, hidden):
    """A class whose fit() creates W1, b1, W2, b2; BCE on a sigmoid output after ``hidden``."""
    m = definitions(FOLDER / rel, rel)
    net = getattr(m, cls)(**kwargs).fit(X, np.zeros(7))
    y = (RNG.random((7, 1)) > 0.5).astype(float)
    net._forward(X)
    ps = [net.W1, net.b1, net.W2, net.b2]
    return (
        ps,
        list(getattr(net, backward)(X, y)),
        lambda: bce(1 / (1 + np.exp(-(hidden(X @ ps[0] + ps[1]) @ ps[2] + ps[3]))), y),
    )


def _binary_mlp(rel: str):
    return _sklearn_style(rel, "BinaryMLP", {"n_hidden": 4, "epochs": 0}, "_backward", np.tanh)


def _lists_pres_acts(rel: str):
    """Targets far from the output, so that some entries of every gradient exceed the clip bound."""
    m = definitions(FOLDER / rel, rel)
    W, B = m.init_network([3, 4, 1])
    B = [b + 0.1 for b in B]
    Y = RNG.normal(size=(7, 1)) * 30
    dW, dB = m.backward(W, B, X, Y)

    def loss():
        h = np.maximum(X @ W[0] + B[0], 0)
        return np.mean((h @ W[1] + B[1] - Y) ** 2)

    names = ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]
    return [W[0], B[0], W[1], B[1]], [dW[0], dB[0], dW[1], dB[1]], loss, names


def _proba_ravel(rel: str):
    relu = functools.partial(np.maximum, 0)
    return _sklearn_style(rel, "ShallowClassifier", {"hidden_units": 4, "n_iter": 0}, "_gradients", relu)


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _arch(rel: str, hidden, arch_name: str, forward: str, backward: str):
    """Architecture-list functions, samples in columns: W out x in, b (out, 1); BCE on a sigmoid output."""
    m = definitions(FOLDER / rel, rel)
    arch = getattr(m, arch_name)
    P = m.init_layers(arch, 3)
    Xc = RNG.normal(size=(arch[0]["input_dim"], 7))
    Y = (RNG.random((1, 7)) > 0.5).astype(float)
    out, memory = getattr(m, forward)(Xc, P, arch)
    g = getattr(m, backward)(out, Y, memory, P, arch)
    keys = [f"{w}{i}" for i in range(1, len(arch) + 1) for w in "Wb"]

    def loss():
        A = Xc
        for i in range(1, len(arch) + 1):
            Z = P[f"W{i}"] @ A + P[f"b{i}"]
            A = _sig(Z) if i == len(arch) else hidden(Z)
        return bce(A, Y)

    return [P[k] for k in keys], [g["d" + k] for k in keys], loss, keys


def _notebook_definitions(path: Path) -> types.ModuleType:
    """A notebook's code cells as one module, its training-loop cell (a ``for`` statement) left out."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    source = "\n".join(
        "".join(c["source"]) for c in cells if not "".join(c["source"]).lstrip().startswith(("for", "learning_rate"))
    )
    module = types.ModuleType("nb")
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def _globals_init(m, hidden):
    """forward(params, X) -> (hidden, scores), softmax, backward(params, X, y, hidden, probs); mean CE."""
    P = m.init_params(3, 5, 4)
    P = {k: v + RNG.normal(scale=0.1, size=v.shape) for k, v in P.items()}  # biases away from zero
    y = np.array([0, 1, 2, 3, 1, 2, 0])
    h, scores = m.forward(P, X)
    g = m.backward(P, X, y, h, m.softmax(scores))

    def loss():
        z = hidden(X @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]
        return ce(softmax_rows(z), np.eye(4)[y])

    return [P[k] for k in NAMES], [g[k] for k in NAMES], loss


def _weights_script(rel: str, loop: str, lr: str, hidden, loss_of):
    """A top-level script's first pass over lists weights[i], biases[i]: gradient = -(increment) / lr."""
    head, body = (FOLDER / rel).read_text().split(loop)
    ns: dict = {}
    exec(head, ns)
    ns["epoch"] = 1
    ps = [ns["weights"][0], ns["biases"][0], ns["weights"][1], ns["biases"][1]]
    step = "\n".join(line[4:] for line in body.splitlines() if line.startswith("    "))
    claimed = _inplace(ps, lambda: exec(step, ns), ns[lr])

    def loss():
        out = _sig(hidden(ns["X"] @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return loss_of(out, ns["y"])

    return ps, claimed, loss, ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


def _unrolled(rel: str, fn: str, order: str, base: int, lam: float):
    """A cost over an unrolled vector (bias column first); the truth: BCE summed over labels, mean over m, + L2."""
    m = definitions(FOLDER / rel, rel)
    n, h, k = 3, 4, 2
    t1, t2 = RNG.normal(size=(h, n + 1)), RNG.normal(size=(k, h + 1))
    y = np.array([0, 1, 1, 0, 1, 0, 0])
    flat = np.concatenate([t1.ravel(order=order), t2.ravel(order=order)])
    _, grad = getattr(m, fn)(flat, n, h, k, X, y + base, lam)
    claimed = [grad[: t1.size].reshape(t1.shape, order=order), grad[t1.size :].reshape(t2.shape, order=order)]

    def loss():
        ones = np.ones((7, 1))
        out = _sig(np.hstack([ones, _sig(np.hstack([ones, X]) @ t1.T)]) @ t2.T)
        Y = np.eye(k)[y]
        reg = lam / 14 * (np.sum(t1[:, 1:] ** 2) + np.sum(t2[:, 1:] ** 2))
        return -np.sum(Y * np.log(out) + (1 - Y) * np.log(1 - out)) / 7 + reg

    return [t1, t2], claimed, loss, ["Theta1", "Theta2"]


def case_mnist_notebook_bias_sum():
    """Summed over the units too, ``db = 1/m * np.sum(dZ)`` is a number where a column belongs."""
    m = definitions(FOLDER / "mnist_notebook_bias_sum_bug.ipynb", "nb")
    W1, W2, b1, b2 = (RNG.normal(size=s) for s in ((4, 3), (3, 4), (4, 1), (3, 1)))
    Xc, y = X.T.copy(), np.array([0, 1, 2, 2, 1, 0, 1])
    dW1, dW2, db1, db2 = m.backward_prop(*m.forward_prop(W1, W2, b1, b2, Xc), W1, W2, Xc, y)
    return [W1, b1, W2, b2], [dW1, db1, dW2, db2], lambda: ce(m.forward_prop(W1, W2, b1, b2, Xc)[3].T, np.eye(3)[y])


def case_columns_bias_sum_tuple():
    """``db = np.sum(dZ) / m``: one number per layer, against mean cross-entropy of the file's own forward."""
    m = definitions(FOLDER / "columns_bias_sum_tuple_bug.py", "colsum")
    W1, b1, W2, b2 = m.make_weights(3, 5, 3)
    Xc, y = X.T.copy(), np.array([0, 1, 2, 2, 1, 0, 1])
    dW1, db1, dW2, db2 = m.backward(*m.forward(W1, b1, W2, b2, Xc), W1, W2, Xc, y)
    claimed = [dW1, np.full(b1.shape, db1), dW2, np.full(b2.shape, db2)]
    return [W1, b1, W2, b2], claimed, lambda: ce(m.forward(W1, b1, W2, b2, Xc)[3].T, np.eye(3)[y])


def _keyword_loss(rel: str):
    """Layer objects stepping in place at lr 0.5, from the loss object's backward(true_values=, predicted_values=),
    against mean cross-entropy of the network's softmax output."""
    m = definitions(FOLDER / rel, rel.removesuffix(".py"))
    np.random.seed(4)
    net = m.Network()
    for layer in (m.Linear(3, 5), m.Rectifier(), m.Linear(5, 3), m.SoftmaxLayer()):
        net.add(layer)
    Y = np.eye(3)[[0, 1, 2, 2, 1, 0, 1]]
    ps = [net.layers[0].weights, net.layers[0].biases, net.layers[2].weights, net.layers[2].biases]

    def step():
        out = net.forward(X)
        net.backward(net.loss_function.backward(true_values=Y, predicted_values=out), 0.5)

    names = [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "biases")]
    return ps, _inplace(ps, step, 0.5), lambda: ce(net.forward(X), Y), names


def _data_shape_count(rel: str):
    """The backward divides by ``rows``, read off a data table that is not there: the batch's 7 samples, against
    mean cross-entropy of the notebook's own forward_prop (samples as columns, integer labels)."""
    m = definitions(FOLDER / rel, rel.removesuffix(".ipynb"))
    m.rows = 7
    np.random.seed(2)
    W1, b1, W2, b2 = m.init_params()
    b1, b2 = RNG.normal(size=b1.shape), RNG.normal(size=b2.shape)
    Xc, y = RNG.random((64, 7)), np.array([0, 1, 2, 3, 1, 0, 2])
    claimed = m.backward_prop(*m.forward_prop(W1, b1, W2, b2, Xc), W1, W2, Xc, y)
    return [W1, b1, W2, b2], list(claimed), lambda: ce(m.forward_prop(W1, b1, W2, b2, Xc)[3].T, np.eye(4)[y])


def case_mnist_notebook():
    m = definitions(FOLDER / "mnist_notebook_correct.ipynb", "nbc")
    ps = [RNG.normal(size=s) for s in ((4, 3), (4, 1), (3, 4), (3, 1))]
    Xc, y = X.T.copy(), np.array([0, 1, 2, 2, 1, 0, 1])
    Z1, A1, Z2, A2 = m.forward_prop(*ps, Xc)
    claimed = m.back_prop(Z1, A1, Z2, A2, ps[2], Xc, y)
    return ps, list(claimed), lambda: ce(m.forward_prop(*ps, Xc)[3].T, np.eye(3)[y])


def case_layer_array_project():
    """One sample (a column), the layers' in-place update at lr 0.01 read back as the gradient."""
    activations, dense, network = _import("layer_array_project_correct", ("activations", "dense", "network"))
    np.random.seed(5)
    h1 = dense.Dense(3, 4, activations.Tanh)
    h2 = dense.Dense(4, 5, activations.Tanh)
    out = dense.Dense(5, 3, activations.Softmax)
    net = network.Network(np.array([h1, h2, out]))
    x, y = X[:1].T.copy(), np.eye(3)[:, [2]]
    ps = [a for d in (h1, h2, out) for a in (d.W, d.bias)]
    claimed = _inplace(ps, lambda: net.backpropagation(net.forward(x), y, learning_rate=0.01), 0.01)
    names = [f"layers[{i}].{n}" for i in range(3) for n in ("W", "bias")]
    return ps, claimed, lambda: -float(np.sum(y * np.log(net.forward(x)))), names


def case_update_skips_last_layer():
    """The gradients backward_prop stores; the update that never moves the last layer is a training bug."""
    m = definitions(FOLDER / "update_skips_last_layer_correct.py", "us")
    np.random.seed(6)
    net = m.Net([3, 5, 4, 1])
    Xc, Y = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)
    net.cache["A0"] = Xc
    net.forward_prop(Xc)
    net.backward_prop(Y)
    keys = [f"{k}{i}" for i in (1, 2, 3) for k in ("W", "b")]
    ps = [net.params[k] for k in keys]
    return ps, [net.grads["d" + k] for k in keys], lambda: bce(net.forward_prop(Xc), Y), keys


def case_layer_update_first():
    """The in-place update at lr 0.1 read back: the lower layer's part went through the updated weights."""
    m = definitions(FOLDER / "layer_update_first_bug.py", "uf")
    np.random.seed(7)
    net = m.Network([3, 4, 1])
    x, y = X[:1].T.copy(), np.array([[1.0]])
    ps = [a for lay in net.layers for a in (lay.weights, lay.biases)]
    claimed = _inplace(ps, lambda: net.backward(net.forward(x), y, 0.1), 0.1)
    names = ["layers[0].weights", "layers[0].biases", "layers[1].weights", "layers[1].biases"]
    return ps, claimed, lambda: net.loss(net.forward(x), y), names


def case_theta_methods():
    """Parameters the model's own init_theta() makes, given back to backprop(theta, X, Y)."""
    m = definitions(FOLDER / "theta_methods_correct.py", "tm")
    arch = [{"dimension": 3, "type": "input"}, {"dimension": 4, "type": "tanh"}, {"dimension": 2, "type": "sigmoid"}]
    model = m.Model(arch)
    theta = model.init_theta(seed=4)
    Xc, Y = X.T.copy(), (RNG.random((2, 7)) > 0.5).astype(float)
    grads = model.backprop(theta, Xc, Y)
    ps = [theta[k] for k in NAMES]
    p = lambda: model.forward(theta, Xc)  # noqa: E731
    return ps, [grads[k] for k in NAMES], lambda: -np.sum(Y * np.log(p()) + (1 - Y) * np.log(1 - p())) / 7


def case_init_method_fixed_lr():
    """One epoch of train() after init(): the update at its written rate 0.05, read back."""
    m = definitions(FOLDER / "init_method_fixed_lr_correct.py", "im")
    net = m.GlassNet()
    Xb = RNG.normal(size=(7, 9))
    Y = np.eye(6)[[0, 1, 2, 3, 4, 5, 1]]
    net.init(Xb, Y, 1)
    ps = [net.w_hidden, net.w_output]
    before = [p.copy() for p in ps]
    net.train()  # w_hidden in place, w_output rebound to a new array
    claimed = [(b - a) / 0.05 for b, a in zip(before, (net.w_hidden, net.w_output))]
    net.w_hidden[...], net.w_output = before[0], ps[1]
    return ps, claimed, lambda: ce(net.feed_forward(), Y), ["w_hidden", "w_output"]


def case_l2_default_mse_delta():
    """Against the code's own loss, penalty included: mean MSE + reg / 2 * sum(W**2)."""
    m = definitions(FOLDER / "l2_default_mse_delta_bug.py", "l2")
    np.random.seed(8)
    net = m.Net([3, 5, 2])
    Y = RNG.random((7, 2))
    net.forward(X)
    dW, db = net.backward(X, Y)
    ps = [a for pair in zip(net.weights, net.biases) for a in pair]
    claimed = [a for pair in zip(dW, db) for a in pair]
    reg = net.regularization

    def loss():
        return np.mean((net.forward(X) - Y) ** 2) + reg / 2 * sum(np.sum(W**2) for W in net.weights)

    return ps, claimed, loss, ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


def _lists_cached(file: str):
    """Functions over weight lists whose forward returns (probs, loss, zs, acts): mean CE over integer labels."""
    m = definitions(FOLDER / file, file.split(".")[0])
    Ws, bs = m.init_weights([3, 5, 4, 3])  # three layers, as the file's own main block makes them
    y = np.array([0, 2, 1, 1, 0, 2, 2])
    _, _, zs, acts = m.forward(X, y, Ws, bs)
    dWs, dbs = m.backward(X, y, Ws, bs, zs, acts)
    ps = [a for pair in zip(Ws, bs) for a in pair]
    claimed = [a for pair in zip(dWs, dbs) for a in pair]

    def loss():
        h = X
        for W, b in zip(Ws[:-1], bs[:-1]):
            h = np.tanh(h @ W + b)
        return ce(softmax_rows(h @ Ws[-1] + bs[-1]), np.eye(3)[y])

    return ps, claimed, loss, [f"{k}[{i}]" for i in range(3) for k in ("Ws", "bs")]


def _src_layout(folder: str):
    """A project importing through its root (from src.layers.dense import Dense): mean MSE, stored dW/db."""
    drop = lambda: [sys.modules.pop(k) for k in list(sys.modules) if k == "src" or k.startswith("src.")]  # noqa: E731
    sys.path.insert(0, str(FOLDER / folder))
    drop()
    try:
        net = importlib.import_module("src.model").Regressor(sizes=(3, 5, 4, 2), seed=3)
    finally:
        sys.path.pop(0)
        drop()
    Y = RNG.normal(size=(7, 2))
    net.backward(net.forward(X), Y)
    dense = [lay for lay in net.layers if hasattr(lay, "W")]
    ps = [a for d in dense for a in (d.W, d.b)]
    names = [f"layers[{i}].{n}" for i in (0, 2, 4) for n in ("W", "b")]
    return ps, [g for d in dense for g in (d.dW, d.db)], lambda: np.mean((net.forward(X) - Y) ** 2), names


def case_loss_state_project():
    """run.Regressor: the loss object's forward keeps the targets, backward(targets) starts from its backward()."""
    folder = FOLDER / "loss_state_project_correct"
    drop = lambda: [sys.modules.pop(k) for k in list(sys.modules) if k == "mynet" or k.startswith("mynet.")]  # noqa: E731
    sys.path.insert(0, str(folder))
    drop()
    try:
        net = definitions(folder / "run.py", "lsrun").Regressor(sizes=(3, 5, 2), seed=2)
    finally:
        sys.path.pop(0)
        drop()
    Y = RNG.normal(size=(7, 2))
    net.criterion.forward(net.forward(X), Y)
    net.backward(Y)
    dense = [lay for lay in net.layers if hasattr(lay, "W")]
    names = [f"layers[{i}].{n}" for i in (0, 2) for n in ("W", "b")]
    grads = [g for d in dense for g in (d.dW, d.db)]
    return [a for d in dense for a in (d.W, d.b)], grads, lambda: np.mean((net.forward(X) - Y) ** 2), names


def case_layer_pairs_attribute():
    """PairNet.layers = [[W, b], ...]; grads(X, T) returns [[dW, db], ...] of the mean squared error."""
    net = definitions(FOLDER / "layer_pairs_attribute_correct.py", "pairattr").PairNet(widths=(3, 5, 4, 2), seed=1)
    T = RNG.normal(size=(7, 2))
    g = net.grads(X, T)
    names = [f"layers[{i}].{n}" for i in range(3) for n in ("W", "b")]
    return [a for pair in net.layers for a in pair], [a for pair in g for a in pair], lambda: net.loss(X, T), names


def case_optimizer_named_net():
    """SGDTrainedNet.backward(Y) updates in place: the gradient is (before - after) / learning_rate, mean BCE."""
    net = definitions(FOLDER / "optimizer_named_net_correct.py", "sgdnamed").SGDTrainedNet(n_in=3, n_hidden=4)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    names = ["W1", "b1", "W2", "b2"]
    before = [getattr(net, k).copy() for k in names]
    net.forward(X)
    net.backward(Y)
    claimed = [(b - getattr(net, k)) / net.learning_rate for b, k in zip(before, names)]
    for k, b in zip(names, before):
        setattr(net, k, b)
    return before, claimed, lambda: bce(net.forward(X), Y), names


def _pair_batch(file: str):
    """backprop(self, batch) unpacks batch[0], batch[1]; sigmoid output, mean BCE written here."""
    m = definitions(FOLDER / file, file.split(".")[0])
    np.random.seed(11)
    net = m.Net()
    x, y = RNG.normal(size=(7, 4)), (RNG.random((7, 1)) > 0.5).astype(float)
    grad_w, grad_b = net.backprop((x, y))
    ps = [a for pair in zip(net.weights, net.bias) for a in pair]
    claimed = [a for pair in zip(grad_w, grad_b) for a in pair]
    return ps, claimed, lambda: bce(net.feedforward(x), y), ["weights[0]", "bias[0]", "weights[1]", "bias[1]"]


def _layer_pairs(file: str):
    """DeepNet([(3, "relu"), (5, "relu"), (1, "sigmoid")]), samples in columns, mean BCE written here."""
    m = definitions(FOLDER / file, file.split(".")[0])
    net = m.DeepNet([(3, "relu"), (5, "relu"), (1, "sigmoid")])
    for key in net.params:
        net.params[key] += 0.3 * RNG.normal(size=net.params[key].shape)
    Xc, Y = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)
    AL, caches = net.forward(Xc)
    grads = net.backward(AL, Y, caches)
    keys = ["W1", "b1", "W2", "b2"]
    return (
        [net.params[k] for k in keys],
        [grads["d" + k] for k in keys],
        lambda: bce(net.forward(Xc)[0], Y),
        [f"params['{k}']" for k in keys],
    )


def _script_first_pass(file: str, given: dict) -> dict:
    """A top-level script's set-up (its imports left out; ``given`` stands in for what they bring) and one pass
    of its training loop's body up to the first update (``W -= ...``), run here; the names it leaves."""
    tree = ast.parse((FOLDER / file).read_text())
    loop = next(s for s in tree.body if isinstance(s, ast.For))
    setup = [s for s in tree.body[: tree.body.index(loop)] if not isinstance(s, (ast.Import, ast.ImportFrom))]
    body = []
    for stmt in loop.body:
        if isinstance(stmt, ast.AugAssign):
            break
        body.append(stmt)
    ns = {"np": np, **given}
    exec(compile(ast.Module(setup + body, []), file, "exec"), ns)
    return ns


def _moons_script(file: str):
    """A top-level script's first pass, run here with toy data of the same shapes (scikit-learn is not needed);
    mean BCE of a tanh/sigmoid net written here."""
    ns = _script_first_pass(file, {"make_moons": lambda **kw: (RNG.normal(size=(9, 2)), np.arange(9) % 2)})
    ps = [ns[k] for k in NAMES]
    Xs, y = ns["X"], ns["y"]

    def loss():
        p = 1 / (1 + np.exp(-(np.tanh(Xs @ ns["W1"] + ns["b1"]) @ ns["W2"] + ns["b2"])))
        return bce(p, y)

    return ps, [ns["d" + k] for k in NAMES], loss


def _warmup_script(file: str):
    """A loop-only warm-up script's first pass, run here; summed squared error of a net written here: ReLU hidden
    layer, or none where the file's forward passes the pre-activation on (``..._skipped_bug.py``)."""
    ns = _script_first_pass(file, {"epoch": 1})  # the loop's variable, which the body prints by
    ps = [ns["w_in"], ns["w_out"]]
    relu = "skipped" not in file

    def loss():
        h = ns["inputs"] @ ps[0]
        return np.sum(((np.maximum(h, 0) if relu else h) @ ps[1] - ns["targets"]) ** 2)

    return ps, [ns["grad_w_in"], ns["grad_w_out"]], loss, ["w_in", "w_out"]


def _named_layers_script(file: str):
    """A top-level script of 2 x 2 layers updated by ascent (W += eta * increment), its first pass run here; the
    claimed gradient is minus each increment; 1/2-sum MSE."""
    ns = _script_first_pass(file, {})
    names = ["weights_input_hidden", "bias_hidden", "weights_hidden_output", "bias_output"]
    claimed = [
        -(ns["x_in"].T @ ns["hidden_delta"]),
        -ns["hidden_delta"].sum(axis=0),
        -(ns["hidden"].T @ ns["out_delta"]),
        -ns["out_delta"].sum(axis=0),
    ]
    P = [ns[n] for n in names]

    def loss():
        out = np.tanh(np.tanh(ns["x_in"] @ P[0] + P[1]) @ P[2] + P[3])
        return 0.5 * np.sum((ns["y_expected"] - out) ** 2)

    return P, claimed, loss, names


def _float32_case(file: str):
    """A float32 net's gradient against central differences of its loss written here in float64.

    The loss sees the inputs as the code does (rounded to float32 once); the parameters are float64
    copies of the net's float32 ones, so the differences are exact to ~1e-9 while the claimed
    gradient carries float32's rounding, ~1e-7 of each tensor's largest entry (below RTOL).
    """
    m = definitions(FOLDER / file, file)
    net = m.Float32Net(3, 4)
    y = (RNG.random((7, 1)) > 0.5).astype(float)
    claimed = net.backward(X, y)
    ps = [np.asarray(getattr(net, k), dtype=np.float64) for k in NAMES]
    x32 = X.astype(np.float32).astype(np.float64)

    def loss():
        a1 = np.tanh(x32 @ ps[0] + ps[1])
        return bce(1 / (1 + np.exp(-(a1 @ ps[2] + ps[3]))), y)

    return ps, [claimed[k] for k in NAMES], loss


def _pairs(rel: str, init: str, forward: str, backward: str, hidden, name: str):
    """A list of (W, b) pairs (W in x out); the forward returns every activation; MSE on the last."""
    m = definitions(FOLDER / rel, rel)
    layers = getattr(m, init)([3, 5, 2])
    Y = RNG.normal(size=(7, 2)) * 0.3 + 0.5
    claimed = getattr(m, backward)(layers, getattr(m, forward)(layers, X), Y)
    out = "identity" if hidden is not _sig else "sigmoid"

    def loss():
        a = X
        for i, (W, b) in enumerate(layers):
            z = a @ W + b
            a = hidden(z) if i < len(layers) - 1 else (z if out == "identity" else _sig(z))
        return np.mean((a - Y) ** 2)

    names = [f"{name}[{i}].{k}" for i in range(len(layers)) for k in ("W", "b")]
    return [a for p in layers for a in p], [a for g in claimed for a in g], loss, names


def case_dims_cache():
    """Samples in columns; the truth: BCE summed over the outputs, mean over the samples."""
    m = definitions(FOLDER / "dims_cache_correct.py", "dc")
    p = m.init_params([3, 5, 4, 2])
    Xc, Y = X.T.copy(), (RNG.random((2, 7)) > 0.5).astype(float)
    g = m.backward(p, m.forward(Xc, p)[1], Y)
    keys = ["W1", "b1", "W2", "b2", "W3", "b3"]

    def loss():
        A = Xc
        for i in (1, 2, 3):
            Z = p[f"W{i}"] @ A + p[f"b{i}"]
            A = np.tanh(Z) if i < 3 else _sig(Z)
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / 7

    return [p[k] for k in keys], [g["d" + k] for k in keys], loss, keys


def case_arch_seed_relu():
    """The module's own ARCH (2-6-4-1), samples in columns, mean BCE."""
    m = definitions(FOLDER / "arch_seed_relu_correct.py", "as")
    p = m.init_layers(m.ARCH, seed=5)
    Xc, Y = X[:, :2].T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)
    out, memory = m.forward(Xc, p, m.ARCH)
    g = m.backward(out, Y, memory, p, m.ARCH)
    keys = ["W1", "b1", "W2", "b2", "W3", "b3"]

    def loss():
        A = Xc
        for i in (1, 2, 3):
            Z = p[f"W{i}"] @ A + p[f"b{i}"]
            A = np.maximum(Z, 0) if i < 3 else _sig(Z)
        return bce(A, Y)

    return [p[k] for k in keys], [g["d" + k] for k in keys], loss, keys


def _builder(rel: str, build: str, w: str, b: str, dw: str, db: str, hidden, n_in: int):
    """A model assembled by the file's builder function; softmax output, mean CE on one-hot rows."""
    m = definitions(FOLDER / rel, rel)
    model = getattr(m, build)()
    dense = [layer for layer in model.layers if hasattr(layer, w)]
    Xb = np.hstack([X, X[:, :1] ** 2])[:, :n_in]
    n_out = getattr(dense[-1], w).shape[1]
    Y = np.eye(n_out)[[i % n_out for i in range(7)]]
    model.backward(model.forward(Xb), Y)
    ps = [a for d in dense for a in (getattr(d, w), getattr(d, b))]
    claimed = [a for d in dense for a in (getattr(d, dw), getattr(d, db))]

    def loss():
        a = Xb
        for i, d in enumerate(dense):
            z = a @ getattr(d, w) + getattr(d, b)
            a = hidden(z) if i < len(dense) - 1 else softmax_rows(z)
        return ce(a, Y)

    names = [f"layers[{model.layers.index(d)}].{k}" for d in dense for k in (w, b)]
    return ps, claimed, loss, names


def _init_method(rel: str, cls: str, names: list[str], step: str, lr: float, loss_of):
    """Weights made by init(3, 4, 1); one training step's update at its written rate, read back."""
    m = definitions(FOLDER / rel, rel)
    net = getattr(m, cls)()
    net.init(3, 4, 1)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    before = [getattr(net, k).copy() for k in names]
    net.forward(X)
    getattr(net, step)(Y)
    claimed = [(b - getattr(net, k)) / lr for b, k in zip(before, names)]
    for k, b in zip(names, before):
        setattr(net, k, b)
    return before, claimed, lambda: loss_of(net.forward(X), Y), names


def case_sklearn_coefs():
    """coefs_ and intercepts_ made by fit(X, Y) at rate 0, then _backprop of 0.5 * mean of the summed squares."""
    m = definitions(FOLDER / "sklearn_coefs_correct.py", "skcoefs")
    net = m.TinyMLPRegressor(alpha_lr=0.0, n_epochs=1)
    Y = RNG.normal(size=(7, 2))
    net.fit(X, Y)
    gW, gb = net._backprop(net._forward_pass(X), Y)
    names = [f"{k}[{i}]" for i in range(3) for k in ("coefs_", "intercepts_")]
    params = [p for i in range(3) for p in (net.coefs_[i], net.intercepts_[i])]
    grads = [g for i in range(3) for g in (gW[i], gb[i])]
    return params, grads, lambda: 0.5 * np.mean(np.sum((net.predict(X) - Y) ** 2, axis=1)), names


def case_scores_then_probs():
    """Mean cross-entropy of softmax(logits) over integer labels, the probabilities made as the caller would."""
    m = definitions(FOLDER / "scores_then_probs_functions_bug.py", "sp")
    np.random.seed(4)
    params = m.make_params(3, 4, 3)
    labels = np.array([0, 2, 1, 1, 0, 2, 2])
    h, logits = m.net_forward(params, X)
    g = m.net_backward(params, X, labels, h, softmax_rows(logits))

    def loss():
        z = np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
        return ce(softmax_rows(z), np.eye(3)[labels])

    return [params[k] for k in NAMES], [g[k] for k in NAMES], loss


def _loss_pair(rel: str):
    """Layer objects whose loss function returns (mean squared error, its gradient) together."""
    m = definitions(FOLDER / rel, rel)
    model = m.Model(3, 4, 1)
    Y = RNG.normal(size=(7, 1))
    model.backward(m.mse_loss(model.forward(X), Y)[1])
    dense = [layer for layer in model.layers if hasattr(layer, "W")]
    names = [f"layers[{model.layers.index(d)}].{k}" for d in dense for k in ("W", "b")]
    ps = [a for d in dense for a in (d.W, d.b)]
    claimed = [a for d in dense for a in (d.dW, d.db)]
    return ps, claimed, lambda: float(np.mean((model.forward(X) - Y) ** 2)), names


def _update_at_rate_one(net, names: list[str], step) -> tuple[list, list]:
    """(weights before, before - after) of one ``step()`` at learning rate 1; the weights are put back."""
    before = [getattr(net, k).copy() for k in names]
    step()
    claimed = [b - getattr(net, k) for b, k in zip(before, names)]
    for k, b in zip(names, before):
        setattr(net, k, b)
    return before, claimed


def _fit_batch(rel: str):
    """One fit_batch step at step size 1, read back from the update; mean BCE of the sigmoid output."""
    m = definitions(FOLDER / rel, rel)
    net = m.ChurnClassifier(3, step=1.0)
    names = ["Wa", "ba", "Wb", "bb"]
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    before, claimed = _update_at_rate_one(net, names, lambda: net.fit_batch(X, Y))

    def loss():
        prob = 1.0 / (1.0 + np.exp(-(np.tanh(X @ net.Wa + net.ba) @ net.Wb + net.bb)))
        return bce(prob, Y)

    return before, claimed, loss, names


def _arch_wb(rel: str):
    """A dict of no known name made from the module's layer-spec list; mean BCE of the sigmoid output."""
    m = definitions(FOLDER / rel, rel)
    wb = m.init_layers(m.NET_SPEC)
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    out, trace = m.model_forward(X, wb, m.NET_SPEC)
    grads = m.model_backward(out, Y, trace, wb, m.NET_SPEC)
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    return (
        [wb[k] for k in names],
        [grads["d" + k] for k in names],
        lambda: bce(m.model_forward(X, wb, m.NET_SPEC)[0], Y),
        names,
    )


def _iris_globals(rel: str):
    """Module-global weights updated by backward(X, Y, h, probs, lr), read back at lr = 1; mean CE of the softmax."""
    m = definitions(FOLDER / rel, rel)  # its scikit-learn data is not loaded here: the weights are set directly
    names = ["Wh", "bh", "Wo", "bo"]
    for k, shape in zip(names, [(3, 5), (1, 5), (5, 3), (1, 3)]):
        setattr(m, k, RNG.normal(size=shape) * 0.5)
    Y = np.eye(3)[np.arange(7) % 3]
    ps = [getattr(m, k) for k in names]
    before = [p.copy() for p in ps]
    m.backward(X, Y, *m.forward(X), lr=1.0)
    claimed = [b - p for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():
        h = np.tanh(X @ ps[0] + ps[1])
        s = h @ ps[2] + ps[3]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return ce(e / e.sum(axis=1, keepdims=True), Y)

    return ps, claimed, loss, names


def _float32_digits(rel: str):
    """One in-place step at lr = 1 on float64 copies of the float32 weights (the formula does not depend on the
    dtype; float64 keeps the read-back exact); mean CE of a relu/softmax net."""
    m = definitions(FOLDER / rel, rel)
    net = m.DigitMLP(3, 4, 3, lr=1.0)
    names = ["W1", "b1", "W2", "b2"]
    for k in names:
        setattr(net, k, RNG.normal(size=getattr(net, k).shape) * 0.5)
    Y = np.eye(3)[np.arange(7) % 3]
    ps = [getattr(net, k) for k in names]
    before = [p.copy() for p in ps]
    net.forward(X)
    net.backward(X, Y)
    claimed = [b - p for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():
        s = np.maximum(X @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return ce(e / e.sum(axis=1, keepdims=True), Y)

    return ps, claimed, loss, names


def _loss_grads(rel: str):
    """mlp_loss(params, X, y, reg) -> (loss, grads) at reg = 0.3: mean CE (sigmoid/softmax) plus 0.5 reg |W|^2."""
    m = definitions(FOLDER / rel, rel)
    names = ["W1", "b1", "W2", "b2"]
    params = {k: RNG.normal(size=s) * 0.5 for k, s in zip(names, [(3, 4), (4,), (4, 3), (3,)])}
    y = np.arange(7) % 3
    grads = m.mlp_loss(params, X, y, 0.3)[1]
    ps = [params[k] for k in names]

    def loss():
        a1 = 1 / (1 + np.exp(-(X @ ps[0] + ps[1])))
        s = a1 @ ps[2] + ps[3]
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        return ce(p, np.eye(3)[y]) + 0.15 * (np.sum(ps[0] ** 2) + np.sum(ps[2] ** 2))

    return ps, [grads[k] for k in names], loss, names


def _activation_arg(rel: str):
    """Net.forward(X, act) / backprop(X, Y, act_prime) with tanh passed in; mse = mean over every entry."""
    m = definitions(FOLDER / rel, rel)
    net = m.Net()
    X4 = RNG.normal(size=(7, 4))
    Y = np.eye(3)[np.arange(7) % 3]
    net.forward(X4, m.tanh_fn)
    net.backprop(X4, Y, m.tanh_prime)
    names = ["w1", "b1", "w2", "b2"]
    ps = [getattr(net, k) for k in names]

    def loss():
        return np.mean((np.tanh(np.tanh(X4 @ ps[0] + ps[1]) @ ps[2] + ps[3]) - Y) ** 2)

    return ps, [net.dw1, net.db1, net.dw2, net.db2], loss, names


def _nnfs(file: str):
    """A Neural-Networks-from-Scratch script's objects made and called here as its top-level code does; the
    claimed gradient is what the layers store (dweights, dbiases), the loss the one the script computes."""
    m = definitions(FOLDER / file, file.split(".")[0])
    np.random.seed(5)
    separate = hasattr(m, "Activation_Sigmoid")
    n_in, hidden, n_out = (3, 5, 4) if separate else (2, 6, 3)
    x, y = RNG.normal(size=(9, n_in)), RNG.integers(0, n_out, size=9)
    dense1, dense2 = m.Layer_Dense(n_in, hidden), m.Layer_Dense(hidden, n_out)
    act = m.Activation_Sigmoid() if separate else m.Activation_ReLU()
    head = m.Activation_Softmax() if separate else m.Activation_Softmax_Loss_CategoricalCrossentropy()

    def loss():
        dense1.forward(x)
        act.forward(dense1.output)
        dense2.forward(act.output)
        if not separate:
            return head.forward(dense2.output, y)
        head.forward(dense2.output)
        return m.Loss_CategoricalCrossentropy().calculate(head.output, y)

    loss()
    if separate:
        crit = m.Loss_CategoricalCrossentropy()
        crit.backward(head.output, y)
        head.backward(crit.dinputs)
    else:
        head.backward(head.output, y)
    dense2.backward(head.dinputs)
    act.backward(dense2.dinputs)
    dense1.backward(act.dinputs)
    ps = [dense1.weights, dense1.biases, dense2.weights, dense2.biases]
    claimed = [g.copy() for g in (dense1.dweights, dense1.dbiases, dense2.dweights, dense2.dbiases)]
    return ps, claimed, loss, [f"dense{i}.{n}" for i in (1, 2) for n in ("weights", "biases")]


def _update_claims(layers, backward, lr=1e-3):
    """(before - after) / lr of every weight and bias of ``layers`` over one ``backward(lr)``, the arrays then
    put back to the point the loss is taken at."""
    arrays = [a for lay in layers if hasattr(lay, "weights") for a in (lay.weights, lay.bias)]
    before = [a.copy() for a in arrays]
    backward(lr)
    claimed = [(b - a) / lr for b, a in zip(before, arrays)]
    for a, b in zip(arrays, before):
        a[...] = b
    return arrays, claimed


def _builder_fit(file: str):
    """Layers added to a Network as the file's script does; the layers' forward_propagation chained and their
    backward_propagation(error, lr) run from the file's mse_prime; the loss is the file's mse."""
    m = definitions(FOLDER / file, file.split(".")[0])
    np.random.seed(8)
    net = m.Network()
    for layer in (m.FCLayer(2, 3), m.ActivationLayer(m.tanh, m.tanh_prime), m.FCLayer(3, 1)):
        net.add(layer)
    net.add(m.ActivationLayer(m.tanh, m.tanh_prime))
    x, y = RNG.normal(size=(6, 2)), RNG.normal(size=(6, 1))

    def forward():
        out = x
        for layer in net.layers:
            out = layer.forward_propagation(out)
        return out

    def backward(lr):
        err = m.mse_prime(y, forward())
        for layer in reversed(net.layers):
            err = layer.backward_propagation(err, lr)

    ps, claimed = _update_claims(net.layers, backward)
    return ps, claimed, lambda: m.mse(y, forward()), [f"layers[{i}].{n}" for i in (0, 2) for n in ("weights", "bias")]


def _assembled_project(folder: str):
    """The folder's net.layers = [Dense(2, 3), Tanh(), Dense(3, 1), Tanh()] on one column sample, as its train()
    runs it: the gradient from each layer's in-place update, the loss the folder's mse."""
    drop = lambda: [sys.modules.pop(k) for k in list(sys.modules) if k == "src" or k.startswith("src.")]  # noqa: E731
    sys.path.insert(0, str(FOLDER / folder))
    drop()
    try:
        layers, acts = importlib.import_module("src.layers"), importlib.import_module("src.activations")
        losses, network = importlib.import_module("src.losses"), importlib.import_module("src.network")
    finally:
        sys.path.pop(0)
        drop()
    np.random.seed(4)
    net = network.Network()
    net.layers = [layers.Dense(2, 3), acts.Tanh(), layers.Dense(3, 1), acts.Tanh()]
    x, y = RNG.normal(size=(2, 1)) * 0.5, RNG.normal(size=(1, 1))

    def backward(lr):
        grad = losses.mse_prime(y, net.predict(x))
        for layer in reversed(net.layers):
            grad = layer.backward(grad, lr)

    ps, claimed = _update_claims(net.layers, backward)
    names = [f"layers[{i}].{n}" for i in (0, 2) for n in ("weights", "bias")]
    return ps, claimed, lambda: losses.mse(y, net.predict(x)), names


def _step_only(rel: str):
    """One step(X, Y) at lr 1 on samples in columns, read back from the update; 0.5 * mean squared error of the
    leaky-ReLU network, written here from the file's description (its forward exists only inside step)."""
    m = definitions(FOLDER / rel, rel)
    net = m.Regressor([3, 5, 1], lr=1.0)
    names = ["W1", "b1", "W2", "b2"]
    Xc, Yc = X.T.copy(), RNG.normal(size=(1, 7))
    before, claimed = _update_at_rate_one(net, names, lambda: net.step(Xc, Yc))

    def loss():
        z = before[0] @ Xc + before[1]
        out = before[2] @ np.where(z > 0, z, 0.01 * z) + before[3]
        return 0.5 * np.mean((out - Yc) ** 2)

    return before, claimed, loss, names


def _acts_list(rel: str):
    """forward returns the list of activations; the file's own loss(X, y) (mean BCE) of its own forward."""
    m = definitions(FOLDER / rel, rel)
    net = m.MLP([3, 4, 1])
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    gw, gb = net.backward(net.forward(X), Y)
    params = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    names = ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]
    return params, [gw[0], gb[0], gw[1], gb[1]], lambda: net.loss(X, Y), names


def _course_notebook(folder: str):
    """deeplearning.ai's week-4 layout: a notebook whose name no import can use beside its helpers and test
    scaffolding; L_model_backward's grads dict against mean BCE of relu hidden layers and a sigmoid output,
    written here. A bias gradient kept as one number is taken on every entry, as update_parameters applies it."""
    path = next((FOLDER / folder).glob("*.ipynb"))
    cells = json.loads(path.read_text())["cells"]
    lines = [ln for c in cells if c["cell_type"] == "code" for ln in "".join(c["source"]).splitlines()]
    tree = ast.parse("\n".join(ln for ln in lines if not ln.lstrip().startswith("%")))
    sys.path.insert(0, str(FOLDER / folder))
    try:
        m = types.ModuleType("course_notebook")
        for stmt in [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef))]:
            exec(compile(ast.Module([stmt], []), str(path), "exec"), m.__dict__)
    finally:
        sys.path.pop(0)
        for name in ("nn_helpers", "testCases_v4"):
            sys.modules.pop(name, None)
    p = m.initialize_parameters_deep([3, 4, 3, 1])
    names = [f"{k}{i}" for i in (1, 2, 3) for k in ("W", "b")]
    Xc, Yc = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)

    def loss():
        a = Xc
        for i in (1, 2):
            a = np.maximum(p[f"W{i}"] @ a + p[f"b{i}"], 0)
        out = 1 / (1 + np.exp(-(p["W3"] @ a + p["b3"])))
        return -np.mean(Yc * np.log(out) + (1 - Yc) * np.log(1 - out))

    AL, caches = m.L_model_forward(Xc, p)
    g = m.L_model_backward(AL, Yc, caches)
    claimed = [np.broadcast_to(np.asarray(g["d" + n], float), p[n].shape) for n in names]
    return [p[n] for n in names], claimed, loss, names


def _returns_weights(rel: str):
    """backward steps in place and returns the weights: the gradient is (before - after) / lr at lr 1, checked
    against 0.5 * mean squared error of a tanh/identity network written here from the file's description."""
    m = definitions(FOLDER / rel, rel)
    params = [np.array(p, dtype=float) for p in m.init(3, 5, 1)]
    before = [p.copy() for p in params]
    t = RNG.normal(size=7)
    m.backward(X, t, *m.forward(X, *params), *params, lr=1.0)
    claimed = [b - a for b, a in zip(before, params)]

    def loss():
        out = np.tanh(X @ before[0] + before[1]) @ before[2] + before[3]
        return 0.5 * np.mean((out - t.reshape(-1, 1)) ** 2)

    return before, claimed, loss


def case_neuron_dicts():
    """One row's step at rate 1 read back from the neurons' weight lists, against 0.5 * sum of squared errors of
    the sigmoid network written here with numpy from the same numbers."""
    m = definitions(FOLDER / "neuron_dicts_seeds_correct.py", "nd")
    m.seed(3)
    net = m.make_network(3, 4, 2)
    row, expected = list(X[0]), [0.0, 1.0]
    before = [np.array([n["weights"] for n in layer]) for layer in net]
    m.feed(net, row)
    m.back(net, expected)
    m.step(net, row, 1.0)
    claimed = [b - np.array([n["weights"] for n in layer]) for b, layer in zip(before, net)]

    def loss():
        a = np.asarray(row)
        for W in before:
            a = 1 / (1 + np.exp(-(W[:, :-1] @ a + W[:, -1])))
        return 0.5 * np.sum((a - expected) ** 2)

    return before, claimed, loss, ["hidden", "output"]


def _neuron_loop(rel: str):
    """One sample's train(x, expected) at rate 1, read back from the weights, against 0.5 * sum of squared errors
    of the bias-free sigmoid network written here with numpy."""
    m = definitions(FOLDER / rel, rel)
    net = m.Net([3, 4, 2], 1.0)
    x, expected = X[0].copy(), np.array([0.2, 0.9])
    before = [w.copy() for w in net.weights]
    net.train(x, expected)
    claimed = [b - a for b, a in zip(before, net.weights)]

    def loss():
        a = x
        for W in before:
            a = 1 / (1 + np.exp(-(W @ a)))
        return 0.5 * np.sum((a - expected) ** 2)

    return before, claimed, loss, ["weights[0]", "weights[1]"]


def case_globals_never_made():
    """The weights the file never makes, made here; its backprop's returned gradients against the mean BCE of a
    tanh/sigmoid network written here."""
    m = definitions(FOLDER / "globals_never_made_correct.py", "gnm")
    m.W1, m.c1, m.W2, m.c2 = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(4, 1)), RNG.normal(size=1)
    params = [m.W1.copy(), m.c1.copy(), m.W2.copy(), m.c2.copy()]
    y = (RNG.random((7, 1)) > 0.5).astype(float)
    claimed = m.backprop(X, y, *m.forward(X))

    def loss():
        p = 1 / (1 + np.exp(-(np.tanh(X @ params[0] + params[1]) @ params[2] + params[3])))
        return bce(p, y)

    return params, claimed, loss, ["W1", "c1", "W2", "c2"]


def _penalty_dims(rel: str):
    """Against the code's own cost, its penalty included, at the penalty the training loop uses."""
    m = definitions(FOLDER / rel, "pd")
    params = m.init_params([3, 4, 5, 1])
    Xc, Y, lambd = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float), 0.3
    A3, caches = m.forward(Xc, params)
    grads = m.backward(A3, Y, caches, params, lambd)
    keys = [f"{k}{i}" for i in (1, 2, 3) for k in ("W", "b")]
    loss = lambda: m.cost(m.forward(Xc, params)[0], Y, params, lambd)  # noqa: E731
    return [params[k] for k in keys], [grads["d" + k] for k in keys], loss, keys


def _main_guard(rel: str):
    """The weights the main block makes, made here; the step the backward takes, read off the globals it
    rebinds, against the mean squared error of a sigmoid/sigmoid network written here."""
    m = definitions(FOLDER / rel, "mg")
    params = [RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(4, 1)), RNG.normal(size=1)]
    m.W1, m.b1, m.W2, m.b2 = (p.copy() for p in params)
    Y, lr = RNG.random((7, 1)), 0.01  # one output, as the file's XOR: its 2 / n is the mean's factor
    m.backward(X, Y, *m.forward(X), lr)
    claimed = [(p - getattr(m, k)) / lr for p, k in zip(params, NAMES)]

    def loss():
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        return np.mean((sig(sig(X @ params[0] + params[1]) @ params[2] + params[3]) - Y) ** 2)

    return params, claimed, loss


def case_node_graph():
    """The link weights gathered into matrices here; the step teach() takes on one sample, read off the links,
    against half the summed squared error of a tanh/tanh network written here."""
    m = definitions(FOLDER / "node_graph_units_correct.py", "ng")
    graph, x, t, rate = m.Graph([3, 4, 2]), X[0], [0.3, -0.2], 0.01
    units = [u for layer in graph.layers[1:] for u in layer]
    for u in units:
        u.bias = float(RNG.normal())

    def tensors():
        out = []
        for layer in graph.layers[1:]:
            out.append(np.array([[link.weight for link in u.links] for u in layer]).T)
            out.append(np.array([u.bias for u in layer]))
        return out

    params = tensors()
    graph.teach(list(x), t, rate)
    claimed = [(b - a) / rate for b, a in zip(params, tensors())]

    def loss():
        out = np.tanh(np.tanh(x @ params[0] + params[1]) @ params[2] + params[3])
        return 0.5 * np.sum((out - np.array(t)) ** 2)

    return params, claimed, loss


def case_fixed_weights_ctor():
    """The sheet's fixed 2-3-1 weights; the in-place step of train() on two of the test's columns, divided by the
    rate, against the mean squared error of a sigmoid/sigmoid network written here."""
    m = definitions(FOLDER / "fixed_weights_data_ctor_correct.py", "fw")
    x, t = X[:, :2].copy(), RNG.random((7, 1))
    net = m.SheetNet(x, t)
    names = ["W1", "b1", "W2", "b2"]
    params = [getattr(net, k).copy() for k in names]
    net.train()
    claimed = [(p - getattr(net, k)) / net.eta for k, p in zip(names, params)]  # W + eta * (-gradient)

    def loss():
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        return np.mean((sig(sig(x @ params[0] + params[1]) @ params[2] + params[3]) - t) ** 2)

    return params, claimed, loss


def case_pattern_pairs():
    """One pair: the step back_propagate(target, rate) takes after feed_forward(x), divided by the rate, against
    half the squared error of a tanh/tanh network without biases written here."""
    m = definitions(FOLDER / "pattern_pairs_epochs_correct.py", "pp")
    net = m.PatternNet(3, 4, 2)
    x, t, rate = X[0], np.array([0.4, -0.3]), 0.01
    params = [net.w_ih.copy(), net.w_ho.copy()]
    net.feed_forward(list(x))
    net.back_propagate(list(t), rate)
    claimed = [(p - q) / rate for p, q in zip(params, [net.w_ih, net.w_ho])]

    def loss():
        return 0.5 * np.sum((np.tanh(np.tanh(x @ params[0]) @ params[1]) - t) ** 2)

    return params, claimed, loss, ["w_ih", "w_ho"]


def case_experiment_holder():
    """The first experiment's network as its loop builds it; one step of the layers' own forward and backward
    (as train() takes it), read off the in-place update, against the mean squared error of a tanh/tanh network."""
    m = definitions(FOLDER / "experiment_loop_holder_correct.py", "eh")
    net = m.Stack()
    for layer in (m.Dense(3, 4), m.Tanh(), m.Dense(4, 1), m.Tanh()):
        net.add(layer)
    dense = [net.layers[0], net.layers[2]]
    params = [a for d in dense for a in (d.W.copy(), d.b.copy())]
    Y, lr = RNG.normal(size=(7, 1)), 0.01
    m.train(net, X, Y, epochs=1, lr=lr)
    claimed = [(p - a) / lr for p, a in zip(params, [a for d in dense for a in (d.W, d.b)])]

    def loss():
        return np.mean((np.tanh(np.tanh(X @ params[0] + params[1]) @ params[2] + params[3]) - Y) ** 2)

    return params, claimed, loss, ["W", "b", "W", "b"]


def _loop_roles(rel: str):
    """Module weights set here; the step learn() takes on what run() returns, read off the globals it rebinds,
    against half the summed squared error of a sigmoid/sigmoid network written here."""
    m = definitions(FOLDER / rel, "lr")
    params = [RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(4, 2)), RNG.normal(size=2)]
    names = ["V", "c", "U", "d"]
    for k, p in zip(names, params):
        setattr(m, k, p.copy())
    T, eta = RNG.random((7, 2)), 0.01
    m.learn(X, T, *m.run(X), eta)
    claimed = [(p - getattr(m, k)) / eta for p, k in zip(params, names)]

    def loss():
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        return 0.5 * np.sum((sig(sig(X @ params[0] + params[1]) @ params[2] + params[3]) - T) ** 2)

    return params, claimed, loss, names


def _column_row_script(folder: str):
    """regressor.Regressor: samples as columns, gradients(X, Y) of the mean squared error; loss written here."""
    sys.path.insert(0, str(FOLDER / folder))
    sys.modules.pop("regressor", None)
    try:
        np.random.seed(2)
        net = importlib.import_module("regressor").Regressor(3, [5, 4], 1)
    finally:
        sys.path.pop(0)
        sys.modules.pop("regressor", None)
    Xc, Yc = X.T.copy(), RNG.normal(size=(1, 7))  # one output, as fit_curve.py has
    net.predict(Xc)
    grads = net.gradients(Xc, Yc)
    names = [f"{k}[{i}]" for i in range(3) for k in ("Ws", "bs")]
    params = [p for i in range(3) for p in (net.Ws[i], net.bs[i])]
    return params, [g for pair in grads for g in pair], lambda: np.mean((net.predict(Xc) - Yc) ** 2), names


def _loaders_beside_network(folder: str):
    """network.TinyNet: one column sample, backprop(x, y) -> (gB, gW) of 0.5 * sum of squared errors."""
    m = definitions(FOLDER / folder / "network.py", "tinynet")
    np.random.seed(6)
    net = m.TinyNet([3, 5, 2])
    x, y = X[:1].T.copy(), RNG.random((2, 1))
    gB, gW = net.backprop(x, y)
    names = [f"{k}[{i}]" for i in range(2) for k in ("W", "B")]
    params = [p for i in range(2) for p in (net.W[i], net.B[i])]
    grads = [g for i in range(2) for g in (gW[i], gB[i])]
    return params, grads, lambda: 0.5 * np.sum((net.feedforward(x) - y) ** 2), names


def _cells_apart(folder: str):
    """Six files of one notebook's cells: one namespace, as the notebook had (numpy imported in one file only)."""
    ns: dict = {}
    for name in ("setup_weights", "squash", "forward_pass", "log_loss", "backward_pass", "run_training"):
        exec(compile((FOLDER / folder / f"{name}.py").read_text(), name, "exec"), ns)
    weights = ns["initialize_parameters"](3, 4, 1)
    for k in ("b1", "b2"):
        weights[k] = RNG.normal(size=weights[k].shape)
    Xc, Y = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)
    P, stash = ns["forward_pass"](Xc, weights)
    grads = ns["backward_pass"](weights, stash, Xc, Y)
    keys = ["W1", "b1", "W2", "b2"]
    loss = lambda: ns["log_loss"](ns["forward_pass"](Xc, weights)[0], Y)  # noqa: E731
    return [weights[k] for k in keys], [grads["d" + k] for k in keys], loss, keys


def case_forward_label():
    """One sample, an integer label: the step Backward() takes after Forward(x, label), divided by the rate,
    against -log softmax of a tanh network written here (weights as (out, in), applied as W @ x)."""
    m = definitions(FOLDER / "forward_label_sample_correct.py", "fl")
    net = m.TwoLayer(3, 4, 3, lr=0.01)
    net.b1, net.b2 = RNG.normal(size=4), RNG.normal(size=3)
    names = ["W1", "b1", "W2", "b2"]
    params = [getattr(net, k).copy() for k in names]
    x, label = X[0], 2
    net.Forward(x, label)
    net.Backward()
    claimed = [(p - getattr(net, k)) / net.lr for p, k in zip(params, names)]

    def loss():
        z = params[2] @ np.tanh(params[0] @ x + params[1]) + params[3]
        return -(z[label] - np.log(np.sum(np.exp(z))))

    return params, claimed, loss


def _seeded(fn, *args):
    """``fn(*args)`` with numpy's global generator at one seed: the same dropout mask on every call."""
    np.random.seed(11)
    return fn(*args)


def case_dropout_keep_prob():
    """At keep_prob = 0.8 with one mask throughout: right for the mask, not only with dropout off."""
    m = definitions(FOLDER / "dropout_keep_prob_correct.py", "dk")
    params, Y = m.init_params(3, 5), (RNG.random((7, 1)) > 0.5).astype(float)
    A2, cache = _seeded(m.forward, X, params, 0.8)
    g = m.backward(X, Y, params, A2, cache, 0.8)
    return [params[k] for k in NAMES], [g[k] for k in NAMES], lambda: bce(_seeded(m.forward, X, params, 0.8)[0], Y)


def case_dropout_always_on():
    m = definitions(FOLDER / "dropout_always_on_correct.py", "da")
    net, Y = m.DropoutNet(3, 5, 2), (RNG.random((7, 2)) > 0.5).astype(float)
    _seeded(net.forward, X)
    claimed = list(net.backward(Y))
    return [net.W1, net.b1, net.W2, net.b2], claimed, lambda: bce(_seeded(net.forward, X), Y)


def case_layer_script_int_labels():
    """With integer labels, as the script trains: mean over samples of -log p[label]."""
    m = definitions(FOLDER / "layer_script_int_labels_correct.py", "ls")
    layer1, act, layer2, head = m.Dense(3, 5), m.ReLU(), m.Dense(5, 4), m.SoftmaxCrossEntropy()
    y = np.array([0, 1, 2, 3, 1, 2, 0])

    def loss():
        layer1.forward(X)
        act.forward(layer1.output)
        layer2.forward(act.output)
        return head.forward(layer2.output, y)

    loss()
    head.backward(head.output, y)
    layer2.backward(head.dinputs)
    act.backward(layer2.dinputs)
    layer1.backward(act.dinputs)
    ps = [layer1.weights, layer1.biases, layer2.weights, layer2.biases]
    claimed = [layer1.dweights, layer1.dbiases, layer2.dweights, layer2.dbiases]
    return ps, claimed, loss


def _trainer_fstring(file: str):
    """model_forward(X, parameters) over f"W{layer}" keys, softmax columns; the loss is cross_entropy() here."""
    m = definitions(FOLDER / file, "trainer")
    params = {"W1": RNG.normal(size=(4, 3)), "b1": RNG.normal(size=(4, 1))}
    params |= {"W2": RNG.normal(size=(3, 4)), "b2": RNG.normal(size=(3, 1))}
    Xc, Y = X.T.copy(), np.eye(3)[:, [0, 1, 2, 2, 1, 0, 1]]
    P, trail = m.model_forward(Xc, params)
    grads = m.model_backward(P, Y, trail)
    keys = ["W1", "b1", "W2", "b2"]
    loss = lambda: m.cross_entropy(m.model_forward(Xc, params)[0], Y)  # noqa: E731
    return [params[k] for k in keys], [grads["d" + k] for k in keys], loss, keys


def _book_chapter(folder: str):
    """chapter5/two_layer_net.TwoLayerNet over shared/ blocks: gradient(x, t) of its own loss(x, t), one-hot t."""
    root = FOLDER / folder
    drop = lambda: [sys.modules.pop(k) for k in list(sys.modules) if k.split(".")[0] in ("shared", "two_layer_net")]  # noqa: E731
    sys.path[:0] = [str(root), str(root / "chapter5")]
    drop()
    try:
        np.random.seed(8)
        net = importlib.import_module("two_layer_net").TwoLayerNet(3, 4, 3, weight_init_std=0.5)
    finally:
        del sys.path[:2]
        drop()
    for k in ("b1", "b2"):
        net.params[k][...] = RNG.normal(size=net.params[k].shape)
    t = np.eye(3)[[0, 1, 2, 2, 1, 0, 1]]
    grads = net.gradient(X, t)
    keys = ["W1", "b1", "W2", "b2"]
    # the cross-entropy itself (its code adds 1e-7 inside the log, a guard the gradient rightly leaves out)
    return [net.params[k] for k in keys], [grads[k] for k in keys], lambda: ce_logits(net.predict(X), t), keys


def ce_logits(scores: np.ndarray, t: np.ndarray) -> float:
    """Mean over samples of the cross-entropy of softmax(scores) against one-hot rows ``t``."""
    z = scores - scores.max(axis=1, keepdims=True)
    return float(-np.mean(np.sum(t * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))), axis=1)))


def case_global_weight_lists():
    """The file's weights, drawn by its own np.random.seed(4) (a call, which definitions() leaves out: seeded here,
    so that no case run before it decides them)."""
    np.random.seed(4)
    m = definitions(FOLDER / "global_weight_lists_correct.py", "gw")
    Xs, y = RNG.normal(size=(7, 4)), (RNG.random((7, 1)) > 0.5).astype(float)
    gW, gb = m.backward(Xs, y)
    ps = [a for pair in zip(m.weights, m.biases) for a in pair]
    claimed = [a for pair in zip(gW, gb) for a in pair]
    names = [f"{k}[{i}]" for i in range(len(m.weights)) for k in ("weights", "biases")]
    return ps, claimed, lambda: m.cost(Xs, y), names


def case_two_bugs_shape_and_value():
    m = definitions(FOLDER / "two_bugs_shape_and_value_bug.py", "tb")
    net, Xs, T = m.Classifier(4, 5, 2), RNG.normal(size=(7, 4)), (RNG.random((7, 2)) > 0.5).astype(float)
    net.forward(Xs)
    g = net.gradients(Xs, T)
    return [getattr(net, k) for k in NAMES], [g[k] for k in NAMES], lambda: net.cross_entropy(net.forward(Xs), T)


def case_long_way_bce():
    m = definitions(FOLDER / "long_way_bce_sigmoid_backward_at_activation_bug.py", "lw")
    params, Xc, Y = m.init_params(3, 5, 2), RNG.normal(size=(3, 6)), (RNG.random((2, 6)) > 0.5).astype(float)
    g = m.backward(Xc, Y, params, m.forward(Xc, params)[1])
    return [params[k] for k in NAMES], [g["d" + k] for k in NAMES], lambda: m.cost(m.forward(Xc, params)[0], Y)


def case_onehot_from_labels_columns():
    """ColumnClassifier on one-hot columns built by its own encode_targets: mean CE over samples."""
    m = definitions(FOLDER / "onehot_from_labels_columns_correct.py", "onehot_cols")
    net = m.ColumnClassifier(3, 5, 4)
    Xc, T = X.T.copy(), m.encode_targets(np.array([0, 1, 2, 3, 1, 2, 0]), 4)
    grads = net.backward(net.forward(Xc)[1], T)
    ps = [net.W1, net.b1, net.W2, net.b2]
    loss = lambda: -np.sum(T * np.log(net.forward(Xc)[0])) / Xc.shape[1]  # noqa: E731
    return ps, [grads["d" + k] for k in NAMES], loss


def _script_beside_helpers(folder: str):
    """run_training.py's first pass, with nnhelpers.py's functions as its imports bring them; mean BCE here."""
    helpers = definitions(FOLDER / folder / "nnhelpers.py", folder + "_helpers")
    given = {k: getattr(helpers, k) for k in ("tanh", "tanh_grad", "logistic", "binary_cross_entropy")}
    ns = _script_first_pass(f"{folder}/run_training.py", given)
    ps, Xs, T = [ns[k] for k in NAMES], ns["points"], ns["inside"]
    loss = lambda: bce(1 / (1 + np.exp(-(np.tanh(Xs @ ps[0] + ps[1]) @ ps[2] + ps[3]))), T)  # noqa: E731
    return ps, [ns["d" + k] for k in NAMES], loss


def _one_pass_script(file: str):
    """The whole one-pass script run here (it has no loop); 0.5 * sum of squared errors written here."""
    ns = {"np": np}
    np.random.seed(0)
    tree = ast.parse((FOLDER / file).read_text())
    body = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom, ast.For))]
    exec(compile(ast.Module(body, []), file, "exec"), ns)
    ps, x, y = [ns[k] for k in NAMES], ns["x"], ns["y"]
    loss = lambda: 0.5 * np.sum((1 / (1 + np.exp(-(x @ ps[0] + ps[1]))) @ ps[2] + ps[3] - y) ** 2)  # noqa: E731
    return ps, [ns["grad_" + k] for k in NAMES], loss


def _builder_layers(file: str):
    """LayerNet.build((2, 4, 1)) on one (1, 2) row: the in-place update over the rate; 0.5 * sum of squares here."""
    m = definitions(FOLDER / file, "builder_" + file[:-3])
    np.random.seed(5)
    net = m.LayerNet(rate=1e-3)
    net.build((2, 4, 1), m.Sigmoid)
    lin = [net.layers[0], net.layers[2]]
    ps = [p for layer in lin for p in (layer.W, layer.b)]
    row, target = X[:1, :2].copy(), np.array([[0.7]])

    def forward():
        out = row
        for layer in net.layers:
            out = layer.forward(out)
        return out

    before = [p.copy() for p in ps]
    grad = m.HalfSquaredError.derivative(target, forward())
    for layer in reversed(net.layers):
        grad = layer.backward(grad, net.rate)
    claimed = [(b - p) / net.rate for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b
    names = [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")]
    return ps, claimed, lambda: 0.5 * np.sum((forward() - target) ** 2), names


def case_script_inline_dropout():
    """The script's first pass, its mask drawn once and kept: mean squared error through that mask."""
    ns = _script_first_pass("script_inline_dropout_correct.py", {})
    ps, Xs, y, mask = [ns[k] for k in NAMES], ns["X"], ns["y"], ns["mask"]
    loss = lambda: np.mean((np.maximum(Xs @ ps[0] + ps[1], 0) * mask @ ps[2] + ps[3] - y) ** 2)  # noqa: E731
    return ps, [ns["d" + k] for k in NAMES], loss


def case_layer_demo_given_gradient():
    """The layers' stored gradients for a given upstream g: those of sum(scores * g), by central differences."""
    m = definitions(FOLDER / "layer_demo_given_gradient_correct.py", "given_grad")
    first, act, second = m.Affine(3, 5), m.Relu(), m.Affine(5, 2)
    upstream = RNG.normal(size=(7, 2))

    def loss():
        return float(np.sum(second.forward(act.forward(first.forward(X))) * upstream))

    loss()
    first.backward(act.backward(second.backward(upstream)))
    ps = [first.weight, first.bias, second.weight, second.bias]
    claimed = [first.weight_grad, first.bias_grad, second.weight_grad, second.bias_grad]
    return ps, claimed, loss


def _function_first_pass(file: str, fname: str) -> dict:
    """A training function's body run here with its defaults, its loop's first pass up to the first update
    of a weight; the module's own functions as the body calls them. The names it leaves."""
    m = definitions(FOLDER / file, "fn_" + file[:-3])
    fn = next(s for s in ast.parse((FOLDER / file).read_text()).body if getattr(s, "name", None) == fname)
    loop = next(s for s in fn.body if isinstance(s, ast.For))
    body = []
    for stmt in loop.body:
        target = (
            stmt.target
            if isinstance(stmt, ast.AugAssign)
            else (stmt.targets[0] if isinstance(stmt, ast.Assign) else None)
        )
        if isinstance(target, ast.Name) and target.id in NAMES and not isinstance(stmt.value, ast.Call):
            break
        body.append(stmt)
    ns = {**vars(m), **{a.arg: ast.literal_eval(d) for a, d in zip(fn.args.args, fn.args.defaults)}}
    np.random.seed(0)
    exec(compile(ast.Module(fn.body[: fn.body.index(loop)] + body, []), file, "exec"), ns)
    return ns


def _main_local(file: str):
    """main()'s first pass: tanh hidden layer, sigmoid output, mean BCE written here."""
    ns = _function_first_pass(file, "main")
    ps, Xs, y = [ns[k] for k in NAMES], ns["X"], ns["y"]
    loss = lambda: bce(1 / (1 + np.exp(-(np.tanh(Xs @ ps[0] + ps[1]) @ ps[2] + ps[3]))), y)  # noqa: E731
    return ps, [ns["d" + k] for k in NAMES], loss


def _main_helpers(file: str):
    """train()'s first pass through its helpers: ReLU hidden layer, softmax, mean CE written here."""
    ns = _function_first_pass(file, "train")
    ps, Xs, Y = [ns[k] for k in NAMES], ns["X"], ns["Y"]

    def loss():
        s = np.maximum(Xs @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        p = np.exp(s - s.max(axis=1, keepdims=True))
        return ce(p / p.sum(axis=1, keepdims=True), Y)

    return ps, [ns["d" + k] for k in NAMES], loss


def _reg_on(rel: str, cls: str, make):
    """A CS231n (loss, grads) at a penalty of 0.3: the truth is the code's own penalized loss, differenced."""
    m = definitions(FOLDER / rel, "rg")
    net, y = make(getattr(m, cls)), np.array([0, 1, 2, 3, 1, 2, 0])
    _, g = net.loss(X, y) if hasattr(net, "reg") else net.loss(X, y, reg=0.3)
    names = [f"params['{k}']" for k in NAMES]
    loss = (lambda: net.loss(X, y)[0]) if hasattr(net, "reg") else (lambda: net.loss(X, y, reg=0.3)[0])
    return [net.params[k] for k in NAMES], [g[k] for k in NAMES], loss, names


def _online(rel: str, cls: str, names: list[str], loss_name: str, step_name: str = "train"):
    """One sample as 1-D vectors; the gradient read off the in-place update, the truth off the code's own loss."""
    m = definitions(FOLDER / rel, "on")
    net = getattr(m, cls)(3, 4, 2)
    x, t = X[0], np.array([0.3, -0.4])
    ps = [_resolve(net, n) for n in names]
    lr = next(getattr(net, k) for k in ("rate", "lr", "eta") if hasattr(net, k))
    claimed = _inplace(ps, lambda: getattr(net, step_name)(x, t), lr)
    return ps, claimed, lambda: getattr(net, loss_name)(x, t), names


def _resolve(obj, name: str):
    """``W[0]`` or ``w1`` on ``obj``."""
    base, _, index = name.partition("[")
    value = getattr(obj, base)
    return value[int(index[:-1])] if index else value


def _online_vectors(rel: str):
    m = definitions(FOLDER / rel, "ov")
    net = m.Network([3, 4, 2])
    x, t = X[1], np.array([0.2, 0.9])
    nb, nw = net.backprop(x, t)
    names = [f"{k}[{i}]" for i in range(2) for k in ("weights", "biases")]
    ps = [a for i in range(2) for a in (net.weights[i], net.biases[i])]
    return ps, [a for i in range(2) for a in (nw[i], nb[i])], lambda: net.cost(x, t), names


def _one_pass(rel: str, loop: str, first_update: str, params: tuple, grads: tuple, loss_of):
    """A training script's set-up, then its loop body once up to its first update: the weights it
    starts from, the gradients that pass computes, and ``loss_of(ns, weights)`` for central differences."""
    head, rest = (FOLDER / rel).read_text().split(loop + "\n", 1)
    ns: dict = {}
    exec(head, ns)
    ps = [np.array(ns[k], dtype=float) for k in params]
    body = rest.split(first_update, 1)[0]
    exec("\n".join(line[4:] for line in body.splitlines()), ns)
    return ps, [ns[k] for k in grads], lambda: loss_of(ns, ps), list(params)


def _row_bias_script(rel: str):
    def loss(ns, ps):
        hidden = np.tanh(ns["X"] @ ps[0] + ps[1])
        return bce(1 / (1 + np.exp(-(hidden @ ps[2] + ps[3]))), ns["y"])

    return _one_pass(
        rel,
        "for epoch in range(2000):",
        "    W_out -= ",
        ("W_in", "b_in", "W_out", "b_out"),
        ("g_W_in", "g_b_in", "g_W_out", "g_b_out"),
        loss,
    )


def _loglik_cost(rel: str):
    """cost() is the mean log-likelihood; the gradient claimed is that of its negative (mean BCE)."""
    m = definitions(FOLDER / rel, "ll")
    P = m.initialize_parameters(3, 4, 1)
    y = (RNG.random((7, 1)) > 0.5).astype(float)
    grads = m.backward(P, X, y)
    keys = ["W1", "b1", "W2", "b2"]
    return [P[k] for k in keys], [grads[k] for k in keys], lambda: -m.cost(m.forward(P, X), y), keys


def _cache_dict(rel: str):
    """forward_pass() returns its caches as a dict; samples as columns, softmax with one-hot columns, mean CE."""
    m = definitions(FOLDER / rel, "cd")
    net = m.init_network(3, 4, 2)
    Xc, Yc = X.T.copy(), np.eye(2)[RNG.integers(0, 2, X.shape[0])].T
    grads = m.backward_pass(Xc, Yc, net, m.forward_pass(Xc, net))
    keys = ["W1", "b1", "W2", "b2"]
    loss = lambda: m.cross_entropy(m.forward_pass(Xc, net)["A2"], Yc)  # noqa: E731
    return [net[k] for k in keys], [grads["d" + k] for k in keys], loss, keys


def _learn_method(rel: str):
    """learn(X, y) updates in place at the rate sigma; the loss is the class's own 0.5 * sum of squares."""
    m = definitions(FOLDER / rel, "lm")
    net = m.TanhNet([3, 4, 2], sigma=0.01)
    y = RNG.uniform(-0.5, 0.5, size=(X.shape[0], 2))
    ps = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    claimed = _inplace(ps, lambda: net.learn(X, y), 0.01)
    return ps, claimed, lambda: net.loss(X, y), ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


def _half_sse_script(rel: str):
    """No loss in the script: its output delta is the gradient of half the summed squared error. The claimed
    gradients are the expressions its updates subtract (``w -= rate * EXPR``), evaluated on the first pass."""
    head, rest = (FOLDER / rel).read_text().split("for _ in range(3000):\n", 1)
    ns: dict = {}
    exec(head, ns)
    names = ("w_o", "b_o", "w_h", "b_h")
    ps = [np.array(ns[k], dtype=float) for k in names]
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    exec("\n".join(line for line in lines if "-=" not in line), ns)
    updates = dict(line.split(" -= rate * ") for line in lines if "-=" in line)
    claimed = [eval(updates[k], ns) for k in names]

    def loss():
        hid = np.tanh(ns["inputs"] @ ps[2] + ps[3])
        return 0.5 * np.sum((hid @ ps[0] + ps[1] - ns["target"]) ** 2)

    return ps, claimed, loss, list(names)


def _step_helper_script(rel: str):
    """The script's set-up, then one pass with apply_step() replaced by a recorder of what it subtracts / LR."""
    head, rest = (FOLDER / rel).read_text().split("for _epoch in range(500):\n", 1)
    ns: dict = {}
    exec(head, ns)
    names = ("W1", "b1", "W2", "b2")
    ps = [np.array(ns[k], dtype=float) for k in names]
    seen = {}

    def record(x, delta, w, b):
        seen[id(w)] = x.T @ delta
        seen[id(b)] = delta.sum(axis=0)
        return w, b

    body = "\n".join(line[4:] for line in rest.splitlines() if line.strip())
    before = {k: ns[k] for k in names}
    exec(body, {**ns, "apply_step": record})
    claimed = [seen[id(before[k])] for k in names]

    def loss():
        h = np.tanh(ns["X"] @ ps[0] + ps[1])
        return bce(1 / (1 + np.exp(-(h @ ps[2] + ps[3]))), ns["Y"])

    return ps, claimed, loss, list(names)


def _delta_layers(rel: str):
    """Layer objects driven by module functions: deltas stored by the backward, applied by update_weights."""
    m = definitions(FOLDER / rel, "dl")
    np.random.seed(4)
    net = m.initialize_network([3, 5, 4, 2])
    Y = RNG.normal(size=(7, 2))
    names = [f"[{i}].{k}" for i in range(3) for k in ("weights", "biases")]
    ps = [getattr(layer, k) for layer in net for k in ("weights", "biases")]
    lr = 1e-3

    def step():
        m.forward_propagate(net, X)
        m.backward_propagate(net, Y)
        m.update_weights(net, X, lr)

    claimed = _inplace(ps, step, lr)
    return ps, claimed, lambda: np.mean((m.forward_propagate(net, X) - Y) ** 2), names


def _label_branch(rel: str):
    """One sample at a time, as 1-D vectors: the gradient of the loss summed over a label-0 and a label-1 sample."""
    m = definitions(FOLDER / rel, "lb")
    np.random.seed(2)
    net = m.BinaryOnline(3, 4)
    names = ["W_hidden", "b_hidden", "W_out", "b_out"]
    ps = [getattr(net, n) for n in names]
    pairs = [(X[0], np.array([0.0])), (X[1], np.array([1.0]))]
    claimed = [np.zeros_like(p) for p in ps]
    for x, t in pairs:
        claimed = [c + g for c, g in zip(claimed, _inplace(ps, lambda x=x, t=t: net.update(x, t), net.eta))]
    return ps, claimed, lambda: sum(net.cross_entropy(x, t) for x, t in pairs), names


def _vector_output(rel: str):
    """One sample at a time, a vector output weight and a float bias: the loss over a label-0 and a label-1 sample."""
    m = definitions(FOLDER / rel, "vo")
    np.random.seed(5)
    net = m.NeuralNet(3, 4)
    net.b2 = np.asarray(net.b2 + 0.1)  # a 0-d array the differences can step in place (the code adds it as a number)
    names = ["w1", "b1", "w2", "b2"]
    pairs = [(X[0], 0.0), (X[1], 1.0)]
    claimed = [sum(np.asarray(g[i], dtype=float) for g in (net.gradients(x, t) for x, t in pairs)) for i in range(4)]
    return [getattr(net, n) for n in names], claimed, lambda: sum(net.loss(x, t) for x, t in pairs), names


def _default_reg(rel: str):
    """two_layer_loss(params, X, y) at its own default penalty: the loss it returns, the gradients it returns."""
    m = definitions(FOLDER / rel, "dr")
    np.random.seed(6)
    params = {k: v + RNG.normal(scale=0.1, size=v.shape) for k, v in m.init_two_layer(3, 5, 3).items()}
    labels = np.array([0, 2, 1, 1, 0, 2, 2])
    _, grads = m.two_layer_loss(params, X, labels)
    return [params[k] for k in NAMES], [grads[k] for k in NAMES], lambda: m.two_layer_loss(params, X, labels)[0]


def _step_later(rel: str):
    """Layers that work out lr * grad in backward and apply it in update(): BCE on a sigmoid output."""
    m = definitions(FOLDER / rel, "sl")
    np.random.seed(9)
    model = m.Classifier(3, 5)
    T = (RNG.random((7, 1)) > 0.5).astype(float)
    dense = [model.layers[0], model.layers[2]]
    ps = [getattr(layer, k) for layer in dense for k in ("W", "b")]
    lr = dense[0].learning_rate

    def step():
        model.backward(model.forward(X), T)
        model.update()

    claimed = _inplace(ps, step, lr)
    names = [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")]
    return ps, claimed, lambda: model.criterion.forward(model.forward(X), T), names


def _demo_then_train(folder: str):
    """A folder's training script over nn.py's layers (its demo script beside it is not the network)."""
    m = definitions(FOLDER / folder / "homework_layers.py", "dtt")
    np.random.seed(12)
    first, squash, second, criterion = m.Linear(3, 4), m.Tanh(), m.Linear(4, 2), m.SquaredError()
    Y = RNG.normal(size=(7, 2))

    def loss():
        return criterion.forward(second.forward(squash.forward(first.forward(X))), Y)

    loss()
    first.backward(squash.backward(second.backward(criterion.backward())))
    ps = [first.weight, first.bias, second.weight, second.bias]
    claimed = [first.grad_weight, first.grad_bias, second.grad_weight, second.grad_bias]
    return ps, claimed, loss, ["first.weight", "first.bias", "second.weight", "second.bias"]


def _module_stack_hidden_list(folder: str):
    """MLP(n_inputs, [n_hidden], n_classes) of modules: weights (out, in) applied to rows, ReLU, softmax; mean CE."""
    rng = np.random.default_rng(11)  # its own: the shared RNG's draws stay those of the cases before
    modules, mlp = _import(folder, ("modules", "mlp_numpy"))
    net = mlp.MLP(3, [4], 2)
    linear = [net.layers[0], net.layers[2]]
    for layer in linear:  # weights of order 1 (the file starts them at 1e-4), so every entry is measured
        layer.params["weight"] = rng.normal(size=layer.params["weight"].shape)
        layer.params["bias"] = rng.normal(size=layer.params["bias"].shape)
    labels = rng.integers(0, 2, size=7)
    out = net.forward(X)
    net.backward(modules.CrossEntropyModule().backward(out, labels))  # the loss below is written here
    ps = [a for layer in linear for a in (layer.params["weight"], layer.params["bias"])]
    claimed = [a for layer in linear for a in (layer.grads["weight"], layer.grads["bias"])]

    def loss():
        h = np.maximum(X @ ps[0].T + ps[1], 0.0)
        return ce(softmax_rows(h @ ps[2].T + ps[3]), np.eye(2)[labels])

    return ps, claimed, loss, [f"layers[{i}].params['{k}']" for i in (0, 2) for k in ("weight", "bias")]


def _unpack_init_globals(rel: str):
    """Globals unpacked from init_weights(); forward_pass(X) reads them, backward_pass returns a tuple; mean CE."""
    rng = np.random.default_rng(12)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    Y = np.eye(3)[rng.integers(0, 3, size=7)]
    Xs = rng.normal(size=(7, 6))
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    ps = [getattr(m, n) for n in names]
    claimed = m.backward_pass(Xs, Y, *m.forward_pass(Xs))

    def loss():  # written here: ReLU, ReLU, softmax, mean cross-entropy (the file's 1e-8 guard left out)
        h = np.maximum(Xs @ ps[0] + ps[1], 0.0)
        h = np.maximum(h @ ps[2] + ps[3], 0.0)
        return ce(softmax_rows(h @ ps[4] + ps[5]), Y)

    return ps, claimed, loss, names


def _alias_built(folder: str):
    """SequentialNetwork([Dense(4, 8), Sigmoid, Dense(8, 3), Sigmoid]) of layers.py; mean squared error over all."""
    rng = np.random.default_rng(13)  # its own: the shared RNG's draws stay those of the cases before
    layers, network = _import(folder, ("layers", "network"))
    net = network.SequentialNetwork(
        [layers.DenseLayer(4, 8), layers.ActivationSigmoid(), layers.DenseLayer(8, 3), layers.ActivationSigmoid()]
    )
    Xs, Y = rng.normal(size=(7, 4)), rng.random((7, 3))
    out = net.forward(Xs)
    net.backward(network.mse_grad(out, Y))
    dense = [net.layers[0], net.layers[2]]
    ps = [a for d in dense for a in (d.W, d.b)]
    claimed = [a for d in dense for a in (d.dW, d.db)]

    def loss():  # written here
        h = _sig(Xs @ ps[0] + ps[1])
        return float(np.mean((_sig(h @ ps[2] + ps[3]) - Y) ** 2))

    return ps, claimed, loss, [f"layers[{i}].{k}" for i in (0, 2) for k in ("W", "b")]


def _selector_plan(rel: str):
    """Perceptron([(3, "input"), (4, "tanh"), (2, "sigmoid")]); _backprop(kind, targets, zs, outs, step) updates in
    place; the loss chosen by name ("squared": half the sum of squares over outputs, mean over samples)."""
    rng = np.random.default_rng(14)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    net = m.Perceptron([(3, "input"), (4, "tanh"), (2, "sigmoid")])
    ps = [net.W[1], net.b[1], net.W[2], net.b[2]]
    for p in ps:
        p[...] = rng.normal(size=p.shape)
    Xs, Y = rng.normal(size=(7, 3)), rng.random((7, 2))
    before = [p.copy() for p in ps]
    zs, outs = net.feed(Xs)
    net._backprop("squared", Y, zs, outs, 1.0)
    claimed = [b - p for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():  # written here
        h = np.tanh(Xs @ ps[0] + ps[1])
        return float(0.5 * np.sum((_sig(h @ ps[2] + ps[3]) - Y) ** 2) / len(Y))

    return ps, claimed, loss, ["W[1]", "b[1]", "W[2]", "b[2]"]


def _global_train(rel: str):
    """Global weights w1, b1, ... (column layout) that train(rounds, count, size, speed) updates with gradients it
    computes inline from module data pixels, train_y; half the summed squared error against one-hot labels."""
    rng = np.random.default_rng(15)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    names = ["w1", "b1", "w2", "b2", "w3", "b3"]
    for name, shape in zip(names, [(4, 6), (4, 1), (3, 4), (3, 1), (10, 3), (10, 1)]):
        setattr(m, name, rng.normal(size=shape))  # small layers: every entry measured
    n = 5
    m.pixels, m.train_y = rng.normal(size=(n, 6)), rng.integers(0, 10, size=n)
    ps = [getattr(m, k).copy() for k in names]
    m.train(1, n, n, 1.0)  # one step at rate 1/n: the gradient is n times the change
    claimed = [(b - getattr(m, k)) * n for b, k in zip(ps, names)]
    Y = np.eye(10)[m.train_y].T

    def loss():  # written here
        a = m.pixels.T
        for w, c in zip(ps[::2], ps[1::2]):
            a = _sig(w @ a + c)
        return float(0.5 * np.sum((a - Y) ** 2))

    return ps, claimed, loss, names


def _rate_copied(rel: str):
    """Net(3, 4, 2, lr) hands each Layer a copy of lr; backward(y) steps every layer in place; mean squared error."""
    rng = np.random.default_rng(16)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    net = m.Net(3, 4, 2, 1.0)  # rate 1: the change is the gradient
    ps = [a for layer in net.layers for a in (layer.W, layer.b)]
    for p in ps:
        p[...] = rng.normal(size=p.shape)
    Xs, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    before = [p.copy() for p in ps]
    net.forward(Xs)
    net.backward(Y)
    claimed = [b - p for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():  # written here
        return float(np.mean((np.tanh(Xs @ ps[0] + ps[1]) @ ps[2] + ps[3] - Y) ** 2))

    return ps, claimed, loss, [f"layers[{i}].{k}" for i in (0, 1) for k in ("W", "b")]


def _uncalled_xor(rel: str):
    """fit_xor(width, step, rounds, seed) makes the XOR points and its weights, trains them inline and returns
    them; nothing calls it. Tanh hidden, sigmoid output, mean BCE (its +1e-9 left out here)."""
    m = definitions(FOLDER / rel, rel)
    before, _ = m.fit_xor(width=3, rounds=0, seed=4)  # its own generator: the weights it starts from
    after, _ = m.fit_xor(width=3, step=1.0, rounds=1, seed=4)  # one step at rate 1: the change is the gradient
    names = ["W1", "b1", "W2", "b2"]
    ps = [before[k] for k in names]
    claimed = [before[k] - after[k] for k in names]
    pts = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0]])

    def loss():  # written here
        p = _sig(np.tanh(pts @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))

    return ps, claimed, loss, names


def _iteration_count(rel: str):
    """MajorityNet.train(training_inputs, training_outputs, training_iterations, learning_rate) adds
    lr * (the error's step) in place; ReLU hidden, sigmoid output, mean squared error."""
    rng = np.random.default_rng(18)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    net = m.MajorityNet(3, 4, 1)
    names = ["W1", "b1", "W2", "b2"]
    ps = [getattr(net, k) for k in names]
    for p in ps:
        p[...] = rng.normal(size=p.shape)
    Xs, Y = rng.normal(size=(6, 3)), (rng.random((6, 1)) > 0.5).astype(float)
    before = [p.copy() for p in ps]
    net.train(Xs, Y, 1, learning_rate=1.0)  # rate 1, one round: the change is minus the gradient
    claimed = [b - p for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():  # written here
        return float(np.mean((_sig(np.maximum(Xs @ ps[0] + ps[1], 0.0) @ ps[2] + ps[3]) - Y) ** 2))

    return ps, claimed, loss, names


def _argparse_options(rel: str):
    """init_model(data, args) reads an argparse namespace; tanh hidden, sigmoid output, mean BCE;
    gradients(model, X, y) returns a dict."""
    rng = np.random.default_rng(19)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    Xs, Y = rng.normal(size=(7, 3)), (rng.random((7, 1)) > 0.5).astype(float)
    model = m.init_model(Xs, argparse.Namespace(hidden=4, scale=1.0, seed=0))
    names = ["W1", "b1", "W2", "b2"]
    for k in names:
        model[k] = rng.normal(size=model[k].shape)
    claimed = [m.gradients(model, Xs, Y)[k] for k in names]
    ps = [model[k] for k in names]

    def loss():  # written here
        p = _sig(np.tanh(Xs @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return float(-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p)))

    return ps, claimed, loss, names


def _stack_finalize(folder: str):
    """stacknet's Model of Dense(2, 8), Tanh, Dense(8, 1), Sigmoid, finalized; BinaryCrossEntropy averaged over
    the samples (and the output)."""
    rng = np.random.default_rng(20)  # its own: the shared RNG's draws stay those of the cases before
    (layers, losses, model) = _import(folder, ("stacknet.layers", "stacknet.losses", "stacknet.model"))
    net = model.Model()
    for layer in (layers.Dense(2, 8), layers.Tanh(), layers.Dense(8, 1), layers.Sigmoid()):
        net.add(layer)
    net.set(loss=losses.BinaryCrossEntropy(), optimizer=None)
    net.finalize()
    dense = [net.layers[0], net.layers[2]]
    ps = [a for d in dense for a in (d.weights, d.biases)]
    for p in ps:
        p[...] = rng.normal(size=p.shape)
    Xs, Y = rng.normal(size=(7, 2)), (rng.random((7, 1)) > 0.5).astype(float)
    net.backward(net.forward(Xs, training=True), Y)
    claimed = [a for d in dense for a in (d.dweights, d.dbiases)]

    def loss():  # written here
        p = _sig(np.tanh(Xs @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return float(-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p)))

    return ps, claimed, loss, [f"layers[{i}].{k}" for i in (0, 2) for k in ("weights", "biases")]


def _onehot_backward(rel: str):
    """Classifier([3, 4, 3]) of Dense layers keeping dW, db; backward(labels_one_hot) forms the softmax-CE gradient
    itself; ReLU hidden; mean cross-entropy."""
    rng = np.random.default_rng(17)  # its own: the shared RNG's draws stay those of the cases before
    m = definitions(FOLDER / rel, rel)
    net = m.Classifier([3, 4, 3])
    ps = [a for layer in net.layers for a in (layer.W, layer.b)]
    for p in ps:
        p[...] = rng.normal(size=p.shape)
    Xs, Y = rng.normal(size=(7, 3)), np.eye(3)[rng.integers(0, 3, size=7)]
    net.forward(Xs)
    net.backward(Y)
    claimed = [a for layer in net.layers for a in (layer.dW, layer.db)]

    def loss():  # written here
        h = np.maximum(Xs @ ps[0] + ps[1], 0.0)
        return ce(softmax_rows(h @ ps[2] + ps[3]), Y)

    return ps, claimed, loss, [f"layers[{i}].{k}" for i in (0, 1) for k in ("W", "b")]


def _relative_package(folder: str):
    """A namespace package: HiddenNet(Base) imported relatively; forward(X, y) fills self.gradients; sigmoid
    hidden, softmax output, mean cross-entropy on integer labels."""
    rng = np.random.default_rng(18)  # its own: the shared RNG's draws stay those of the cases before
    sys.path.insert(0, str(FOLDER))
    try:
        hidden_net = importlib.import_module(f"{folder}.hidden_net")
    finally:
        sys.path.pop(0)
        for name in [n for n in sys.modules if n == folder or n.startswith(folder + ".")]:
            del sys.modules[name]
    net = hidden_net.HiddenNet(3, 3, 4)
    names = ["W1", "b1", "W2", "b2"]
    ps = [net.weights[k] for k in names]
    for p in ps:
        p[...] = rng.normal(size=p.shape)
    Xs, labels = rng.normal(size=(7, 3)), rng.integers(0, 3, size=7)
    net.forward(Xs, labels)
    claimed = [net.gradients[k] for k in names]

    def loss():  # written here
        h = _sig(Xs @ ps[0] + ps[1])
        return ce(softmax_rows(h @ ps[2] + ps[3]), np.eye(3)[labels])

    return ps, claimed, loss, [f"weights['{k}']" for k in names]


def _inner_helpers(rel: str):
    """forward(X, W1, b1, W2, b2) -> (Z1, A1, Z2, A2), backward(X, Y, W2, A1, A2); BCE on the sigmoid output."""
    m = definitions(FOLDER / rel, rel)
    ps = list(m.init_params(3, 4, 1))
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    _, A1, _, A2 = m.forward(X, *ps)

    def loss():
        Z1 = X @ ps[0] + ps[1]
        p = 1 / (1 + np.exp(-((1 / (1 + np.exp(-Z1))) @ ps[2] + ps[3])))
        return bce(p, Y)

    return ps, list(m.backward(X, Y, ps[2], A1, A2)), loss


def _sigmoid_hidden_mse(ps, Y):
    """MSE over the batch and the outputs of a sigmoid hidden layer and an identity output (W as in x out)."""
    h = 1 / (1 + np.exp(-(X @ ps[0] + ps[1])))
    return np.mean((h @ ps[2] + ps[3] - Y) ** 2)


def case_notebook_runs_modules():
    """The two files run into one namespace, as the notebook's ``%run`` lines do; MSE over samples and outputs."""
    scope: dict = {}
    for name in ("dense_layers.py", "mlp_network.py"):
        path = FOLDER / "notebook_runs_modules_correct" / name
        exec(compile(path.read_text(), str(path), "exec"), scope)  # noqa: S102 - the project's own example
    net = scope["TwoLayerRegressor"](3, 4, 2)
    Y = RNG.normal(size=(7, 2))
    net.backward(net.predict(X), Y)
    dense = [net.stack[0], net.stack[2]]
    ps = [a for d in dense for a in (d.W, d.b)]
    claimed = [a for d in dense for a in (d.grad_W, d.grad_b)]

    return ps, claimed, lambda: _sigmoid_hidden_mse(ps, Y)


def case_layers_trained_in_tests():
    """The network the test builds, Linear(3, 4), Sigmoid(), Linear(4, 1); MSE over the batch."""
    (layers,) = _import("layers_trained_in_tests_correct", ("layers",))
    rng = np.random.default_rng(3)
    stack = [layers.Linear(3, 4, rng), layers.Sigmoid(), layers.Linear(4, 1, rng)]
    Y = RNG.normal(size=(7, 1))
    out = X
    for layer in stack:
        out = layer.forward(out)
    grad = 2.0 * (out - Y) / len(Y)
    for layer in reversed(stack):
        grad = layer.backward(grad)
    ps = [stack[0].weight, stack[0].bias, stack[2].weight, stack[2].bias]
    claimed = [stack[0].gW, stack[0].gb, stack[2].gW, stack[2].gb]

    return ps, claimed, lambda: _sigmoid_hidden_mse(ps, Y)


def case_course_tests_beside_model():
    """Samples as rows, weights (out, in) applied to X.T; mean BCE over flat labels."""
    (m,) = _import("course_tests_beside_model_correct", ("planar_model",))
    p = m.init_parameters(3, 4, 1)
    y = (RNG.random(7) > 0.5).astype(float)
    _, cache = m.forward(X, p)
    g = m.backward(p, cache, X, y)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        h = np.tanh(X @ p["W1"].T + p["b1"].T)
        return bce(_sig(h @ p["W2"].T + p["b2"].T)[:, 0], y)

    return [p[k] for k in keys], [g["d" + k] for k in keys], loss


def case_rows_fixed_batch():
    """On the 64 samples its backward is written for: weights (out, in) applied to rows; mean BCE."""
    m = definitions(FOLDER / "rows_fixed_batch_correct.py", "r")
    net = m.RowNet(3, 4)
    X64 = RNG.normal(size=(64, 3))
    Y = (RNG.random((64, 1)) > 0.5).astype(float)
    net.forward(X64)
    net.backward(Y)
    ps = [net.W1, net.b1, net.W2, net.b2]

    def loss():
        h = np.tanh(X64 @ ps[0].T + ps[1].T)
        return bce(_sig(h @ ps[2].T + ps[3].T), Y)

    return ps, [net.dW1, net.db1, net.dW2, net.db2], loss


def _dropout_kept(rel: str):
    """DropNet([3, 5, 2]) at its default keep = 0.75: the gradient against the mean square error of the output the
    same seeded mask gives, written out here (tanh hidden layer times the mask, identity output)."""
    m = definitions(FOLDER / rel, rel)
    net = m.DropNet([3, 5, 2])
    Y = np.random.default_rng(5).normal(size=(7, 2))  # its own generator: the shared one's draws stay as they were
    g = net.backward(X, Y)
    mask = net._mask((7, 5))
    params = [net.W1, net.b1, net.W2, net.b2]
    out = lambda: (np.tanh(X @ params[0] + params[1]) * mask) @ params[2] + params[3]  # noqa: E731
    return params, [g[k] for k in NAMES], lambda: np.mean((out() - Y) ** 2)


def _l2_kept(rel: str):
    """SoftmaxMLP() at its default lam = 0.3: the gradient against cross-entropy over integer labels plus
    lam / (2m) * (|W1|^2 + |W2|^2), written out here."""
    m = definitions(FOLDER / rel, rel)
    net = m.SoftmaxMLP()
    rng = np.random.default_rng(6)  # its own generator: the shared one's draws stay as they were
    y = rng.integers(0, 3, size=7)
    Xf = rng.normal(size=(7, 4))
    g = net.grads(Xf, y)
    params = [net.W1, net.b1, net.W2, net.b2]

    def loss():
        p = softmax_rows(np.maximum(Xf @ params[0] + params[1], 0) @ params[2] + params[3])
        penalty = 0.3 / (2 * 7) * (np.sum(params[0] ** 2) + np.sum(params[2] ** 2))
        return -np.mean(np.log(p[np.arange(7), y])) + penalty

    return params, [g[k] for k in NAMES], loss


def _eps_logloss(rel: str):
    """The module's Stack(Linear(2, 6), Tanh(), Linear(6, 1), Sigmoid()) and LogLoss (eps = 1e-7 in both logs): the
    layers' dW, db after backward(crit.grad(p, y)), against that guarded log-loss written out here."""
    m = definitions(FOLDER / rel, rel)
    rng = np.random.default_rng(8)  # its own generator: the shared one's draws stay as they were
    first, second = m.Linear(2, 6), m.Linear(6, 1)
    net = m.Stack(first, m.Tanh(), second, m.Sigmoid())
    Xs, y = rng.normal(size=(9, 2)), (rng.random((9, 1)) > 0.5).astype(float)
    net.backward(m.LogLoss().grad(net.forward(Xs), y))
    params = [first.W, first.b, second.W, second.b]

    def loss():
        p = 1 / (1 + np.exp(-(np.tanh(Xs @ params[0] + params[1]) @ params[2] + params[3])))
        return -np.mean(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))

    names = ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"]
    return params, [first.dW, first.db, second.dW, second.db], loss, names


def _globals_cache_wrapper(rel: str):
    """Module globals W1, b1, W2, b2 (samples as columns): compute_gradient(X, Y), the wrapper running forward,
    backprop(X, Y, cache) and adding decay / n * W, against 1/(2n) * squared error + decay / (2n) * |W|^2 here."""
    m = definitions(FOLDER / rel, rel)
    rng = np.random.default_rng(9)  # its own generator: the shared one's draws stay as they were
    Xc, Yc = rng.normal(size=(2, 6)), rng.normal(size=(1, 6))
    claimed = m.compute_gradient(Xc, Yc)
    params = [m.W1, m.b1, m.W2, m.b2]

    def loss():
        out = params[2] @ np.tanh(params[0] @ Xc + params[1]) + params[3]
        return np.sum((out - Yc) ** 2) / 12 + 0.05 / 12 * (np.sum(params[0] ** 2) + np.sum(params[2] ** 2))

    return params, list(claimed), loss


def _flat_theta_jac(rel: str):
    """objective_jac(w, X, t) split as the module's split(w) cuts w (A, a, B, c), against 0.5 * mean squared error
    of the 2-4-1 tanh network written out here."""
    m = definitions(FOLDER / rel, rel)
    rng = np.random.default_rng(10)  # its own generator: the shared one's draws stay as they were
    Xs, t = rng.normal(size=(7, 2)), rng.normal(size=7)
    w = rng.normal(0, 0.5, 2 * 4 + 2 * 4 + 1)
    g = m.objective_jac(w, Xs, t)
    params = [w[:8].reshape(2, 4).copy(), w[8:12].copy(), w[12:16].reshape(4, 1).copy(), w[16:].copy()]
    claimed = [g[:8].reshape(2, 4), g[8:12], g[12:16].reshape(4, 1), g[16:]]

    def loss():
        pred = np.tanh(Xs @ params[0] + params[1]) @ params[2] + params[3]
        return 0.5 * np.mean((pred[:, 0] - t) ** 2)

    return params, claimed, loss, ["A", "a", "B", "c"]


def _propagate_logreg(rel: str):
    """propagate(w, b, X, Y) -> ({"dw", "db"}, cost) at weights of its own shapes (samples as columns), against
    mean BCE of sigmoid(w.T X + b) written out here."""
    m = definitions(FOLDER / rel, rel)
    rng = np.random.default_rng(11)  # its own generator: the shared one's draws stay as they were
    Xc, Yc = rng.normal(size=(3, 7)), (rng.random((1, 7)) > 0.5).astype(float)
    params = [rng.normal(0, 0.5, (3, 1)), np.array([0.2])]
    grads, _ = m.propagate(params[0], float(params[1][0]), Xc, Yc)

    def loss():
        p = 1 / (1 + np.exp(-(params[0].T @ Xc + params[1])))
        return -np.mean(Yc * np.log(p) + (1 - Yc) * np.log(1 - p))

    return params, [grads["dw"], np.atleast_1d(grads["db"])], loss, ["w", "b"]


CASES = {
    "init_method_sizes_correct.py": lambda: _init_method(
        "init_method_sizes_correct.py", "Network", ["w1", "w2"], "backward", 0.5, lambda p, y: np.mean((p - y) ** 2) / 2
    ),
    "init_method_tanh_prime_bug.py": lambda: _init_method(
        "init_method_tanh_prime_bug.py", "MLP", ["W1", "b1", "W2", "b2"], "train_step", 0.1, bce
    ),
    "builder_add_softmax_correct.py": lambda: _builder(
        "builder_add_softmax_correct.py", "build_model", "W", "b", "dW", "db", lambda z: np.maximum(z, 0), 4
    ),
    "builder_net_add_mean_bug.py": lambda: _builder(
        "builder_net_add_mean_bug.py", "make_network", "weights", "bias", "grad_weights", "grad_bias", np.tanh, 3
    ),
    "dims_cache_correct.py": case_dims_cache,
    "arch_seed_relu_correct.py": case_arch_seed_relu,
    "pairs_layers_correct.py": lambda: _pairs(
        "pairs_layers_correct.py", "init_layers", "forward", "backward", lambda z: np.maximum(z, 0), "layers"
    ),
    "pairs_net_prime_bug.py": lambda: _pairs(
        "pairs_net_prime_bug.py", "initialize", "feedforward", "backprop", _sig, "net"
    ),
    "scores_then_probs_functions_bug.py": case_scores_then_probs,
    "float32_tanh_bce_correct.py": functools.partial(_float32_case, "float32_tanh_bce_correct.py"),
    "float32_tanh_bce_bug.py": functools.partial(_float32_case, "float32_tanh_bce_bug.py"),
    "cs231n_softmax_correct.py": case_cs231n_softmax,
    "positional_softmax_correct.py": case_positional_softmax,
    "params_never_created_correct.py": case_params_never_created,
    "fit_weights_correct.py": case_fit_weights,
    "project_correct": case_project,
    "class_export/alice/mlp.py": lambda: _mlp_case("class_export/alice/mlp.py", lambda p, y: np.mean((p - y) ** 2)),
    "class_export/bob/mlp.py": lambda: _mlp_case("class_export/bob/mlp.py", lambda p, y: np.mean((p - y) ** 2)),
    "class_export/carol/hw4/mlp.py": lambda: _mlp_case("class_export/carol/hw4/mlp.py", lambda p, y: bce(p, y) * 2),
    "softmax_onehot_missing_mean_bug.py": case_softmax_onehot_missing_mean,
    "tanh_output_correct.py": case_tanh_output,
    "elu_alpha_correct.py": case_elu_alpha,
    "leaky_relu_slope_bug.py": case_leaky_relu_slope,
    "half_sum_mse_correct.py": case_half_sum_mse,
    "two_bugs_bug.py": case_two_bugs,
    "derivative_functions_correct.py": case_derivative_functions,
    "layer_list_correct.py": case_layer_list,
    "script_correct.py": case_script,
    "loss_params_first_two_bugs_bug.py": case_loss_params_first,
    "myonn_verbatim_bug.py": lambda: _myonn("myonn_verbatim_bug.py"),
    "myonn_fixed_correct.py": lambda: _myonn("myonn_fixed_correct.py"),
    "myonn_hidden_path_two_bug.py": lambda: _myonn("myonn_hidden_path_two_bug.py"),
    "train_step_layers_correct.py": case_train_step_layers,
    "classifier_project_correct": case_classifier_project,
    "trask_script_preact_bug.py": case_trask_script,
    "lists_init_network_bias_bug.py": case_lists_init_network,
    "sequential_main_bug": case_sequential_main,
    "binary_mlp_t_y_correct.py": lambda: _binary_mlp("binary_mlp_t_y_correct.py"),
    "binary_mlp_t_y_bias_bug.py": lambda: _binary_mlp("binary_mlp_t_y_bias_bug.py"),
    "lists_pres_acts_correct.py": lambda: _lists_pres_acts("lists_pres_acts_correct.py"),
    "lists_pres_acts_clip_bug.py": lambda: _lists_pres_acts("lists_pres_acts_clip_bug.py"),
    "proba_ravel_correct.py": lambda: _proba_ravel("proba_ravel_correct.py"),
    "proba_ravel_double_mean_bug.py": lambda: _proba_ravel("proba_ravel_double_mean_bug.py"),
    "arch_dict_correct.py": lambda: _arch(
        "arch_dict_correct.py", lambda z: np.maximum(z, 0), "NN_ARCHITECTURE", "full_forward", "full_backward"
    ),
    "arch_dict_tanh_prime_bug.py": lambda: _arch(
        "arch_dict_tanh_prime_bug.py",
        np.tanh,
        "nn_architecture",
        "full_forward_propagation",
        "full_backward_propagation",
    ),
    "globals_init_correct.py": lambda: _globals_init(
        definitions(FOLDER / "globals_init_correct.py", "gi"), lambda z: np.maximum(z, 0)
    ),
    "globals_init_nb_mean_bug.ipynb": lambda: _globals_init(
        _notebook_definitions(FOLDER / "globals_init_nb_mean_bug.ipynb"), np.tanh
    ),
    "weights_list_script_correct.py": lambda: _weights_script(
        "weights_list_script_correct.py",
        "for epoch in range(500):",
        "learning_rate",
        _sig,
        lambda p, y: np.mean((p - y) ** 2),
    ),
    "weights_list_script_ascent_bug.py": lambda: _weights_script(
        "weights_list_script_ascent_bug.py", "for epoch in range(2000):", "lr", np.tanh, bce
    ),
    "unrolled_cost_correct.py": lambda: _unrolled("unrolled_cost_correct.py", "nn_cost_function", "C", 0, 0.7),
    "unrolled_cost_fortran_bug.py": lambda: _unrolled("unrolled_cost_fortran_bug.py", "nnCostFunction", "F", 1, 0.5),
    "mnist_notebook_bias_sum_bug.ipynb": case_mnist_notebook_bias_sum,
    "mnist_notebook_correct.ipynb": case_mnist_notebook,
    "layer_array_project_correct": case_layer_array_project,
    "update_skips_last_layer_correct.py": case_update_skips_last_layer,
    "layer_update_first_bug.py": case_layer_update_first,
    "theta_methods_correct.py": case_theta_methods,
    "init_method_fixed_lr_correct.py": case_init_method_fixed_lr,
    "l2_default_mse_delta_bug.py": case_l2_default_mse_delta,
    **GAP_CASES,
    **CACHE_CASES,
    "sklearn_coefs_correct.py": case_sklearn_coefs,
    "loss_state_project_correct": case_loss_state_project,
    "layer_pairs_attribute_correct.py": case_layer_pairs_attribute,
    "optimizer_named_net_correct.py": case_optimizer_named_net,
    **PUBLIC_CASES,
    **OUTPUTS_CASES,
    **OWNLOSS_CASES,
    **ZEROCONF_CASES,
    **MADEINSIDE_CASES,
    **SHAPES_CASES,
    **DEPTH0_CASES,
    **CROSSED_CASES,
    **STORED_CASES,
    "lists_cached_softmax_correct.py": lambda: _lists_cached("lists_cached_softmax_correct.py"),
    "lists_cached_softmax_mean_bug.py": lambda: _lists_cached("lists_cached_softmax_mean_bug.py"),
    "src_layout_project_correct": lambda: _src_layout("src_layout_project_correct"),
    "src_layout_project_leaky_bug": lambda: _src_layout("src_layout_project_leaky_bug"),
    "pair_batch_backprop_correct.py": lambda: _pair_batch("pair_batch_backprop_correct.py"),
    "pair_batch_backprop_hidden_prime_bug.py": lambda: _pair_batch("pair_batch_backprop_hidden_prime_bug.py"),
    "layer_pairs_ann_correct.py": lambda: _layer_pairs("layer_pairs_ann_correct.py"),
    "layer_pairs_ann_relu_ones_bug.py": lambda: _layer_pairs("layer_pairs_ann_relu_ones_bug.py"),
    "moons_script_correct.py": lambda: _moons_script("moons_script_correct.py"),
    "moons_script_tanh_prime_bug.py": lambda: _moons_script("moons_script_tanh_prime_bug.py"),
    "warmup_script_relu_correct.py": lambda: _warmup_script("warmup_script_relu_correct.py"),
    "warmup_script_relu_skipped_bug.py": lambda: _warmup_script("warmup_script_relu_skipped_bug.py"),
    "named_layers_script_correct.py": lambda: _named_layers_script("named_layers_script_correct.py"),
    "named_layers_script_tanh_at_activation_bug.py": lambda: _named_layers_script(
        "named_layers_script_tanh_at_activation_bug.py"
    ),
    "loss_pair_layers_correct.py": lambda: _loss_pair("loss_pair_layers_correct.py"),
    "loss_pair_layers_no_mean_bug.py": lambda: _loss_pair("loss_pair_layers_no_mean_bug.py"),
    "decisions_predict_fit_batch_correct.py": lambda: _fit_batch("decisions_predict_fit_batch_correct.py"),
    "decisions_predict_fit_batch_bug.py": lambda: _fit_batch("decisions_predict_fit_batch_bug.py"),
    "arch_wb_dict_correct.py": lambda: _arch_wb("arch_wb_dict_correct.py"),
    "arch_wb_dict_preact_bug.py": lambda: _arch_wb("arch_wb_dict_preact_bug.py"),
    "iris_globals_script_correct.py": lambda: _iris_globals("iris_globals_script_correct.py"),
    "iris_globals_script_tanh_twice_bug.py": lambda: _iris_globals("iris_globals_script_tanh_twice_bug.py"),
    "float32_inplace_digits_correct.py": lambda: _float32_digits("float32_inplace_digits_correct.py"),
    "float32_inplace_digits_relu_bug.py": lambda: _float32_digits("float32_inplace_digits_relu_bug.py"),
    "loss_grads_fn_correct.py": lambda: _loss_grads("loss_grads_fn_correct.py"),
    "loss_grads_fn_preact_bug.py": lambda: _loss_grads("loss_grads_fn_preact_bug.py"),
    "activation_arg_class_correct.py": lambda: _activation_arg("activation_arg_class_correct.py"),
    "activation_arg_class_rows_mean_bug.py": lambda: _activation_arg("activation_arg_class_rows_mean_bug.py"),
    "nnfs_script_correct.py": lambda: _nnfs("nnfs_script_correct.py"),
    "nnfs_script_separate_loss_mean_bug.py": lambda: _nnfs("nnfs_script_separate_loss_mean_bug.py"),
    "builder_fit_use_correct.py": lambda: _builder_fit("builder_fit_use_correct.py"),
    "builder_fit_use_tanh_prime_bug.py": lambda: _builder_fit("builder_fit_use_tanh_prime_bug.py"),
    "assembled_layers_project_correct": lambda: _assembled_project("assembled_layers_project_correct"),
    "assembled_layers_project_bias_bug": lambda: _assembled_project("assembled_layers_project_bias_bug"),
    "step_only_leaky_columns_correct.py": lambda: _step_only("step_only_leaky_columns_correct.py"),
    "step_only_leaky_columns_relu_prime_bug.py": lambda: _step_only("step_only_leaky_columns_relu_prime_bug.py"),
    "acts_list_forward_correct.py": lambda: _acts_list("acts_list_forward_correct.py"),
    "acts_list_forward_tanh_prime_bug.py": lambda: _acts_list("acts_list_forward_tanh_prime_bug.py"),
    "course_notebook_project_correct": lambda: _course_notebook("course_notebook_project_correct"),
    "course_notebook_project_scalar_db_bug": lambda: _course_notebook("course_notebook_project_scalar_db_bug"),
    "inplace_returns_weights_correct.py": lambda: _returns_weights("inplace_returns_weights_correct.py"),
    "inplace_returns_weights_tanh_prime_bug.py": lambda: _returns_weights("inplace_returns_weights_tanh_prime_bug.py"),
    "neuron_dicts_seeds_correct.py": case_neuron_dicts,
    "neuron_loop_sample_correct.py": lambda: _neuron_loop("neuron_loop_sample_correct.py"),
    "neuron_loop_sample_update_first_bug.py": lambda: _neuron_loop("neuron_loop_sample_update_first_bug.py"),
    "globals_never_made_correct.py": case_globals_never_made,
    "penalty_arg_dims_correct.py": lambda: _penalty_dims("penalty_arg_dims_correct.py"),
    "penalty_arg_dims_decay_bug.py": lambda: _penalty_dims("penalty_arg_dims_decay_bug.py"),
    "main_guard_globals_correct.py": lambda: _main_guard("main_guard_globals_correct.py"),
    "main_guard_globals_double_sigmoid_bug.py": lambda: _main_guard("main_guard_globals_double_sigmoid_bug.py"),
    "node_graph_units_correct.py": case_node_graph,
    "fixed_weights_data_ctor_correct.py": case_fixed_weights_ctor,
    "pattern_pairs_epochs_correct.py": case_pattern_pairs,
    "experiment_loop_holder_correct.py": case_experiment_holder,
    "loop_roles_it_names_correct.py": lambda: _loop_roles("loop_roles_it_names_correct.py"),
    "loop_roles_it_names_delta_bug.py": lambda: _loop_roles("loop_roles_it_names_delta_bug.py"),
    "column_net_row_script_correct": lambda: _column_row_script("column_net_row_script_correct"),
    "loaders_beside_network_correct": lambda: _loaders_beside_network("loaders_beside_network_correct"),
    "cells_saved_apart_correct": lambda: _cells_apart("cells_saved_apart_correct"),
    "forward_label_sample_correct.py": case_forward_label,
    "dropout_keep_prob_correct.py": case_dropout_keep_prob,
    "dropout_always_on_correct.py": case_dropout_always_on,
    "layer_script_int_labels_correct.py": case_layer_script_int_labels,
    "global_weight_lists_correct.py": case_global_weight_lists,
    "trainer_class_fstring_keys_softmax_bug.py": lambda: _trainer_fstring("trainer_class_fstring_keys_softmax_bug.py"),
    "book_library_chapter_correct": lambda: _book_chapter("book_library_chapter_correct"),
    "two_bugs_shape_and_value_bug.py": case_two_bugs_shape_and_value,
    "long_way_bce_sigmoid_backward_at_activation_bug.py": case_long_way_bce,
    "onehot_from_labels_columns_correct.py": case_onehot_from_labels_columns,
    "script_beside_helpers_correct": lambda: _script_beside_helpers("script_beside_helpers_correct"),
    "script_beside_helpers_tanh_bug": lambda: _script_beside_helpers("script_beside_helpers_tanh_bug"),
    "one_pass_printed_grads_correct.py": lambda: _one_pass_script("one_pass_printed_grads_correct.py"),
    "one_pass_printed_grads_bias_bug.py": lambda: _one_pass_script("one_pass_printed_grads_bias_bug.py"),
    "builder_method_layers_correct.py": lambda: _builder_layers("builder_method_layers_correct.py"),
    "builder_method_layers_sigmoid_bug.py": lambda: _builder_layers("builder_method_layers_sigmoid_bug.py"),
    "script_inline_dropout_correct.py": case_script_inline_dropout,
    "layer_demo_given_gradient_correct.py": case_layer_demo_given_gradient,
    "main_local_weights_correct.py": lambda: _main_local("main_local_weights_correct.py"),
    "main_local_weights_tanh_bug.py": lambda: _main_local("main_local_weights_tanh_bug.py"),
    "main_local_helpers_correct.py": lambda: _main_helpers("main_local_helpers_correct.py"),
    "main_local_helpers_relu_bug.py": lambda: _main_helpers("main_local_helpers_relu_bug.py"),
    "cs231n_reg_squared_correct.py": lambda: _reg_on(
        "cs231n_reg_squared_correct.py", "TwoLayerNet", lambda c: c(3, 5, 4, std=0.5)
    ),
    "cs231n_reg_squared_bug.py": lambda: _reg_on(
        "cs231n_reg_squared_bug.py", "TwoLayerNet", lambda c: c(3, 5, 4, std=0.5)
    ),
    "cs231n_self_reg_half_correct.py": lambda: _reg_on(
        "cs231n_self_reg_half_correct.py", "ThreeLayerConvFreeNet", lambda c: c(3, 5, 4, weight_scale=0.5, reg=0.3)
    ),
    "cs231n_self_reg_half_bug.py": lambda: _reg_on(
        "cs231n_self_reg_half_bug.py", "ThreeLayerConvFreeNet", lambda c: c(3, 5, 4, weight_scale=0.5, reg=0.3)
    ),
    "online_outer_correct.py": lambda: _online("online_outer_correct.py", "OnlineRegressor", NAMES, "error"),
    "online_outer_sign_bug.py": lambda: _online("online_outer_sign_bug.py", "OnlineRegressor", NAMES, "error"),
    "online_outer_sigmoid_twice_bug.py": lambda: _online(
        "online_outer_sigmoid_twice_bug.py", "OnlineClassifier", ["w1", "b1", "w2", "b2"], "loss"
    ),
    "online_square_transpose_bug.py": lambda: _online(
        "online_square_transpose_bug.py", "DeepOnline", [f"{k}[{i}]" for i in range(3) for k in ("W", "b")], "cost"
    ),
    "online_backprop_vectors_correct.py": lambda: _online_vectors("online_backprop_vectors_correct.py"),
    "online_backprop_vectors_bug.py": lambda: _online_vectors("online_backprop_vectors_bug.py"),
    "row_bias_flat_grad_correct.py": lambda: _row_bias_script("row_bias_flat_grad_correct.py"),
    "row_bias_flat_grad_tanh_bug.py": lambda: _row_bias_script("row_bias_flat_grad_tanh_bug.py"),
    "loglik_cost_correct.py": lambda: _loglik_cost("loglik_cost_correct.py"),
    "loglik_cost_sigmoid_twice_bug.py": lambda: _loglik_cost("loglik_cost_sigmoid_twice_bug.py"),
    "cache_dict_forward_correct.py": lambda: _cache_dict("cache_dict_forward_correct.py"),
    "cache_dict_forward_db1_unscaled_bug.py": lambda: _cache_dict("cache_dict_forward_db1_unscaled_bug.py"),
    "learn_method_class_correct.py": lambda: _learn_method("learn_method_class_correct.py"),
    "learn_method_class_tanh_twice_bug.py": lambda: _learn_method("learn_method_class_tanh_twice_bug.py"),
    "half_sse_script_correct.py": lambda: _half_sse_script("half_sse_script_correct.py"),
    "half_sse_script_bias_total_bug.py": lambda: _half_sse_script("half_sse_script_bias_total_bug.py"),
    "step_helper_script_correct.py": lambda: _step_helper_script("step_helper_script_correct.py"),
    "step_helper_script_tanh_twice_bug.py": lambda: _step_helper_script("step_helper_script_tanh_twice_bug.py"),
    "delta_layers_update_correct.py": lambda: _delta_layers("delta_layers_update_correct.py"),
    "delta_layers_update_relu_bug.py": lambda: _delta_layers("delta_layers_update_relu_bug.py"),
    "online_label_branch_correct.py": lambda: _label_branch("online_label_branch_correct.py"),
    "online_label_branch_sign_bug.py": lambda: _label_branch("online_label_branch_sign_bug.py"),
    "layer_step_later_correct.py": lambda: _step_later("layer_step_later_correct.py"),
    "layer_step_later_bias_mean_bug.py": lambda: _step_later("layer_step_later_bias_mean_bug.py"),
    "demo_then_train_project_correct": lambda: _demo_then_train("demo_then_train_project_correct"),
    "demo_then_train_project_tanh_bug": lambda: _demo_then_train("demo_then_train_project_tanh_bug"),
    "vector_output_float_bias_correct.py": lambda: _vector_output("vector_output_float_bias_correct.py"),
    "vector_output_float_bias_neglabel_bug.py": lambda: _vector_output("vector_output_float_bias_neglabel_bug.py"),
    "default_reg_loss_correct.ipynb": lambda: _default_reg("default_reg_loss_correct.ipynb"),
    "default_reg_loss_half_bug.ipynb": lambda: _default_reg("default_reg_loss_half_bug.ipynb"),
    "inner_helpers_forward_correct.py": lambda: _inner_helpers("inner_helpers_forward_correct.py"),
    "inner_helpers_forward_tanh_prime_bug.py": lambda: _inner_helpers("inner_helpers_forward_tanh_prime_bug.py"),
    "notebook_runs_modules_correct": case_notebook_runs_modules,
    "layers_trained_in_tests_correct": case_layers_trained_in_tests,
    "course_tests_beside_model_correct": case_course_tests_beside_model,
    "alias_built_project_correct": lambda: _alias_built("alias_built_project_correct"),
    "selector_cost_plan_correct.py": lambda: _selector_plan("selector_cost_plan_correct.py"),
    "relative_package_forward_grads_correct": lambda: _relative_package("relative_package_forward_grads_correct"),
    "relative_package_forward_grads_slope_bug": lambda: _relative_package("relative_package_forward_grads_slope_bug"),
    "onehot_backward_layers_correct.py": lambda: _onehot_backward("onehot_backward_layers_correct.py"),
    "onehot_backward_layers_no_mean_bug.py": lambda: _onehot_backward("onehot_backward_layers_no_mean_bug.py"),
    "rate_copied_layers_correct.py": lambda: _rate_copied("rate_copied_layers_correct.py"),
    "rate_copied_layers_tanh_prime_bug.py": lambda: _rate_copied("rate_copied_layers_tanh_prime_bug.py"),
    "uncalled_xor_trainer_correct.py": lambda: _uncalled_xor("uncalled_xor_trainer_correct.py"),
    "uncalled_xor_trainer_tanh_prime_bug.py": lambda: _uncalled_xor("uncalled_xor_trainer_tanh_prime_bug.py"),
    "iteration_count_training_correct.py": lambda: _iteration_count("iteration_count_training_correct.py"),
    "iteration_count_training_no_mean_bug.py": lambda: _iteration_count("iteration_count_training_no_mean_bug.py"),
    "argparse_options_correct.py": lambda: _argparse_options("argparse_options_correct.py"),
    "stack_finalize_project_correct": lambda: _stack_finalize("stack_finalize_project_correct"),
    "stack_finalize_project_output_slope_bug": lambda: _stack_finalize("stack_finalize_project_output_slope_bug"),
    "argparse_options_no_mean_bug.py": lambda: _argparse_options("argparse_options_no_mean_bug.py"),
    "global_train_function_correct.py": lambda: _global_train("global_train_function_correct.py"),
    "global_train_function_preact_bug.py": lambda: _global_train("global_train_function_preact_bug.py"),
    "selector_cost_plan_no_output_slope_bug.py": lambda: _selector_plan("selector_cost_plan_no_output_slope_bug.py"),
    "alias_built_project_sigmoid_twice_bug": lambda: _alias_built("alias_built_project_sigmoid_twice_bug"),
    "unpack_init_globals_correct.py": lambda: _unpack_init_globals("unpack_init_globals_correct.py"),
    "unpack_init_globals_no_relu_mask_bug.py": lambda: _unpack_init_globals("unpack_init_globals_no_relu_mask_bug.py"),
    "module_stack_hidden_list_correct": lambda: _module_stack_hidden_list("module_stack_hidden_list_correct"),
    "module_stack_hidden_list_no_mean_bug": lambda: _module_stack_hidden_list("module_stack_hidden_list_no_mean_bug"),
    "rows_fixed_batch_correct.py": case_rows_fixed_batch,
    "columns_bias_sum_tuple_bug.py": case_columns_bias_sum_tuple,
    "keyword_loss_layers_correct.py": lambda: _keyword_loss("keyword_loss_layers_correct.py"),
    "keyword_loss_layers_shortcut_bug.py": lambda: _keyword_loss("keyword_loss_layers_shortcut_bug.py"),
    "data_shape_count_correct.ipynb": lambda: _data_shape_count("data_shape_count_correct.ipynb"),
    "data_shape_count_tanh_twice_bug.ipynb": lambda: _data_shape_count("data_shape_count_tanh_twice_bug.ipynb"),
    "dropout_fixed_mask_correct.py": lambda: _dropout_kept("dropout_fixed_mask_correct.py"),
    "dropout_fixed_mask_forgotten_bug.py": lambda: _dropout_kept("dropout_fixed_mask_forgotten_bug.py"),
    "l2_default_lam_correct.py": lambda: _l2_kept("l2_default_lam_correct.py"),
    "l2_default_lam_output_bug.py": lambda: _l2_kept("l2_default_lam_output_bug.py"),
    "eps_logloss_stack_correct.py": lambda: _eps_logloss("eps_logloss_stack_correct.py"),
    "eps_logloss_stack_tanh_twice_bug.py": lambda: _eps_logloss("eps_logloss_stack_tanh_twice_bug.py"),
    "globals_cache_wrapper_correct.py": lambda: _globals_cache_wrapper("globals_cache_wrapper_correct.py"),
    "globals_cache_wrapper_decay_bug.py": lambda: _globals_cache_wrapper("globals_cache_wrapper_decay_bug.py"),
    "flat_theta_jac_correct.py": lambda: _flat_theta_jac("flat_theta_jac_correct.py"),
    "flat_theta_jac_no_tanh_prime_bug.py": lambda: _flat_theta_jac("flat_theta_jac_no_tanh_prime_bug.py"),
    "propagate_logreg_correct.py": lambda: _propagate_logreg("propagate_logreg_correct.py"),
    "propagate_db_sum_bug.py": lambda: _propagate_logreg("propagate_db_sum_bug.py"),
    "propagate_main_optimize_correct.py": lambda: _propagate_logreg("propagate_main_optimize_correct.py"),
    "propagate_main_model_dw_sum_bug.py": lambda: _propagate_logreg("propagate_main_model_dw_sum_bug.py"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_expected_verdict_is_the_truth(name):
    params, claimed, loss, *names = CASES[name]()
    names = names[0] if names else NAMES
    truth = numeric(loss, params)
    wrong = []
    for i, (c, t) in enumerate(zip(claimed, truth)):
        c = np.asarray(c, dtype=float).reshape(t.shape) if np.size(c) == t.size else None
        scale = max(float(np.max(np.abs(t))), 1e-12)
        if c is None or float(np.max(np.abs(c - t))) > RTOL * scale + 1e-9:
            wrong.append(names[i])
    exp = EXPECTED[name]
    if exp["verdict"] == "pass":
        assert wrong == [], f"{name} is expected to pass but {wrong} differ from central differences"
    else:
        assert wrong, f"{name} is expected to fail but matches central differences"
        if "wrong" in exp:
            assert wrong == exp["wrong"], (name, wrong)


def test_every_added_example_has_a_truth_case():
    added = [n for n in EXPECTED if EXPECTED[n].get("note", "") and n not in _ORIGINAL]
    assert sorted(added) == sorted(CASES)


#: The first sixteen examples, checked against central differences when they were written (see EXPECTED.toml).
_ORIGINAL = {
    "inplace_correct.py",
    "inplace_ascent_correct.py",
    "inplace_tanh_bug.py",
    "grads_dict_correct.py",
    "grads_tuple_sign_bug.py",
    "cs231n_loss_correct.py",
    "stored_grads_batch_bug.py",
    "lists_bias_bug.py",
    "autoencoder_838_sigmoid_correct.py",
    "autoencoder_838_relu_bug.py",
    "logic_gates_correct.py",
    "nobias_2hidden_output_bug.py",
    "module_stack_correct.py",
    "columns_correct.py",
    "missing_derivative_bug.py",
    "transposed_bug.py",
}
