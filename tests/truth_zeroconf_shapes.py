"""Truth cases for six submission shapes that audit with no spec: activations named by strings in a
Nielsen-style network, (W, b) pairs unpacked three layers deep, a (weights, biases) pair of lists from an
initializer, a per-sample weight argument, torch-like parameter objects whose backward adds into ``.grad``,
and a training method with dropout and L2 written inline. Each file's claimed gradient, and a loss written
here from the file's docstring (never with the project's gradient code), for central differences in
tests/test_examples_truth.py.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import types
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def _module(rel: str) -> types.ModuleType:
    """The file's imports, definitions and top-level assignments (its ``__main__`` block left out)."""
    tree = ast.parse((FOLDER / rel).read_text())
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign)
    tree.body = [s for s in tree.body if isinstance(s, keep)]
    module = types.ModuleType(rel[:-3])
    exec(compile(tree, str(FOLDER / rel), "exec"), module.__dict__)
    return module


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


ACTS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": _sig, "identity": lambda z: z}


def named_acts(rel: str):
    """One column sample; layer i applies the activation named acts[i] (sigmoid, then tanh at the output, as
    the audit's invented network has them); cost 0.5 * sum of squared errors."""
    m = _module(rel)
    rng = np.random.default_rng(11)
    np.random.seed(4)
    acts = ["sigmoid", "tanh"]
    net = m.Network([3, 5, 2], acts)
    x, y = rng.normal(size=(3, 1)), rng.random((2, 1))
    nabla_b, nabla_w = net.backprop(x, y)
    ps = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]

    def loss():
        a = x
        for w, b, name in zip(ps[0::2], ps[1::2], acts):
            a = ACTS[name](w @ a + b)
        return 0.5 * np.sum((a - y) ** 2)

    names = ["weights[0]", "biases[0]", "weights[1]", "biases[1]"]
    return ps, [nabla_w[0], nabla_b[0], nabla_w[1], nabla_b[1]], loss, names


def tuple_hinge(rel: str):
    """ReLU, tanh, identity; mean over samples of max(0, 1 - y f) ** 2 with y in {-1, +1}."""
    m = _module(rel)
    rng = np.random.default_rng(12)
    params = m.init_params([4, 6, 5, 1], seed=3)
    X = rng.normal(size=(9, 4))
    y = np.where(rng.random((9, 1)) > 0.5, 1.0, -1.0)
    claimed = list(m.backprop(params, X, y))
    ps = [a for pair in params for a in pair]

    def loss():
        h1 = np.maximum(X @ ps[0] + ps[1], 0.0)
        f = np.tanh(h1 @ ps[2] + ps[3]) @ ps[4] + ps[5]
        return np.mean(np.maximum(0.0, 1.0 - y * f) ** 2)

    return ps, claimed, loss, [f"params[{i}].{k}" for i in range(3) for k in ("W", "b")]


def order_lists(rel: str):
    """softplus, leaky ReLU (slope 0.05), tanh hidden layers, identity output; 0.5 * sum of squares / N."""
    m = _module(rel)
    rng = np.random.default_rng(13)
    Ws, bs = m.make_net([3, 4, 4, 4, 2], 1)
    X, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    gW, gb = m.net_grad(Ws, bs, X, Y)
    hidden = [lambda z: np.log1p(np.exp(z)), lambda z: np.where(z > 0, z, 0.05 * z), np.tanh]

    def loss():
        a = X
        for i, (w, b) in enumerate(zip(Ws, bs)):
            a = a @ w + b
            a = hidden[i](a) if i < 3 else a
        return 0.5 * np.sum((a - Y) ** 2) / len(X)

    names = [f"{k}[{i}]" for i in range(4) for k in ("Ws", "bs")]
    ps = [a for pair in zip(Ws, bs) for a in pair]
    return ps, [g for pair in zip(gW, gb) for g in pair], loss, names


def sample_weights(rel: str):
    """Sigmoid hidden layer, identity output; sum(sw * (out - y) ** 2) / sum(sw) with positive weights sw."""
    m = _module(rel)
    rng = np.random.default_rng(14)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    sw = rng.uniform(0.5, 2.0, (10, 1))
    claimed = list(m.compute_grads(X, y, sw))
    ps = [m.W1, m.b1, m.W2, m.b2]

    def loss():
        out = _sig(X @ ps[0] + ps[1]) @ ps[2] + ps[3]
        return np.sum(sw * (out - y) ** 2) / np.sum(sw)

    return ps, claimed, loss


