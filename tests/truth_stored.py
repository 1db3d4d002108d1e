"""Truth cases for the examples whose weights or data live where the code keeps them between calls: module globals
of one file of a project folder (``net.py``'s, which ``run_training.py`` imports), a batch a training method
stores on the object (``fit(X, y)`` setting ``self.inputs``, ``set_data(X, labels)``), a per-sample backprop whose
loss is averaged over a list of pairs (or that nothing calls), and layers whose bias no name rule takes
(``self.shift``) in a classifier sized by its number of classes. Each file's claimed gradient and a loss written here,
independently of the project's gradient code, for central differences in tests/test_examples_truth.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
RNG = np.random.default_rng(41)


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # (the files train only under __main__, or in another module)
    return module


def _mean_ce_rows(z, labels):
    """The mean cross-entropy of a softmax over the rows' scores ``z`` at integer ``labels``, written here."""
    logp = z - z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])


def _bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def globals_trainer(folder: str):
    """net.py's module-global weights at random values: gradients(...) of its forward's values; mean BCE of a
    tanh hidden layer and a sigmoid output."""
    m = _load(FOLDER / folder / "net.py", f"truth_{folder}")
    names = ["weights_hidden", "bias_hidden", "weights_out", "bias_out"]
    for k in names:
        setattr(m, k, RNG.normal(0, 0.6, getattr(m, k).shape))
    ps = [getattr(m, k) for k in names]
    Xs, y = RNG.normal(size=(9, 5)), (RNG.random((9, 1)) > 0.5).astype(float)
    claimed = list(m.gradients(Xs, y, *m.predict_proba(Xs)))

    def loss():
        h = np.tanh(Xs @ ps[0] + ps[1])
        return _bce(1 / (1 + np.exp(-(h @ ps[2] + ps[3]))), y)

    return ps, claimed, loss, names


def stored_batch(file: str):
    """BinaryNet with the batch stored as fit stores it: one backward_propagation step, the claimed gradient
    (before - after) / rate; mean BCE of a ReLU hidden layer and a sigmoid output."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").BinaryNet()
    net.inputs, net.labels = RNG.normal(size=(9, 4)), (RNG.random((9, 1)) > 0.5).astype(float)
    net.setup()
    keys = ["W1", "b1", "W2", "b2"]
    ps = [net.weights[k].copy() for k in keys]
    prob, _ = net.forward_propagation()
    net.backward_propagation(prob)
    claimed = [(p - net.weights[k]) / net.rate for p, k in zip(ps, keys)]

    def loss():
        h = np.maximum(net.inputs @ ps[0] + ps[1], 0)
        return _bce(1 / (1 + np.exp(-(h @ ps[2] + ps[3]))), net.labels)

    return ps, claimed, loss, [f"weights['{k}']" for k in keys]


def classes_ctor(file: str):
    """Classifier(n_features, n_classes) at 4 classes: one backprop step, the claimed gradient (before - after) / lr;
    mean over every entry of the squared error of two sigmoid layers."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Classifier(3, 4)
    Xs, Y = RNG.normal(size=(9, 3)), RNG.random((9, 4))
    layers = [net.inner, net.outer]
    ps = [a.copy() for lay in layers for a in (lay.kernel, lay.shift)]
    net.forward(Xs)
    net.backprop(Xs, Y, 0.5)
    claimed = [(p - a) / 0.5 for p, a in zip(ps, [a for lay in layers for a in (lay.kernel, lay.shift)])]

    def loss():
        h = 1 / (1 + np.exp(-(Xs @ ps[0] + ps[1])))
        return np.mean((1 / (1 + np.exp(-(h @ ps[2] + ps[3]))) - Y) ** 2)

    return ps, claimed, loss, ["inner.kernel", "inner.shift", "outer.kernel", "outer.shift"]


