"""A gradient of *another* loss is a bug whatever form the student's own loss takes.

BCE's shortcut ``yhat - y`` multiplied by sigmoid' again is exactly the gradient of
1/2 MSE, and without the 1/N it is that of 1/2 * sum MSE: a grader that fits a loss
to the gradient passes it. Each file below computes its loss in one of the forms
students write (parameters first or last, ``(y, yhat)`` in either order, a method
running the forward, a loss object the model holds, an expression in the training
loop, a softmax cross-entropy over integer labels, an MSE) and has one of those
"other loss" bugs planted; the audit must find the loss in the code and FAIL it,
and pass the correct twin. One sandboxed batch audits them all.
"""

from __future__ import annotations

import textwrap

import pytest

SIGMOID = textwrap.dedent(
    """
    import numpy as np


    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))
    """
)

#: Each shape: its source, with DELTA where the output delta dL/dZ2 is formed from A2, Y and N.
SHAPES = {
    "params_first": SIGMOID
    + textwrap.dedent(
        """
        def init_params(n_x, n_h, n_y):
            rng = np.random.default_rng(3)
            return {"W1": rng.normal(0, 0.5, (n_x, n_h)), "b1": np.zeros(n_h),
                    "W2": rng.normal(0, 0.5, (n_h, n_y)), "b2": np.zeros(n_y)}


        def forward(params, X):
            A1 = np.tanh(X @ params["W1"] + params["b1"])
            return sigmoid(A1 @ params["W2"] + params["b2"]), A1


        def loss(params, X, Y):
            A2, _ = forward(params, X)
            return -np.mean(Y * np.log(A2 + 1e-8) + (1 - Y) * np.log(1 - A2 + 1e-8))


        def backward(params, X, Y):
            A2, A1 = forward(params, X)
            N = X.shape[0]
            dZ2 = DELTA
            dZ1 = (dZ2 @ params["W2"].T) * (1 - A1 ** 2)
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}
        """
    ),
    "params_last_clip_float": SIGMOID
    + textwrap.dedent(
        """
        def initialize_parameters(n_in, n_hidden, n_out):
            np.random.seed(1)
            return {"W1": np.random.randn(n_in, n_hidden) * 0.5, "b1": np.zeros((1, n_hidden)),
                    "W2": np.random.randn(n_hidden, n_out) * 0.5, "b2": np.zeros((1, n_out))}


        def forward_propagation(X, parameters):
            A1 = np.tanh(X @ parameters["W1"] + parameters["b1"])
            A2 = sigmoid(A1 @ parameters["W2"] + parameters["b2"])
            return A2, {"A1": A1, "A2": A2}


        def compute_cost(X, Y, parameters):
            A2, _ = forward_propagation(X, parameters)
            A2 = np.clip(A2, 1e-7, 1 - 1e-7)
            return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / Y.shape[0])


        def backward_propagation(X, Y, parameters, cache):
            A1, A2 = cache["A1"], cache["A2"]
            N = X.shape[0]
            dZ2 = DELTA
            dZ1 = (dZ2 @ parameters["W2"].T) * (1 - A1 ** 2)
            return {"dW1": X.T @ dZ1, "db1": dZ1.sum(0, keepdims=True),
                    "dW2": A1.T @ dZ2, "db2": dZ2.sum(0, keepdims=True)}
        """
    ),
    "method_loss_runs_forward": SIGMOID
    + textwrap.dedent(
        """
        class Classifier:
            def __init__(self, n_features, n_hidden):
                rng = np.random.RandomState(0)
                self.W1 = rng.randn(n_features, n_hidden) * 0.5
                self.b1 = np.zeros(n_hidden)
                self.W2 = rng.randn(n_hidden, 1) * 0.5
                self.b2 = np.zeros(1)

            def forward(self, X):
                self.A1 = np.tanh(X @ self.W1 + self.b1)
                return sigmoid(self.A1 @ self.W2 + self.b2)

            def loss(self, X, y):
                p = self.forward(X)
                return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

            def backward(self, X, Y):
                A2 = self.forward(X)
                A1, N = self.A1, X.shape[0]
                dZ2 = DELTA
                dZ1 = (dZ2 @ self.W2.T) * (1 - A1 ** 2)
                self.dW2, self.db2 = A1.T @ dZ2, dZ2.sum(0)
                self.dW1, self.db1 = X.T @ dZ1, dZ1.sum(0)
        """
    ),
    "method_y_true_first_0d": SIGMOID
    + textwrap.dedent(
        """
        class NeuralNet:
            def __init__(self, input_size, hidden_size, output_size):
                self.weights1 = np.random.randn(input_size, hidden_size) * 0.5
                self.bias1 = np.zeros((1, hidden_size))
                self.weights2 = np.random.randn(hidden_size, output_size) * 0.5
                self.bias2 = np.zeros((1, output_size))

            def feedforward(self, X):
                self.a1 = np.tanh(X.dot(self.weights1) + self.bias1)
                self.a2 = sigmoid(self.a1.dot(self.weights2) + self.bias2)
                return self.a2

            def compute_loss(self, y_true, y_pred):
                y_pred = np.clip(y_pred, 1e-12, 1 - 1e-12)
                return np.mean(-(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)))

            def backprop(self, X, Y):
                A2, A1, N = self.feedforward(X), self.a1, len(X)
                dZ2 = DELTA
                dZ1 = dZ2.dot(self.weights2.T) * (1 - A1 ** 2)
                return X.T.dot(dZ1), dZ1.sum(0, keepdims=True), A1.T.dot(dZ2), dZ2.sum(0, keepdims=True)
        """
    ),
    "loss_object_held": SIGMOID
    + textwrap.dedent(
        """
        class BinaryCrossEntropy:
            def forward(self, y_pred, y_true):
                return -np.mean(y_true * np.log(y_pred + 1e-9) + (1 - y_true) * np.log(1 - y_pred + 1e-9))


        class Model:
            def __init__(self, n_in, n_hidden, n_out=1):
                rng = np.random.default_rng(7)
                self.W1 = rng.standard_normal((n_in, n_hidden)) * 0.5
                self.b1 = np.zeros(n_hidden)
                self.W2 = rng.standard_normal((n_hidden, n_out)) * 0.5
                self.b2 = np.zeros(n_out)
                self.criterion = BinaryCrossEntropy()

            def forward(self, X):
                self.X = X
                self.A1 = np.tanh(X @ self.W1 + self.b1)
                self.out = sigmoid(self.A1 @ self.W2 + self.b2)
                return self.out

            def backward(self, Y):
                A2, A1, N = self.out, self.A1, len(Y)
                dZ2 = DELTA
                dZ1 = dZ2 @ self.W2.T * (1 - A1 ** 2)
                return {"W1": self.X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}
        """
    ),
    "inline_cost_positional": SIGMOID
    + textwrap.dedent(
        """
        def forward(X, W1, b1, W2, b2):
            a1 = np.tanh(X @ W1 + b1)
            return a1, sigmoid(a1 @ W2 + b2)


        def backward(X, Y, W1, b1, W2, b2):
            A1, A2 = forward(X, W1, b1, W2, b2)
            N = len(X)
            dZ2 = DELTA
            dZ1 = dZ2 @ W2.T * (1 - A1 ** 2)
            return X.T @ dZ1, dZ1.sum(0), A1.T @ dZ2, dZ2.sum(0)


        def train(X, Y, hidden=5, lr=1.0, epochs=300):
            W1, b1 = np.random.randn(X.shape[1], hidden), np.zeros(hidden)
            W2, b2 = np.random.randn(hidden, Y.shape[1]), np.zeros(Y.shape[1])
            for epoch in range(epochs):
                a1, a2 = forward(X, W1, b1, W2, b2)
                cost = -np.mean(Y * np.log(a2) + (1 - Y) * np.log(1 - a2))
                dW1, db1, dW2, db2 = backward(X, Y, W1, b1, W2, b2)
                W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
            return W1, b1, W2, b2
        """
    ),
    "generic_loss_fn_args": SIGMOID
    + textwrap.dedent(
        """
        def loss_fn(a, b):
            return np.sum(-(b * np.log(a) + (1 - b) * np.log(1 - a))) / len(a)


        class Net:
            def __init__(self, sizes=(4, 6, 1)):
                rs = np.random.RandomState(5)
                self.Ws = [rs.randn(m, n) * 0.5 for m, n in zip(sizes[:-1], sizes[1:])]
                self.bs = [np.zeros(n) for n in sizes[1:]]

            def forward(self, X):
                self.acts = [X]
                for W, b in zip(self.Ws, self.bs):
                    X = sigmoid(X @ W + b)
                    self.acts.append(X)
                return X

            def backward(self, Y):
                A2, N = self.acts[-1], len(Y)
                delta = DELTA
                dWs, dbs = [], []
                for i in reversed(range(len(self.Ws))):
                    dWs.insert(0, self.acts[i].T @ delta)
                    dbs.insert(0, delta.sum(0))
                    if i:
                        h = self.acts[i]
                        delta = delta @ self.Ws[i].T * h * (1 - h)
                return dWs, dbs
        """
    ),
    "J_per_sample_float": SIGMOID
    + textwrap.dedent(
        """
        def init(n_x, n_h, n_y):
            rng = np.random.default_rng(7)
            return {"W1": rng.normal(0, 0.5, (n_x, n_h)), "b1": np.zeros((1, n_h)),
                    "W2": rng.normal(0, 0.5, (n_h, n_y)), "b2": np.zeros((1, n_y))}


        def forward(theta, X):
            A1 = np.tanh(X @ theta["W1"] + theta["b1"])
            return sigmoid(A1 @ theta["W2"] + theta["b2"]), A1


        def J(theta, X, Y):
            A2, _ = forward(theta, X)
            total = 0.0
            for a, y in zip(A2.ravel(), Y.ravel()):
                total += -(y * np.log(a) + (1 - y) * np.log(1 - a))
            return float(total / len(Y))


        def backward(theta, X, Y):
            A2, A1 = forward(theta, X)
            N = len(X)
            dZ2 = DELTA
            dZ1 = (dZ2 @ theta["W2"].T) * (1 - A1 ** 2)
            db1, db2 = dZ1.sum(axis=0, keepdims=True), dZ2.sum(axis=0, keepdims=True)
            return {"W1": X.T @ dZ1, "b1": db1, "W2": A1.T @ dZ2, "b2": db2}
        """
    ),
    "log_loss_named": SIGMOID
    + textwrap.dedent(
        """
        def log_loss(y_true, y_prob):
            return -np.mean(y_true * np.log(y_prob) + (1 - y_true) * np.log(1 - y_prob))


        class Classifier:
            def __init__(self, n_in=3, n_hidden=5):
                rs = np.random.RandomState(2)
                self.W1, self.b1 = rs.randn(n_in, n_hidden) * 0.5, np.zeros(n_hidden)
                self.W2, self.b2 = rs.randn(n_hidden, 1) * 0.5, np.zeros(1)

            def forward(self, X):
                self.X, self.A1 = X, np.tanh(X @ self.W1 + self.b1)
                self.A2 = sigmoid(self.A1 @ self.W2 + self.b2)
                return self.A2

            def backward(self, Y):
                A2, N = self.A2, len(Y)
                dZ2 = DELTA
                dZ1 = dZ2 @ self.W2.T * (1 - self.A1 ** 2)
                return {"W1": self.X.T @ dZ1, "b1": dZ1.sum(0), "W2": self.A1.T @ dZ2, "b2": dZ2.sum(0)}
        """
    ),
}

