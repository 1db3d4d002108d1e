"""An L-layer classifier that turns its batch into columns itself; the biases' gradients are not divided by the
batch size."""

import numpy as np


class DeepClassifier:
    def __init__(self, layer_sizes, learning_rate=0.05, epochs=300):
        self.layer_sizes = layer_sizes
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.params = {}
        self.cache = {}

    def init_params(self):
        np.random.seed(3)
        for l in range(1, len(self.layer_sizes)):
            fan_in = self.layer_sizes[l - 1]
            self.params["W" + str(l)] = np.random.randn(self.layer_sizes[l], fan_in) * np.sqrt(2.0 / fan_in)
            self.params["b" + str(l)] = np.zeros((self.layer_sizes[l], 1))

    def forward(self, X):
        A = X.T
        self.cache["A0"] = A
        L = len(self.layer_sizes) - 1
        for l in range(1, L + 1):
            Z = self.params["W" + str(l)] @ A + self.params["b" + str(l)]
            A = 1.0 / (1.0 + np.exp(-Z)) if l == L else np.tanh(Z)
            self.cache["Z" + str(l)] = Z
            self.cache["A" + str(l)] = A
        return A

    def compute_loss(self, y_pred, y_true):
        m = y_true.shape[1]
        y_pred = np.clip(y_pred, 1e-12, 1 - 1e-12)
        return float(-np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / m)

    def backward(self, X, y):
        m = X.shape[0]
        L = len(self.layer_sizes) - 1
        grads = {}
        dZ = self.cache["A" + str(L)] - y.T
        for l in range(L, 0, -1):
            grads["dW" + str(l)] = dZ @ self.cache["A" + str(l - 1)].T / m
            grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True)
            if l > 1:
                dZ = (self.params["W" + str(l)].T @ dZ) * (1 - self.cache["A" + str(l - 1)] ** 2)
        return grads

    def update(self, grads):
        for l in range(1, len(self.layer_sizes)):
            self.params["W" + str(l)] -= self.learning_rate * grads["dW" + str(l)]
            self.params["b" + str(l)] -= self.learning_rate * grads["db" + str(l)]

    def fit(self, X, y):
        y = y.reshape(-1, 1)
        self.init_params()
        history = []
        for _ in range(self.epochs):
            y_pred = self.forward(X)
            history.append(self.compute_loss(y_pred, y.T))
            self.update(self.backward(X, y))
        return history


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    clf = DeepClassifier([4, 8, 6, 1])
    print(clf.fit(X, y)[-1])
