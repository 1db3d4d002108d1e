# Three hidden ReLU layers whose weights live in module-level lists, made by comprehensions
import numpy as np

np.random.seed(4)
sizes = [4, 10, 8, 6, 1]
weights = [np.random.randn(a, b) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:])]
biases = [np.zeros((1, b)) for b in sizes[1:]]


def forward(X):
    acts, zs = [X], []
    a = X
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = a @ W + b
        zs.append(z)
        a = 1 / (1 + np.exp(-z)) if i == len(weights) - 1 else np.maximum(z, 0)
        acts.append(a)
    return acts, zs


def cost(X, y):
    p = forward(X)[0][-1]
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def backward(X, y):
    acts, zs = forward(X)
    delta = (acts[-1] - y) / X.shape[0]
    grads_W, grads_b = [], []
    for i in reversed(range(len(weights))):
        grads_W.insert(0, acts[i].T @ delta)
        grads_b.insert(0, delta.sum(axis=0, keepdims=True))
        if i > 0:
            delta = (delta @ weights[i].T) * (zs[i - 1] > 0)
    return grads_W, grads_b


X = np.random.randn(50, 4)
y = (X[:, :1] - X[:, 1:2] > 0).astype(float)
for step in range(200):
    gW, gb = backward(X, y)
    for i in range(len(weights)):
        weights[i] -= 0.1 * gW[i]
        biases[i] -= 0.1 * gb[i]
print(cost(X, y))