def param_modules(rel: str):
    """Linear(4, 8), tanh, Linear(8, 6), sigmoid, Linear(6, 3); mean of the squared errors over every entry."""
    m = _module(rel)
    rng = np.random.default_rng(15)
    model = m.Sequential(m.Linear(4, 8), m.Tanh(), m.Linear(8, 6), m.Sigmoid(), m.Linear(6, 3))
    X, Y = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    crit = m.MSELoss()
    model.zero_grad()
    crit(model(X), Y)
    model.backward(crit.backward())
    ps = [p.data for p in model.parameters()]
    claimed = [p.grad.copy() for p in model.parameters()]

    def loss():
        h = np.tanh(X @ ps[0] + ps[1])
        h = _sig(h @ ps[2] + ps[3])
        return np.mean((h @ ps[4] + ps[5] - Y) ** 2)

    names = [f"layers[{i}].{k}" for i in (0, 2, 4) for k in ("weight", "bias")]
    return ps, claimed, loss, names


def inline_dropout(rel: str):
    """The first epoch of train(): ReLU hidden layer times the inverted-dropout mask drawn first from
    default_rng(seed + 1), sigmoid output, mean BCE + lam / (2 m) * (|W1|^2 + |W2|^2). The gradient is read
    as the step with lr = 1 (before minus after)."""
    m = _module(rel)
    rng = np.random.default_rng(16)
    clf = m.DropoutClassifier(3, 5, seed=2)
    X = rng.normal(size=(8, 3))
    y = (rng.random((8, 1)) > 0.5).astype(float)
    names = ["W1", "b1", "W2", "b2"]
    ps = [getattr(clf, k).copy() for k in names]
    with contextlib.redirect_stdout(io.StringIO()):
        clf.train(X, y, epochs=1, lr=1.0)
    claimed = [p - getattr(clf, k) for p, k in zip(ps, names)]
    keep, lam, n = 0.8, 0.1, len(X)
    mask = (np.random.default_rng(3).random((n, 5)) < keep) / keep

    def loss():
        a1 = np.maximum(X @ ps[0] + ps[1], 0.0) * mask
        p = _sig(a1 @ ps[2] + ps[3])
        bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        return bce + lam / (2 * n) * (np.sum(ps[0] ** 2) + np.sum(ps[2] ** 2))

    return ps, claimed, loss, names


def guarded_softmax(rel: str):
    """Samples in columns, ReLU hidden layer, softmax output over one-hot labels, cross-entropy averaged over the
    samples (written here without the file's 1e-12 guard, which moves it by ~1e-12); a bias gradient that is one
    number is the one number the update applies to every entry."""
    m = _module(rel)
    rng = np.random.default_rng(17)
    W1, b1, W2, b2 = m.init_params(3, 5, 4)
    b1, b2 = b1 + 0.1, b2 - 0.2  # away from the zero initial biases
    Xc = rng.normal(size=(3, 9))
    T = np.eye(4)[:, rng.integers(0, 4, 9)]
    Z1, A1, _, A2 = m.forward_prop(Xc, W1, b1, W2, b2)
    g = m.backward_prop(Z1, A1, A2, W1, W2, Xc, T, Xc.shape[1])
    ps = [W1, b1, W2, b2]
    claimed = [np.broadcast_to(c, p.shape) for c, p in zip(g, ps)]

    def loss():
        Z = ps[2] @ np.maximum(ps[0] @ Xc + ps[1], 0) + ps[3]
        logp = Z - Z.max(axis=0) - np.log(np.exp(Z - Z.max(axis=0)).sum(axis=0))
        return -np.sum(T * logp) / Xc.shape[1]

    return ps, claimed, loss


def per_sample_script(folder: str):
    """One pass of the script's inner loop on its first picture, the gradient read off the update as
    (before - after) / learning_rate; sigmoid hidden and output layers, cross-entropy summed over the outputs
    of that one picture, at the weights the pass started from."""
    path = FOLDER / folder / "train.py"
    tree = ast.parse(path.read_text())
    epochs = next(s for s in tree.body if isinstance(s, ast.For))
    inner = next(s for s in epochs.body if isinstance(s, ast.For))
    setup = [s for s in tree.body if isinstance(s, (ast.Assign, ast.ImportFrom, ast.Import))]
    ns: dict = {}
    sys.path.insert(0, str(FOLDER / folder))
    try:
        exec(compile(ast.Module(body=setup, type_ignores=[]), str(path), "exec"), ns)
    finally:
        sys.path.remove(str(FOLDER / folder))
        sys.modules.pop("data", None)
    names = ["w_in", "b_in", "w_out", "b_out"]
    ps = [ns[k].copy() for k in names]
    x, t = ns["pictures"][0].astype(float), ns["kinds"][0]
    ns["x"], ns["t"] = ns["pictures"][0].copy(), t.copy()
    exec(compile(ast.Module(body=inner.body, type_ignores=[]), str(path), "exec"), ns)
    claimed = [(p - ns[k]) / ns["learning_rate"] for p, k in zip(ps, names)]
    xc, tc = x.reshape(-1, 1), t.reshape(-1, 1)

    def loss():
        out = _sig(ps[2] @ _sig(ps[0] @ xc + ps[1]) + ps[3])
        return -np.sum(tc * np.log(out) + (1 - tc) * np.log(1 - out))

    return ps, claimed, loss, names


