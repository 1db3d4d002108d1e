"""Correct: n_features, n_hidden, n_classes module globals, model = init_model(...), forward_pass(model, X) -> (a1, logits), probs = softmax(logits) in the loop, backprop(model, X, labels, a1, probs)."""
import numpy as np

n_features, n_hidden, n_classes = 3, 10, 4
X = np.random.randn(50, n_features)
labels = np.random.randint(0, n_classes, 50)


def init_model(n_features, n_hidden, n_classes):
    return {"W1": np.random.randn(n_features, n_hidden) * 0.2, "b1": np.zeros((1, n_hidden)),
            "W2": np.random.randn(n_hidden, n_classes) * 0.2, "b2": np.zeros((1, n_classes))}


model = init_model(n_features, n_hidden, n_classes)


def forward_pass(model, X):
    a1 = 1 / (1 + np.exp(-(X @ model["W1"] + model["b1"])))
    logits = a1 @ model["W2"] + model["b2"]
    return a1, logits


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(probs, labels):
    return float(-np.log(probs[range(len(labels)), labels]).mean())


def backprop(model, X, labels, a1, probs):
    d = probs.copy()
    d[range(len(labels)), labels] -= 1
    d /= len(labels)
    g = {"W2": a1.T @ d, "b2": d.sum(0, keepdims=True)}
    da1 = d @ model["W2"].T * a1 * (1 - a1)
    g["W1"] = X.T @ da1
    g["b1"] = da1.sum(0, keepdims=True)
    return g


for epoch in range(100):
    a1, logits = forward_pass(model, X)
    probs = softmax(logits)
    loss = cross_entropy(probs, labels)
    g = backprop(model, X, labels, a1, probs)
