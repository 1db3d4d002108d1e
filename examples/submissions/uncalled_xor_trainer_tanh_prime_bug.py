"""XOR with one tanh hidden layer and a sigmoid output, trained by hand.

Everything lives in fit_xor(): the four points, the weights and the loop. The web demo
imports fit_xor() and predict() from here; this file never calls them itself.
"""

import numpy as np


def logistic(v):
    return 1.0 / (1.0 + np.exp(-v))


def tanh_slope(pre):
    return 1.0 - np.tanh(pre) ** 2


def fit_xor(width=5, step=0.5, rounds=3000, seed=1):
    points = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    truth = np.array([[0.0], [1.0], [1.0], [0.0]])
    n = points.shape[0]
    gen = np.random.default_rng(seed)
    W1 = gen.normal(0.0, 1.0, (2, width))
    b1 = np.zeros((1, width))
    W2 = gen.normal(0.0, 1.0, (width, 1))
    b2 = np.zeros((1, 1))
    history = []
    for _ in range(rounds):
        pre1 = points @ W1 + b1
        act1 = np.tanh(pre1)
        prob = logistic(act1 @ W2 + b2)
        cost = -np.mean(truth * np.log(prob + 1e-9) + (1 - truth) * np.log(1 - prob + 1e-9))
        history.append(cost)
        g_out = (prob - truth) / n
        gW2 = act1.T @ g_out
        gb2 = g_out.sum(axis=0, keepdims=True)
        g_hid = (g_out @ W2.T) * tanh_slope(act1)
        gW1 = points.T @ g_hid
        gb1 = g_hid.sum(axis=0, keepdims=True)
        W1 -= step * gW1
        b1 -= step * gb1
        W2 -= step * gW2
        b2 -= step * gb2
    model = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return model, history


def predict(model, pts):
    hidden = np.tanh(pts @ model["W1"] + model["b1"])
    return (logistic(hidden @ model["W2"] + model["b2"]) > 0.5).astype(int)
