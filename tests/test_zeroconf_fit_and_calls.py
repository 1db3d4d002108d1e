"""Shapes met in public student code (round 31), written here as look-alikes, audited with no spec.

* a class whose only training method is ``fit(X, y, epochs, lr)`` updating its own weights in place, its forward
  ``predict`` (before: ``EntryNotFound``, no class with forward/backward methods), with held-out data arguments
  (``fit(X, y, X_val, y_val, ...)``: before, a ``BindingError`` for ``X_val``);
* functions whose backward takes the forward's probabilities under the name ``P`` and whose forward is named like no
  forward, ``EvaluateClassifier``: the code's own call ``P = EvaluateClassifier(...)`` then
  ``ComputeGradients(X, Y, P, W, lam)`` says which it is (before: ``BindingError`` for ``P``), its initializer
  ``init(d, K=10)`` keeping its own number of classes (before: ``NeedsSizes``, 10 inputs read off W of shape (10, d)).
"""

from __future__ import annotations

import pytest

FIT_ONLY = """
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class MLP:
    def __init__(self, n_input, n_hidden, n_output, seed=1):
        rng = np.random.default_rng(seed)
        self.w1 = rng.normal(0, 1, (n_input, n_hidden))
        self.b1 = np.zeros((1, n_hidden))
        self.w2 = rng.normal(0, 1, (n_hidden, n_output))
        self.b2 = np.zeros((1, n_output))

    def fit(self, X, y, X_val, y_val, epochs=500, learning_rate=0.1):
        n = X.shape[0]
        for epoch in range(epochs):
            h = sigmoid(X @ self.w1 + self.b1)
            out = h @ self.w2 + self.b2
            d_out = 2 * (out - y) / n
            d_w2 = h.T @ d_out
            d_b2 = np.sum(d_out, axis=0, keepdims=True)
            d_h = d_out @ self.w2.T * DERIV
            d_w1 = X.T @ d_h
            d_b1 = np.sum(d_h, axis=0, keepdims=True)
            self.w2 -= learning_rate * d_w2
            self.b2 -= learning_rate * d_b2
            self.w1 = self.w1 - learning_rate * d_w1
            self.b1 = self.b1 - learning_rate * d_b1
            if epoch % 100 == 0:
                print(epoch, np.mean((out - y) ** 2), np.mean((self.predict(X_val) - y_val) ** 2))

    def predict(self, X):
        h = sigmoid(X @ self.w1 + self.b1)
        return h @ self.w2 + self.b2
"""

EVALUATE = """
import numpy as np


def init_params(d, K=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 0.01, (K, d)), np.zeros((K, 1))


def EvaluateClassifier(X, W, b):
    s = W @ X + b
    e = np.exp(s - np.max(s, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def ComputeCost(X, Y, W, b, lam):
    P = EvaluateClassifier(X, W, b)
    return -np.sum(Y * np.log(P)) / X.shape[1] + lam * np.sum(W * W)


def ComputeGradients(X, Y, P, W, lam):
    n = X.shape[1]
    G = P - Y
    grad_W = G @ X.T / n + PENALTY * lam * W
    grad_b = np.sum(G, axis=1, keepdims=True) / n
    return grad_W, grad_b


def MiniBatchGD(X, Y, W, b, lam, eta=0.01, n_batch=100, epochs=20):
    for epoch in range(epochs):
        for j in range(X.shape[1] // n_batch):
            Xb, Yb = X[:, j * n_batch:(j + 1) * n_batch], Y[:, j * n_batch:(j + 1) * n_batch]
            P = EvaluateClassifier(Xb, W, b)
            grad_W, grad_b = ComputeGradients(Xb, Yb, P, W, lam)
            W = W - eta * grad_W
            b = b - eta * grad_b
    return W, b
"""


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, audit_json):
    tmp = tmp_path_factory.mktemp("zeroconf_fit")
    files = {
        "fit_only_right.py": FIT_ONLY.replace("DERIV", "h * (1 - h)"),
        "fit_only_deriv_bug.py": FIT_ONLY.replace("DERIV", "1.0"),
        "evaluate_p_right.py": EVALUATE.replace("PENALTY", "2"),
        "evaluate_p_penalty_bug.py": EVALUATE.replace("PENALTY", "1"),
    }
    for name, src in files.items():
        (tmp / name).write_text(src)
    return audit_json([tmp / n for n in files], tmp / "out")


def test_a_class_training_only_in_fit_is_audited_through_fit(verdicts):
    right, bug = verdicts["fit_only_right.py"], verdicts["fit_only_deriv_bug.py"]
    assert right["status"] == "pass", (right.get("error"), [d["message"] for d in right["diagnoses"]])
    assert right["entry"].endswith("fit")
    assert bug["status"] == "fail"
    assert bug["diagnoses"][0]["code"] == "missing_activation_derivative"
    assert {t["name"] for t in bug["tensors"] if t["status"] == "fail"} == {"w1", "b1"}


