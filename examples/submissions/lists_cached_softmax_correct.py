"""A minimal MLP library: tanh hidden layers, a softmax output, cross-entropy over integer labels.

The weights live in two lists made by init_weights; forward hands back what backward
needs (the pre-activations and the activations of every layer).
"""

import numpy as np

rng = np.random.default_rng(7)


def init_weights(layer_sizes):
    Ws, bs = [], []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        Ws.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out)))
        bs.append(rng.normal(0.0, 0.1, size=(1, fan_out)))
    return Ws, bs


def forward(x, y, Ws, bs):
    a = x
    zs, acts = [], [x]
    for W, b in zip(Ws[:-1], bs[:-1]):
        z = a @ W + b
        a = np.tanh(z)
        zs.append(z)
        acts.append(a)
    scores = a @ Ws[-1] + bs[-1]
    zs.append(scores)
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = shifted / shifted.sum(axis=1, keepdims=True)
    acts.append(probs)
    n = x.shape[0]
    loss = -np.log(np.clip(probs[np.arange(n), y], 1e-12, 1.0)).sum() / n
    return probs, loss, zs, acts


def backward(x, y, Ws, bs, zs, acts):
    n = x.shape[0]
    delta = acts[-1].copy()
    delta[np.arange(n), y] -= 1.0
    delta /= n
    dWs = [None] * len(Ws)
    dbs = [None] * len(bs)
    for i in reversed(range(len(Ws))):
        dWs[i] = acts[i].T @ delta
        dbs[i] = delta.sum(axis=0, keepdims=True)
        if i > 0:
            delta = (delta @ Ws[i].T) * (1.0 - np.tanh(zs[i - 1]) ** 2)
    return dWs, dbs


def sgd(Ws, bs, dWs, dbs, lr):
    for i in range(len(Ws)):
        Ws[i] -= lr * dWs[i]
        bs[i] -= lr * dbs[i]


if __name__ == "__main__":
    X = rng.normal(size=(40, 2))
    labels = (X[:, 0] * X[:, 1] > 0).astype(int)
    Ws, bs = init_weights([2, 6, 5, 2])
    for step in range(300):
        probs, loss, zs, acts = forward(X, labels, Ws, bs)
        dWs, dbs = backward(X, labels, Ws, bs, zs, acts)
        sgd(Ws, bs, dWs, dbs, 0.5)
    print("loss", loss)
