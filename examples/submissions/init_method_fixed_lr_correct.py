import numpy as np
import pandas as pd


class GlassNet:
    def init(self, X, Y, epochs):
        np.random.seed(1)
        self.X = X
        self.Y = Y
        self.w_hidden = np.random.randn(9, 12) * 0.3
        self.w_output = np.random.randn(12, 6) * 0.3
        self.epochs = epochs
        self.costs = []

    def sigmoid(self, z):
        return 1 / (1 + np.exp(-z))

    def softmax(self, a):
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def feed_forward(self):
        self.hidden = self.sigmoid(self.X @ self.w_hidden)
        self.probs = self.softmax(self.hidden @ self.w_output)
        return self.probs

    def train(self):
        n = self.X.shape[0]
        for i in range(self.epochs):
            probs = self.feed_forward()
            cost = -np.sum(self.Y * np.log(probs)) / n
            delta_out = (probs - self.Y) / n
            d_output = self.hidden.T @ delta_out
            d_hidden = self.X.T @ ((delta_out @ self.w_output.T) * self.hidden * (1 - self.hidden))
            self.w_output = self.w_output - 0.05 * d_output
            self.w_hidden -= 0.05 * d_hidden
            self.costs.append(cost)


data = pd.read_csv("glass.csv").to_numpy()
X = (data[:, :9] - data[:, :9].mean(axis=0)) / data[:, :9].std(axis=0)
Y = np.eye(6)[data[:, 9].astype(int) - 1]
net = GlassNet()
net.init(X, Y, 3000)
net.train()
print("accuracy", np.mean(np.argmax(net.feed_forward(), axis=1) == np.argmax(Y, axis=1)))
