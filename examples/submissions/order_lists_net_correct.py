"""A fully connected regressor whose hidden activations are fixed by ORDER.

make_net returns the weight and bias lists; net_grad returns their gradients as two lists.
Loss: mean over samples of the summed squared error, halved.
"""
import argparse

import numpy as np

ORDER = ["softplus", "leaky", "tanh"]
SLOPE = 0.05


def activate(kind, z):
    if kind == "softplus":
        return np.logaddexp(0.0, z)
    if kind == "leaky":
        return np.where(z > 0, z, SLOPE * z)
    return np.tanh(z)


def activate_grad(kind, z):
    if kind == "softplus":
        return 1.0 / (1.0 + np.exp(-z))
    if kind == "leaky":
        return np.where(z > 0, 1.0, SLOPE)
    return 1.0 - np.tanh(z) ** 2


def make_net(sizes, seed):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0, 1 / np.sqrt(a), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(b) for b in sizes[1:]]
    return Ws, bs


def net_forward(Ws, bs, X):
    zs, hs = [], [X]
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = hs[-1] @ W + b
        zs.append(z)
        hs.append(activate(ORDER[i], z) if i < len(ORDER) else z)
    return zs, hs


def net_loss(Ws, bs, X, Y):
    _, hs = net_forward(Ws, bs, X)
    return 0.5 * np.sum((hs[-1] - Y) ** 2) / X.shape[0]


def net_grad(Ws, bs, X, Y):
    zs, hs = net_forward(Ws, bs, X)
    gW = [None] * len(Ws)
    gb = [None] * len(bs)
    d = (hs[-1] - Y) / X.shape[0]
    for i in reversed(range(len(Ws))):
        if i < len(ORDER):
            d = d * activate_grad(ORDER[i], zs[i])
        gW[i] = hs[i].T @ d
        gb[i] = d.sum(axis=0)
        d = d @ Ws[i].T
    return gW, gb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", type=int, default=12)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    X = rng.uniform(-2, 2, (256, 3))
    Y = np.stack([np.sin(X[:, 0]) * X[:, 1], np.cos(X[:, 2])], axis=1)
    h = args.hidden
    Ws, bs = make_net([3, h, h, h, 2], args.seed)
    for step in range(args.steps):
        gW, gb = net_grad(Ws, bs, X, Y)
        for i in range(len(Ws)):
            Ws[i] -= args.lr * gW[i]
            bs[i] -= args.lr * gb[i]
        if step % 100 == 0:
            print(step, net_loss(Ws, bs, X, Y))


if __name__ == "__main__":
    main()
