import numpy as np


def relu(x):
    return np.maximum(x, 0)


def init_network(layer_sizes, seed=42):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0, np.sqrt(2 / a), size=(b, a)) for a, b in zip(layer_sizes, layer_sizes[1:])]
    bs = [np.zeros(b) for b in layer_sizes[1:]]
    return Ws, bs


def forward(Ws, bs, X):
    hs, zs = [X], []
    h = X
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = h @ W.T + b
        zs.append(z)
        h = relu(z) if i < len(Ws) - 1 else z
        hs.append(h)
    return h, hs, zs


def loss(Ws, bs, X, Y):
    out, _, _ = forward(Ws, bs, X)
    return 0.5 * np.mean(np.sum((out - Y) ** 2, axis=1))


def backward(Ws, bs, X, Y):
    out, hs, zs = forward(Ws, bs, X)
    g = out - Y
    gWs, gbs = [None] * len(Ws), [None] * len(bs)
    for i in reversed(range(len(Ws))):
        gWs[i] = g.T @ hs[i]
        gbs[i] = g.sum(axis=0)
        if i:
            g = (g @ Ws[i]) * (zs[i - 1] > 0)
    return gWs, gbs
