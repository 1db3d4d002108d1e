"""Truth cases for examples that audit with no spec only when the loader and the adapters read them right:
top-level settings read as globals by the methods (CONFIG = load_config(), a DEBUG flag), a model that keeps a
module-level dict of constants keyed like its weights, a cost function over one flat parameter vector, and a
notebook-style module whose top-level demo calls hand one backward's gradients to its updater, and one with French
names whose backward reads its labels off a module global.
Each file's claimed gradient and a loss written here, independently of the project's gradient code, for
central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import types
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(31)
STUDENT_RETYPED = ["layer1.weights", "layer1.biases", "layer2.weights", "layer2.biases"]
X = RNG.normal(size=(7, 3))


def _module(rel: str) -> types.ModuleType:
    """The file's imports, definitions and plain top-level assignments (its loops and calls of the model left out)."""
    tree = ast.parse((FOLDER / rel).read_text())
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign)
    tree.body = [s for s in tree.body if isinstance(s, keep) and not (isinstance(s, ast.Assign) and _calls_model(s))]
    module = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), module.__dict__)
    return module


def _definitions(rel: str) -> types.ModuleType:
    """The imports, functions and classes of a file or a notebook's code cells, nothing else of its top level."""
    text = (FOLDER / rel).read_text()
    if rel.endswith(".ipynb"):
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code")
    tree = ast.parse(text)
    tree.body = [s for s in tree.body if isinstance(s, (ast.Import, ast.FunctionDef, ast.ClassDef))]
    module = types.ModuleType(rel)
    exec(compile(tree, rel, "exec"), module.__dict__)
    return module


def _calls_model(stmt: ast.stmt) -> bool:
    called = {n.func.id for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return bool(called & {"TinyNet", "ThreeLayer", "gradient_descent", "cost_function", "print"})


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _stepped(ps: list, step, rate: float) -> list:
    """The gradient an in-place update implies, ``(before - after) / rate``, read off one ``step()`` (its printing
    silenced); the weights are put back."""
    before = [p.copy() for p in ps]
    with contextlib.redirect_stdout(io.StringIO()):
        step()
    grads = [(b - p) / rate for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b
    return grads


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


def demo_calls(rel: str):
    """Samples in columns, tanh hidden layer, sigmoid output, BCE averaged over the samples; the gradient dict
    backward_propagation returns (keys dlw1, dlb1, dlw2, dlb2), at weights of order one."""
    tree = ast.parse((FOLDER / rel).read_text())
    tree.body = [s for s in tree.body if isinstance(s, (ast.Import, ast.FunctionDef))]  # no demo call, no training
    m = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), m.__dict__)
    keys = ["W1", "b1", "W2", "b2"]
    P = {k: RNG.normal(size=s) for k, s in zip(keys, ((4, 3), (4, 1), (1, 4), (1, 1)))}
    Xc, Y = X.T.copy(), (RNG.random((1, 7)) > 0.5).astype(float)
    _, memo = m.forward_propagation(P, Xc)
    g = m.backward_propagation(memo, P, Xc, Y)

    def loss():
        return _bce(_sig(P["W2"] @ np.tanh(P["W1"] @ Xc + P["b1"]) + P["b2"]), Y)

    return [P[k] for k in keys], [g["dl" + k.lower()] for k in keys], loss


def french_globals(rel: str):
    """Samples in columns, sigmoid hidden layer and output, BCE averaged over the samples; the backward reads its
    labels off the module's global y, set here to the checked labels."""
    tree = ast.parse((FOLDER / rel).read_text())
    tree.body = [s for s in tree.body if isinstance(s, (ast.Import, ast.FunctionDef))]  # no data, no training
    m = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), m.__dict__)
    keys = ["w1", "b1", "w2", "b2"]
    P = {k: RNG.normal(size=s) for k, s in zip(keys, ((4, 3), (4, 1), (1, 4), (1, 1)))}
    Xc = X.T.copy()
    m.y = (RNG.random((1, 7)) > 0.5).astype(float)
    g = m.back_propagation(Xc, P, m.forward_propagation(Xc, P))

    def loss():
        return _bce(_sig(P["w2"] @ _sig(P["w1"] @ Xc + P["b1"]) + P["b2"]), m.y)

    return [P[k] for k in keys], [g["d" + k] for k in keys], loss, keys


