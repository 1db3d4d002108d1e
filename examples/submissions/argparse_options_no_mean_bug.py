"""Moons classifier: settings from the command line (argparse), a tanh hidden layer, sigmoid output, mean BCE."""

import argparse

import numpy as np


def init_model(data, args):
    n_in = data.shape[1]
    rng = np.random.default_rng(args.seed)
    return {
        "W1": rng.normal(size=(n_in, args.hidden)) * args.scale,
        "b1": np.zeros(args.hidden),
        "W2": rng.normal(size=(args.hidden, 1)) * args.scale,
        "b2": np.zeros(1),
    }


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(model, X):
    h = np.tanh(X @ model["W1"] + model["b1"])
    return h, sigmoid(h @ model["W2"] + model["b2"])


def loss(model, X, y):
    _, p = forward(model, X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def gradients(model, X, y):
    h, p = forward(model, X)
    d2 = p - y
    d1 = (d2 @ model["W2"].T) * (1 - h**2)
    return {"W1": X.T @ d1, "b1": d1.sum(0), "W2": h.T @ d2, "b2": d2.sum(0)}


def train(model, X, y, args):
    for epoch in range(args.epochs):
        g = gradients(model, X, y)
        for k in model:
            model[k] -= args.lr * g[k]
        if epoch % 100 == 0:
            print(epoch, loss(model, X, y))
    return model


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default="moons.csv")
    args = parser.parse_args()
    table = np.loadtxt(args.data, delimiter=",")
    X, y = table[:, :2], table[:, 2:]
    model = init_model(X, args)
    train(model, X, y, args)
