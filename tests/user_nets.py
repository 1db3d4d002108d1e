"""Small numpy nets written the way students write them (this module never imports reference_nets).

Each returns ``(loss, grads)`` from its own forward and hand-written backward, in
its own conventions and habits: ``np.maximum`` ReLUs, softmax without the max
shift, ``log(p + 1e-8)``, ``probs[range(N), y]``, ``reg * sum(W * W)`` with
``2 * reg * W``, biases of shape ``(1, H)``, caches kept on ``self``.
"""

import numpy as np


def cs231n_two_layer(params, X, y, reg):
    """ReLU hidden layer, softmax scores, integer labels y, L2 as reg * sum(W**2) (CS231n)."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[range(N), y])) + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    grads = {"W2": hidden.T.dot(dscores) + 2 * reg * W2, "b2": np.sum(dscores, axis=0)}
    dhidden = dscores.dot(W2.T)
    dhidden[hidden <= 0] = 0
    grads["W1"] = X.T.dot(dhidden) + 2 * reg * W1
    grads["b1"] = np.sum(dhidden, axis=0)
    return loss, grads, scores


def tanh_softmax_onehot(params, X, Y):
    """tanh hidden, softmax without the max shift, one-hot Y, -sum(Y log(p + 1e-8)) / N."""
    N = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    P = np.exp(Z2) / np.sum(np.exp(Z2), axis=1, keepdims=True)
    loss = -np.sum(Y * np.log(P + 1e-8)) / N
    dZ2 = (P - Y) / N
    dZ1 = dZ2 @ params["W2"].T * (1 - A1**2)
    grads = {"W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0, keepdims=True), "W1": X.T @ dZ1}
    grads["b1"] = dZ1.sum(axis=0, keepdims=True)
    return loss, grads, P


def leaky_tanh_regression(params, X, Y, alpha=0.1):
    """Leaky ReLU hidden (slope alpha), tanh output, loss 0.5 * sum over outputs, mean over samples."""
    N = X.shape[0]
    z1 = np.dot(X, params["W1"]) + params["b1"]
    a1 = np.where(z1 > 0, z1, alpha * z1)
    z2 = np.dot(a1, params["W2"]) + params["b2"]
    out = np.tanh(z2)
    loss = 0.5 * np.sum((out - Y) ** 2) / N
    d_out = (out - Y) / N
    d_z2 = d_out * (1 - out**2)
    d_a1 = np.dot(d_z2, params["W2"].T)
    d_z1 = d_a1 * np.where(z1 > 0, 1.0, alpha)
    grads = {"W1": np.dot(X.T, d_z1), "b1": np.sum(d_z1, axis=0), "W2": np.dot(a1.T, d_z2)}
    grads["b2"] = np.sum(d_z2, axis=0)
    return loss, grads, out


def elu_bce_summed(params, X, y, alpha=0.7):
    """ELU hidden (alpha), sigmoid output, BCE summed over samples and outputs, p clipped as students do."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.where(z1 > 0, z1, alpha * (np.exp(z1) - 1))
    z2 = a1 @ params["W2"] + params["b2"]
    p = 1 / (1 + np.exp(-z2))
    p = np.clip(p, 1e-12, 1 - 1e-12)
    loss = float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
    dz2 = p - y
    dz1 = (dz2 @ params["W2"].T) * np.where(z1 > 0, 1.0, a1 + alpha)
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dz2, "b2": dz2.sum(0)}
    return loss, grads, p


