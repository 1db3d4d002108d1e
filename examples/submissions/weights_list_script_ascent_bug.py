"""Bug: top-level training script over lists weights[i] / biases[i] (tanh hidden, sigmoid output, BCE);
the deltas are descent-signed (a2 - y) but the updates add them: every step climbs the loss."""
import numpy as np

rng = np.random.default_rng(5)
X = rng.uniform(-1, 1, size=(100, 4))
y = (np.sin(X[:, :1] * 3) > X[:, 1:2]).astype(float)

weights = [rng.normal(0, 0.5, size=(4, 6)), rng.normal(0, 0.5, size=(6, 1))]
biases = [np.zeros(6), np.zeros(1)]
lr = 0.05


def loss(y_true, y_pred):
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


for epoch in range(2000):
    z1 = X.dot(weights[0]) + biases[0]
    a1 = np.tanh(z1)
    z2 = a1.dot(weights[1]) + biases[1]
    a2 = 1 / (1 + np.exp(-z2))
    if epoch % 200 == 0:
        print(epoch, loss(y, a2))
    d2 = (a2 - y) / len(X)
    d1 = d2.dot(weights[1].T) * (1 - a1**2)
    weights[1] += lr * a1.T.dot(d2)
    biases[1] += lr * d2.sum(axis=0)
    weights[0] += lr * X.T.dot(d1)
    biases[0] += lr * d1.sum(axis=0)
