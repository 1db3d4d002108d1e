"""A 3-5-1 network (ReLU, then sigmoid) learning a noisy majority vote.

train() runs its own loop for training_iterations rounds and nudges the weights along
the error (target minus output), so the updates add.
"""

import numpy as np


class MajorityNet:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(7)
        self.W1 = rng.uniform(-1, 1, (n_in, n_hidden))
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = rng.uniform(-1, 1, (n_hidden, n_out))
        self.b2 = np.zeros((1, n_out))

    def sigmoid(self, s):
        return 1 / (1 + np.exp(-s))

    def mean_square(self, wanted, got):
        return np.mean((wanted - got) ** 2)

    def forward(self, inputs):
        self.z1 = inputs @ self.W1 + self.b1
        self.h = np.maximum(0, self.z1)
        self.out = self.sigmoid(self.h @ self.W2 + self.b2)
        return self.out

    def train(self, training_inputs, training_outputs, training_iterations, learning_rate=0.1):
        m = training_inputs.shape[0]
        for it in range(training_iterations):
            out = self.forward(training_inputs)
            err = training_outputs - out
            mse = self.mean_square(training_outputs, out)
            d_out = 2 * err * out * (1 - out)
            d_hid = (d_out @ self.W2.T) * (self.z1 > 0)
            self.W2 += learning_rate * self.h.T @ d_out
            self.b2 += learning_rate * d_out.sum(axis=0, keepdims=True)
            self.W1 += learning_rate * training_inputs.T @ d_hid
            self.b1 += learning_rate * d_hid.sum(axis=0, keepdims=True)
            if it % 500 == 0:
                print(it, mse)


if __name__ == "__main__":
    votes = np.random.default_rng(0).integers(0, 2, (40, 3)).astype(float)
    wins = (votes.sum(axis=1, keepdims=True) >= 2).astype(float)
    net = MajorityNet(3, 5, 1)
    net.train(votes, wins, training_iterations=5000, learning_rate=0.5)