#: Output deltas: the right one, and gradients of another loss (the top diagnosis expected).
DELTAS = {
    "correct": ("(A2 - Y) / N", "pass", None),
    "times_sigma": ("(A2 - Y) * A2 * (1 - A2) / N", "fail", "extra_activation_derivative"),
    "times_sigma_summed": ("(A2 - Y) * A2 * (1 - A2)", "fail", "extra_activation_derivative"),
    "summed": ("(A2 - Y)", "fail", "missing_batch_mean"),
}

SOFTMAX = textwrap.dedent(
    """
    import numpy as np


    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


    def init_model(d, h, k, seed=0):
        r = np.random.RandomState(seed)
        return {"W1": 0.5 * r.randn(d, h), "b1": np.zeros(h), "W2": 0.5 * r.randn(h, k), "b2": np.zeros(k)}


    def forward(model, X):
        a1 = np.tanh(X @ model["W1"] + model["b1"])
        return softmax(a1 @ model["W2"] + model["b2"]), a1


    def cross_entropy(probs, labels):
        return -np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean()


    def backward(model, X, labels):
        probs, a1 = forward(model, X)
        n = X.shape[0]
        d = probs.copy()
        d[np.arange(n), labels] -= 1
        d = DELTA
        da1 = d @ model["W2"].T * (1 - a1 ** 2)
        return {"W1": X.T @ da1, "b1": da1.sum(0), "W2": a1.T @ d, "b2": d.sum(0)}
    """
)
MSE = textwrap.dedent(
    """
    import numpy as np


    def init(n_in, n_hidden, n_out):
        rng = np.random.default_rng(11)
        return [rng.normal(size=(n_in, n_hidden)) * 0.5, np.zeros(n_hidden),
                rng.normal(size=(n_hidden, n_out)) * 0.5, np.zeros(n_out)]


    def predict(X, theta):
        W1, b1, W2, b2 = theta
        return np.tanh(X @ W1 + b1) @ W2 + b2


    def mse(X, Y, theta):
        return np.mean((predict(X, theta) - Y) ** 2)


    def gradients(X, Y, theta):
        W1, b1, W2, b2 = theta
        H = np.tanh(X @ W1 + b1)
        E = DELTA
        dH = (E @ W2.T) * (1 - H * H)
        return [X.T @ dH, dH.sum(axis=0), H.T @ E, E.sum(axis=0)]
    """
)
OTHER = {
    "softmax_int_labels_correct": (SOFTMAX, "d / n", "pass", None),
    "softmax_int_labels_summed": (SOFTMAX, "d", "fail", "missing_batch_mean"),
    "softmax_int_labels_times_diagonal": (
        SOFTMAX,
        "d * probs * (1 - probs) / n",
        "fail",
        "extra_activation_derivative",
    ),
    "mse_params_last_correct": (MSE, "2 * (H @ W2 + b2 - Y) / Y.size", "pass", None),
    "mse_params_last_summed": (MSE, "2 * (H @ W2 + b2 - Y) / Y.shape[1]", "fail", "missing_batch_mean"),
}


