"""A second batch of student-style backprop with two or three bugs, written after the diagnosis was final.

Same rules as ``heldout_backprop.py`` (plain numpy, no ``reference_nets``, each case
builds its own data), and the newer layers: softmax cross-entropy with integer
labels, tanh outputs, leaky ReLU, ELU, deeper nets. ``CASES`` maps a name to
``(build, codes)``; ``codes`` is empty for correct code.
"""

import numpy as np
from heldout_backprop import registry

CASES = {}
case = registry(CASES)


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _layer(rng, a, b, row_bias=False):
    W = rng.normal(size=(a, b)) / np.sqrt(a)
    return W, (rng.normal(size=(1, b)) if row_bias else rng.normal(size=b)) * 0.1


@case("extra_activation_derivative", "missing_batch_mean")
def softmax_ce_times_diagonal_and_summed():
    """Integer labels; dscores = probs - onehot, then times probs * (1 - probs), never divided by N."""
    rng = np.random.default_rng(101)
    X, y = rng.normal(size=(18, 4)), rng.integers(0, 3, 18)
    W1, b1 = _layer(rng, 4, 5)
    W2, b2 = _layer(rng, 5, 3)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss(p):
        P = _softmax(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return -np.mean(np.log(P[np.arange(len(y)), y]))

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        P = _softmax(h @ p["W2"] + p["b2"])
        ds = P.copy()
        ds[np.arange(len(y)), y] -= 1
        ds = ds * P * (1 - P)
        dh = ds @ p["W2"].T * (1 - h**2)
        return {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ ds, "b2": ds.sum(0)}

    return loss, grad, params


@case("derivative_at_activation", "regularization_mismatch")
def tanh_helper_hidden_and_output_with_decay_in_gradient():
    """tanh output, MSE; d_tanh(x) = 1 - tanh(x)**2 called on the activations everywhere; 0.02 * W in the gradient."""
    rng = np.random.default_rng(102)
    X, Y = rng.normal(size=(14, 3)), rng.uniform(-0.8, 0.8, size=(14, 2))
    W1, b1 = _layer(rng, 3, 6)
    W2, b2 = _layer(rng, 6, 2)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def d_tanh(x):
        return 1 - np.tanh(x) ** 2

    def loss(p):
        out = np.tanh(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return np.mean((out - Y) ** 2)

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        out = np.tanh(h @ p["W2"] + p["b2"])
        d2 = 2 * (out - Y) / Y.size * d_tanh(out)
        d1 = d2 @ p["W2"].T * d_tanh(h)
        return {"W1": X.T @ d1 + 0.02 * p["W1"], "b1": d1.sum(0), "W2": h.T @ d2 + 0.02 * p["W2"], "b2": d2.sum(0)}

    return loss, grad, params


@case("wrong_activation_derivative", "gradient_clipping")
def leaky_slope_dropped_and_clipped():
    """Leaky ReLU (slope 0.01) backpropagated with ReLU's derivative; every gradient clipped to [-0.1, 0.1]."""
    rng = np.random.default_rng(103)
    X, Y = rng.normal(size=(20, 3)) * 2, rng.normal(size=(20, 1)) * 3
    W1, b1 = _layer(rng, 3, 8)
    W2, b2 = _layer(rng, 8, 1)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss(p):
        z = X @ p["W1"] + p["b1"]
        return np.mean((np.where(z > 0, z, 0.01 * z) @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        a = np.where(z > 0, z, 0.01 * z)
        d2 = 2 * (a @ p["W2"] + p["b2"] - Y) / len(X)
        d1 = d2 @ p["W2"].T * (z > 0)
        g = {"W1": X.T @ d1, "b1": d1.sum(0), "W2": a.T @ d2, "b2": d2.sum(0)}
        return {k: np.clip(v, -0.1, 0.1) for k, v in g.items()}

    return loss, grad, params


@case("derivative_at_activation", "sign_flip")
def elu_derivative_at_activation_ascent():
    """ELU hidden layer whose derivative is evaluated at its output; error written y - yhat (ascent form)."""
    rng = np.random.default_rng(104)
    X, Y = rng.normal(size=(16, 2)), rng.normal(size=(16, 2))
    W1, b1 = _layer(rng, 2, 5)
    W2, b2 = _layer(rng, 5, 2)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def elu(z):
        return np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1)

    def elu_grad(z):
        return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))

    def loss(p):
        return np.mean((elu(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - Y) ** 2)

    def grad(p):
        a = elu(X @ p["W1"] + p["b1"])
        err = Y - (a @ p["W2"] + p["b2"])
        d2 = 2 * err / Y.size
        d1 = d2 @ p["W2"].T * elu_grad(a)
        return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": a.T @ d2, "b2": d2.sum(0)}

    return loss, grad, params


@case("transposed", "missing_batch_mean")
def square_layer_transposed_and_one_layer_unmeaned():
    """Two sigmoid layers of 4 units, BCE: dW2 = d2.T @ a1 (transposed), and layer 3 forgets its 1/m."""
    rng = np.random.default_rng(105)
    X, Y = rng.normal(size=(24, 3)), (rng.random((24, 1)) > 0.4).astype(float)
    W1, b1 = _layer(rng, 3, 4, True)
    W2, b2 = _layer(rng, 4, 4, True)
    W3, b3 = _layer(rng, 4, 1, True)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}

    def loss(p):
        a1 = _sig(X @ p["W1"] + p["b1"])
        a2 = _sig(a1 @ p["W2"] + p["b2"])
        yh = _sig(a2 @ p["W3"] + p["b3"])
        return -np.mean(Y * np.log(yh) + (1 - Y) * np.log(1 - yh))

    def grad(p):
        m = len(X)
        a1 = _sig(X @ p["W1"] + p["b1"])
        a2 = _sig(a1 @ p["W2"] + p["b2"])
        yh = _sig(a2 @ p["W3"] + p["b3"])
        d3 = yh - Y
        d2 = d3 @ p["W3"].T * a2 * (1 - a2)
        d1 = d2 @ p["W2"].T * a1 * (1 - a1)
        return {
            "W3": a2.T @ d3,
            "b3": d3.sum(0, keepdims=True),
            "W2": (d2.T @ a1) / m,
            "b2": d2.sum(0, keepdims=True) / m,
            "W1": X.T @ d1 / m,
            "b1": d1.sum(0, keepdims=True) / m,
        }

    return loss, grad, params


@case("wrong_label_index", "bias_not_summed")
def labels_off_by_one_and_bias_rows():
    """dscores[range(N), y - 1] -= 1 (labels 1..K habit); db1 left as one row per sample for a (1, H) bias."""
    rng = np.random.default_rng(106)
    X, y = rng.normal(size=(15, 4)), rng.integers(0, 4, 15)
    W1, b1 = _layer(rng, 4, 6, True)
    W2, b2 = _layer(rng, 6, 4, True)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss(p):
        P = _softmax(np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"])
        return -np.mean(np.log(P[np.arange(len(y)), y]))

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        h = np.maximum(z, 0)
        ds = _softmax(h @ p["W2"] + p["b2"])
        ds[np.arange(len(y)), y - 1] -= 1
        ds /= len(y)
        dh = ds @ p["W2"].T * (z > 0)
        return {"W1": X.T @ dh, "b1": dh, "W2": h.T @ ds, "b2": ds.sum(0, keepdims=True)}

    return loss, grad, params


@case("derivative_at_activation", "sign_flip")
def deep_sigmoid_helper_everywhere_ascent():
    """Three sigmoid hidden layers and a sigmoid output under MSE; the helper on activations everywhere; y - yhat."""
    rng = np.random.default_rng(107)
    X, Y = rng.normal(size=(12, 3)), rng.random((12, 1))
    sizes = (3, 5, 4, 4, 1)
    params = {}
    for i in range(4):
        params[f"W{i + 1}"], params[f"b{i + 1}"] = _layer(rng, sizes[i], sizes[i + 1])

    def dsig(x):
        return _sig(x) * (1 - _sig(x))

    def forward(p):
        a = [X]
        for i in range(1, 5):
            a.append(_sig(a[-1] @ p[f"W{i}"] + p[f"b{i}"]))
        return a

    def loss(p):
        return np.mean((forward(p)[-1] - Y) ** 2)

    def grad(p):
        a = forward(p)
        delta = 2 * (Y - a[-1]) / len(Y) * dsig(a[-1])
        g = {}
        for i in range(4, 0, -1):
            g[f"W{i}"], g[f"b{i}"] = a[i - 1].T @ delta, delta.sum(0)
            if i > 1:
                delta = delta @ p[f"W{i}"].T * dsig(a[i - 1])
        return g

    return loss, grad, params


@case("derivative_at_preactivation")
def output_form_on_z_everywhere_mse():
    """MSE on a sigmoid output: the output-form helper a * (1 - a) called with z in the hidden and output layers."""
    rng = np.random.default_rng(108)
    X, Y = rng.normal(size=(10, 2)), rng.random((10, 2))
    W1, b1 = _layer(rng, 2, 3)
    W2, b2 = _layer(rng, 3, 2)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def slope(a):
        return a * (1 - a)

    def loss(p):
        return np.mean((_sig(_sig(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]) - Y) ** 2)

    def grad(p):
        z1 = X @ p["W1"] + p["b1"]
        a1 = _sig(z1)
        z2 = a1 @ p["W2"] + p["b2"]
        d2 = 2 * (_sig(z2) - Y) / Y.size * slope(z2)
        d1 = d2 @ p["W2"].T * slope(z1)
        return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": a1.T @ d2, "b2": d2.sum(0)}

    return loss, grad, params


@case("regularization_mismatch", "derivative_at_activation")
def decay_twice_and_tanh_at_activation():
    """Loss with (lam/2) sum W**2; gradient adds lam * W twice; tanh' taken at the activation in layer 2."""
    rng = np.random.default_rng(109)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    W1, b1 = _layer(rng, 3, 4)
    W2, b2 = _layer(rng, 4, 4)
    W3, b3 = _layer(rng, 4, 1)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    lam = 0.05

    def loss(p):
        h2 = np.tanh(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return np.mean((h2 @ p["W3"] + p["b3"] - Y) ** 2) + lam / 2 * sum(np.sum(p[k] ** 2) for k in ("W1", "W2", "W3"))

    def grad(p):
        h1 = np.tanh(X @ p["W1"] + p["b1"])
        h2 = np.tanh(h1 @ p["W2"] + p["b2"])
        d3 = 2 * (h2 @ p["W3"] + p["b3"] - Y) / len(Y)
        d2 = d3 @ p["W3"].T * (1 - np.tanh(h2) ** 2)
        d1 = d2 @ p["W2"].T * (1 - h1**2)
        g = {"W3": h2.T @ d3, "b3": d3.sum(0), "W2": h1.T @ d2, "b2": d2.sum(0), "W1": X.T @ d1, "b1": d1.sum(0)}
        for k in ("W1", "W2", "W3"):
            g[k] += 2 * lam * p[k]
        return g

    return loss, grad, params


@case("missing_batch_mean", "gradient_clipping")
def summed_ce_divided_then_clipped():
    """Cross-entropy summed over the batch, gradient divided by N anyway, then clipped to [-0.02, 0.02]."""
    rng = np.random.default_rng(110)
    X = rng.normal(size=(30, 4))
    Y = np.eye(3)[rng.integers(0, 3, 30)]
    W1, b1 = _layer(rng, 4, 6)
    W2, b2 = _layer(rng, 6, 3)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss(p):
        P = _softmax(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return -np.sum(Y * np.log(P))

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        dS = (_softmax(h @ p["W2"] + p["b2"]) - Y) / len(X)
        dh = dS @ p["W2"].T * (1 - h**2)
        g = {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ dS, "b2": dS.sum(0)}
        return {k: np.clip(v, -0.02, 0.02) for k, v in g.items()}

    return loss, grad, params


@case("extra_activation_derivative", "missing_batch_mean", "bias_not_summed")
def bce_three_bugs():
    """sigma' applied again after the BCE shortcut, no 1/N, and db1 from the first sample."""
    rng = np.random.default_rng(111)
    X, Y = rng.normal(size=(20, 3)), (rng.random((20, 1)) > 0.5).astype(float)
    W1, b1 = _layer(rng, 3, 5)
    W2, b2 = _layer(rng, 5, 1)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss(p):
        q = _sig(np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
        return -np.mean(Y * np.log(q) + (1 - Y) * np.log(1 - q))

    def grad(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        q = _sig(h @ p["W2"] + p["b2"])
        d2 = (q - Y) * q * (1 - q)
        d1 = d2 @ p["W2"].T * (1 - h**2)
        return {"W1": X.T @ d1, "b1": d1[0], "W2": h.T @ d2, "b2": d2.sum(0)}

    return loss, grad, params


@case()
def correct_leaky_softmax_l2():
    rng = np.random.default_rng(121)
    X, y = rng.normal(size=(22, 4)), rng.integers(0, 3, 22)
    W1, b1 = _layer(rng, 4, 7)
    W2, b2 = _layer(rng, 7, 3)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    reg = 0.003

    def loss(p):
        z = X @ p["W1"] + p["b1"]
        P = _softmax(np.where(z > 0, z, 0.01 * z) @ p["W2"] + p["b2"])
        return -np.mean(np.log(P[np.arange(22), y])) + 0.5 * reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        a = np.where(z > 0, z, 0.01 * z)
        ds = _softmax(a @ p["W2"] + p["b2"])
        ds[np.arange(22), y] -= 1
        ds /= 22
        dz = ds @ p["W2"].T * np.where(z > 0, 1.0, 0.01)
        return {"W1": X.T @ dz + reg * p["W1"], "b1": dz.sum(0), "W2": a.T @ ds + reg * p["W2"], "b2": ds.sum(0)}

    return loss, grad, params


@case()
def correct_tanh_output_half_sse():
    rng = np.random.default_rng(122)
    X, Y = rng.normal(size=(9, 2)), rng.uniform(-0.5, 0.5, size=(9, 3))
    W1, b1 = _layer(rng, 2, 4, True)
    W2, b2 = _layer(rng, 4, 3, True)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss(p):
        return 0.5 * np.sum((np.tanh(_sig(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]) - Y) ** 2)

    def grad(p):
        a = _sig(X @ p["W1"] + p["b1"])
        o = np.tanh(a @ p["W2"] + p["b2"])
        d2 = (o - Y) * (1 - o**2)
        d1 = d2 @ p["W2"].T * a * (1 - a)
        return {"W1": X.T @ d1, "b1": d1.sum(0, keepdims=True), "W2": a.T @ d2, "b2": d2.sum(0, keepdims=True)}

    return loss, grad, params