def set_data_labels(file: str):
    """Classifier handed a batch of integer labels by set_data: one step(), the claimed gradient (before - after) /
    rate; mean cross-entropy of a softmax over a ReLU layer, both with a bias as their weight's first column."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Classifier(n_in=5, n_hidden=6, n_out=3)
    Xs, labels = RNG.normal(size=(9, 5)), RNG.integers(0, 3, 9)
    net.set_data(Xs, labels)
    ps = [net.V.copy(), net.W.copy()]
    net.step(*net.forward())
    claimed = [(p - a) / net.rate for p, a in zip(ps, [net.V, net.W])]
    ones = np.ones((9, 1))

    def loss():
        h = np.maximum(np.hstack((ones, Xs)) @ ps[0].T, 0)
        s = np.hstack((ones, h)) @ ps[1].T
        logp = s - s.max(axis=1, keepdims=True)
        logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(9), labels])

    return ps, claimed, loss, ["V", "W"]


def pairs_total_cost(file: str):
    """Network([4, 5, 2]) on one (x, y) column pair: backprop's (nabla_b, nabla_w), and that sample's BCE summed over
    its outputs, written here (no 1/len of anything: one sample)."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Network([4, 5, 2])
    x, y = RNG.normal(size=(4, 1)), (RNG.random((2, 1)) > 0.5).astype(float)
    nb, nw = net.backprop(x, y)
    ps = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]

    def loss():
        h = 1 / (1 + np.exp(-(ps[0] @ x + ps[1])))
        a = 1 / (1 + np.exp(-(ps[2] @ h + ps[3])))
        return float(np.sum(-y * np.log(a) - (1 - y) * np.log(1 - a)))

    return ps, [nw[0], nb[0], nw[1], nb[1]], loss, ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


def column_backprop(file: str):
    """ColumnNet([4, 5, 2]) on one (x, y) column: backprop's (grad_W, grad_b), and half that sample's squared error
    summed over its outputs, of a tanh layer and a sigmoid output, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").ColumnNet([4, 5, 2])
    net.W = [RNG.normal(0, 0.7, w.shape) for w in net.W]
    net.b = [RNG.normal(0, 0.3, b.shape) for b in net.b]
    x, y = RNG.normal(size=(4, 1)), RNG.random((2, 1))
    gw, gb = net.backprop(x, y)
    ps = [net.W[0], net.b[0], net.W[1], net.b[1]]

    def loss():
        h = np.tanh(ps[0] @ x + ps[1])
        a = 1 / (1 + np.exp(-(ps[2] @ h + ps[3])))
        return 0.5 * float(np.sum((a - y) ** 2))

    return ps, [gw[0], gb[0], gw[1], gb[1]], loss, ["W[0]", "b[0]", "W[1]", "b[1]"]


def local_model(file: str):
    """fit_network(4, n_steps=1) on data made here: its functions only (the file's top level needs matplotlib and
    scikit-learn), the module's names set here. The update over rate is the gradient; the loss, mean cross-entropy
    of a tanh layer and a softmax plus (reg_lambda / 2N) * sum(W**2), is written here."""
    import ast

    tree = ast.parse((FOLDER / file).read_text())
    ns = {"np": np, "N": 7, "d_in": 2, "d_out": 3, "rate": 0.05, "reg_lambda": 0.3}
    ns["X"], ns["y"] = RNG.normal(size=(7, 2)), np.arange(7) % 3
    exec(compile(ast.Module([n for n in tree.body if isinstance(n, ast.FunctionDef)], []), file, "exec"), ns)
    np.random.seed(0)  # the function's own seed: its first weights, drawn again here
    start = [np.random.randn(2, 4) / np.sqrt(2), np.zeros((1, 4)), np.random.randn(4, 3) / np.sqrt(4), np.zeros((1, 3))]
    net = ns["fit_network"](4, n_steps=1)
    ps = [p.copy() for p in start]
    claimed = [(a - net[k]) / ns["rate"] for a, k in zip(start, ["W1", "b1", "W2", "b2"])]
    X, y = ns["X"], ns["y"]

    def loss():
        e = np.exp(np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3])
        p = e / e.sum(axis=1, keepdims=True)
        return (-np.sum(np.log(p[range(7), y])) + 0.15 * (np.sum(ps[0] ** 2) + np.sum(ps[2] ** 2))) / 7

    return ps, claimed, loss, ["W1", "b1", "W2", "b2"]


def xor_half_sum(file: str):
    """The script's set-up run as written, then its loop body once up to the first update: its gradients; the loss
    it prints, the mean squared error of two sigmoid layers on its four samples, written here."""
    import textwrap

    head, loop = (FOLDER / file).read_text().split("for epoch in range(5000):\n")
    ns: dict = {}
    exec(head, ns)
    exec(textwrap.dedent(loop.split("    w_out -= ")[0]), ns)
    names = ["w_hidden", "b_hidden", "w_out", "b_out"]
    ps = [ns[k] for k in names]
    claimed = [ns[f"grad_{k}"] for k in names]
    X, T = ns["inputs"], ns["targets"]

    def loss():
        h = 1 / (1 + np.exp(-(X @ ps[0] + ps[1])))
        return float(np.mean((1 / (1 + np.exp(-(h @ ps[2] + ps[3]))) - T) ** 2))

    return ps, claimed, loss, names


def compose_relay(file: str):
    """Compose([Dense(4, 6), Tanh(), Dense(6, 3)]) on five samples: forward, the loss object's backward() handed to
    the container's backward(x); mean cross-entropy of the softmax over integer labels, written here."""
    m = _load(FOLDER / file, f"truth_{file[:-3]}")
    model = m.Compose([m.Dense(4, 6), m.Tanh(), m.Dense(6, 3)])
    X, labels = RNG.normal(size=(5, 4)), np.array([0, 2, 1, 2, 0])
    lossobj = m.SoftmaxCrossEntropyLoss()
    lossobj.forward(model.forward(X), labels)
    model.backward(lossobj.backward())
    d1, d2 = model.layers[0], model.layers[2]
    ps = [d1.W, d1.b, d2.W, d2.b]

    def loss():
        z = np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-np.mean(logp[np.arange(5), labels]))

    names = ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"]
    return ps, [d1.dW, d1.db, d2.dW, d2.db], loss, names


