"""Networks a script assembles at run time from layer objects (gradcheck.audit.adapters.shapes.assembled).

The reading of a script (its set-up, its holder, its recorded calls) is tested on parsed source here; whole
audits of the shapes the examples do not cover run in the sandbox through the CLI.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import textwrap

import numpy as np
import pytest

from gradcheck.audit.adapters import assembly
from gradcheck.cli import main

LAYERS = """
import numpy as np

class Dense:
    def __init__(self, n_in, n_out, l2=0.0):
        self.weights = 0.5 * np.random.randn(n_in, n_out)
        self.biases = np.zeros((1, n_out))
        self.weight_l2 = l2
    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs @ self.weights + self.biases
    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues + 2 * self.weight_l2 * self.weights
        self.dbiases = dvalues.sum(axis=0, keepdims=True)
        self.dinputs = dvalues @ self.weights.T

class Tanh:
    def forward(self, inputs):
        self.output = np.tanh(inputs)
    def backward(self, dvalues):
        self.dinputs = dvalues * (1 - self.output ** 2)

class MSE:
    def forward(self, pred, y):
        self.pred, self.y = pred, y
        return np.mean((pred - y) ** 2)
    def backward(self, pred, y):
        self.dinputs = 2 * (pred - y) / pred.size
"""

SCRIPT = """
X = np.random.randn(12, 3)
targets = np.random.randn(12, 2)
d1, a1, d2 = Dense(3, 4{l2}), Tanh(), Dense(4, 2)
crit = MSE()
for epoch in range(500):
    d1.forward({first})
    a1.forward(d1.output)
    d2.forward(a1.output)
    loss = crit.forward(d2.output, targets)
    crit.backward(d2.output, targets)
    d2.backward(crit.dinputs)
    a1.backward(d2.dinputs)
    d1.backward(a1.dinputs)
    d1.weights -= 0.1 * d1.dweights
"""


def _audit(tmp_path, source: str, name: str = "sub.py") -> dict:
    sub = tmp_path / name
    sub.write_text(textwrap.dedent(source))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["audit", str(sub), "--format", "json", "--output", str(tmp_path / "out")])
    return json.loads(out.getvalue())["submissions"][0]


def _setup(source: str) -> assembly.SetUp:
    ns: dict = {"__name__": "student"}
    tree = ast.parse(textwrap.dedent(source))
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ClassDef, ast.FunctionDef)):
            exec(compile(ast.Module([stmt], []), "<t>", "exec"), ns)
    own = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    return assembly.run_setup(tree.body, ns, own, lambda n: f"line {n}")


def test_recorded_calls_in_order_first_pass_only():
    setup = _setup(LAYERS + SCRIPT.format(l2="", first="X"))
    rec = assembly.record_calls(setup)
    assert rec.order == ["d1", "a1", "d2", "crit"]  # a loss object called forward ends the chain
    assert rec.others == []
    assert [ast.unparse(s).split("(")[0] for s in rec.backward] == [
        "crit.backward",
        "d2.backward",
        "a1.backward",
        "d1.backward",
    ]
    assert rec.loss_var == "loss" and ast.unparse(rec.first_arg) == "X"
    assert isinstance(setup.stop, ast.For)  # the epoch loop ends the set-up, it is not run


def test_setup_skips_what_fails_and_keeps_going():
    setup = _setup(LAYERS + "X = load_data('train.csv')\nd1 = Dense(3, 4)\nnet_out = d1.forward(np.ones((2, 3)))\n")
    assert len(setup.skipped) == 1 and setup.skipped[0].endswith("(NameError)")
    assert isinstance(setup.scratch["d1"].weights, np.ndarray)
    assert "net_out" not in setup.scratch  # the first forward ends the set-up


def test_penalties_are_named_only_when_set():
    setup = _setup(LAYERS + "d1 = Dense(3, 4, l2=5e-4)\nd2 = Dense(4, 2)\n")
    layers = {"d1": setup.scratch["d1"], "d2": setup.scratch["d2"]}
    assert assembly.penalties(layers) == ["d1.weight_l2 = 0.0005"]


def test_holder_found_only_when_the_script_gives_it_layers():
    source = LAYERS + textwrap.dedent(
        """
        class Net:
            def __init__(self):
                self.layers = []
            def add(self, layer):
                self.layers.append(layer)

        class Own:
            def __init__(self):
                self.layers = [Dense(2, 2), Tanh()]

        net = Net()
        net.add(Dense(3, 4))
        net.add(Tanh())
        own = Own()
        """
    )
    setup = _setup(source)
    own = {"Dense", "Tanh", "MSE", "Net", "Own"}
    holder = assembly.find_holder(setup, own)
    assert (holder.name, holder.attr) == ("net", "layers")


def test_replayed_script_with_a_separate_loss_object_passes(tmp_path):
    s = _audit(tmp_path, LAYERS + SCRIPT.format(l2="", first="X"))
    assert s["status"] == "pass", s.get("error")
    assert [t["name"] for t in s["tensors"]] == ["d1.weights", "d1.biases", "d2.weights", "d2.biases"]
    assert any("d1 -> a1 -> d2" in n and "targets its targets" in n for n in s["notes"]), s["notes"]


def test_a_penalty_in_the_layers_is_turned_off_with_a_note(tmp_path):
    s = _audit(tmp_path, LAYERS + SCRIPT.format(l2=", l2=1e-3", first="X"))
    assert s["status"] == "pass", s.get("error")
    assert any("d1.weight_l2 = 0.001" in n and "set to 0" in n for n in s["notes"]), s["notes"]


def test_a_penalty_turned_off_does_not_hide_a_wrong_data_gradient(tmp_path):
    wrong = LAYERS.replace("self.dweights = self.inputs.T @ dvalues", "self.dweights = 2 * self.inputs.T @ dvalues")
    s = _audit(tmp_path, wrong + SCRIPT.format(l2=", l2=1e-3", first="X"))
    assert s["status"] == "fail"
    assert [t["name"] for t in s["tensors"] if t["status"] == "fail"] == ["d1.weights", "d2.weights"]


def test_a_first_layer_fed_a_slice_is_an_honest_error(tmp_path):
    s = _audit(tmp_path, LAYERS + SCRIPT.format(l2="", first="X[:8]"))
    assert s["status"] == "error"
    assert "first layer is given `X[:8]`" in s["error"]


BUILDER = """
import numpy as np

