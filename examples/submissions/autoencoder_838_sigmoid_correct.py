"""Correct: 8-3-8 autoencoder on one-hot vectors, sigmoid hidden and output, MSE over all 8 outputs, in-place updates."""
import numpy as np


class Autoencoder:
    def __init__(self, n_input=8, n_hidden=3, learning_rate=0.5):
        self.lr = learning_rate
        # weights around 0 (starting at 0.5-0.9 saturated everything)
        self.W1 = np.random.uniform(-0.5, 0.5, (n_input, n_hidden))
        self.b1 = np.random.uniform(-0.5, 0.5, (1, n_hidden))
        self.W2 = np.random.uniform(-0.5, 0.5, (n_hidden, n_input))
        self.b2 = np.random.uniform(-0.5, 0.5, (1, n_input))

    def sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def forward(self, X):
        self.hidden_in = np.dot(X, self.W1) + self.b1
        self.hidden_out = self.sigmoid(self.hidden_in)
        self.final_in = np.dot(self.hidden_out, self.W2) + self.b2
        self.final_out = self.sigmoid(self.final_in)
        return self.final_out

    def mse(self, Y):
        return np.mean((Y - self.final_out) ** 2)

    def backward(self, X, Y, lr=None):
        if lr is None:
            lr = self.lr
        # MSE is averaged over all samples AND all 8 outputs
        d_out = 2 * (self.final_out - Y) / Y.size
        delta_out = d_out * self.final_out * (1 - self.final_out)
        delta_hidden = np.dot(delta_out, self.W2.T) * self.hidden_out * (1 - self.hidden_out)

        grad_W2 = np.dot(self.hidden_out.T, delta_out)
        grad_b2 = np.sum(delta_out, axis=0, keepdims=True)
        grad_W1 = np.dot(X.T, delta_hidden)
        grad_b1 = np.sum(delta_hidden, axis=0, keepdims=True)

        self.W2 -= lr * grad_W2
        self.b2 -= lr * grad_b2
        self.W1 -= lr * grad_W1
        self.b1 -= lr * grad_b1


# the identity mapping on one-hot vectors
X = np.eye(8)
Y = X.copy()

ae = Autoencoder(8, 3, learning_rate=0.5)
mse_history = []
for iteration in range(10000):
    ae.forward(X)
    error = ae.mse(Y)
    mse_history.append(error)
    if error < 0.05:
        print("converged after", iteration, "iterations")
        break
    ae.backward(X, Y)

print(np.round(ae.forward(X), 2))

import matplotlib.pyplot as plt
plt.plot(mse_history)
plt.xlabel("iteration")
plt.ylabel("MSE")
plt.show()