def tuple_pair(file: str):
    """TanhSoftmaxNet(3, 5, 4) given (X, labels) tuples: one epoch of train(), the update over the rate; mean
    cross-entropy of a tanh layer and a softmax over integer labels, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").TanhSoftmaxNet(3, 5, 4, lr=0.1)
    X, labels = RNG.normal(size=(6, 3)), np.array([0, 3, 1, 2, 3, 0])
    names = ["W1", "b1", "W2", "b2"]
    before = [net.params[k].copy() for k in names]
    net.train((X, labels), (X, labels), n_epochs=1)
    claimed = [(b - net.params[k]) / 0.1 for b, k in zip(before, names)]
    ps = [b.copy() for b in before]

    def loss():
        z = np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-np.mean(logp[np.arange(6), labels]))

    return ps, claimed, loss, [f"params['{k}']" for k in names]


def image_reshape(file: str):
    """ImageNet([100, 6, 3]) on five 10 x 10 images: gradients(); half the squared error summed over outputs, mean
    over the images, of two sigmoid layers, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").ImageNet([100, 6, 3])
    images, T = RNG.random((5, 10, 10)), RNG.random((5, 3))
    gw, gb = net.gradients(images, T)
    ps = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    A = images.reshape(5, 100).T

    def loss():
        h = 1 / (1 + np.exp(-(ps[0] @ A + ps[1])))
        out = 1 / (1 + np.exp(-(ps[2] @ h + ps[3])))
        return 0.5 * np.sum((out - T.T) ** 2) / 5

    return ps, [gw[0], gb[0], gw[1], gb[1]], loss, ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