def _files() -> dict[str, tuple[str, str, str | None]]:
    files = {
        f"{shape}_{kind}.py": (src.replace("DELTA", d), v, c)
        for shape, src in SHAPES.items()
        for kind, (d, v, c) in DELTAS.items()
    }
    files.update({f"{name}.py": (src.replace("DELTA", d), v, c) for name, (src, d, v, c) in OTHER.items()})
    return files


FILES = _files()


@pytest.fixture(scope="module")
def audited(tmp_path_factory, audit_json):
    folder = tmp_path_factory.mktemp("loss-forms")
    for name, (src, _, _) in FILES.items():
        (folder / name).write_text(src)
    return audit_json([folder], tmp_path_factory.mktemp("r"))


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_loss_in_the_code_decides(audited, name):
    _, verdict, code = FILES[name]
    s = audited[name]
    codes = [d["code"] for d in s["diagnoses"]]
    assert s["status"] == verdict, (s["status"], s["error"], codes, s["loss"])
    if code is not None:
        assert codes[0] == code, codes
    assert any("loss read off" in n for n in s["notes"]), s["notes"]
    assert "loss_assumed" not in codes and "loss_undetermined" not in codes


def test_the_held_out_two_bugs_are_both_named(audited):
    """The shape that was once passed as 0.5 * sum MSE: both bugs of the BCE gradient."""
    codes = [d["code"] for d in audited["params_first_times_sigma_summed.py"]["diagnoses"]]
    assert codes[:2] == ["extra_activation_derivative", "missing_batch_mean"], codes
