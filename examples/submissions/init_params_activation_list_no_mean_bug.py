"""As init_params_activation_list_correct.py, the output delta not divided by the batch size.

A model made empty, then sized by a separate init_params(dims, activations) call at top level.

Model() holds nothing; init_params([784, 128, 10], [relu, softmax]) makes a parameters dict
and keeps the activation functions, one per layer. forward(X) caches each layer's input
and pre-activation; backward(Y) starts from the softmax + cross-entropy delta and returns
a dict of gradients (dW1, db1, ...); the script's loop applies them.
"""

import numpy as np


def relu(z, derivative=False):
    return (z > 0).astype(float) if derivative else np.maximum(z, 0)


def softmax(z, derivative=False):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Model:
    def __init__(self):
        self.params = {}
        self.activations = []
        self.cache = {}

    def init_params(self, dims, activations):
        self.activations = list(activations)
        for i in range(1, len(dims)):
            self.params[f"W{i}"] = np.random.randn(dims[i - 1], dims[i]) * np.sqrt(2 / dims[i - 1])
            self.params[f"b{i}"] = np.zeros((1, dims[i]))

    def forward(self, X):
        a = X
        for i, f in enumerate(self.activations, start=1):
            self.cache[f"A{i - 1}"] = a
            z = a @ self.params[f"W{i}"] + self.params[f"b{i}"]
            self.cache[f"Z{i}"] = z
            a = f(z)
        return a

    def loss(self, probs, Y):
        return -np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1))

    def backward(self, probs, Y):
        grads = {}
        n = len(self.activations)
        delta = probs - Y
        for i in range(n, 0, -1):
            grads[f"dW{i}"] = self.cache[f"A{i - 1}"].T @ delta
            grads[f"db{i}"] = delta.sum(axis=0, keepdims=True)
            if i > 1:
                delta = (delta @ self.params[f"W{i}"].T) * self.activations[i - 2](self.cache[f"Z{i - 1}"], True)
        return grads


rng = np.random.default_rng(0)
images = rng.random((200, 784))
digits = rng.integers(0, 10, 200)
onehot = np.eye(10)[digits]

model = Model()
model.init_params([784, 128, 10], [relu, softmax])
for epoch in range(20):
    probs = model.forward(images)
    grads = model.backward(probs, onehot)
    for key in model.params:
        model.params[key] -= 0.1 * grads["d" + key]
