"""Parameters named the way a textbook names them, not ``W1, b1``: Goodfellow's ``V, c, U, d`` (hidden weights,
hidden bias, output weights, output bias). No name rule takes ``c`` or ``d`` for a bias, so they are found by
how the code uses them: the keys the network's functions read from the dict an initializer made
(``net["c"]``), or the names an initializer returns when the backward takes each one by that name
(``gradients(V, c, U, d0, X, T, lam)``). Before, ``c`` and ``d`` were left out of the check: a bias gradient
twice too large passed, and the one-by-one form was an error.
"""

from __future__ import annotations

import numpy as np
from audit_example import audit_source

from gradcheck.audit.adapters.params import with_keys_read
from gradcheck.audit.adapters.readers.returned import grads_from_return

DICT_NET = '''"""ReLU hidden layer, sigmoid output, MSE; the parameters in a dict keyed V, c, U, d."""
import numpy as np


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def init_network(n_in, n_hid, n_out):
    rng = np.random.default_rng(7)
    return {"V": rng.normal(0, 1, (n_in, n_hid)), "c": rng.normal(0, 0.1, n_hid),
            "U": rng.normal(0, 1, (n_hid, n_out)), "d": rng.normal(0, 0.1, n_out)}


def forward(net, X):
    h = np.maximum(0.0, X @ net["V"] + net["c"])
    return h, sigmoid(h @ net["U"] + net["d"])


def cost(net, X, T):
    return np.mean((forward(net, X)[1] - T) ** 2)


def backprop(net, X, T):
    h, y = forward(net, X)
    g = 2.0 * (y - T) / y.size * y * (1 - y)
    gh = (g @ net["U"].T) * (h > 0)
    return {"V": X.T @ gh, "c": gh.sum(axis=0), "U": h.T @ g, "d": g.sum(axis=0)}
'''

ARGS_NET = '''"""tanh hidden layer, linear output, MSE with an L2 penalty; the weights passed one by one."""
import numpy as np


def init(n_in, n_hidden, n_out, seed=0):
    rng = np.random.default_rng(seed)
    V = rng.normal(0, 0.5, (n_hidden, n_in))
    c = np.zeros(n_hidden)
    U = rng.normal(0, 0.5, (n_out, n_hidden))
    d0 = np.zeros(n_out)
    return V, c, U, d0


def forward(V, c, U, d0, X):
    H = np.tanh(X @ V.T + c)
    return H, H @ U.T + d0


def loss(V, c, U, d0, X, T, lam):
    _, Y = forward(V, c, U, d0, X)
    return 0.5 * np.mean(np.sum((Y - T) ** 2, axis=1)) + 0.5 * lam * (np.sum(V * V) + np.sum(U * U))


def gradients(V, c, U, d0, X, T, lam):
    N = X.shape[0]
    H, Y = forward(V, c, U, d0, X)
    E = (Y - T) / N
    gU = E.T @ H + lam * U
    gd = E.sum(axis=0)
    G = (E @ U) * (1 - H ** 2)
    gV = G.T @ X + lam * V
    gc = G.sum(axis=0)
    return gV, gc, gU, gd
'''


def _checked(s: dict) -> set[str]:
    return {t["name"] for t in s["tensors"]}


def _whole_and_named(tmp_path, source: str, checked: set[str], wrong: str, right: str, code: str) -> None:
    """``source`` passes with every tensor of ``checked`` checked; with ``wrong`` for ``right`` it fails as ``code``."""
    s = audit_source(tmp_path, "net.py", source)
    assert s["status"] == "pass", (s["error"], s["diagnoses"])
    assert _checked(s) == checked
    bug = source.replace(right, wrong)
    assert bug != source
    s = audit_source(tmp_path, "net_bug.py", bug)
    assert s["status"] == "fail", s["error"]
    assert s["diagnoses"][0]["code"] == code, s["diagnoses"]


def test_a_dict_keyed_v_c_u_d_is_checked_whole_and_a_bias_bug_is_named(tmp_path):
    wrong, right = '"c": 2 * gh.sum(axis=0)', '"c": gh.sum(axis=0)'
    _whole_and_named(tmp_path, DICT_NET, {"V", "c", "U", "d"}, wrong, right, "tensor_scale")


def test_weights_passed_one_by_one_under_any_names_are_checked(tmp_path):
    wrong, right = "* (1 - np.tanh(H) ** 2)", "* (1 - H ** 2)"
    _whole_and_named(tmp_path, ARGS_NET, {"V", "c", "U", "d0"}, wrong, right, "derivative_at_activation")


def test_keys_read_add_only_float_arrays_not_named_as_something_else():
    root = {"V": np.ones((2, 3)), "c": np.zeros(3), "dV": np.ones((2, 3)), "cache": np.ones(3), "n": 3}
    root |= {"X_mean": np.zeros(2), "mask1": np.ones(3)}
    found = with_keys_read(root, ["V", "c", "dV", "cache", "n", "missing", "X_mean", "mask1"])
    assert [t.name for t in found] == ["V", "c"]
    assert found[1].bias is True