def test_a_backward_given_what_the_codes_own_call_passes_it(verdicts):
    right, bug = verdicts["evaluate_p_right.py"], verdicts["evaluate_p_penalty_bug.py"]
    assert right["status"] == "pass", (right.get("error"), [d["message"] for d in right["diagnoses"]])
    assert bug["status"] == "fail", bug.get("error")
    assert bug["diagnoses"][0]["code"] == "regularization_mismatch"
    assert [t["name"] for t in bug["tensors"] if t["status"] == "fail"] == ["W"]


def test_held_out_data_arguments_are_named_apart_from_the_training_ones():
    from gradcheck.audit.adapters.pairarg import held_out_data

    def fit(self, X, y, X_val, y_val, x_test, test_labels, val_x, epochs=3, X_valid=None):
        return None

    assert held_out_data(fit) == {"X_val": "X", "y_val": "Y", "x_test": "X", "test_labels": "Y", "val_x": "X"}


def test_the_forward_is_what_the_calls_of_the_backward_pass_it():
    import ast

    from gradcheck.audit.adapters.feeds import output_from_call

    def evaluate(X, W):
        return X

    def other(X, W):
        return X

    def grads(X, Y, P, W):
        return P

    two = "P = evaluate(X, W)\ngrads(X, Y, P, W)\nQ = other(X, W)\ngrads(X, Y, P=Q, W=W)\n"
    funcs = {"evaluate": evaluate, "other": other, "grads": grads}
    assert output_from_call(funcs, "grads", [ast.parse("P = evaluate(X, W)\ngrads(X, Y, P, W)\n")]) == "evaluate"
    assert output_from_call(funcs, "grads", [ast.parse(two)]) is None  # the calls disagree: no guess


ENUM_LAYERS = """
import enum

import numpy as np


class Linear:
    def __init__(self, n_in, n_out):
        self.W = np.random.randn(n_in, n_out) * 0.5
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad):
        return SIGN grad * (1 - self.y ** 2)


class Identity:
    def forward(self, x):
        return x

    def backward(self, grad):
        return grad


class LayerType(enum.Enum):
    TANH = Tanh
    IDENTITY = Identity


class CosineAnnealingScheduler:
    def __init__(self, lr_max=0.1, lr_min=0.001, period=100):
        self.lr_max, self.lr_min, self.period = lr_max, lr_min, period

    def step(self, t):
        return self.lr_min + 0.5 * (self.lr_max - self.lr_min) * (1 + np.cos(np.pi * t / self.period))


class MLP:
    def __init__(self, input_dim, output_dim, hidden_layers, activation=LayerType.TANH,
                 output_activation=LayerType.IDENTITY):
        sizes = [input_dim] + hidden_layers
        self.layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            self.layers += [Linear(a, b), activation.value()]
        self.layers += [Linear(sizes[-1], output_dim), output_activation.value()]

    def forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, y_pred, y_true):
        grad = 2 * (y_pred - y_true) / y_true.size
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def loss(self, y_pred, y_true):
        return np.mean((y_pred - y_true) ** 2)
"""


def test_an_enum_configured_network_beside_a_scheduler_is_audited(audit_sign_pair):
    """``MLP(input_dim, output_dim, hidden_layers, output_activation=LayerType.IDENTITY)`` beside a
    ``CosineAnnealingScheduler`` (santy-tobio's shape, round 30): the scheduler is no model, and
    ``output_activation`` is no size (before: AmbiguousEntry, then ``output_activation=1`` passed as the output
    size, ``'int' object has no attribute 'value'``)."""
    right, wrong = audit_sign_pair(ENUM_LAYERS, "enum_layers")
    assert right["status"] == "pass", (right.get("error"), [d["message"] for d in right["diagnoses"]])
    assert wrong["status"] == "fail", wrong.get("error")
    assert {t["name"] for t in wrong["tensors"] if t["status"] == "fail"} >= {"layers[0].W", "layers[0].b"}


def test_size_words_beside_what_is_no_size():
    from gradcheck.audit.adapters.names import size_role

    assert [size_role(n) for n in ("output_activation", "hidden_init", "output_dim", "n_hidden")] == [
        None,
        None,
        "n_out",
        "hidden",
    ]


STALE_CACHE = """
import numpy as np


class Net:
    def __init__(self, n_in=3, n_hidden=5, n_out=2):
        rng = np.random.default_rng(0)
        self.W1 = 0.5 * rng.standard_normal((n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = 0.5 * rng.standard_normal((n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        self.X = X
        self.h = np.tanh(X @ self.W1 + self.b1)
        return self.h @ self.W2 + self.b2

    def loss(self, X, y):
        return np.mean((self.forward(X) - y) ** 2)

    def fit(self, X, y, X_val, y_val, lr=0.1):
        out = self.forward(X)
        VALIDATION
        d = 2 * (out - y) / y.size
        dW2 = self.h.T @ d
        db2 = d.sum(axis=0)
        dh = (d @ self.W2.T) * (1 - self.h ** 2)
        dW1 = self.X.T @ dh
        db1 = dh.sum(axis=0)
        self.W2 -= lr * dW2
        self.b2 -= lr * db2
        self.W1 -= lr * dW1
        self.b1 -= lr * db1
        return val_loss
"""