class DeepSoftmax:
    """A layer-list class: ELU/leaky ReLU/tanh hidden layers, softmax, -mean(sum(Y * log(P), axis=1))."""

    def __init__(self, weights, biases, acts=("elu", "leaky", "tanh")):
        self.weights, self.biases, self.acts = weights, biases, acts

    def _act(self, name, z):
        if name == "elu":
            return np.where(z > 0, z, np.exp(z) - 1)
        if name == "leaky":
            return np.where(z > 0, z, 0.01 * z)
        return np.tanh(z)

    def _deriv(self, name, z, a):
        if name == "elu":
            return np.where(z > 0, 1.0, a + 1)
        if name == "leaky":
            return np.where(z > 0, 1.0, 0.01)
        return 1 - a**2

    def forward(self, X):
        self.zs, self.activations = [], [X]
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = self.activations[-1] @ W + b
            self.zs.append(z)
            if i < len(self.acts):
                self.activations.append(self._act(self.acts[i], z))
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                self.activations.append(e / e.sum(axis=1, keepdims=True))
        return self.activations[-1]

    def loss(self, X, Y):
        P = self.forward(X)
        return -np.mean(np.sum(Y * np.log(P), axis=1))

    def backward(self, Y):
        n = Y.shape[0]
        delta = (self.activations[-1] - Y) / n
        dW, db = [], []
        for i in reversed(range(len(self.weights))):
            dW.insert(0, self.activations[i].T @ delta)
            db.insert(0, delta.sum(axis=0))
            if i > 0:
                delta = (delta @ self.weights[i].T) * self._deriv(self.acts[i - 1], self.zs[i - 1], self.activations[i])
        return dW, db


class LayerSoftmax:
    """A softmax layer whose backward builds each sample's Jacobian (diagflat(s) - s s^T), as course libraries do."""

    def forward(self, z):
        e = np.exp(z - np.max(z, axis=1, keepdims=True))
        self.output = e / np.sum(e, axis=1, keepdims=True)
        return self.output

    def backward(self, dvalues):
        dinputs = np.empty_like(dvalues)
        for i, (s, d) in enumerate(zip(self.output, dvalues)):
            s = s.reshape(-1, 1)
            dinputs[i] = (np.diagflat(s) - s @ s.T) @ d
        return dinputs


class LayerCrossEntropy:
    """CE on probabilities, clipped to [1e-7, 1 - 1e-7]; labels integer or one-hot; mean over samples."""

    def forward(self, p, y):
        p = np.clip(p, 1e-7, 1 - 1e-7)
        picked = p[range(len(p)), y] if y.ndim == 1 else np.sum(p * y, axis=1)
        return np.mean(-np.log(picked))

    def backward(self, p, y):
        if y.ndim == 1:
            y = np.eye(p.shape[1])[y]
        return -y / p / len(p)


def layered_elu_softmax(params, X, y, alpha=1.0):
    """ELU written with masks, x * (x > 0) + a * (exp(x) - 1) * (x <= 0); separate softmax and CE layers."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = z1 * (z1 > 0) + alpha * (np.exp(z1) - 1) * (z1 <= 0)
    z2 = a1 @ params["W2"] + params["b2"]
    softmax, ce = LayerSoftmax(), LayerCrossEntropy()
    p = softmax.forward(z2)
    loss = ce.forward(p, y)
    dz2 = softmax.backward(ce.backward(p, y))
    dz1 = (dz2 @ params["W2"].T) * ((z1 > 0) + alpha * np.exp(z1) * (z1 <= 0))
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dz2, "b2": dz2.sum(0)}
    return loss, grads, p


def summed_ce_leaky(params, X, Y, slope=0.01):
    """Leaky ReLU (derivative 1 at 0), softmax, CE summed over the whole batch: -sum(Y * log(P + 1e-7))."""
    z1 = X @ params["W1"] + params["b1"]
    a1 = np.where(z1 > 0, z1, slope * z1)
    z2 = a1 @ params["W2"] + params["b2"]
    e = np.exp(z2 - np.max(z2, axis=1, keepdims=True))
    P = e / e.sum(axis=1, keepdims=True)
    loss = -np.sum(Y * np.log(P + 1e-7))
    dz2 = P - Y
    grad = np.ones_like(z1)
    grad[z1 < 0] = slope
    dz1 = dz2 @ params["W2"].T * grad
    return loss, {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dz2, "b2": dz2.sum(0)}, P