def test_a_returned_tuple_whose_names_match_in_place_pairs_the_rest_by_place():
    # ``return gV, gc, gU, gd`` for V, c, U, d0: gd names no parameter, but every named one is in its place
    from gradcheck.audit.adapters.params import Tensor

    params = [Tensor(n, (("item", n),), s) for n, s in (("V", (4, 3)), ("c", (4,)), ("U", (1, 4)), ("d0", (1,)))]
    ret = tuple(np.full(p.shape, float(i)) for i, p in enumerate(params))
    grads, shape, _ = grads_from_return(ret, params, ["gV", "gc", "gU", "gd"])
    assert shape == "grads-tuple"
    assert [(g.param, g.rule, float(g.data.flat[0])) for g in grads] == [
        (0, "name", 0.0),
        (1, "name", 1.0),
        (2, "name", 2.0),
        (3, "position", 3.0),
    ]
    # out of place (``return gU, gV, ...``): names that disagree with the places pair nothing by place
    swapped = (ret[2], ret[0], ret[1], ret[3])
    grads, _, _ = grads_from_return(swapped, params, ["gU", "gV", "gc", "gd"])
    assert sorted(g.param for g in grads) == [0, 1, 2]


LAYER_NAMES = {"weights_ih", "bias_h", "weights_ho", "bias_o"}

TUPLE_NET = """import numpy as np


class MLP:
    def __init__(self, n_input, n_hidden, n_output, seed=1):
        rng = np.random.default_rng(seed)
        self.weights_ih = rng.normal(0, 0.5, (n_input, n_hidden))
        self.bias_h = np.zeros((1, n_hidden))
        self.weights_ho = rng.normal(0, 0.5, (n_hidden, n_output))
        self.bias_o = np.zeros((1, n_output))

    def forward(self, X):
        self.hidden = np.tanh(X @ self.weights_ih + self.bias_h)
        self.output = self.hidden @ self.weights_ho + self.bias_o
        return self.output

    def loss(self, X, y):
        return np.mean((self.forward(X) - y) ** 2)

    def backward(self, X, y):
        m = X.shape[0]
        err_o = 2 * (self.forward(X) - y) / m
        grad_ho = self.hidden.T @ err_o
        grad_bo = err_o.sum(axis=0, keepdims=True)
        err_h = (err_o @ self.weights_ho.T) * (1 - self.hidden ** 2)
        grad_ih = X.T @ err_h
        grad_bh = err_h.sum(axis=0, keepdims=True)
        return grad_ih, grad_bh, grad_ho, grad_bo
"""

SCRIPT = """import numpy as np

np.random.seed(0)
X = np.random.rand(20, 2)
y = (X[:, :1] + X[:, 1:] > 1).astype(float)
weights_ih = np.random.randn(2, 5) * 0.5
bias_h = np.zeros((1, 5))
weights_ho = np.random.randn(5, 1) * 0.5
bias_o = np.zeros((1, 1))
learning_rate = 0.5


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


for epoch in range(300):
    hidden = sigmoid(X @ weights_ih + bias_h)
    output = sigmoid(hidden @ weights_ho + bias_o)
    loss = np.mean((output - y) ** 2)
    err_o = 2 * (output - y) / len(X) * output * (1 - output)
    grad_ho = hidden.T @ err_o
    grad_bo = err_o.sum(axis=0, keepdims=True)
    err_h = (err_o @ weights_ho.T) * hidden * (1 - hidden)
    grad_ih = X.T @ err_h
    grad_bh = err_h.sum(axis=0, keepdims=True)
    weights_ho -= learning_rate * grad_ho
    bias_o -= learning_rate * grad_bo
    weights_ih -= learning_rate * grad_ih
    bias_h -= learning_rate * grad_bh
print("final loss", loss)
"""


def test_a_returned_tuple_named_after_the_layers_is_paired_by_place(tmp_path):
    # grad_bh / grad_bo name the biases; grad_ih / grad_ho name no weight (weights_ih is ``wih``), but sit in place
    right = "grad_bh = err_h.sum(axis=0, keepdims=True)"
    _whole_and_named(tmp_path, TUPLE_NET, LAYER_NAMES, right + " / m", right, "missing_batch_mean")


def test_a_script_pairs_each_weight_with_the_one_gradient_its_update_uses(tmp_path):
    # weights_ho -= learning_rate * grad_ho: grad_ho is weights_ho's gradient, though no name rule pairs them
    _whole_and_named(
        tmp_path, SCRIPT, LAYER_NAMES, "* hidden\n", "* hidden * (1 - hidden)\n", "wrong_activation_derivative"
    )


