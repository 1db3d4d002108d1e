"""Lab 5: a one-hidden-layer classifier (sigmoid hidden units, sigmoid output, cross-entropy)."""
import numpy as np


class Classifier:
    def __init__(self, n_features, n_hidden, n_outputs):
        self.W1 = np.random.randn(n_features, n_hidden) * 0.4
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_hidden, n_outputs) * 0.4
        self.b2 = np.zeros(n_outputs)

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_grad(self, x):
        return self.sigmoid(x) * (1 - self.sigmoid(x))

    def forward(self, X):
        self.H = self.sigmoid(X @ self.W1 + self.b1)
        self.P = self.sigmoid(self.H @ self.W2 + self.b2)
        return self.P

    def cross_entropy(self, P, T):
        return -np.mean(T * np.log(P) + (1 - T) * np.log(1 - P))

    def gradients(self, X, T):
        dS = (self.P - T) / T.size
        dW2 = self.H.T @ dS
        db2 = dS.sum(axis=0)
        dH = (dS @ self.W2.T) * self.sigmoid_grad(self.H)
        dW1 = X.T @ dH
        db1 = dH
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