def main_trainer(file: str):
    """train_net(5, 1, lr) on data made here: its functions only (the file's top level needs matplotlib and
    scikit-learn), the module's names set here. The update over lr is the gradient; the loss, mean cross-entropy of
    a sigmoid layer and a softmax plus (lam / 2N) * sum(W**2), is written here."""
    import ast

    tree = ast.parse((FOLDER / file).read_text())
    ns = {"np": np, "N": 8, "n_in": 2, "n_out": 3, "lam": 0.4}
    ns["X"], ns["y"] = RNG.normal(size=(8, 2)), np.arange(8) % 3
    exec(compile(ast.Module([n for n in tree.body if isinstance(n, ast.FunctionDef)], []), file, "exec"), ns)
    np.random.seed(5)
    start = [np.random.randn(2, 5) * 0.5, np.zeros((1, 5)), np.random.randn(5, 3) * 0.5, np.zeros((1, 3))]
    np.random.seed(5)  # the function draws the same first weights
    net = ns["train_net"](5, 1, 0.1)
    ps = [p.copy() for p in start]
    claimed = [(a - net[k]) / 0.1 for a, k in zip(start, ["Wa", "ba", "Wb", "bb"])]
    X, y = ns["X"], ns["y"]

    def loss():
        h = 1 / (1 + np.exp(-(X @ ps[0] + ps[1])))
        e = np.exp(h @ ps[2] + ps[3])
        p = e / e.sum(axis=1, keepdims=True)
        return (-np.sum(np.log(p[range(8), y])) + 0.2 * (np.sum(ps[0] ** 2) + np.sum(ps[2] ** 2))) / 8

    return ps, claimed, loss, ["Wa", "ba", "Wb", "bb"]


def bias_trick(file: str):
    """BiasTrickMLP(3, 4, 1) on nine samples led by a 1, made here: the returned (dW1, dW2) against the mean BCE
    of a sigmoid layer and a sigmoid output whose weights hold the biases as row 0, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").BiasTrickMLP(3, 4, 1)
    net.W1, net.W2 = RNG.normal(0, 0.7, net.W1.shape), RNG.normal(0, 0.7, net.W2.shape)
    Xb = np.hstack([np.ones((9, 1)), RNG.normal(size=(9, 3))])
    y = (RNG.random((9, 1)) > 0.5).astype(float)
    ps = [net.W1, net.W2]
    net.forward(Xb)
    claimed = list(net.backward(y))

    def loss():
        h = 1 / (1 + np.exp(-(Xb @ ps[0])))
        return _bce(1 / (1 + np.exp(-(np.hstack([np.ones((9, 1)), h]) @ ps[1]))), y)

    return ps, claimed, loss, ["W1", "W2"]


def sample_list(file: str):
    """XorNet([3, 4, 1]) learning one sample led by a 1: the gradient is minus the update over the rate; half the
    squared error of two tanh layers whose weights hold the biases as row 0, written here."""
    import ast

    tree = ast.parse((FOLDER / file).read_text())
    ns = {"__name__": "truth"}  # its functions and class only: the file's top level trains
    exec(
        compile(
            ast.Module([n for n in tree.body if not isinstance(n, (ast.Assign, ast.Expr, ast.For))], []), file, "exec"
        ),
        ns,
    )
    net = ns["XorNet"]([3, 4, 1])
    ps = [w.copy() for w in net.weights]
    xb, t, rate = np.concatenate(([1.0], RNG.normal(size=3))), 0.7, 0.05
    net.learn(net.feed([xb]), t, rate)
    claimed = [-(after - before) / rate for before, after in zip(ps, net.weights)]

    def loss():
        h = np.concatenate(([1.0], np.tanh(xb @ ps[0])))
        return 0.5 * float(np.sum((t - np.tanh(h @ ps[1])) ** 2))

    return ps, claimed, loss, ["weights[0]", "weights[1]"]


def batch_backward(file: str):
    """RegressorNet on seven samples as columns, made here: one batch_backward step, the gradient is the update
    over the rate; half the mean squared error of a tanh layer and an identity output, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").RegressorNet()
    x, y, rate = RNG.normal(size=(2, 7)), RNG.normal(size=(1, 7)), 0.01
    names = ["w1", "b1", "w2", "b2"]
    for k in names:
        setattr(net, k, RNG.normal(0, 0.6, getattr(net, k).shape))
    ps = [getattr(net, k).copy() for k in names]
    net.batch_backward(x, y, rate)
    claimed = [(p - getattr(net, k)) / rate for p, k in zip(ps, names)]

    def loss():
        return 0.5 * np.mean((ps[2] @ np.tanh(ps[0] @ x + ps[1]) + ps[3] - y) ** 2)

    return ps, claimed, loss, names


