"""An L-layer network described by (units, activation) pairs; samples are columns."""

import numpy as np


class DeepNet:
    def __init__(self, arch: list[tuple[int, str]]):
        self.units = [u for u, _ in arch]
        self.acts = [a for _, a in arch]
        rng = np.random.default_rng(3)
        self.params = {}
        for l in range(1, len(arch)):
            self.params[f"W{l}"] = rng.standard_normal((self.units[l], self.units[l - 1])) / np.sqrt(self.units[l - 1])
            self.params[f"b{l}"] = np.zeros((self.units[l], 1))

    def _activate(self, Z, kind):
        if kind == "relu":
            return np.maximum(Z, 0)
        if kind == "sigmoid":
            return 1 / (1 + np.exp(-Z))
        if kind == "softmax":
            e = np.exp(Z - Z.max(axis=0, keepdims=True))
            return e / e.sum(axis=0, keepdims=True)
        raise ValueError(kind)

    def forward(self, X):
        A, caches = X, []
        for l in range(1, len(self.units)):
            Z = self.params[f"W{l}"] @ A + self.params[f"b{l}"]
            caches.append((A, Z))
            A = self._activate(Z, self.acts[l])
        return A, caches

    def cost(self, AL, Y):
        m = Y.shape[1]
        if AL.shape[0] == 1:
            return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
        return float(-np.sum(Y * np.log(AL)) / m)

    def backward(self, AL, Y, caches):
        m = Y.shape[1]
        grads = {}
        dZ, dA = AL - Y, None  # sigmoid + BCE, or softmax + CE
        for l in reversed(range(1, len(self.units))):
            A_prev, Z = caches[l - 1]
            if l < len(self.units) - 1:
                dZ = (
                    dA * (Z > 0)
                    if self.acts[l] == "relu"
                    else dA * self._activate(Z, "sigmoid") * (1 - self._activate(Z, "sigmoid"))
                )
            grads[f"dW{l}"] = dZ @ A_prev.T / m
            grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
            dA = self.params[f"W{l}"].T @ dZ
        return grads

    def fit(self, X, Y, lr=0.05, iterations=500):
        for _ in range(iterations):
            AL, caches = self.forward(X)
            grads = self.backward(AL, Y, caches)
            for key in self.params:
                self.params[key] -= lr * grads["d" + key]
        return self


# Used from a training script that reads the data set, e.g.
#   net = DeepNet([(X_train.shape[0], "relu"), (20, "relu"), (7, "relu"), (1, "sigmoid")])
#   net.fit(X_train, Y_train)
