"""Truth cases for the examples of shapes met in public student repositories: a mini-batch script whose
backward reads the batch width its loop computes, a constructor that loads a data file, a training method
that picks its loss by a name with a default, a classifier of computation nodes keeping its gradients in
params_grad, a script keeping samples as columns beside a flat vector of labels, a model whose layers are
added by a script that cannot run, a softmax regression. Each file's claimed gradient and a loss written
here, independently of the project's gradient code, for central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import numpy as np
from truth_gaps import _module

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(23)
X = RNG.normal(size=(7, 3))


def _definitions(rel: str) -> types.ModuleType:
    """The file's functions and classes only (its top level reads data that is not there)."""
    tree = ast.parse((FOLDER / rel).read_text())
    tree.body = [s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.ClassDef))]
    module = types.ModuleType(rel[:-3])
    module.np = np
    exec(compile(tree, str(FOLDER / rel), "exec"), module.__dict__)
    return module


def _sig(z):
    return 1 / (1 + np.exp(-z))


def minibatch_width(rel: str):
    """Samples as columns, sigmoid hidden, softmax output, cross-entropy mean over the batch."""
    m = _definitions(rel)
    Xc = X.T.copy()
    T = np.eye(4)[[0, 1, 2, 3, 1, 2, 0]].T
    net = {
        "W1": RNG.normal(size=(5, 3)),
        "b1": RNG.normal(size=(5, 1)),
        "W2": RNG.normal(size=(4, 5)),
        "b2": RNG.normal(size=(4, 1)),
    }
    m.width = Xc.shape[1]  # what the training loop binds: the batch's width
    g = m.propagate_back(Xc, T, net, m.propagate_forward(Xc, net))
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        z = net["W2"] @ _sig(net["W1"] @ Xc + net["b1"]) + net["b2"]
        p = np.exp(z) / np.exp(z).sum(axis=0)
        return -np.sum(T * np.log(p)) / Xc.shape[1]

    return [net[k] for k in keys], [g["d" + k] for k in keys], loss


def ctor_data_file(rel: str):
    """ReLU hidden, softmax output, cross-entropy over integer labels; the instance made without its data file."""
    m = _definitions(rel)
    net = m.DigitNet.__new__(m.DigitNet)
    net.W1, net.b1 = RNG.normal(size=(3, 6)), RNG.normal(size=6)
    net.W2, net.b2 = RNG.normal(size=(6, 4)), RNG.normal(size=4)
    y = np.array([0, 1, 2, 3, 1, 2, 0])
    net.forward(X)
    g = net.backward(y)
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        s = np.maximum(X @ net.W1 + net.b1, 0) @ net.W2 + net.b2
        p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        return -np.mean(np.log(p[np.arange(7), y]))

    return [getattr(net, k) for k in keys], [g[k] for k in keys], loss


def loss_by_name(rel: str):
    """Tanh hidden, sigmoid output, mean squared error; the gradient read off one update at rate 1."""
    m = _module(rel)
    net = m.Network(m.Dense(3, 5), m.Tanh(), m.Dense(5, 1), m.Sigmoid())
    Y = (RNG.random((7, 1)) > 0.5).astype(float)
    params = [net.layers[0].W, net.layers[0].b, net.layers[2].W, net.layers[2].b]
    before = [p.copy() for p in params]
    net.train(X, Y, epochs=1, learning_rate=1.0)  # the default loss, as the audit leaves it
    claimed = [b - p for b, p in zip(before, params)]
    for p, b in zip(params, before):
        p[...] = b

    def loss():
        h = np.tanh(X @ params[0] + params[1])
        return np.mean((_sig(h @ params[2] + params[3]) - Y) ** 2)

    return params, claimed, loss, ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"]


