"""Correct: cost_function(theta, X, y, n_in, n_hidden, n_out, lam) unpacks one flat theta into W1, b1, W2, b2 (reshapes of slices), sigmoid layers, BCE averaged over m plus (lam / 2m) * sum of squared weights; returns (J, grad) with grad flat; gradient_descent() and a top-level script update theta."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def unpack(theta, n_in, n_hidden, n_out):
    a = n_in * n_hidden
    W1 = theta[:a].reshape(n_in, n_hidden)
    b1 = theta[a : a + n_hidden]
    c = a + n_hidden
    W2 = theta[c : c + n_hidden * n_out].reshape(n_hidden, n_out)
    b2 = theta[c + n_hidden * n_out :]
    return W1, b1, W2, b2


def cost_function(theta, X, y, n_in, n_hidden, n_out, lam):
    W1, b1, W2, b2 = unpack(theta, n_in, n_hidden, n_out)
    m = X.shape[0]
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    J = -np.sum(y * np.log(A2) + (1 - y) * np.log(1 - A2)) / m
    J += lam / (2 * m) * (np.sum(W1**2) + np.sum(W2**2))
    dZ2 = (A2 - y) / m
    dW2 = A1.T @ dZ2 + lam / m * W2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
    dW1 = X.T @ dZ1 + lam / m * W1
    db1 = dZ1.sum(axis=0)
    grad = np.concatenate([dW1.ravel(), db1, dW2.ravel(), db2])
    return J, grad


def gradient_descent(theta, X, y, n_in, n_hidden, n_out, lam, alpha, iters):
    for _ in range(iters):
        J, grad = cost_function(theta, X, y, n_in, n_hidden, n_out, lam)
        theta = theta - alpha * grad
    return theta


n_in, n_hidden, n_out = 4, 7, 2
rs = np.random.RandomState(3)
X = rs.randn(30, n_in)
y = np.eye(n_out)[(X[:, 0] + X[:, 2] > 0).astype(int)]
theta0 = rs.uniform(-0.5, 0.5, n_in * n_hidden + n_hidden + n_hidden * n_out + n_out)
theta = gradient_descent(theta0, X, y, n_in, n_hidden, n_out, 0.1, 1.0, 500)
print("final cost", cost_function(theta, X, y, n_in, n_hidden, n_out, 0.1)[0])