ONE_STEP = """import numpy as np

x = np.array([[0.05, 0.10]])
t = np.array([[0.01, 0.99]])
w1 = np.array([[0.15, 0.25], [0.20, 0.30]])
b1 = np.array([[0.35, 0.35]])
w2 = np.array([[0.40, 0.50], [0.45, 0.55]])
b2 = np.array([[0.60, 0.60]])
eta = 0.5

h = 1 / (1 + np.exp(-(x @ w1 + b1)))
o = 1 / (1 + np.exp(-(h @ w2 + b2)))
E = 0.5 * np.sum((t - o) ** 2)
print("error before", E)

d2 = (o - t) * o * (1 - o)
g_w2 = h.T @ d2
g_b2 = d2
d1 = (d2 @ w2.T) * h * (1 - h)
g_w1 = x.T @ d1
g_b1 = d1
w2 = w2 - eta * g_w2
b2 = b2 - eta * g_b2
w1 = w1 - eta * g_w1
b1 = b1 - eta * g_b1
"""


def test_a_straight_line_script_with_the_textbooks_e_is_judged_against_its_own_loss(tmp_path):
    # one forward, one backward, one update, no function and no loop; the loss named E as the textbook names it
    # (a sigmoid output: without E read, the loss could be MSE or BCE and the verdict was inconclusive)
    right = "d1 = (d2 @ w2.T) * h * (1 - h)"
    _whole_and_named(
        tmp_path,
        ONE_STEP,
        {"w1", "b1", "w2", "b2"},
        right.replace(" * (1 - h)", ""),
        right,
        "wrong_activation_derivative",
    )


V_W_SCRIPT = """import numpy as np

x = np.array([[1.0, 0.5]])
t = np.array([[0.2, 0.8]])
V = np.array([[0.1, 0.3], [0.2, 0.4]])
W = np.array([[0.5, 0.6], [0.7, 0.8]])
eta = 0.1

for i in range(20):
    y = np.tanh(x.dot(V))
    z = y.dot(W)
    delta2 = z - t
    grad_W = y.T.dot(delta2)
    delta1 = delta2.dot(W.T) * (1 - y ** 2)
    grad_V = x.T.dot(delta1)
    W = W - eta * grad_W
    V = V - eta * grad_V
    print(i, 0.5 * np.sum((z - t) ** 2))
"""


def test_a_script_hidden_layer_named_y_is_no_target_and_its_weights_go_in_the_forwards_order(tmp_path):
    # y = tanh(x.dot(V)) is computed from the weights: the targets are t (y was taken for them: a false fail);
    # W is updated first, but the forward reads V first (V was taken for the first layer: no network matched)
    right = "delta1 = delta2.dot(W.T) * (1 - y ** 2)"
    _whole_and_named(
        tmp_path, V_W_SCRIPT, {"V", "W"}, "delta1 = delta2.dot(W.T)", right, "missing_activation_derivative"
    )
    s = audit_source(tmp_path, "again.py", V_W_SCRIPT)
    assert "data guessed: X = x, Y = t (set [entry] data_x and [entry] data_y to name them)" in s["notes"]


def test_a_bias_the_forward_adds_and_the_script_never_trains_is_named(tmp_path):
    # the forward adds bh and bout, the loop updates wh and wout only: no reference network holds an untrained bias,
    # and the error says why the forward matches none
    source = V_W_SCRIPT.replace("y = np.tanh(x.dot(V))", "y = np.tanh(x.dot(V) + bh)").replace(
        "eta = 0.1", "eta = 0.1\nbh = np.array([[0.05, -0.02]])"
    )
    s = audit_source(tmp_path, "untrained.py", source)
    said = [n for n in s["notes"] if n.startswith("bh: read beside the weights by the forward, never updated")]
    assert len(said) == 1, s["notes"]


def test_a_weight_updated_with_a_decay_term_is_never_said_to_be_untrained(tmp_path):
    # V = V - eta * grad_V - lam * eta * V: trained, though the script reader does not take the update apart (a
    # public script's weights were called "never updated: the script never trains them")
    source = (
        V_W_SCRIPT.replace("y = np.tanh(x.dot(V))", "y = np.tanh(x.dot(V) + bh)")
        .replace("eta = 0.1", "eta = 0.1\nbh = np.array([[0.05, -0.02]])")
        .replace("V = V - eta * grad_V", "V = V - eta * grad_V - 0.01 * eta * V\n    bh = bh - eta * delta1")
    )
    s = audit_source(tmp_path, "decayed.py", source)
    assert not [n for n in s["notes"] if "never updated" in n], s["notes"]


def test_a_leaky_relu_fitted_to_slope_one_is_said_to_be_no_activation():
    # a script whose forward skips its ReLU (y = h.dot(w2), h_relu unused) matches a leaky ReLU of slope 1
    from gradcheck.audit.network import label
    from reference_nets.config import MLPConfig

    one = MLPConfig(sizes=(3, 4, 2), hidden=("leaky_relu",), output="identity", loss="mse", leaky_slope=1.0 - 1e-9)
    assert label(one).endswith("slope=1 (a leaky ReLU of slope 1: no activation at all)")
    leaky = MLPConfig(sizes=(3, 4, 2), hidden=("leaky_relu",), output="identity", loss="mse", leaky_slope=0.999)
    assert label(leaky) == "3-4-2 leaky_relu|identity slope=0.999"