def default_data_path(rel: str):
    """Two tanh hidden layers, a softmax output, cross-entropy averaged over the samples; the class made with
    data_file=None (no data file), its weights by init_weights([3, 4]), the gradients backward returns."""
    m = _module(rel)
    net = m.PixelClassifier(hidden_widths=(5, 6), data_file=None, classes=4)
    net.init_weights([3, 4])
    keys = ["W1", "b1", "W2", "b2", "W3", "b3"]
    ps = [net.params[k] for k in keys]
    for p in ps[1::2]:
        p[...] = RNG.normal(size=p.shape)  # biases of order one: a missing 1/n is not hidden by zeros
    onehot = np.eye(4)[[0, 1, 2, 3, 1, 2, 0]]
    g = net.backward(net.forward(X), onehot)

    def loss():
        h = np.tanh(np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3])
        s = h @ ps[4] + ps[5]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return -np.mean(np.sum(onehot * np.log(e / e.sum(axis=1, keepdims=True)), axis=1))

    return ps, [g["d" + k] for k in keys], loss, [f"params['{k}']" for k in keys]


def loss_grad_tuple(rel: str):
    """loss_and_gradients(images, onehot, w1, b1, w2, b2) -> (loss, dw2, db2, dw1, db1): a ReLU hidden layer, a
    softmax output, cross-entropy averaged over the samples; the course's helper module is not imported here."""
    tree = ast.parse((FOLDER / rel).read_text())
    tree.body = [s for s in tree.body if isinstance(s, ast.FunctionDef)]
    ns = {"np": np}
    exec(compile(tree, str(FOLDER / rel), "exec"), ns)
    ps = [RNG.normal(size=(3, 5)), RNG.normal(size=5), RNG.normal(size=(5, 4)), RNG.normal(size=4)]
    onehot = np.eye(4)[[0, 1, 2, 3, 1, 2, 0]]
    _, dw2, db2, dw1, db1 = ns["loss_and_gradients"](X, onehot, *ps)

    def loss():
        s = np.maximum(X @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return -np.mean(np.sum(onehot * np.log(e / e.sum(axis=1, keepdims=True)), axis=1))

    return ps, [dw1, db1, dw2, db2], loss, ["w1", "b1", "w2", "b2"]


def epoch_sgd(rel: str):
    """nn_epoch(X, y, W1, W2, lr, batch) on the whole batch at once: the in-place step over the rate is the gradient
    claimed; softmax cross-entropy of relu(X @ W1) @ W2 averaged over the samples, integer labels."""
    m = _module(rel)
    ps = [RNG.normal(size=(3, 5)), RNG.normal(size=(5, 4))]
    labels, rate = np.array([0, 1, 2, 3, 1, 2, 0]), 0.5
    after = [p.copy() for p in ps]
    m.nn_epoch(X, labels, *after, lr=rate, batch=len(X))
    grads = [(p - a) / rate for p, a in zip(ps, after)]

    def loss():
        s = np.maximum(X @ ps[0], 0) @ ps[1]
        s = s - s.max(axis=1, keepdims=True)
        return -np.mean(s[np.arange(len(labels)), labels] - np.log(np.exp(s).sum(axis=1)))

    return ps, grads, loss, ["W1", "W2"]


def activation_objects(rel: str):
    """DenseLayer(h, ReLU(), k, SoftMax(), lr) with samples as columns: one backward_update at the weights fit()'s
    init_params makes, the gradient the step over the rate; mean softmax cross-entropy written here."""
    m = _module(rel)
    rate = 0.5
    net = m.DenseLayer(5, m.ReLU(), 3, m.SoftMax(), lr=rate)
    np.random.seed(4)
    net.init_params(4)
    x, labels = RNG.normal(size=(4, 7)), np.array([0, 1, 2, 1, 0, 2, 2])
    ps = [net.W1, net.b1, net.W2, net.b2]
    grads = _stepped(ps, lambda: (net.forward(x), net.backward_update(x, net.onehot(labels))), rate)

    def loss():
        z = ps[2] @ np.maximum(ps[0] @ x + ps[1], 0) + ps[3]
        z = z - z.max(axis=0)
        logp = z - np.log(np.exp(z).sum(axis=0))
        return -np.mean(logp[labels, np.arange(len(labels))])

    return ps, grads, loss, ["W1", "b1", "W2", "b2"]


def misspelled_forward(rel: str):
    """initialize_parameters(2, 8, 1), then forward_propagetaion and backward_propagation at those weights, samples as
    columns; mean BCE of ReLU-then-sigmoid written here."""
    m = _module(rel)
    p = m.initialize_parameters(2, 8, 1)
    x = RNG.normal(size=(2, 9))
    y = (RNG.random(size=(1, 9)) > 0.5).astype(float)
    _, cache = m.forward_propagetaion(x, p)
    g = m.backward_propagation(p, cache, x, y)
    names = ["W1", "b1", "W2", "b2"]
    ps = [p[n] for n in names]

    def loss():
        q = 1 / (1 + np.exp(-(ps[2] @ np.maximum(ps[0] @ x + ps[1], 0) + ps[3])))
        return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))

    return ps, [g["d" + n] for n in names], loss, names


