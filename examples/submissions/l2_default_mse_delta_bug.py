import numpy as np


class Net:
    def __init__(self, layer_sizes, learning_rate=0.05, regularization=0.001):
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.weights = [np.random.randn(n_out, n_in) * np.sqrt(1.0 / n_in)
                        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.biases = [np.zeros((n_out, 1)) for n_out in layer_sizes[1:]]

    def forward(self, X):
        self.acts = [X]
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            self.acts.append(np.tanh(self.acts[-1] @ W.T + b.T))
        z = self.acts[-1] @ self.weights[-1].T + self.biases[-1].T
        self.acts.append(1 / (1 + np.exp(-z)))
        return self.acts[-1]

    def loss(self, X, y):
        pred = self.forward(X)
        penalty = self.regularization / 2 * sum(np.sum(W ** 2) for W in self.weights)
        return np.mean((pred - y) ** 2) + penalty

    def backward(self, X, y):
        m = X.shape[0]
        delta = (self.acts[-1] - y) / m
        dW = [delta.T @ self.acts[-2] + self.regularization * self.weights[-1]]
        db = [np.sum(delta, axis=0, keepdims=True).T]
        for l in range(len(self.weights) - 2, -1, -1):
            delta = (delta @ self.weights[l + 1]) * (1 - self.acts[l + 1] ** 2)
            dW.insert(0, delta.T @ self.acts[l] + self.regularization * self.weights[l])
            db.insert(0, np.sum(delta, axis=0, keepdims=True).T)
        return dW, db

    def step(self, dW, db):
        for i in range(len(self.weights)):
            self.weights[i] -= self.learning_rate * dW[i]
            self.biases[i] -= self.learning_rate * db[i]


if __name__ == "__main__":
    X = np.random.rand(200, 2)
    y = (X[:, :1] + X[:, 1:] > 1).astype(float)
    net = Net([2, 8, 1])
    for epoch in range(2000):
        net.forward(X)
        net.step(*net.backward(X, y))
        if epoch % 200 == 0:
            print(epoch, net.loss(X, y))
