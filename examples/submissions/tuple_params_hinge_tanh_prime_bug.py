"""Three-layer binary classifier; parameters are a list of (W, b) pairs, labels are -1 or +1.

The loss is the squared hinge, mean over samples of max(0, 1 - y * f(x)) ** 2.
"""
import numpy as np


HIDDEN = [16, 8]


def init_params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        b = np.zeros((1, n_out))
        params.append((W, b))
    return params


def forward(params, X):
    (W1, b1), (W2, b2), (W3, b3) = params
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2 + b2
    h2 = np.tanh(z2)
    f = h2 @ W3 + b3
    return f, (z1, h1, z2, h2)


def loss(params, X, y):
    f, _ = forward(params, X)
    return np.mean(np.maximum(0.0, 1.0 - y * f) ** 2)


def backprop(params, X, y):
    (W1, b1), (W2, b2), (W3, b3) = params
    f, (z1, h1, z2, h2) = forward(params, X)
    n = X.shape[0]
    margin = np.maximum(0.0, 1.0 - y * f)
    df = -2.0 * margin * y / n
    dW3 = h2.T @ df
    db3 = df.sum(axis=0, keepdims=True)
    dh2 = df @ W3.T
    dz2 = dh2 * (1 - h2)
    dW2 = h1.T @ dz2
    db2 = dz2.sum(axis=0, keepdims=True)
    dh1 = dz2 @ W2.T
    dz1 = dh1 * (z1 > 0)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0, keepdims=True)
    return dW1, db1, dW2, db2, dW3, db3


def train(params, X, y, lr=0.05, epochs=300):
    for epoch in range(epochs):
        grads = backprop(params, X, y)
        params = [(W - lr * grads[2 * i], b - lr * grads[2 * i + 1]) for i, (W, b) in enumerate(params)]
        if epoch % 100 == 0:
            print(epoch, loss(params, X, y))
    return params


def load_data(path):
    data = np.loadtxt(path, delimiter=",")
    return data[:, :-1], data[:, -1:]


if __name__ == "__main__":
    X, y = load_data("moons.csv")
    params = init_params([X.shape[1]] + HIDDEN + [1])
    params = train(params, X, y)
    f, _ = forward(params, X)
    print("accuracy", np.mean(np.sign(f) == y))