def test_held_out_data_differs_from_the_batch_so_a_cache_it_overwrites_is_seen(audit_json, tmp_path):
    """Red-team round 8 (A2): ``fit(X, y, X_val, y_val)`` evaluating on the held-out data between its forward and its
    backward, overwriting the forward's cache: given the batch itself as held-out data, the stale cache held the
    same values and the bug passed. Held-out arguments get the batch's samples in another order."""
    stale, late = tmp_path / "fit_val_stale_cache_bug.py", tmp_path / "fit_val_after_step_right.py"
    stale.write_text(STALE_CACHE.replace("VALIDATION", "val_loss = np.mean((self.forward(X_val) - y_val) ** 2)"))
    late.write_text(
        STALE_CACHE.replace("VALIDATION", "val_loss = None").replace(
            "return val_loss", "return np.mean((self.forward(X_val) - y_val) ** 2)"
        )
    )
    got = audit_json([stale, late], tmp_path / "out")
    assert got[late.name]["status"] == "pass", [d["message"] for d in got[late.name]["diagnoses"]]
    assert got[stale.name]["status"] == "fail"
    assert {t["name"] for t in got[stale.name]["tensors"] if t["status"] == "fail"} >= {"W1", "W2"}


def test_the_held_out_batch_moves_every_sample():
    import numpy as np

    from gradcheck.audit.adapters.pairarg import held_out_batch

    X, Y = np.arange(12.0).reshape(4, 3), np.arange(4.0).reshape(4, 1)
    Xh, Yh = held_out_batch(X, Y, columns=False)
    assert Xh.shape == X.shape and not np.any(np.all(Xh == X, axis=1))
    assert np.array_equal(Yh[:, 0], Xh[:, 0] / 3)  # each target goes with its input
    Xc, Yc = held_out_batch(X.T, Y.T, columns=True)
    assert np.array_equal(Xc, Xh.T) and np.array_equal(Yc, Yh.T)


COURSE_SCRIPT = """
import numpy as np

np.random.seed(400)
d, K, N = 6, 3, 40
Xtr = np.random.randn(d, N)
ytr = np.random.randint(0, K, N)
Ytr = np.zeros((K, N))
Ytr[ytr, np.arange(N)] = 1


def EvaluateClassifier(X, W, b):
    s = W @ X + b
    e = np.exp(s - s.max(axis=0))
    return e / e.sum(axis=0)


def ComputeCost(X, Y, W, b, lamda):
    P = EvaluateClassifier(X, W, b)
    return -np.sum(Y * np.log(P)) / X.shape[1] + lamda * np.sum(W ** 2)


def ComputeGradients(X, Y, P, W, lamda):
    G = -(Y - P)
    grad_W = G @ X.T / X.shape[1] + FACTOR * lamda * W
    grad_b = G.sum(axis=1, keepdims=True) / X.shape[1]
    return grad_W, grad_b


def MiniBatchGD(X, Y, GDparams, W, b, lamda):
    n_batch, eta, n_epochs = GDparams
    for epoch in range(n_epochs):
        for j in range(X.shape[1] // n_batch):
            Xbatch = X[:, j * n_batch:(j + 1) * n_batch]
            Ybatch = Y[:, j * n_batch:(j + 1) * n_batch]
            P = EvaluateClassifier(Xbatch, W, b)
            grad_W, grad_b = ComputeGradients(Xbatch, Ybatch, P, W, lamda)
            W = W - eta * grad_W
            b = b - eta * grad_b
    return W, b


if __name__ == "__main__":
    W = np.random.normal(0, 0.01, (K, d))
    b = np.random.normal(0, 0.01, (K, 1))
    W, b = MiniBatchGD(Xtr, Ytr, (10, 0.01, 20), W, b, 0.1)
"""


def test_a_training_function_on_slices_falls_back_to_the_courses_functions(audit_json, tmp_path):
    """A course's functions (``ComputeGradients(X, Y, P, W, lamda)``, the penalty spelled ``lamda``) trained by a
    ``MiniBatchGD`` whose batch is slices of its arguments, the weights made under ``__main__`` (held-out set 10):
    the training function's body, run as the script, cannot name its data; the functions are audited instead
    (before: an error asking for ``[entry] data_x``, then a BindingError for ``lamda``)."""
    right, bug = tmp_path / "course_script_right.py", tmp_path / "course_script_l2_factor_bug.py"
    right.write_text(COURSE_SCRIPT.replace("FACTOR", "2"))
    bug.write_text(COURSE_SCRIPT.replace("FACTOR", "1"))
    got = audit_json([right, bug], tmp_path / "out")
    assert got[right.name]["status"] == "pass", (got[right.name].get("error"), got[right.name]["notes"][:3])
    assert got[bug.name]["status"] == "fail", got[bug.name].get("error")
    assert got[bug.name]["diagnoses"][0]["code"] == "regularization_mismatch"