class Linear:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * 0.5
        self.b = np.zeros((1, n_out))
    def forward_pass(self, x):
        self.x = x
        return x @ self.W + self.b
    def backward_pass(self, grad, lr):
        g = grad @ self.W.T
        self.W -= lr * self.x.T @ grad
        self.b -= lr * grad.sum(axis=0, keepdims=True)
        return g

class Sigmoid:
    def forward_pass(self, x):
        self.s = 1 / (1 + np.exp(-x))
        return self.s
    def backward_pass(self, grad, lr):
        return grad * self.s * (1 - self.s)

def sq_loss(a, b):
    return 0.5 * np.sum((a - b) ** 2)

def sq_loss_prime(a, b):
    return {deriv}

class Network:
    def __init__(self, loss, loss_prime):
        self.layers = []
        self.loss, self.loss_prime = loss, loss_prime
    def add_layer(self, layer):
        self.layers.append(layer)
    def fit(self, xs, ys, epochs, lr):
        for _ in range(epochs):
            out = xs
            for layer in self.layers:
                out = layer.forward_pass(out)
            err = self.loss_prime({call})
            for layer in reversed(self.layers):
                err = layer.backward_pass(err, lr)

def build(hidden=5):
    net = Network(sq_loss, sq_loss_prime)
    net.add_layer(Linear(2, hidden))
    net.add_layer(Sigmoid())
    net.add_layer(Linear(hidden, 1))
    net.fit(np.random.randn(8, 2), np.random.randn(8, 1), 100, 0.1)
    return net
"""


def test_builder_function_with_default_sizes_passes(tmp_path):
    s = _audit(tmp_path, BUILDER.format(deriv="a - b", call="out, ys"))
    assert s["status"] == "pass", s.get("error")
    assert any("net.layers" in n and "net.loss_prime" in n for n in s["notes"]), s["notes"]


def test_builder_loss_derivative_with_its_sign_flipped_fails(tmp_path):
    s = _audit(tmp_path, BUILDER.format(deriv="b - a", call="out, ys"))
    assert s["status"] == "fail"


def test_loss_derivative_of_unknown_argument_order_is_an_honest_error(tmp_path):
    s = _audit(tmp_path, BUILDER.format(deriv="a - b", call="self.layers[-1].s, ys"))
    assert s["status"] == "error"
    assert "net.loss_prime" in s["error"] and "which is the prediction" in s["error"]


@pytest.mark.parametrize("text", ["X", "batch"])
def test_script_body_enters_the_main_guard(text):
    tree = ast.parse(f"import numpy\nif __name__ == '__main__':\n    {text} = 1\n    print({text})\n")
    body = assembly.script_body(tree.body)
    assert [type(s).__name__ for s in body] == ["Import", "Assign", "Expr"]


def test_penalty_settings_named_without_separators_are_penalties():
    class Dense:
        def __init__(self):
            self.weightregl2, self.biasregl1, self.regl1, self.hidden = 5e-4, 0.0, 1e-3, 7

    assert assembly.penalty_attrs(Dense()) == ["weightregl2", "regl1"]
