"""As train_inline_epochs_correct.py, but the tanh derivative is written 1 - hidden (the square forgotten). A regressor whose one method train(X, y, epochs, lr) makes its weights, then runs gradient descent with the
gradient written inline in the loop: tanh hidden layer, linear output, mean squared error printed every 50 epochs."""
import numpy as np


class TinyRegressor:
    def __init__(self, width=5):
        self.width = width

    def train(self, X, y, epochs, lr):
        n, d = X.shape
        y = y.reshape(n, -1)
        rs = np.random.RandomState(4)
        self.W_in = rs.randn(d, self.width) * 0.4
        self.b_in = np.zeros((1, self.width))
        self.W_out = rs.randn(self.width, y.shape[1]) * 0.4
        self.b_out = np.zeros((1, y.shape[1]))
        for epoch in range(epochs):
            hidden = np.tanh(X @ self.W_in + self.b_in)
            pred = hidden @ self.W_out + self.b_out
            mse = np.mean((pred - y) ** 2)
            g_pred = 2.0 * (pred - y) / (n * y.shape[1])
            g_W_out = hidden.T @ g_pred
            g_b_out = g_pred.sum(axis=0, keepdims=True)
            g_hidden = (g_pred @ self.W_out.T) * (1.0 - hidden)
            g_W_in = X.T @ g_hidden
            g_b_in = g_hidden.sum(axis=0, keepdims=True)
            self.W_in = self.W_in - lr * g_W_in
            self.b_in = self.b_in - lr * g_b_in
            self.W_out = self.W_out - lr * g_W_out
            self.b_out = self.b_out - lr * g_b_out
            if epoch % 50 == 0:
                print(epoch, mse)
        return mse
