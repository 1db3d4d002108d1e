"""EXPECTED.toml is ground truth: each added example's claimed gradient against central differences of the
loss it claims to differentiate, written here independently (never with the project's gradient code).

The examples are this project's own files, run in-process here (the auditor itself only ever runs
submissions in its sandbox). A "pass" file must be right on every tensor; a "fail" file wrong on exactly
the tensors its ``wrong`` list names.
"""

from __future__ import annotations

import ast
import sys
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "submissions"
EXPECTED = tomllib.loads((FOLDER / "EXPECTED.toml").read_text())["files"]
RNG = np.random.default_rng(42)
X = RNG.normal(size=(7, 3))
#: Central differences at this step agree with an exact gradient to ~1e-9 on these small nets; a
#: wrong tensor is off by far more than this (every planted bug here changes entries by > 1%).
RTOL = 1e-6


def definitions(path: Path, name: str) -> types.ModuleType:
    """The file's imports, functions and classes (its top-level training code is not run)."""
    tree = ast.parse(path.read_text())
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


def numeric(loss, arrays, h=1e-6):
    out = []
    for a in arrays:
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + h
            up = loss()
            a[i] = old - h
            down = loss()
            a[i] = old
            g[i] = (up - down) / (2 * h)
        out.append(g)
    return out


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


def case_project():
    sys.path.insert(0, str(FOLDER / "project_correct"))
    try:
        import losses
        import network
    finally:
        sys.path.pop(0)
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


CASES = {
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
}
NAMES = ["W1", "b1", "W2", "b2"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_expected_verdict_is_the_truth(name):
    params, claimed, loss = CASES[name]()
    truth = numeric(loss, params)
    wrong = []
    for i, (c, t) in enumerate(zip(claimed, truth)):
        c = np.asarray(c, dtype=float).reshape(t.shape) if np.size(c) == t.size else None
        scale = max(float(np.max(np.abs(t))), 1e-12)
        if c is None or float(np.max(np.abs(c - t))) > RTOL * scale + 1e-9:
            wrong.append(NAMES[i])
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