def node_graph(rel: str):
    """ReLU hidden, softmax output, cross-entropy on one-hot rows averaged over the batch; the gradients
    the file's backprop leaves in params_grad."""
    m = _module(rel)
    net = m.Classifier()
    T = np.eye(4)[[0, 1, 2, 3, 1, 2, 0]]
    Xw = RNG.normal(size=(7, 6))
    for k in net.params:  # away from the zero biases the constructor makes
        net.params[k] = RNG.normal(size=net.params[k].shape)
    net.backprop(Xw, T)
    keys = ["W1", "b1", "W2", "b2"]
    p = net.params

    def loss():
        s = np.maximum(Xw @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return -np.sum(T * logp) / len(Xw)

    return [p[k] for k in keys], [net.params_grad[k] for k in keys], loss, [f"params['{k}']" for k in keys]


def _loop_gradients(rel: str, env: dict, params: tuple[str, ...]) -> dict:
    """Run the statements of the script's training loop before its first in-place update of ``params`` on ``env``."""
    tree = ast.parse((FOLDER / rel).read_text())
    loop = next(s for s in tree.body if isinstance(s, ast.For))
    body = []
    for stmt in loop.body:
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id in params:
            break
        body.append(stmt)
    exec(compile(ast.Module(body=body, type_ignores=[]), str(FOLDER / rel), "exec"), env)
    return env


def columns_flat_labels(rel: str):
    """Samples as columns with a flat vector of labels: tanh hidden, sigmoid output, BCE mean over the samples."""
    Xc = X.T.copy()
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    net = {
        "W1": RNG.normal(size=(4, 3)),
        "b1": RNG.normal(size=(4, 1)),
        "W2": RNG.normal(size=(1, 4)),
        "b2": RNG.normal(size=(1, 1)),
    }
    env = _loop_gradients(rel, {"np": np, "X": Xc, "labels": y, "m": Xc.shape[1], **net}, tuple(net))
    keys = ["W1", "b1", "W2", "b2"]

    def loss():
        p = _sig(net["W2"] @ np.tanh(net["W1"] @ Xc + net["b1"]) + net["b2"])
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return [net[k] for k in keys], [env["d" + k] for k in keys], loss


def layers_added(rel: str):
    """Tanh hidden, identity output, mean squared error over every entry; the layers added as train.py adds them."""
    layers, model = _module(f"{rel}/layers.py"), _module(f"{rel}/model.py")
    net = model.Model()
    net.add(layers.Dense(3, 4))
    net.add(layers.Tanh())
    net.add(layers.Dense(4, 2))
    dense = [net.layers[0], net.layers[2]]
    for d in dense:  # away from the zero biases the constructor makes
        d.weights, d.biases = RNG.normal(size=d.weights.shape), RNG.normal(size=d.biases.shape)
    Y = RNG.normal(size=(7, 2))
    net.backward(net.forward(X), Y)
    params = [a for d in dense for a in (d.weights, d.biases)]
    claimed = [a for d in dense for a in (d.dweights, d.dbiases)]

    def loss():
        out = np.tanh(X @ params[0] + params[1]) @ params[2] + params[3]
        return np.mean((out - Y) ** 2)

    return params, claimed, loss


def softmax_regression(rel: str):
    """One weight matrix on the features with a column of ones, softmax, cross-entropy summed over the samples."""
    design = np.hstack([np.ones((7, 1)), X])
    T = np.eye(3)[[0, 1, 2, 1, 0, 2, 1]]
    param = RNG.normal(size=(4, 3))
    env = _loop_gradients(rel, {"np": np, "design": design, "targets": T, "param": param.copy()}, ("param",))

    def loss():
        s = design @ param
        return -np.sum(T * (s - np.log(np.exp(s).sum(axis=1, keepdims=True))))

    return [param], [env["grad"]], loss, ["param"]


PUBLIC_CASES = {
    "minibatch_width_script_correct.py": lambda: minibatch_width("minibatch_width_script_correct.py"),
    "minibatch_width_script_squash_twice_bug.py": lambda: minibatch_width("minibatch_width_script_squash_twice_bug.py"),
    "ctor_loads_data_file_correct.py": lambda: ctor_data_file("ctor_loads_data_file_correct.py"),
    "loss_by_name_default_correct.py": lambda: loss_by_name("loss_by_name_default_correct.py"),
    "loss_by_name_default_tanh_preact_bug.py": lambda: loss_by_name("loss_by_name_default_tanh_preact_bug.py"),
    "node_graph_params_grad_correct.py": lambda: node_graph("node_graph_params_grad_correct.py"),
    "node_graph_params_grad_batch_bug.py": lambda: node_graph("node_graph_params_grad_batch_bug.py"),
    "columns_flat_labels_script_correct.py": lambda: columns_flat_labels("columns_flat_labels_script_correct.py"),
    "columns_flat_labels_script_tanh_bug.py": lambda: columns_flat_labels("columns_flat_labels_script_tanh_bug.py"),
    "layers_added_unrun_data_correct": lambda: layers_added("layers_added_unrun_data_correct"),
    "softmax_regression_param_script_correct.py": lambda: softmax_regression(
        "softmax_regression_param_script_correct.py"
    ),
}
