"""Digit classifier from a layer plan: (units, activation) pairs, the first pair the input.

One function serves every loss and its derivative, chosen by name; so does the activation.
Trained with plain mini-batch gradient descent, the update done inside _backprop.
"""

import numpy as np
import digits_data  # the course's loader (not part of this submission)


class Perceptron:
    def __init__(self, plan, spread=1.0):
        self.plan = plan
        self.depth = len(plan)
        self.W = [None]  # layer 0 is the input: no weights
        self.b = [None]
        for i in range(1, self.depth):
            fan_in, fan_out = plan[i - 1][0], plan[i][0]
            self.W.append(np.random.uniform(-spread, spread, (fan_in, fan_out)))
            self.b.append(np.random.uniform(-spread / 2, spread / 2, (1, fan_out)))

    def _loss(self, kind, target, guess, slope):
        n = guess.shape[0]
        if kind == "logistic":
            if slope:
                return (guess - target) / (guess * (1 - guess)) / n
            return -np.sum(target * np.log(guess) + (1 - target) * np.log(1 - guess)) / n
        if kind == "squared":
            if slope:
                return (guess - target) / n
            return np.sum((guess - target) ** 2) / (2 * n)

    def _act(self, name, z, slope):
        if name == "sigmoid":
            s = 1 / (1 + np.exp(-z))
            return s * (1 - s) if slope else s
        if name == "tanh":
            t = np.tanh(z)
            return 1 - t**2 if slope else t

    def feed(self, X):
        zs, outs = [X], [X]
        a = X
        for i in range(1, self.depth):
            z = a @ self.W[i] + self.b[i]
            a = self._act(self.plan[i][1], z, False)
            zs.append(z)
            outs.append(a)
        return zs, outs

    def _backprop(self, kind, targets, zs, outs, learning_step):
        top = self.depth - 1
        delta = self._loss(kind, targets, outs[top], True)
        grads = {}
        for i in range(top, 0, -1):
            grads[i] = (outs[i - 1].T @ delta, delta.sum(axis=0, keepdims=True))
            if i > 1:
                delta = (delta @ self.W[i].T) * self._act(self.plan[i - 1][1], zs[i - 1], True)
        for i, (gw, gb) in grads.items():
            self.W[i] -= learning_step * gw
            self.b[i] -= learning_step * gb

    def train(self, X, Y, kind, learning_step, epochs, batch):
        for _ in range(epochs):
            order = np.random.permutation(len(X))
            for start in range(0, len(X), batch):
                part = order[start : start + batch]
                zs, outs = self.feed(X[part])
                self._backprop(kind, Y[part], zs, outs, learning_step)
            print(self._loss(kind, Y, self.feed(X)[1][-1], False))


def main():
    X, Y = digits_data.load()
    net = Perceptron([(64, "input"), (20, "tanh"), (10, "sigmoid")], spread=0.1)
    net.train(X, Y, "squared", 0.5, 30, 32)


if __name__ == "__main__":
    main()