def init_sizes(rel: str):
    """initialize_weights(3, 5, 1, 2), then forward and backward with the forward's four values, rows as samples;
    mean BCE of sigmoid-then-sigmoid written here."""
    m = _module(rel)
    w = m.initialize_weights(3, 5, 1, 2)
    x = RNG.normal(size=(8, 3))
    y = (RNG.random(size=(8, 1)) > 0.5).astype(float)
    g = m.backward(x, y, w, *m.forward(x, w))
    names = ["W1", "b1", "W2", "b2"]
    ps = [w[n] for n in names]

    def loss():
        s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        q = s(s(x @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))

    return ps, [g[n] for n in names], loss, names


def experiment_cells(rel: str):
    """The notebook's classes (its data cell and experiment loop left out): MLP([Layer(3, 5), ReLU(), Layer(5, 1)])
    with one forward and backward at its own weights; mean squared error written here."""
    m = _definitions(rel)
    np.random.seed(6)
    first, last = m.Layer(3, 5), m.Layer(5, 1)
    net = m.MLP([first, m.ReLU(), last])
    x, y = RNG.normal(size=(9, 3)), RNG.normal(size=(9, 1))
    pred = net.forward(x)
    net.backward(2 * (pred - y) / pred.size)
    ps = [first.W, first.b, last.W, last.b]

    def loss():
        return np.mean((np.maximum(x @ ps[0] + ps[1], 0) @ ps[2] + ps[3] - y) ** 2)

    return (
        ps,
        [first.dW, first.db, last.dW, last.db],
        loss,
        ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"],
    )


def add_layer_der(rel: str):
    """Network().add_layer(...) of Layer(2, 3), Activation(tanh, tanh_der), Layer(3, 1), Activation(tanh, tanh_der);
    one epoch on one sample updates in place at rate 0.1, the gradient the step over the rate; the squared error of
    tanh-then-tanh written here."""
    m = _module(rel)
    np.random.seed(8)
    first, last = m.Layer(2, 3), m.Layer(3, 1)
    net = m.Network()
    for layer in (first, m.Activation(m.tanh, m.tanh_der), last, m.Activation(m.tanh, m.tanh_der)):
        net.add_layer(layer)
    x, y = RNG.normal(size=(1, 2)), RNG.normal(size=(1, 1)) * 0.5
    ps = [first.weights, first.bias, last.weights, last.bias]
    grads = _stepped(ps, lambda: net.train_network(np.array([x]), np.array([y]), epochs=1, learning_rate=0.1), 0.1)

    def loss():
        return np.mean((y - np.tanh(np.tanh(x @ ps[0] + ps[1]) @ ps[2] + ps[3])) ** 2)

    return ps, grads, loss, ["layers[0].weights", "layers[0].bias", "layers[2].weights", "layers[2].bias"]


def add_layer_sizes(rel: str):
    """Network() with add_layer(3, 4) and add_layer(4, 1), one backward_pass on one 1-D sample at rate 0.5 read back
    off the in-place update; half the summed squared error of sigmoid-then-sigmoid written here."""
    m = _module(rel)
    np.random.seed(9)
    net = m.Network()
    net.add_layer(3, 4)
    net.add_layer(4, 1)
    x, y = RNG.normal(size=3), np.array([0.7])
    ps = [a for layer in net.layers for a in (layer.weights, layer.biases)]
    grads = _stepped(ps, lambda: net.backward_pass(x, y, 0.5), 0.5)

    def loss():
        return 0.5 * np.sum((_sig(ps[2] @ _sig(ps[0] @ x + ps[1]) + ps[3]) - y) ** 2)

    return ps, grads, loss, ["layers[0].weights", "layers[0].biases", "layers[1].weights", "layers[1].biases"]