def tanh_unit(rel: str):
    """One pass of the script's loop at weights drawn here (at its own zero weights the derivative of tanh is 1,
    and a step leaving it out is right there); the claimed gradient is the step it computes, the loss the mean
    over the samples of (tanh(x . w) - t)**2."""
    path = FOLDER / rel
    tree = ast.parse(path.read_text())
    loop = next(s for s in tree.body if isinstance(s, ast.While))
    ns: dict = {}
    setup = [s for s in tree.body if isinstance(s, (ast.Assign, ast.Import))]
    exec(compile(ast.Module(body=setup, type_ignores=[]), str(path), "exec"), ns)
    w = np.random.default_rng(5).normal(scale=0.4, size=ns["weights"].shape)
    ns["weights"] = w.copy()
    exec(compile(ast.Module(body=loop.body[:2], type_ignores=[]), str(path), "exec"), ns)  # the guess, the step
    F, t = ns["features"], ns["targets"]
    ps = [w]

    def loss():
        return np.mean((np.tanh(F @ ps[0]) - t) ** 2)

    return ps, [ns["step"]], loss, ["weights"]


def momentum_one(rel: str):
    """One pass of the script's epoch loop at its starting weights; the claimed gradient is the step each update
    climbs, (before - after) / rate, the loss 0.5 * the sum over the samples of the squared errors (the one its
    ascent on (saidas - saida) * sigmoid' follows)."""
    path = FOLDER / rel
    tree = ast.parse(path.read_text())
    loop = next(s for s in tree.body if isinstance(s, ast.For))
    ns: dict = {}
    setup = [s for s in tree.body if isinstance(s, (ast.Assign, ast.Import, ast.FunctionDef))]
    exec(compile(ast.Module(body=setup, type_ignores=[]), str(path), "exec"), ns)
    names = ["pesos_oculta", "pesos_saida"]
    ps = [ns[k].copy() for k in names]
    body = [s for s in loop.body if not isinstance(s, ast.If)]
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), ns)
    claimed = [(p - ns[k]) / ns["taxa_aprendizagem"] for p, k in zip(ps, names)]
    X, T = ns["entradas"].astype(float), ns["saidas"].astype(float)

    def loss():
        out = _sig(_sig(X @ ps[0]) @ ps[1])
        return 0.5 * np.sum((T - out) ** 2)

    return ps, claimed, loss, names


def renamed_loss(rel: str):
    """ShallowClassifier.objective(inputs, labels, l2): ReLU hidden layer, softmax output, cross-entropy
    averaged over the samples plus 0.5 * l2 * (sum W1**2 + sum W2**2), with l2 = 0.2."""
    m = _module(rel)
    rng = np.random.default_rng(19)
    np.random.seed(6)
    net = m.ShallowClassifier(4, 6, 3)
    keys = ("W1", "b1", "W2", "b2")
    for k in keys:  # weights large enough that units are off, biases away from zero
        net.weights[k] = rng.normal(scale=0.7, size=net.weights[k].shape)
    X, labels = rng.normal(size=(11, 4)), rng.integers(0, 3, 11)
    _, slopes = net.objective(X, labels, l2=0.2)
    ps = [net.weights[k] for k in keys]

    def loss():
        Z = np.maximum(X @ ps[0] + ps[1], 0.0) @ ps[2] + ps[3]
        Z = Z - Z.max(axis=1, keepdims=True)
        logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(len(labels)), labels]) + 0.1 * (np.sum(ps[0] ** 2) + np.sum(ps[2] ** 2))

    return ps, [slopes[k] for k in keys], loss, [f"weights['{k}']" for k in keys]


def globals_list(rel: str):
    """train_step(x, t, *weights) on one 1-D sample: tanh hidden layer, sigmoid outputs, the cost the file returns
    (the correct file's binary cross-entropy summed over the outputs, the bug's averaged over them), at weights
    drawn here; its gradients are the nested tuple (dW_hid, dW_out, err_hid, err_out)."""
    m = _module(rel)
    rng = np.random.default_rng(23)
    ps = [rng.normal(scale=0.6, size=s) for s in ((5, 8), (8,), (8, 4), (4,))]  # W_hid, b_hid, W_out, b_out
    x, t = rng.normal(size=5), (rng.random(4) > 0.5).astype(float)
    _, (dW_hid, dW_out, err_hid, err_out) = m.train_step(x, t, ps[0], ps[2], ps[1], ps[3])
    mean = "bug" in rel

    def loss():
        y = _sig(np.tanh(x @ ps[0] + ps[1]) @ ps[2] + ps[3])
        each = -(t * np.log(y) + (1 - t) * np.log(1 - y))
        return np.mean(each) if mean else np.sum(each)

    return ps, [dW_hid, err_hid, dW_out, err_out], loss, ["W_hid", "b_hid", "W_out", "b_out"]


