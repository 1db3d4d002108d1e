"""Fully connected net over lists of layers: ReLU hidden, linear output, MSE; gradients clipped for stability."""
import numpy as np


def init_network(sizes, seed=0):
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0, np.sqrt(2.0 / n_in), (n_in, n_out)))
        biases.append(np.zeros(n_out))
    return weights, biases


def relu(z):
    return np.maximum(0, z)


def forward(weights, biases, X):
    pres = []
    acts = [X]
    a = X
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = a @ W + b
        pres.append(z)
        if i < len(weights) - 1:
            a = relu(z)
        else:
            a = z
        acts.append(a)
    return pres, acts


def mse(yhat, Y):
    return np.mean((yhat - Y) ** 2)


def backward(weights, biases, X, Y):
    pres, acts = forward(weights, biases, X)
    yhat = acts[-1]
    delta = 2 * (yhat - Y) / Y.size
    dWs = [None] * len(weights)
    dbs = [None] * len(biases)
    for i in reversed(range(len(weights))):
        # clip so training stays stable
        dWs[i] = np.clip(acts[i].T @ delta, -1, 1)
        dbs[i] = np.clip(delta.sum(axis=0), -1, 1)
        if i > 0:
            delta = (delta @ weights[i].T) * (pres[i - 1] > 0)
    return dWs, dbs


def train(X, Y, sizes, lr=0.01, epochs=500):
    weights, biases = init_network(sizes)
    for epoch in range(epochs):
        dWs, dbs = backward(weights, biases, X, Y)
        for i in range(len(weights)):
            weights[i] -= lr * dWs[i]
            biases[i] -= lr * dbs[i]
        if epoch % 100 == 0:
            print(epoch, mse(forward(weights, biases, X)[1][-1], Y))
    return weights, biases


if __name__ == "__main__":
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (100, 3))
    Y = np.sin(X.sum(axis=1, keepdims=True))
    train(X, Y, [3, 16, 16, 1])