def add_layer_modules(folder: str):
    """The project's dense.py, squash.py and net.py (its pandas reader and main.py left out): Dense(4, 3), Squash(),
    Dense(3, 4), Squash() added to a Net, one epoch on one sample at rate 0.05 read back off the in-place update;
    the mean squared error of the logistic stack written here."""
    mods = {}
    for name in ("dense", "squash", "net"):
        m = types.ModuleType(f"{folder}.{name}")
        exec(compile((FOLDER / folder / f"{name}.py").read_text(), name, "exec"), m.__dict__)
        mods[name] = m
    np.random.seed(10)
    first, last = mods["dense"].Dense(4, 3), mods["dense"].Dense(3, 4)
    net = mods["net"].Net()
    for layer in (first, mods["squash"].Squash(), last, mods["squash"].Squash()):
        net.add_layer(layer)
    x, y = RNG.normal(size=(1, 4)), RNG.random(size=(1, 4))
    ps = [first.w, first.b, last.w, last.b]
    grads = _stepped(ps, lambda: net.train_net([x], [y], 1, 0.05), 0.05)

    def loss():
        return np.mean((_sig(_sig(x @ ps[0] + ps[1]) @ ps[2] + ps[3]) - y) ** 2)

    return ps, grads, loss, ["stack[0].w", "stack[0].b", "stack[2].w", "stack[2].b"]


def float32_bias(rel: str):
    """MLP(3, 5, 3) with its float32 biases, one forward and backward on integer labels; mean softmax cross-entropy
    written here, differenced at float64 copies of the weights (a float32 array cannot hold the step)."""
    m = _module(rel)
    np.random.seed(12)
    net = m.MLP(3, 5, 3)
    x, labels = RNG.normal(size=(8, 3)), np.array([0, 1, 2, 1, 0, 2, 2, 1])
    net.loss_fn.forward(net.forward(x), labels)
    net.backward(net.loss_fn.backward())
    ps = [net.fc1.W.copy(), net.fc1.b.astype(np.float64), net.fc2.W.copy(), net.fc2.b.astype(np.float64)]
    grads = [net.fc1.dW, net.fc1.db, net.fc2.dW, net.fc2.db]

    def loss():
        z = np.maximum(x @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(len(labels)), labels])

    return ps, grads, loss, ["fc1.W", "fc1.b", "fc2.W", "fc2.b"]


def ctor_data(rel: str):
    """TinyNet(inputs, targets) holding its data, feedforward() and backprop() taking none: one backprop at rate 1
    (the step adds the descent direction) read back off the in-place update; the summed squared error of
    tanh-then-logistic written here."""
    m = _module(rel)
    np.random.seed(13)
    x, t = RNG.normal(size=(6, 3)), RNG.random(size=(6, 1))
    net = m.TinyNet(x, t)
    ps = [net.w_hidden, net.w_out]
    grads = _stepped(ps, lambda: (net.feedforward(), net.backprop()), 1.0)

    def loss():
        return np.sum((t - _sig(np.tanh(x @ ps[0]) @ ps[1])) ** 2)

    return ps, grads, loss, ["w_hidden", "w_out"]


def init_holder(rel: str):
    """build_model(4, 6, 3) returning a SimpleNamespace, predict_proba then gradients on integer labels; mean softmax
    cross-entropy of the ReLU net written here."""
    m = _module(rel)
    net = m.build_model(4, 6, 3, seed=5)
    x, labels = RNG.normal(size=(9, 4)), np.array([0, 1, 2, 2, 1, 0, 1, 2, 0])
    m.predict_proba(net, x)
    grads = list(m.gradients(net, x, labels))
    ps = [net.W1, net.b1, net.W2, net.b2]

    def loss():
        z = np.maximum(x @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(len(labels)), labels])

    return ps, grads, loss, ["W1", "b1", "W2", "b2"]