def trainer_in_module(folder: str):
    """network.py's fit_network(): its starting weights (epochs=0, reseeded) and one step (epochs=1), the gradient
    the step over the rate; data drawn here; mean cross-entropy of a sigmoid/softmax net written here."""
    m = _module(f"{folder}/network.py")
    x, labels, rate = np.random.default_rng(7).normal(size=(9, 2)), np.arange(9) % 2, 0.5
    np.random.seed(3)
    start = m.fit_network(x, labels, 4, epochs=0)
    np.random.seed(3)
    after = m.fit_network(x, labels, 4, epochs=1, rate=rate)
    keys = ["W_in", "W_o", "b_in", "b_o"]
    ps = [start[k].copy() for k in keys]
    grads = [(start[k] - after[k]) / rate for k in keys]

    def loss():
        h = _sig(x @ ps[0] + ps[2])
        z = h @ ps[1] + ps[3]
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(len(labels)), labels])

    return ps, grads, loss, ["W_hid", "W_out", "b_hid", "b_out"]


def held_loss_pair(folder: str):
    """main.py's network (Dense(4, 6), tanh, Dense(6, 1), sigmoid) built from the folder's own classes; one
    sample's step from net.loss_d, the gradient the step over the rate; the loss the network holds, funcs.bce,
    written here again (summed binary cross-entropy of the one output)."""
    layers, funcs = _module(f"{folder}/layers.py"), _module(f"{folder}/funcs.py")
    np.random.seed(5)
    net = [layers.Dense(4, 6), layers.Act(funcs.tanh, funcs.tanh_d), layers.Dense(6, 1)]
    net.append(layers.Act(funcs.sigmoid, funcs.sigmoid_d))
    x, t, rate = np.random.default_rng(8).normal(size=(1, 4)), np.array([[1.0]]), 1e-3
    ps = [net[0].W, net[0].b, net[2].W, net[2].b]
    before = [p.copy() for p in ps]
    y = x
    for layer in net:
        y = layer.forward(y)
    g = funcs.bce_d(t, y)
    for layer in reversed(net):
        g = layer.backward(g, rate)
    grads = [(b - p) / rate for b, p in zip(before, ps)]
    for p, b in zip(ps, before):
        p[...] = b

    def loss():
        p = _sig(np.tanh(x @ ps[0] + ps[1]) @ ps[2] + ps[3])
        return float(-np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)))

    return ps, grads, loss, ["layers[0].W", "layers[0].b", "layers[2].W", "layers[2].b"]


def _cases(stem: str, make, variants: tuple[str, ...]) -> dict:
    return {f"{stem}_{v}.py": (lambda rel=f"{stem}_{v}.py": make(rel)) for v in variants}


SHAPES_CASES = {
    **_cases("inline_dropout_l2", inline_dropout, ("correct", "mask_forgotten_bug")),
    **_cases("order_lists_net", order_lists, ("correct", "leaky_grad_bug")),
    **_cases("tuple_params_hinge", tuple_hinge, ("correct", "tanh_prime_bug")),
    **_cases("named_acts_network", named_acts, ("correct", "tanh_prime_bug")),
    **_cases("sample_weights_globals", sample_weights, ("correct", "norm_bug")),
    **_cases("param_modules_accumulate", param_modules, ("correct", "bias_mean_bug")),
    **_cases("guarded_softmax_columns", guarded_softmax, ("correct", "bias_sum_bug")),
    **_cases("tanh_unit_script", tanh_unit, ("correct", "no_derivative_bug")),
    **_cases("momentum_one_script", momentum_one, ("correct", "preactivation_bug")),
    **_cases("renamed_loss_class", renamed_loss, ("correct", "relu_mask_bug")),
    **_cases("globals_list_nested_grads", globals_list, ("correct", "scale_bug")),
    **{
        f"per_sample_script_project_{v}": (lambda f=f"per_sample_script_project_{v}": per_sample_script(f))
        for v in ("correct", "moved_weights_bug")
    },
    **{
        f"trainer_in_module_project_{v}": (lambda f=f"trainer_in_module_project_{v}": trainer_in_module(f))
        for v in ("correct", "no_mean_bug")
    },
    **{
        f"held_loss_pair_project_{v}": (lambda f=f"held_loss_pair_project_{v}": held_loss_pair(f))
        for v in ("correct", "bce_bug")
    },
}
