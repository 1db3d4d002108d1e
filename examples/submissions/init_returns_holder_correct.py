"""Functions over a model object: build_model() makes a SimpleNamespace holding the weights, predict_proba() caches
its activations on it, gradients() returns a tuple, step() applies it. ReLU hidden layer, softmax output, integer
labels, mean cross-entropy."""

from types import SimpleNamespace

import numpy as np


def build_model(n_features, n_hidden, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    net = SimpleNamespace()
    net.W1 = rng.normal(0, np.sqrt(2 / n_features), (n_features, n_hidden))
    net.b1 = np.zeros(n_hidden)
    net.W2 = rng.normal(0, np.sqrt(1 / n_hidden), (n_hidden, n_classes))
    net.b2 = np.zeros(n_classes)
    return net


def predict_proba(net, X):
    net.h = np.maximum(0, X @ net.W1 + net.b1)
    s = net.h @ net.W2 + net.b2
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    net.p = e / e.sum(axis=1, keepdims=True)
    return net.p


def nll(p, labels):
    return -np.log(p[np.arange(len(labels)), labels]).mean()


def gradients(net, X, labels):
    n = len(labels)
    ds = net.p.copy()
    ds[np.arange(n), labels] -= 1
    ds /= n
    gW2 = net.h.T @ ds
    gb2 = ds.sum(axis=0)
    dh = (ds @ net.W2.T) * (net.h > 0)
    gW1 = X.T @ dh
    gb1 = dh.sum(axis=0)
    return gW1, gb1, gW2, gb2


def step(net, grads, lr=0.1):
    for name, g in zip(("W1", "b1", "W2", "b2"), grads):
        setattr(net, name, getattr(net, name) - lr * g)


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 4))
    labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
    model = build_model(4, 16, 3)
    for it in range(300):
        p = predict_proba(model, X)
        step(model, gradients(model, X, labels))
    print(nll(predict_proba(model, X), labels))
