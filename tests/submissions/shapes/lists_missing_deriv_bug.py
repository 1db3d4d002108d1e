import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def init_network(sizes):
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in))
        biases.append(np.zeros((1, n_out)))
    return weights, biases


def forward(weights, biases, X):
    a = X
    for W, b in zip(weights, biases):
        a = sigmoid(a @ W + b)
    return a


def mse_loss(weights, biases, X, Y):
    return np.mean((forward(weights, biases, X) - Y) ** 2)


def backward(weights, biases, X, Y):
    activations = [X]
    a = X
    for W, b in zip(weights, biases):
        a = sigmoid(a @ W + b)
        activations.append(a)
    delta = 2 * (activations[-1] - Y) / Y.size * activations[-1] * (1 - activations[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, activations[l].T @ delta)
        dbs.insert(0, delta.sum(axis=0, keepdims=True))
        if l > 0:
            delta = delta @ weights[l].T
    return dWs, dbs


if __name__ == "__main__":
    X = np.random.rand(50, 3)
    Y = X.mean(axis=1, keepdims=True)
    weights, biases = init_network([3, 8, 1])
    for it in range(2000):
        dWs, dbs = backward(weights, biases, X, Y)
        for i in range(len(weights)):
            weights[i] -= 1.0 * dWs[i]
            biases[i] -= 1.0 * dbs[i]
        if it % 200 == 0:
            print(mse_loss(weights, biases, X, Y))
