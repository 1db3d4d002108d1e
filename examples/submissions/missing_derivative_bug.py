"""Bug: 3-6-4-1 net, two tanh hidden layers, sigmoid output, BCE; tanh' is missing in the second hidden layer (expected: missing_activation_derivative)."""
import numpy as np


class DeepNet:
    def __init__(self, n_in=3, h1=6, h2=4, n_out=1):
        self.params = {
            "W1": np.random.randn(n_in, h1) * np.sqrt(1.0 / n_in),
            "b1": np.zeros((1, h1)),
            "W2": np.random.randn(h1, h2) * np.sqrt(1.0 / h1),
            "b2": np.zeros((1, h2)),
            "W3": np.random.randn(h2, n_out) * np.sqrt(1.0 / h2),
            "b3": np.zeros((1, n_out)),
        }
        self.grads = {}

    def forward(self, X):
        p = self.params
        self.X = X
        self.A1 = np.tanh(X @ p["W1"] + p["b1"])
        self.A2 = np.tanh(self.A1 @ p["W2"] + p["b2"])
        self.out = 1 / (1 + np.exp(-(self.A2 @ p["W3"] + p["b3"])))
        return self.out

    def cost(self, Y):
        out = np.clip(self.out, 1e-10, 1 - 1e-10)
        return -np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out))

    def backward(self, Y):
        p = self.params
        m = Y.shape[0]
        d3 = (self.out - Y) / m
        self.grads["W3"] = self.A2.T @ d3
        self.grads["b3"] = d3.sum(axis=0, keepdims=True)
        # back into the 2nd hidden layer
        d2 = d3 @ p["W3"].T
        self.grads["W2"] = self.A1.T @ d2
        self.grads["b2"] = d2.sum(axis=0, keepdims=True)
        # back into the 1st hidden layer
        d1 = (d2 @ p["W2"].T) * (1 - self.A1 ** 2)
        self.grads["W1"] = self.X.T @ d1
        self.grads["b1"] = d1.sum(axis=0, keepdims=True)
        return self.grads

    def update(self, lr=0.1):
        for k in self.params:
            self.params[k] -= lr * self.grads[k]


if __name__ == "__main__":
    np.random.seed(5)
    X = np.random.randn(300, 3)
    Y = (X[:, [0]] + X[:, [1]] * X[:, [2]] > 0).astype(float)
    net = DeepNet()
    for epoch in range(10000):
        net.forward(X)
        net.backward(Y)
        net.update(lr=0.3)
        if epoch % 1000 == 0:
            print("epoch", epoch, "cost", round(net.cost(Y), 5))