def appended_ones(file: str):
    """StackedNet([3, 4, 1]) learning one sample with a 1 appended: the gradient is the update over alpha; half the
    squared error of two sigmoid layers without biases (the ones are data), written here."""
    np.random.seed(4)
    net = _load(FOLDER / file, f"truth_{file[:-3]}").StackedNet([3, 4, 1], alpha=0.01)
    ps = [w.copy() for w in net.W]
    x, y = np.append(RNG.normal(size=3), 1.0), np.array([0.8])
    net.propagate(x, y)
    claimed = [(before - after) / 0.01 for before, after in zip(ps, net.W)]

    def loss():
        h = 1 / (1 + np.exp(-(x @ ps[0])))
        return 0.5 * float(np.sum((1 / (1 + np.exp(-(h @ ps[1]))) - y) ** 2))

    return ps, claimed, loss, ["W[0]", "W[1]"]


def adam_state(file: str):
    """The functions on nine samples of four inputs and one-hot targets of three classes, made here: the returned
    dW1..db3 against the plain mean cross-entropy (no 1e-8) of a ReLU layer, a SELU layer and a softmax, written
    here."""
    m = _load(FOLDER / file, f"truth_{file[:-3]}")
    params, _, _ = m.init_parameters_with_state([4, 5, 4, 3])
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    for k in names:
        params[k] = RNG.normal(0, 0.6, params[k].shape)
    X, Y = RNG.normal(size=(9, 4)), np.eye(3)[RNG.integers(0, 3, 9)]
    ps = [params[k] for k in names]
    grads = m.backward_propagation(X, Y, params, m.forward_propagation(X, params)[1])
    claimed = [grads["d" + k] for k in names]
    alpha, scale = 1.6732632423543772, 1.0507009873554805

    def loss():
        a1 = np.maximum(0, X @ ps[0] + ps[1])
        z2 = a1 @ ps[2] + ps[3]
        a2 = scale * np.where(z2 > 0, z2, alpha * (np.exp(z2) - 1))
        z3 = a2 @ ps[4] + ps[5]
        logp = z3 - z3.max(axis=1, keepdims=True)
        logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
        return -np.mean(np.sum(Y * logp, axis=1))

    return ps, claimed, loss, names


def training_flag(file: str):
    """Network() on seven samples as columns with integer labels, made here: one training forward and backward, the
    gradient is the update over the rate; the mean cross-entropy of a ReLU layer and a softmax, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Network()
    X, labels, rate = RNG.normal(size=(4, 7)), RNG.integers(0, 3, 7), 0.01
    layers = [(net.hidden, "W"), (net.hidden, "b"), (net.out, "W"), (net.out, "b")]
    ps = [getattr(o, k).copy() for o, k in layers]
    net.forward(X, training=True)
    net.backward(labels, rate)
    claimed = [(p - getattr(o, k)) / rate for p, (o, k) in zip(ps, layers)]

    def loss():
        z = ps[2] @ np.maximum(ps[0] @ X + ps[1], 0) + ps[3]
        logp = z - z.max(axis=0) - np.log(np.exp(z - z.max(axis=0)).sum(axis=0))
        return -np.mean(logp[labels, np.arange(7)])

    return ps, claimed, loss, ["hidden.W", "hidden.b", "out.W", "out.b"]


def inserts_input(file: str):
    """MLP([5, 6, 3]) fitted for no epoch on nine samples as columns (fit() inserts their four features): the
    backward's dict of dW/db at random weights; the mean cross-entropy of two ReLU layers and a softmax, written
    here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").MLP([5, 6, 3], epochs=0)
    X, labels = RNG.normal(size=(4, 9)), RNG.integers(0, 3, 9)
    Y = np.eye(3)[labels].T
    net.fit(X, Y)
    keys = ["W1", "b1", "W2", "b2", "W3", "b3"]
    for k in keys:
        net.params[k] = RNG.normal(0, 0.7, net.params[k].shape)
    ps = [net.params[k] for k in keys]
    _, cache = net.forward(X)
    grads = net.backward(Y, cache)
    claimed = [grads["d" + k] for k in keys]

    def loss():
        h = np.maximum(ps[2] @ np.maximum(ps[0] @ X + ps[1], 0) + ps[3], 0)
        z = ps[4] @ h + ps[5]
        logp = z - z.max(axis=0) - np.log(np.exp(z - z.max(axis=0)).sum(axis=0))
        return -np.mean(logp[labels, np.arange(9)])

    return ps, claimed, loss, [f"params['{k}']" for k in keys]