def retyped_loop(rel: str):
    """The notebook's classes (its data and loop cells left out): Dense(3, 5), Tanh(), Dense(5, 1) and the mean
    squared error object run forward and back once; the mean squared error of the tanh net written here."""
    m = _definitions(rel)
    np.random.seed(14)
    first, act, last, mse = m.Dense(3, 5), m.Tanh(), m.Dense(5, 1), m.SquaredError()
    x, y = RNG.normal(size=(9, 3)), RNG.normal(size=(9, 1))
    first.forward(x)
    act.forward(first.output)
    last.forward(act.output)
    mse.forward(last.output, y)
    mse.backward()
    last.backward(mse.dinputs)
    act.backward(last.dinputs)
    first.backward(act.dinputs)
    ps = [first.weights, first.biases, last.weights, last.biases]

    def loss():
        return np.mean((np.tanh(x @ ps[0] + ps[1]) @ ps[2] + ps[3] - y) ** 2)

    return ps, [first.dweights, first.dbiases, last.dweights, last.dbiases], loss, STUDENT_RETYPED


def transposing_forward(rel: str):
    """DeepClassifier([3, 5, 1]) run forward and backward once on rows (it turns them into columns itself); the mean
    BCE of its tanh-sigmoid stack written here, samples as rows."""
    m = _module(rel)
    clf = m.DeepClassifier([3, 5, 1])
    clf.init_params()
    x, y = RNG.normal(size=(10, 3)), (RNG.random(size=(10, 1)) < 0.5).astype(float)
    clf.forward(x)
    g = clf.backward(x, y)
    keys = ["W1", "b1", "W2", "b2"]
    ps = [clf.params[k] for k in keys]

    def loss():
        return _bce(_sig(np.tanh(x @ ps[0].T + ps[1].T) @ ps[2].T + ps[3].T), y)

    return ps, [g["d" + k] for k in keys], loss, [f"params['{k}']" for k in keys]


def functions_beside_class(rel: str):
    """The file's functions (its class and top-level training left out): init_params(), forward_prop and
    backward_prop on columns of one-hot labels; mean softmax cross-entropy of the sigmoid net written here."""
    m = _definitions(rel)  # (its top level loads data files the example does not have)
    W1, b1, W2, b2 = m.init_params()
    x = RNG.normal(size=(4, 9))
    y = np.eye(3)[RNG.integers(0, 3, size=9)].T
    Z1, A1, Z2, A2 = m.forward_prop(W1, b1, W2, b2, x)
    grads = list(m.backward_prop(Z1, A1, Z2, A2, W2, x, y))
    ps = [W1, b1, W2, b2]

    def loss():
        z = ps[2] @ _sig(ps[0] @ x + ps[1]) + ps[3]
        z = z - z.max(axis=0, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=0, keepdims=True))
        return -np.mean(np.sum(y * logp, axis=0))

    return ps, grads, loss, ["W1", "b1", "W2", "b2"]


