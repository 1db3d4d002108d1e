# regression net, one tanh hidden layer, weights kept as module globals,
# samples are columns of X; weight decay added by the wrapper after backprop
import numpy as np

np.random.seed(4)
decay = 0.05
W1 = np.random.randn(5, 2) * 0.7
b1 = np.zeros((5, 1))
W2 = np.random.randn(1, 5) * 0.7
b2 = np.zeros((1, 1))


def forward(X):
    Z1 = W1 @ X + b1
    H = np.tanh(Z1)
    out = W2 @ H + b2
    return Z1, H, out


def objective(X, Y):
    n = X.shape[1]
    out = forward(X)[2]
    return np.sum((out - Y) ** 2) / (2 * n) + decay / (2 * n) * (np.sum(W1**2) + np.sum(W2**2))


def backprop(X, Y, cache):
    Z1, H, out = cache
    n = X.shape[1]
    d_out = (out - Y) / n
    gW2 = d_out @ H.T
    gb2 = d_out.sum(axis=1, keepdims=True)
    dZ1 = (W2.T @ d_out) * (1 - H**2)
    gW1 = dZ1 @ X.T
    gb1 = dZ1.sum(axis=1, keepdims=True)
    return gW1, gb1, gW2, gb2


def compute_gradient(X, Y):
    n = X.shape[1]
    gW1, gb1, gW2, gb2 = backprop(X, Y, forward(X))
    return gW1 + decay / n * W1, gb1, gW2 + decay / n * W2, gb2


X_data = np.random.uniform(-2, 2, (2, 40))
Y_data = np.sin(X_data[:1]) * X_data[1:]
for step in range(400):
    gW1, gb1, gW2, gb2 = compute_gradient(X_data, Y_data)
    W1 -= 0.2 * gW1
    b1 -= 0.2 * gb1
    W2 -= 0.2 * gW2
    b2 -= 0.2 * gb2
print("final objective", objective(X_data, Y_data))