def loss_layer(file: str):
    """Net(4, 6, 3) at random weights on nine samples with integer labels: forward, the loss layer's loss(labels)
    and backward() as train() runs them, each Dense's grad_W/grad_b; the mean cross-entropy of a ReLU layer and a
    softmax, written here (the third file's train() sets the targets itself: they are set here the same way)."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Net(4, 6, 3)
    X, labels = RNG.normal(size=(9, 4)), RNG.integers(0, 3, 9)
    layers = [(net.hidden, "W"), (net.hidden, "b"), (net.out, "W"), (net.out, "b")]
    for o, k in layers:
        setattr(o, k, RNG.normal(0, 0.7, getattr(o, k).shape))
    ps = [getattr(o, k) for o, k in layers]
    net.forward(X)
    if hasattr(net.head, "loss"):
        net.head.loss(labels)
    else:
        net.head.onehot = np.eye(3)[labels]
    net.backward()
    claimed = [net.hidden.grad_W, net.hidden.grad_b, net.out.grad_W, net.out.grad_b]

    def loss():
        z = np.maximum(X @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        return _mean_ce_rows(z, labels)

    return ps, claimed, loss, ["hidden.W", "hidden.b", "out.W", "out.b"]


def cached_lists(file: str):
    """Regressor([4, 6, 1]) at random weights on nine samples: forwardprop, then backprop's (grad_b, grad_w) divided
    by the batch size, as update_batch() applies them; 0.5 * mean squared error of a sigmoid layer, written here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").Regressor([4, 6, 1])
    X, y = RNG.normal(size=(9, 4)), RNG.normal(size=(9, 1))
    net.weights = [RNG.normal(0, 0.7, w.shape) for w in net.weights]
    net.biases = [RNG.normal(0, 0.7, b.shape) for b in net.biases]
    ps = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    net.forwardprop(X)
    grad_b, grad_w = net.backprop(y)
    claimed = [g / 9 for g in (grad_w[0], grad_b[0], grad_w[1], grad_b[1])]

    def loss():
        h = 1 / (1 + np.exp(-(X @ ps[0] + ps[1].T)))
        return 0.5 * np.mean((h @ ps[2] + ps[3].T - y) ** 2)

    return ps, claimed, loss, ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


def held_data(file: str):
    """Classifier on nine samples it holds, at random weights: forward, cross_entropy, backward as fit() runs them,
    the gradient the update over the module's rate; the mean cross-entropy of a tanh layer and a softmax, written
    here."""
    m = _load(FOLDER / file, f"truth_{file[:-3]}")
    X, labels = RNG.normal(size=(9, 4)), RNG.integers(0, 3, 9)
    net = m.Classifier(X, np.eye(3)[labels], labels)
    keys = ["W1", "b1", "W2", "b2"]
    for k in keys:
        setattr(net, k, RNG.normal(0, 0.6, getattr(net, k).shape))
    ps = [getattr(net, k).copy() for k in keys]
    probs = net.forward(X)
    net.cross_entropy(probs)
    net.backward(probs)
    claimed = [(p - getattr(net, k)) / m.rate for p, k in zip(ps, keys)]

    def loss():
        z = np.tanh(X @ ps[0] + ps[1]) @ ps[2] + ps[3]
        return _mean_ce_rows(z, labels)

    return ps, claimed, loss, keys


