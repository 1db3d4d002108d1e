import numpy as np
from sklearn.datasets import make_moons

# two moons, a tanh hidden layer, one sigmoid output
X, y = make_moons(n_samples=120, noise=0.15, random_state=3)
y = y.reshape(-1, 1)
rng = np.random.default_rng(3)

W1 = rng.normal(0, 0.8, size=(2, 10))
b1 = np.zeros((1, 10))
W2 = rng.normal(0, 0.5, size=(10, 1))
b2 = np.zeros((1, 1))
learning_rate = 0.3

for epoch in range(1000):
    z1 = X @ W1 + b1
    h = np.tanh(z1)
    p = 1 / (1 + np.exp(-(h @ W2 + b2)))
    cost = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    err = (p - y) / X.shape[0]
    dW2 = h.T @ err
    db2 = np.sum(err, axis=0, keepdims=True)
    dh = (err @ W2.T) * (1 - z1**2)
    dW1 = X.T @ dh
    db1 = np.sum(dh, axis=0, keepdims=True)

    W1 -= learning_rate * dW1
    b1 -= learning_rate * db1
    W2 -= learning_rate * dW2
    b2 -= learning_rate * db2
    if epoch % 200 == 0:
        print(epoch, cost)
