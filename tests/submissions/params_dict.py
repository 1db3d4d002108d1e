"""Student: parameters in self.params, gradients stored in self.grads (not applied)."""
import numpy as np


class Model:
    def __init__(self, input_size, output_size, hidden_size=6):
        self.params = {"W1": np.random.randn(input_size, hidden_size),
                       "b1": np.zeros(hidden_size) + 0.05,
                       "W2": np.random.randn(hidden_size, output_size),
                       "b2": np.zeros(output_size) - 0.05}
        self.grads = {}
        self.cache = {}

    def forward(self, X):
        self.cache["X"] = X
        self.cache["H"] = np.tanh(X @ self.params["W1"] + self.params["b1"])
        self.cache["O"] = self.cache["H"] @ self.params["W2"] + self.params["b2"]
        return self.cache["O"]

    def backward(self, Y):
        X, H, O = self.cache["X"], self.cache["H"], self.cache["O"]
        d = (O - Y) / len(X)
        self.grads["W2"] = H.T @ d
        self.grads["b2"] = d.sum(0)
        dh = d @ self.params["W2"].T * (1 - H ** 2)
        self.grads["W1"] = X.T @ dh
        self.grads["b1"] = dh.sum(0)