def activation_list(file: str):
    """Model() sized by init_params([4, 6, 3], [relu, softmax]) at random weights on nine samples: the backward's
    dict; the mean cross-entropy of a ReLU layer and a softmax, written here (the file's own script, which trains
    on 200 random images, runs as the module loads)."""
    m = _load(FOLDER / file, f"truth_{file[:-3]}")
    net = m.Model()
    net.init_params([4, 6, 3], [m.relu, m.softmax])
    keys = ["W1", "b1", "W2", "b2"]
    for k in keys:
        net.params[k] = RNG.normal(0, 0.7, net.params[k].shape)
    ps = [net.params[k] for k in keys]
    X, labels = RNG.normal(size=(9, 4)), RNG.integers(0, 3, 9)
    grads = net.backward(net.forward(X), np.eye(3)[labels])
    claimed = [grads["d" + k] for k in keys]

    def loss():
        z = np.maximum(X @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        return _mean_ce_rows(z, labels)

    return ps, claimed, loss, [f"params['{k}']" for k in keys]


def options_dropout(file: str):
    """NeuralNetwork([4, 6, 3], l2_lambda=0, dropout_rate=0) at random weights on nine samples: one forward and
    backward, the gradient the update over the rate; the mean cross-entropy of a ReLU layer and a softmax, written
    here."""
    net = _load(FOLDER / file, f"truth_{file[:-3]}").NeuralNetwork([4, 6, 3], l2_lambda=0.0, dropout_rate=0.0)
    net.weights = [RNG.normal(0, 0.7, w.shape) for w in net.weights]
    net.biases = [RNG.normal(0, 0.7, b.shape) for b in net.biases]
    ps = [net.weights[0].copy(), net.biases[0].copy(), net.weights[1].copy(), net.biases[1].copy()]
    X, labels = RNG.normal(size=(9, 4)), RNG.integers(0, 3, 9)
    net.forward(X)
    net.backward(X, np.eye(3)[labels], 0.01)
    after = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    claimed = [(p - a) / 0.01 for p, a in zip(ps, after)]

    def loss():
        z = np.maximum(X @ ps[0] + ps[1], 0) @ ps[2] + ps[3]
        return _mean_ce_rows(z, labels)

    return ps, claimed, loss, ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]


