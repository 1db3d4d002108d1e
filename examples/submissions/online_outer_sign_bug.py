import numpy as np


class OnlineRegressor:
    """One tanh hidden layer, a linear output, trained one sample at a time on E = 0.5 * sum((y - t)**2)."""

    def __init__(self, n_inputs, n_hidden, n_outputs, rate=0.05):
        self.rate = rate
        self.W1 = np.random.randn(n_hidden, n_inputs) * 0.5
        self.b1 = np.zeros(n_hidden)
        self.W2 = np.random.randn(n_outputs, n_hidden) * 0.5
        self.b2 = np.zeros(n_outputs)

    def forward(self, x):
        self.h = np.tanh(self.W1 @ x + self.b1)
        return self.W2 @ self.h + self.b2

    def error(self, x, t):
        return 0.5 * np.sum((self.forward(x) - t) ** 2)

    def train(self, x, t):
        y = self.forward(x)
        delta2 = y - t
        delta1 = (self.W2.T @ delta2) * (1 - self.h ** 2)
        self.W2 -= self.rate * np.outer(delta2, self.h)
        self.b2 -= self.rate * delta2
        self.W1 += self.rate * np.outer(delta1, x)
        self.b1 += self.rate * delta1


if __name__ == "__main__":
    xs = np.linspace(-1, 1, 40)
    samples = [(np.array([a, a * a]), np.array([np.sin(3 * a)])) for a in xs]
    net = OnlineRegressor(2, 8, 1)
    for epoch in range(200):
        for x, t in samples:
            net.train(x, t)
    print(sum(net.error(x, t) for x, t in samples))