ZEROCONF_CASES = {
    "epoch_sgd_inplace_correct.py": lambda: epoch_sgd("epoch_sgd_inplace_correct.py"),
    "epoch_sgd_inplace_no_mask_bug.py": lambda: epoch_sgd("epoch_sgd_inplace_no_mask_bug.py"),
    "epoch_batch_onehot_correct.py": lambda: epoch_sgd("epoch_batch_onehot_correct.py"),
    "epoch_batch_onehot_no_mean_bug.py": lambda: epoch_sgd("epoch_batch_onehot_no_mean_bug.py"),
    "epoch_probs_inplace_correct.py": lambda: epoch_sgd("epoch_probs_inplace_correct.py"),
    "epoch_probs_inplace_no_mask_bug.py": lambda: epoch_sgd("epoch_probs_inplace_no_mask_bug.py"),
    "activation_objects_model_correct.py": lambda: activation_objects("activation_objects_model_correct.py"),
    "activation_objects_model_bias_sum_bug.py": lambda: activation_objects("activation_objects_model_bias_sum_bug.py"),
    "misspelled_forward_correct.py": lambda: misspelled_forward("misspelled_forward_correct.py"),
    "misspelled_forward_no_relu_mask_bug.py": lambda: misspelled_forward("misspelled_forward_no_relu_mask_bug.py"),
    "init_sizes_named_like_data_correct.py": lambda: init_sizes("init_sizes_named_like_data_correct.py"),
    "init_sizes_named_like_data_sigmoid_twice_bug.py": lambda: init_sizes(
        "init_sizes_named_like_data_sigmoid_twice_bug.py"
    ),
    "experiment_cells_missing_data_correct.ipynb": lambda: experiment_cells(
        "experiment_cells_missing_data_correct.ipynb"
    ),
    "experiment_cells_missing_data_bias_mean_bug.ipynb": lambda: experiment_cells(
        "experiment_cells_missing_data_bias_mean_bug.ipynb"
    ),
    "add_layer_der_suffix_correct.py": lambda: add_layer_der("add_layer_der_suffix_correct.py"),
    "add_layer_der_suffix_at_output_bug.py": lambda: add_layer_der("add_layer_der_suffix_at_output_bug.py"),
    "add_layer_sizes_per_sample_correct.py": lambda: add_layer_sizes("add_layer_sizes_per_sample_correct.py"),
    "add_layer_sizes_per_sample_update_first_bug.py": lambda: add_layer_sizes(
        "add_layer_sizes_per_sample_update_first_bug.py"
    ),
    "add_layer_modules_project_correct": lambda: add_layer_modules("add_layer_modules_project_correct"),
    "float32_bias_store_correct.py": lambda: float32_bias("float32_bias_store_correct.py"),
    "float32_bias_store_no_mean_bug.py": lambda: float32_bias("float32_bias_store_no_mean_bug.py"),
    "ctor_data_no_loss_correct.py": lambda: ctor_data("ctor_data_no_loss_correct.py"),
    "ctor_data_no_loss_slope_bug.py": lambda: ctor_data("ctor_data_no_loss_slope_bug.py"),
    "init_returns_holder_correct.py": lambda: init_holder("init_returns_holder_correct.py"),
    "init_returns_holder_no_mask_bug.py": lambda: init_holder("init_returns_holder_no_mask_bug.py"),
    "retyped_loop_cells_correct.ipynb": lambda: retyped_loop("retyped_loop_cells_correct.ipynb"),
    "transposing_forward_loss_correct.py": lambda: transposing_forward("transposing_forward_loss_correct.py"),
    "functions_beside_class_correct.py": lambda: functions_beside_class("functions_beside_class_correct.py"),
    "functions_beside_class_slope_bug.py": lambda: functions_beside_class("functions_beside_class_slope_bug.py"),
    "transposing_forward_loss_bias_sum_bug.py": lambda: transposing_forward("transposing_forward_loss_bias_sum_bug.py"),
    "retyped_loop_cells_tanh_twice_bug.ipynb": lambda: retyped_loop("retyped_loop_cells_tanh_twice_bug.ipynb"),
    "add_layer_modules_project_slope_at_output_bug": lambda: add_layer_modules(
        "add_layer_modules_project_slope_at_output_bug"
    ),
    "loss_grad_tuple_train_correct.py": lambda: loss_grad_tuple("loss_grad_tuple_train_correct.py"),
    "loss_grad_tuple_train_sign_bug.py": lambda: loss_grad_tuple("loss_grad_tuple_train_sign_bug.py"),
    "default_data_path_correct.py": lambda: default_data_path("default_data_path_correct.py"),
    "default_data_path_no_mean_bug.py": lambda: default_data_path("default_data_path_no_mean_bug.py"),
    "toplevel_flags_correct.py": lambda: toplevel_flags("toplevel_flags_correct.py"),
    "toplevel_flags_tanh_prime_bug.py": lambda: toplevel_flags("toplevel_flags_tanh_prime_bug.py"),
    "noise_dict_attrs_correct.py": lambda: noise_dict("noise_dict_attrs_correct.py"),
    "noise_dict_attrs_relu_bug.py": lambda: noise_dict("noise_dict_attrs_relu_bug.py"),
    "flat_theta_cost_correct.py": lambda: flat_theta("flat_theta_cost_correct.py"),
    "flat_theta_cost_db1_bug.py": lambda: flat_theta("flat_theta_cost_db1_bug.py"),
    "demo_calls_updater_correct.py": lambda: demo_calls("demo_calls_updater_correct.py"),
    "demo_calls_updater_preact_bug.py": lambda: demo_calls("demo_calls_updater_preact_bug.py"),
    "french_names_global_labels_correct.py": lambda: french_globals("french_names_global_labels_correct.py"),
    "french_names_global_labels_no_mean_bug.py": lambda: french_globals("french_names_global_labels_no_mean_bug.py"),
}