STORED_CASES = {
    "option_strings_dropout_rate_correct.py": lambda: options_dropout("option_strings_dropout_rate_correct.py"),
    "option_strings_dropout_rate_db_unscaled_bug.py": lambda: options_dropout(
        "option_strings_dropout_rate_db_unscaled_bug.py"
    ),
    "init_params_activation_list_correct.py": lambda: activation_list("init_params_activation_list_correct.py"),
    "init_params_activation_list_no_mean_bug.py": lambda: activation_list("init_params_activation_list_no_mean_bug.py"),
    "loss_sets_batch_size_correct.py": lambda: held_data("loss_sets_batch_size_correct.py"),
    "loss_sets_batch_size_tanh_bug.py": lambda: held_data("loss_sets_batch_size_tanh_bug.py"),
    "forwardprop_cache_lists_correct.py": lambda: cached_lists("forwardprop_cache_lists_correct.py"),
    "forwardprop_cache_lists_slope_bug.py": lambda: cached_lists("forwardprop_cache_lists_slope_bug.py"),
    "stateful_loss_layer_correct.py": lambda: loss_layer("stateful_loss_layer_correct.py"),
    "stateful_loss_layer_no_mean_bug.py": lambda: loss_layer("stateful_loss_layer_no_mean_bug.py"),
    "train_loop_inline_targets_correct.py": lambda: loss_layer("train_loop_inline_targets_correct.py"),
    "fit_inserts_input_columns_correct.py": lambda: inserts_input("fit_inserts_input_columns_correct.py"),
    "fit_inserts_input_columns_db_unscaled_bug.py": lambda: inserts_input(
        "fit_inserts_input_columns_db_unscaled_bug.py"
    ),
    "training_flag_layers_correct.py": lambda: training_flag("training_flag_layers_correct.py"),
    "training_flag_layers_sign_bug.py": lambda: training_flag("training_flag_layers_sign_bug.py"),
    "adam_state_selu_correct.py": lambda: adam_state("adam_state_selu_correct.py"),
    "adam_state_selu_no_mean_bug.py": lambda: adam_state("adam_state_selu_no_mean_bug.py"),
    "propagate_step_appended_ones_correct.py": lambda: appended_ones("propagate_step_appended_ones_correct.py"),
    "propagate_step_appended_ones_sigmoid_twice_bug.py": lambda: appended_ones(
        "propagate_step_appended_ones_sigmoid_twice_bug.py"
    ),
    "batch_backward_columns_correct.py": lambda: batch_backward("batch_backward_columns_correct.py"),
    "batch_backward_columns_tanh_twice_bug.py": lambda: batch_backward("batch_backward_columns_tanh_twice_bug.py"),
    "bias_trick_ones_led_correct.py": lambda: bias_trick("bias_trick_ones_led_correct.py"),
    "bias_trick_ones_led_no_mean_bug.py": lambda: bias_trick("bias_trick_ones_led_no_mean_bug.py"),
    "folded_bias_sample_list_tanh_bug.py": lambda: sample_list("folded_bias_sample_list_tanh_bug.py"),
    "tuple_pair_valid_labels_correct.py": lambda: tuple_pair("tuple_pair_valid_labels_correct.py"),
    "tuple_pair_valid_labels_tanh_bug.py": lambda: tuple_pair("tuple_pair_valid_labels_tanh_bug.py"),
    "compose_relay_x_correct.py": lambda: compose_relay("compose_relay_x_correct.py"),
    "compose_relay_x_tanh_bug.py": lambda: compose_relay("compose_relay_x_tanh_bug.py"),
    "xor_half_sum_mean_print_bug.py": lambda: xor_half_sum("xor_half_sum_mean_print_bug.py"),
    "local_model_widths_correct.py": lambda: local_model("local_model_widths_correct.py"),
    "local_model_widths_sum_bug.py": lambda: local_model("local_model_widths_sum_bug.py"),
    "main_trainer_data_loss_correct.py": lambda: main_trainer("main_trainer_data_loss_correct.py"),
    "main_trainer_data_loss_no_mean_bug.py": lambda: main_trainer("main_trainer_data_loss_no_mean_bug.py"),
    "column_backprop_uncalled_correct.py": lambda: column_backprop("column_backprop_uncalled_correct.py"),
    "column_backprop_uncalled_sign_bug.py": lambda: column_backprop("column_backprop_uncalled_sign_bug.py"),
    "image_reshape_sizes_call_correct.py": lambda: image_reshape("image_reshape_sizes_call_correct.py"),
    "image_reshape_sizes_call_no_mean_bug.py": lambda: image_reshape("image_reshape_sizes_call_no_mean_bug.py"),
    "pairs_total_cost_correct.py": lambda: pairs_total_cost("pairs_total_cost_correct.py"),
    "pairs_total_cost_prime_at_activation_bug.py": lambda: pairs_total_cost(
        "pairs_total_cost_prime_at_activation_bug.py"
    ),
    "set_data_int_labels_correct.py": lambda: set_data_labels("set_data_int_labels_correct.py"),
    "set_data_int_labels_hidden_bias_sum_bug.py": lambda: set_data_labels("set_data_int_labels_hidden_bias_sum_bug.py"),
    "classes_ctor_mse_outputs_correct.py": lambda: classes_ctor("classes_ctor_mse_outputs_correct.py"),
    "classes_ctor_mse_outputs_bug.py": lambda: classes_ctor("classes_ctor_mse_outputs_bug.py"),
    "globals_module_trainer_correct": lambda: globals_trainer("globals_module_trainer_correct"),
    "globals_module_trainer_preact_bug": lambda: globals_trainer("globals_module_trainer_preact_bug"),
    "stored_batch_fit_correct.py": lambda: stored_batch("stored_batch_fit_correct.py"),
    "stored_batch_fit_no_mean_bug.py": lambda: stored_batch("stored_batch_fit_no_mean_bug.py"),
}
