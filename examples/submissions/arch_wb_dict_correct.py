"""Layer specs in a module list; the weights live in a dict the training loop calls `wb`.

init_layers(layers_spec) -> wb; model_forward(X, wb, layers_spec) -> (out, trace);
model_backward(out, Y, trace, wb, layers_spec) -> grads keyed dW1, db1, ...
Samples as rows; tanh hidden layers, sigmoid output, mean binary cross-entropy.
"""

import numpy as np

NET_SPEC = [
    {"in": 3, "out": 5, "act": "tanh"},
    {"in": 5, "out": 4, "act": "tanh"},
    {"in": 4, "out": 1, "act": "sigmoid"},
]


def init_layers(layers_spec, seed=11):
    rng = np.random.default_rng(seed)
    wb = {}
    for i, layer in enumerate(layers_spec, start=1):
        wb[f"W{i}"] = rng.normal(0.0, 0.6, (layer["in"], layer["out"]))
        wb[f"b{i}"] = np.zeros(layer["out"])
    return wb


def _apply(Z, act):
    return np.tanh(Z) if act == "tanh" else 1.0 / (1.0 + np.exp(-Z))


def model_forward(X, wb, layers_spec):
    trace = [(None, X)]
    A = X
    for i, layer in enumerate(layers_spec, start=1):
        Z = A @ wb[f"W{i}"] + wb[f"b{i}"]
        A = _apply(Z, layer["act"])
        trace.append((Z, A))
    return A, trace


def log_loss(out, Y):
    return -np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out))


def model_backward(out, Y, trace, wb, layers_spec):
    grads = {}
    n = Y.shape[0]
    delta = (out - Y) / n
    for i in range(len(layers_spec), 0, -1):
        A_prev = trace[i - 1][1]
        grads[f"dW{i}"] = A_prev.T @ delta
        grads[f"db{i}"] = delta.sum(axis=0)
        if i > 1:
            delta = (delta @ wb[f"W{i}"].T) * (1 - trace[i - 1][1] ** 2)
    return grads


def train(X, Y, layers_spec, epochs=300, rate=0.5):
    wb = init_layers(layers_spec)
    for _ in range(epochs):
        out, trace = model_forward(X, wb, layers_spec)
        grads = model_backward(out, Y, trace, wb, layers_spec)
        for k in wb:
            wb[k] -= rate * grads["d" + k]
    return wb
