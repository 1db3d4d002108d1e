import numpy as np


class Net:
    def __init__(self, input_size, output_size, hidden_size=3):
        self.W1 = np.random.randn(input_size, hidden_size)
        self.W2 = np.random.randn(hidden_size, output_size)

    def forward(self, X):
        self.h = np.tanh(X @ self.W1)
        return self.h @ self.W2

    def backward(self, X, y):
        n_batches = 0
        scale = 1 / n_batches
        return {"dW1": scale * self.W1, "dW2": scale * self.W2}
