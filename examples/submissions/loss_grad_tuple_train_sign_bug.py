"""Homework 2: a one-hidden-layer ReLU classifier for 28x28 digits.

loss_and_gradients() does one forward and one backward pass on a mini-batch; train() (run
from the command line) draws the weights and runs mini-batch gradient descent. The
course's helper module loads the data and checks the gradients before training.
"""

import argparse

import numpy as np

import hw_helpers

N_PIXELS = 784
N_DIGITS = 10


def rectify(v):
    return np.maximum(v, 0.0)


def class_probabilities(scores):
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def loss_and_gradients(images, onehot, w1, b1, w2, b2, forward_only=False):
    """Mean cross-entropy of the batch and its gradients, returned as (loss, dw2, db2, dw1, db1)."""
    m = images.shape[0]
    pre = images @ w1 + b1
    hid = rectify(pre)
    probs = class_probabilities(hid @ w2 + b2)
    loss = -np.sum(onehot * np.log(probs)) / m
    if forward_only:
        return loss, probs

    err = (probs - onehot) / m
    dw2 = hid.T @ err
    db2 = err.sum(axis=0)
    back = (err @ w2.T) * np.sign(pre)
    dw1 = images.T @ back
    db1 = back.sum(axis=0)
    return loss, dw2.copy(), db2, dw1, db1.reshape(-1)


def train(train_images, train_onehot, opts):
    w1 = np.random.randn(N_PIXELS, opts.hidden) * np.sqrt(2.0 / N_PIXELS)
    b1 = np.zeros(opts.hidden)
    w2 = np.random.randn(opts.hidden, N_DIGITS) * np.sqrt(2.0 / opts.hidden)
    b2 = np.zeros(N_DIGITS)
    for epoch in range(opts.epochs):
        order = np.random.permutation(len(train_images))
        for start in range(0, len(order), opts.batch):
            rows = order[start : start + opts.batch]
            loss, dw2, db2, dw1, db1 = loss_and_gradients(train_images[rows], train_onehot[rows], w1, b1, w2, b2)
            w1 -= opts.lr * dw1
            b1 -= opts.lr * db1
            w2 -= opts.lr * dw2
            b2 -= opts.lr * db2
        print(epoch, loss)
    return w1, b1, w2, b2


def main(opts):
    images, onehot = hw_helpers.load_digits("train")
    hw_helpers.check_gradients(loss_and_gradients)
    train(images, onehot, opts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="digits MLP")
    parser.add_argument("--hidden", default=64, type=int)
    parser.add_argument("--lr", default=0.05, type=float)
    parser.add_argument("--batch", default=32, type=int)
    parser.add_argument("--epochs", default=5, type=int)
    main(parser.parse_args())
