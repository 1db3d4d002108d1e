"""Backprop written the way students write it, with one, two or three real bugs each.

Plain numpy, independent of ``reference_nets`` and of the catalogue's code: shared
derivative helpers, ``np.clip`` on gradients, the BCE shortcut, weight decay,
``keepdims`` biases, samples as columns, lists of weights. Each case builds its
own data and returns ``loss(params)``, ``grad(params)``, the parameters and the
diagnosis codes of the bugs planted (empty for correct code). The diagnosis must
find the network behind ``loss`` by itself.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh_derivative(x):
    return 1.0 - np.tanh(x) ** 2


def relu(x):
    return np.maximum(0, x)


def registry(cases: dict):
    """A decorator ``case(*codes)`` that files a builder in ``cases`` with the codes of its bugs."""

    def case(*codes):
        def register(fn):
            cases[fn.__name__] = (fn, tuple(codes))
            return fn

        return register

    return case


CASES = {}
case = registry(CASES)


def _data(seed, n, d_in, d_out, kind):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d_in))
    if kind == "binary":
        Y = (rng.random((n, d_out)) > 0.5).astype(float)
    elif kind == "unit":
        Y = rng.random((n, d_out))
    elif kind == "labels":
        Y = rng.integers(0, d_out, size=n)
    else:
        Y = rng.normal(size=(n, d_out))
    return rng, X, Y


def _init(rng, sizes, bias_shape="row", scale=0.8):
    p = {}
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        p[f"W{i}"] = rng.normal(size=(a, b)) * scale / np.sqrt(a)
        p[f"b{i}"] = rng.normal(size=(1, b) if bias_shape == "row" else (b,)) * 0.1
    return p


# ------------------------------------------------------------------ helper-level bugs
@case("derivative_at_activation")
def sigmoid_helper_on_activations_bce():
    """A shared sigmoid_derivative(x) helper called on the activations of both hidden layers."""
    rng, X, Y = _data(11, 20, 4, 1, "binary")
    params = _init(rng, (4, 6, 5, 1))

    def loss(p):
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        yhat = sigmoid(a2 @ p["W3"] + p["b3"])
        return -np.mean(Y * np.log(yhat) + (1 - Y) * np.log(1 - yhat))

    def grad(p):
        m = X.shape[0]
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        yhat = sigmoid(a2 @ p["W3"] + p["b3"])
        dz3 = (yhat - Y) / m
        dz2 = (dz3 @ p["W3"].T) * sigmoid_derivative(a2)
        dz1 = (dz2 @ p["W2"].T) * sigmoid_derivative(a1)
        return {
            "W1": X.T @ dz1,
            "b1": dz1.sum(0, keepdims=True),
            "W2": a1.T @ dz2,
            "b2": dz2.sum(0, keepdims=True),
            "W3": a2.T @ dz3,
            "b3": dz3.sum(0, keepdims=True),
        }

    return loss, grad, params


@case("derivative_at_activation")
def sigmoid_helper_everywhere_mse():
    """MSE on a sigmoid output: the same helper on the activations of the hidden AND the output layer."""
    rng, X, Y = _data(12, 16, 3, 2, "unit")
    params = _init(rng, (3, 4, 2), bias_shape="flat")

    def forward(p):
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        return a1, sigmoid(a1 @ p["W2"] + p["b2"])

    def loss(p):
        return np.mean((forward(p)[1] - Y) ** 2)

    def grad(p):
        a1, out = forward(p)
        d_out = 2 * (out - Y) / Y.size
        d2 = d_out * sigmoid_derivative(out)
        d1 = d2 @ p["W2"].T * sigmoid_derivative(a1)
        return {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": a1.T @ d2, "b2": d2.sum(axis=0)}

    return loss, grad, params


@case("derivative_at_activation", "missing_batch_mean")
def tanh_helper_on_activations_summed():
    """tanh_derivative(x) helper on the activations of two hidden layers; the 1/N of the mean forgotten."""
    rng, X, Y = _data(13, 24, 3, 1, "real")
    params = _init(rng, (3, 5, 5, 1), bias_shape="flat")

    def loss(p):
        h1 = np.tanh(X @ p["W1"] + p["b1"])
        h2 = np.tanh(h1 @ p["W2"] + p["b2"])
        return np.mean((h2 @ p["W3"] + p["b3"] - Y) ** 2)

    def grad(p):
        h1 = np.tanh(X @ p["W1"] + p["b1"])
        h2 = np.tanh(h1 @ p["W2"] + p["b2"])
        err = 2 * (h2 @ p["W3"] + p["b3"] - Y)  # forgot / N
        g = {"W3": h2.T @ err, "b3": err.sum(0)}
        d2 = err @ p["W3"].T * tanh_derivative(h2)
        g["W2"], g["b2"] = h1.T @ d2, d2.sum(0)
        d1 = d2 @ p["W2"].T * tanh_derivative(h1)
        g["W1"], g["b1"] = X.T @ d1, d1.sum(0)
        return g

    return loss, grad, params


@case("derivative_at_activation")
def sigmoid_helper_one_layer_only():
    """The helper misused in the second hidden layer only; the first uses a * (1 - a) correctly."""
    rng, X, Y = _data(14, 18, 5, 1, "binary")
    params = _init(rng, (5, 4, 4, 1), bias_shape="flat")

    def loss(p):
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        p_hat = sigmoid(a2 @ p["W3"] + p["b3"])
        return float(-np.mean(Y * np.log(p_hat + 1e-8) + (1 - Y) * np.log(1 - p_hat + 1e-8)))

    def grad(p):
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        p_hat = sigmoid(a2 @ p["W3"] + p["b3"])
        d3 = (p_hat - Y) / len(X)
        d2 = d3.dot(p["W3"].T) * sigmoid_derivative(a2)
        d1 = d2.dot(p["W2"].T) * a1 * (1 - a1)
        return {
            "W1": X.T.dot(d1),
            "b1": d1.sum(0),
            "W2": a1.T.dot(d2),
            "b2": d2.sum(0),
            "W3": a2.T.dot(d3),
            "b3": d3.sum(0),
        }

    return loss, grad, params


# ------------------------------------------------------------------------ two bugs
@case("extra_activation_derivative", "missing_batch_mean")
def bce_shortcut_times_sigma_prime_summed():
    """BCE + sigmoid: (yhat - y) multiplied by sigma'(z) again, and summed over the batch."""
    rng, X, Y = _data(21, 32, 2, 1, "binary")
    params = _init(rng, (2, 8, 1))

    def loss(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        y = sigmoid(h @ p["W2"] + p["b2"])
        return -np.mean(Y * np.log(y) + (1 - Y) * np.log(1 - y))

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        z2 = h @ p["W2"] + p["b2"]
        y = sigmoid(z2)
        delta2 = (y - Y) * y * (1 - y)
        delta1 = delta2 @ p["W2"].T * (1 - h * h)
        return {
            "W1": X.T @ delta1,
            "b1": np.sum(delta1, axis=0, keepdims=True),
            "W2": h.T @ delta2,
            "b2": np.sum(delta2, axis=0, keepdims=True),
        }

    return loss, grad, params


@case("missing_batch_mean", "gradient_clipping")
def summed_gradient_clipped_at_one():
    """Gradients summed over the batch (the loss is a mean), then np.clip(g, -1, 1) on every tensor."""
    rng, X, Y = _data(22, 64, 3, 1, "binary")
    params = _init(rng, (3, 6, 1), scale=1.5)

    def loss(p):
        a = relu(X @ p["W1"] + p["b1"])
        y = sigmoid(a @ p["W2"] + p["b2"])
        return np.mean(-Y * np.log(y) - (1 - Y) * np.log(1 - y))

    def grad(p):
        z1 = X @ p["W1"] + p["b1"]
        a = relu(z1)
        y = sigmoid(a @ p["W2"] + p["b2"])
        dz2 = y - Y
        dz1 = (dz2 @ p["W2"].T) * (z1 > 0)
        g = {"W1": X.T @ dz1, "b1": dz1.sum(0, keepdims=True), "W2": a.T @ dz2, "b2": dz2.sum(0, keepdims=True)}
        return {k: np.clip(v, -1.0, 1.0) for k, v in g.items()}

    return loss, grad, params


@case("regularization_mismatch", "sign_flip")
def l2_in_gradient_only_ascent_sign():
    """Weight decay 0.01 * W added to the gradients of a loss without L2; error written y - yhat."""
    rng, X, Y = _data(23, 20, 4, 2, "real")
    params = _init(rng, (4, 5, 2))
    lam = 0.01

    def loss(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        return np.mean((h @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        err = Y - (h @ p["W2"] + p["b2"])  # ascent form, not turned around
        d2 = 2 * err / err.size
        d1 = d2 @ p["W2"].T * (1 - h**2)
        return {
            "W1": X.T @ d1 + lam * p["W1"],
            "b1": d1.sum(0, keepdims=True),
            "W2": h.T @ d2 + lam * p["W2"],
            "b2": d2.sum(0, keepdims=True),
        }

    return loss, grad, params


@case("bias_not_summed", "derivative_at_activation")
def bias_per_sample_and_tanh_at_activation():
    """db1 of shape (N, 4) for a (1, 4) bias, and tanh' evaluated at the activation."""
    rng, X, Y = _data(24, 16, 3, 1, "real")
    params = _init(rng, (3, 4, 1))

    def loss(p):
        return np.mean((np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        A1 = np.tanh(X @ p["W1"] + p["b1"])
        dY = 2 * (A1 @ p["W2"] + p["b2"] - Y) / len(Y)
        dZ1 = dY @ p["W2"].T * (1 - np.tanh(A1) ** 2)
        return {"W1": X.T @ dZ1, "b1": dZ1, "W2": A1.T @ dY, "b2": dY.sum(axis=0, keepdims=True)}

    return loss, grad, params


@case("missing_batch_mean")
def one_layer_forgets_the_mean():
    """Each layer divides its dW, db by m; the first layer forgets to."""
    rng, X, Y = _data(25, 30, 4, 1, "binary")
    params = _init(rng, (4, 6, 6, 1))

    def loss(p):
        a1 = np.tanh(X @ p["W1"] + p["b1"])
        a2 = np.tanh(a1 @ p["W2"] + p["b2"])
        y = sigmoid(a2 @ p["W3"] + p["b3"])
        return -np.mean(Y * np.log(y) + (1 - Y) * np.log(1 - y))

    def grad(p):
        m = X.shape[0]
        a1 = np.tanh(X @ p["W1"] + p["b1"])
        a2 = np.tanh(a1 @ p["W2"] + p["b2"])
        y = sigmoid(a2 @ p["W3"] + p["b3"])
        dz3 = y - Y
        dz2 = dz3 @ p["W3"].T * (1 - a2**2)
        dz1 = dz2 @ p["W2"].T * (1 - a1**2)
        return {
            "W3": a2.T @ dz3 / m,
            "b3": np.sum(dz3, axis=0, keepdims=True) / m,
            "W2": a1.T @ dz2 / m,
            "b2": np.sum(dz2, axis=0, keepdims=True) / m,
            "W1": X.T @ dz1,
            "b1": np.sum(dz1, axis=0, keepdims=True),
        }

    return loss, grad, params


@case("wrong_cached_tensor", "missing_batch_mean")
def relu_softmax_int_labels_dw_from_z_summed():
    """ReLU + softmax cross-entropy with integer labels: dW2 from the pre-activation, no 1/N anywhere."""
    rng, X, y = _data(26, 25, 4, 3, "labels")
    params = _init(rng, (4, 6, 3), bias_shape="flat")

    def loss(p):
        h = relu(X @ p["W1"] + p["b1"])
        s = h @ p["W2"] + p["b2"]
        s = s - s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return -np.mean(logp[np.arange(len(y)), y])

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        h = relu(z)
        s = h @ p["W2"] + p["b2"]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        ds = probs.copy()
        ds[np.arange(len(y)), y] -= 1
        dh = ds @ p["W2"].T
        dh[z <= 0] = 0
        return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": z.T @ ds, "b2": ds.sum(0)}

    return loss, grad, params


@case("derivative_at_preactivation", "regularization_mismatch")
def output_form_on_z_and_decay_twice():
    """a * (1 - a) applied to z in layer 2, and the weight decay term added twice."""
    rng, X, Y = _data(27, 20, 3, 1, "binary")
    params = _init(rng, (3, 5, 4, 1), bias_shape="flat")
    reg = 0.05

    def loss(p):
        a1 = np.tanh(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        yh = sigmoid(a2 @ p["W3"] + p["b3"])
        data = -np.mean(Y * np.log(yh) + (1 - Y) * np.log(1 - yh))
        return data + reg / 2 * sum(np.sum(p[k] ** 2) for k in ("W1", "W2", "W3"))

    def grad(p):
        a1 = np.tanh(X @ p["W1"] + p["b1"])
        z2 = a1 @ p["W2"] + p["b2"]
        a2 = sigmoid(z2)
        yh = sigmoid(a2 @ p["W3"] + p["b3"])
        d3 = (yh - Y) / len(X)
        d2 = d3 @ p["W3"].T * (z2 * (1 - z2))
        d1 = d2 @ p["W2"].T * (1 - a1**2)
        g = {"W1": X.T @ d1, "b1": d1.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0), "W3": a2.T @ d3, "b3": d3.sum(0)}
        for k in ("W1", "W2", "W3"):
            g[k] = g[k] + reg * p[k] + reg * p[k]
        return g

    return loss, grad, params


@case("bias_not_summed", "extra_activation_derivative")
def columns_layout_db_unsummed_and_extra_sigma():
    """Samples as columns (X is (n_in, m), W (out, in), b (out, 1)): db2 of shape (1, m), sigma' applied twice."""
    rng = np.random.default_rng(28)
    m = 12
    X = rng.normal(size=(3, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    params = {
        "W1": rng.normal(size=(4, 3)) * 0.6,
        "b1": np.zeros((4, 1)) + 0.05,
        "W2": rng.normal(size=(1, 4)) * 0.6,
        "b2": np.zeros((1, 1)) - 0.1,
    }

    def loss(p):
        A1 = np.tanh(p["W1"] @ X + p["b1"])
        A2 = sigmoid(p["W2"] @ A1 + p["b2"])
        return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)

    def grad(p):
        A1 = np.tanh(p["W1"] @ X + p["b1"])
        A2 = sigmoid(p["W2"] @ A1 + p["b2"])
        dZ2 = (A2 - Y) * A2 * (1 - A2) / m
        dZ1 = (p["W2"].T @ dZ2) * (1 - A1**2)
        return {"W1": dZ1 @ X.T, "b1": np.sum(dZ1, axis=1, keepdims=True), "W2": dZ2 @ A1.T, "b2": dZ2}

    return loss, grad, params


@case("derivative_at_activation", "gradient_clipping")
def weight_lists_helper_and_clip():
    """weights[i] / biases[i] in lists; sigmoid_derivative on activations in every layer; grads clipped to 0.5."""
    rng, X, Y = _data(29, 40, 2, 1, "unit")
    sizes = (2, 5, 5, 1)
    params = {}
    for i in range(3):
        params[f"weights[{i}]"] = rng.normal(size=(sizes[i], sizes[i + 1])) * 2.0
        params[f"biases[{i}]"] = rng.normal(size=(sizes[i + 1],)) * 0.5

    def acts(p):
        a = [X]
        for i in range(3):
            a.append(sigmoid(a[-1] @ p[f"weights[{i}]"] + p[f"biases[{i}]"]))
        return a

    def loss(p):
        return np.sum((acts(p)[-1] - Y) ** 2)  # sum of squares, not a mean

    def grad(p):
        a = acts(p)
        delta = 2 * (a[-1] - Y) * sigmoid_derivative(a[-1])
        g = {}
        for i in (2, 1, 0):
            g[f"weights[{i}]"] = np.clip(a[i].T @ delta, -0.5, 0.5)
            g[f"biases[{i}]"] = np.clip(delta.sum(axis=0), -0.5, 0.5)
            if i:
                delta = delta @ p[f"weights[{i}]"].T * sigmoid_derivative(a[i])
        return g

    return loss, grad, params


@case("missing_batch_mean", "transposed")
def relu_square_transposed_and_summed():
    """ReLU net with a square middle layer: dW2 transposed (dZ.T @ A), and no 1/N."""
    rng, X, Y = _data(30, 20, 3, 2, "real")
    params = _init(rng, (3, 5, 5, 2), bias_shape="flat")

    def loss(p):
        h1 = relu(X @ p["W1"] + p["b1"])
        h2 = relu(h1 @ p["W2"] + p["b2"])
        return np.mean(np.sum((h2 @ p["W3"] + p["b3"] - Y) ** 2, axis=1))

    def grad(p):
        z1 = X @ p["W1"] + p["b1"]
        h1 = relu(z1)
        z2 = h1 @ p["W2"] + p["b2"]
        h2 = relu(z2)
        dout = 2 * (h2 @ p["W3"] + p["b3"] - Y)
        dz2 = (dout @ p["W3"].T) * (z2 > 0)
        dz1 = (dz2 @ p["W2"].T) * (z1 > 0)
        return {
            "W3": h2.T @ dout,
            "b3": dout.sum(0),
            "W2": dz2.T @ h1,
            "b2": dz2.sum(0),
            "W1": X.T @ dz1,
            "b1": dz1.sum(0),
        }

    return loss, grad, params


@case("regularization_mismatch", "sign_flip")
def l2_in_loss_not_in_gradient_and_dw1_negated():
    """Loss with (lam/2) * sum W**2 but no lam * W in the gradients; dW1 with the wrong sign."""
    rng, X, Y = _data(31, 16, 4, 1, "real")
    params = _init(rng, (4, 6, 1))
    lam = 0.1

    def loss(p):
        out = sigmoid(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
        return np.mean((out - Y) ** 2) + lam / 2 * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))

    def grad(p):
        a = sigmoid(X @ p["W1"] + p["b1"])
        d_out = 2 * (a @ p["W2"] + p["b2"] - Y) / len(Y)
        d_hidden = d_out @ p["W2"].T * a * (1 - a)
        return {
            "W1": -(X.T @ d_hidden),
            "b1": d_hidden.sum(0, keepdims=True),
            "W2": a.T @ d_out,
            "b2": d_out.sum(0, keepdims=True),
        }

    return loss, grad, params


@case("missing_activation_derivative", "gradient_clipping")
def no_tanh_derivative_and_clip():
    """The tanh derivative left out of the hidden delta; every gradient clipped to [-0.05, 0.05]."""
    rng, X, Y = _data(32, 25, 3, 1, "real")
    params = _init(rng, (3, 6, 1), scale=1.2)

    def loss(p):
        return np.mean((np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        d = 2 * (h @ p["W2"] + p["b2"] - Y) / len(X)
        dh = d @ p["W2"].T
        g = {"W1": X.T @ dh, "b1": dh.sum(0, keepdims=True), "W2": h.T @ d, "b2": d.sum(0, keepdims=True)}
        return {k: np.clip(v, -0.05, 0.05) for k, v in g.items()}

    return loss, grad, params


@case("shape_mismatch", "wrong_cached_tensor")
def bias_summed_over_everything_and_dw_from_z():
    """db1 = np.sum(dZ1) (a scalar), and dW2 built from Z1 instead of A1."""
    rng, X, Y = _data(33, 20, 3, 1, "binary")
    params = _init(rng, (3, 4, 1), bias_shape="flat")

    def loss(p):
        y = sigmoid(sigmoid(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return -np.mean(Y * np.log(y) + (1 - Y) * np.log(1 - y))

    def grad(p):
        Z1 = X @ p["W1"] + p["b1"]
        A1 = sigmoid(Z1)
        y = sigmoid(A1 @ p["W2"] + p["b2"])
        dZ2 = (y - Y) / len(Y)
        dZ1 = dZ2 @ p["W2"].T * A1 * (1 - A1)
        return {"W1": X.T @ dZ1, "b1": np.sum(dZ1), "W2": Z1.T @ dZ2, "b2": np.sum(dZ2, axis=0)}

    return loss, grad, params


@case("derivative_at_activation", "missing_batch_mean")
def sigmoid_helper_everywhere_summed_mse():
    """MSE on a sigmoid output, the helper on activations everywhere, and the gradient summed over the batch."""
    rng, X, Y = _data(34, 10, 2, 1, "unit")
    params = _init(rng, (2, 3, 3, 1), bias_shape="flat")

    def loss(p):
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        return np.mean((sigmoid(a2 @ p["W3"] + p["b3"]) - Y) ** 2)

    def grad(p):
        a1 = sigmoid(X @ p["W1"] + p["b1"])
        a2 = sigmoid(a1 @ p["W2"] + p["b2"])
        a3 = sigmoid(a2 @ p["W3"] + p["b3"])
        d3 = 2 * (a3 - Y) * sigmoid_derivative(a3)
        d2 = d3 @ p["W3"].T * sigmoid_derivative(a2)
        d1 = d2 @ p["W2"].T * sigmoid_derivative(a1)
        return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0), "W3": a2.T @ d3, "b3": d3.sum(0)}

    return loss, grad, params


@case("sign_flip", "missing_batch_mean", "bias_not_summed")
def three_bugs_ascent_sum_first_row():
    """Error y - yhat not turned around, no 1/N, and db1 taken from the first sample only."""
    rng, X, Y = _data(35, 14, 3, 2, "real")
    params = _init(rng, (3, 4, 2), bias_shape="flat")

    def loss(p):
        return np.mean((np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        e = Y - (h @ p["W2"] + p["b2"])
        d2 = 2 * e / Y.shape[1]
        d1 = d2 @ p["W2"].T * (1 - h * h)
        return {"W1": X.T @ d1, "b1": d1[0], "W2": h.T @ d2, "b2": d2.sum(0)}

    return loss, grad, params


@case("extra_activation_derivative", "regularization_mismatch")
def bce_extra_sigma_l2_missing_eps_loss():
    """BCE written with log(p + 1e-8): sigma' applied twice; the L2 term of the loss missing from the gradient."""
    rng, X, Y = _data(36, 22, 4, 1, "binary")
    params = _init(rng, (4, 5, 1), bias_shape="flat")
    lam = 0.02

    def loss(p):
        a = np.tanh(X @ p["W1"] + p["b1"])
        y = sigmoid(a @ p["W2"] + p["b2"])
        ce = -np.mean(Y * np.log(y + 1e-8) + (1 - Y) * np.log(1 - y + 1e-8))
        return ce + 0.5 * lam * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))

    def grad(p):
        a = np.tanh(X @ p["W1"] + p["b1"])
        y = sigmoid(a @ p["W2"] + p["b2"])
        dz = (y - Y) * sigmoid_derivative(a @ p["W2"] + p["b2"]) / len(Y)
        da = dz @ p["W2"].T * (1 - a**2)
        return {"W1": X.T @ da, "b1": da.sum(0), "W2": a.T @ dz, "b2": dz.sum(0)}

    return loss, grad, params


@case("derivative_at_preactivation", "zero_gradient")
def output_form_on_z_everywhere_b2_never_set():
    """tanh's 1 - a**2 helper applied to z in both hidden layers; the output bias gradient left at zero."""
    rng, X, Y = _data(37, 15, 3, 2, "real")
    params = _init(rng, (3, 4, 4, 2), bias_shape="flat")

    def dtanh(a):
        return 1 - a**2

    def loss(p):
        h1 = np.tanh(X @ p["W1"] + p["b1"])
        h2 = np.tanh(h1 @ p["W2"] + p["b2"])
        return np.mean((h2 @ p["W3"] + p["b3"] - Y) ** 2)

    def grad(p):
        z1 = X @ p["W1"] + p["b1"]
        h1 = np.tanh(z1)
        z2 = h1 @ p["W2"] + p["b2"]
        h2 = np.tanh(z2)
        d3 = 2 * (h2 @ p["W3"] + p["b3"] - Y) / Y.size
        d2 = d3 @ p["W3"].T * dtanh(z2)
        d1 = d2 @ p["W2"].T * dtanh(z1)
        g = {k: np.zeros_like(v) for k, v in p.items()}
        g["W3"], g["W2"], g["b2"], g["W1"], g["b1"] = h2.T @ d3, h1.T @ d2, d2.sum(0), X.T @ d1, d1.sum(0)
        return g

    return loss, grad, params


@case("missing_activation_derivative", "missing_batch_mean")
def sigmoid_mse_no_output_derivative_summed():
    """MSE on a sigmoid output without sigma'(z) at the output, and no 1/N."""
    rng, X, Y = _data(38, 12, 3, 1, "unit")
    params = _init(rng, (3, 5, 1), bias_shape="flat")

    def loss(p):
        return np.mean((sigmoid(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]) - Y) ** 2)

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        o = sigmoid(h @ p["W2"] + p["b2"])
        d2 = 2 * (o - Y)
        d1 = d2 @ p["W2"].T * (1 - h**2)
        return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": h.T @ d2, "b2": d2.sum(0)}

    return loss, grad, params


# ------------------------------------------------------------------------ correct code
@case()
def correct_bce_row_biases():
    rng, X, Y = _data(41, 20, 4, 1, "binary")
    params = _init(rng, (4, 6, 1))

    def loss(p):
        y = sigmoid(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return -np.mean(Y * np.log(y) + (1 - Y) * np.log(1 - y))

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        y = sigmoid(h @ p["W2"] + p["b2"])
        d2 = (y - Y) / len(X)
        d1 = d2 @ p["W2"].T * (1 - h**2)
        return {"W1": X.T @ d1, "b1": d1.sum(0, keepdims=True), "W2": h.T @ d2, "b2": d2.sum(0, keepdims=True)}

    return loss, grad, params


@case()
def correct_sum_loss_with_clip_that_never_bites():
    """Sum-of-squares loss; the gradient is clipped at 100, far above every entry."""
    rng, X, Y = _data(42, 8, 2, 1, "real")
    params = _init(rng, (2, 3, 1), bias_shape="flat")

    def loss(p):
        return 0.5 * np.sum((relu(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        h = relu(z)
        d = h @ p["W2"] + p["b2"] - Y
        dh = d @ p["W2"].T * (z > 0)
        g = {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": d.sum(0)}
        return {k: np.clip(v, -100, 100) for k, v in g.items()}

    return loss, grad, params


@case()
def correct_softmax_l2():
    rng, X, y = _data(43, 30, 5, 4, "labels")
    params = _init(rng, (5, 7, 4), bias_shape="flat")
    reg = 1e-3

    def loss(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        s = h @ p["W2"] + p["b2"]
        s -= s.max(1, keepdims=True)
        P = np.exp(s) / np.exp(s).sum(1, keepdims=True)
        return -np.log(P[range(len(y)), y]).mean() + reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        s = h @ p["W2"] + p["b2"]
        P = np.exp(s - s.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        P[range(len(y)), y] -= 1
        P /= len(y)
        dh = P @ p["W2"].T * (1 - h**2)
        return {"W1": X.T @ dh + 2 * reg * p["W1"], "b1": dh.sum(0), "W2": h.T @ P + 2 * reg * p["W2"], "b2": P.sum(0)}

    return loss, grad, params


@case()
def correct_columns_layout():
    rng = np.random.default_rng(44)
    m = 10
    X = rng.normal(size=(2, m))
    Y = rng.normal(size=(1, m))
    params = {
        "W1": rng.normal(size=(3, 2)),
        "b1": np.zeros((3, 1)),
        "W2": rng.normal(size=(1, 3)),
        "b2": np.zeros((1, 1)),
    }

    def loss(p):
        return float(np.sum((p["W2"] @ sigmoid(p["W1"] @ X + p["b1"]) + p["b2"] - Y) ** 2) / (2 * m))

    def grad(p):
        A1 = sigmoid(p["W1"] @ X + p["b1"])
        dZ2 = (p["W2"] @ A1 + p["b2"] - Y) / m
        dZ1 = p["W2"].T @ dZ2 * A1 * (1 - A1)
        return {"W1": dZ1 @ X.T, "b1": dZ1.sum(1, keepdims=True), "W2": dZ2 @ A1.T, "b2": dZ2.sum(1, keepdims=True)}

    return loss, grad, params


@case()
def correct_three_layer_lists():
    rng, X, Y = _data(45, 12, 3, 2, "unit")
    sizes = (3, 4, 4, 2)
    params = {}
    for i in range(3):
        params[f"weights[{i}]"] = rng.normal(size=(sizes[i], sizes[i + 1]))
        params[f"biases[{i}]"] = np.zeros(sizes[i + 1])

    def loss(p):
        a = X
        for i in range(3):
            a = sigmoid(a @ p[f"weights[{i}]"] + p[f"biases[{i}]"])
        return np.mean((a - Y) ** 2)

    def grad(p):
        a = [X]
        for i in range(3):
            a.append(sigmoid(a[-1] @ p[f"weights[{i}]"] + p[f"biases[{i}]"]))
        delta = 2 * (a[-1] - Y) / Y.size * a[-1] * (1 - a[-1])
        g = {}
        for i in (2, 1, 0):
            g[f"weights[{i}]"], g[f"biases[{i}]"] = a[i].T @ delta, delta.sum(0)
            delta = delta @ p[f"weights[{i}]"].T * a[i] * (1 - a[i])
        return g

    return loss, grad, params
