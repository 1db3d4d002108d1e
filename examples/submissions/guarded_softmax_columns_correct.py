"""Digit classifier as loose functions, one image per column: the softmax adds 1e-12 to its denominator,
the labels arrive one-hot with the sample count passed in, and each bias gradient sums over the samples."""
import numpy as np


def init_params(n_in=6, n_hidden=5, n_classes=4):
    gen = np.random.default_rng(11)
    W1 = gen.normal(0.0, 0.4, (n_hidden, n_in))
    b1 = np.zeros((n_hidden, 1))
    W2 = gen.normal(0.0, 0.4, (n_classes, n_hidden))
    b2 = np.zeros((n_classes, 1))
    return W1, b1, W2, b2


def relu(Z):
    return np.maximum(Z, 0)


def softmax(Z):
    shifted = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return shifted / (np.sum(shifted, axis=0, keepdims=True) + 1e-12)


def forward_prop(X, W1, b1, W2, b2):
    Z1 = W1.dot(X) + b1
    A1 = relu(Z1)
    Z2 = W2.dot(A1) + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2


def one_hot(Y, n_classes):
    out = np.zeros((n_classes, Y.size))
    out[Y, np.arange(Y.size)] = 1.0
    return out


def cross_entropy(A2, one_hot_Y):
    return -np.sum(one_hot_Y * np.log(A2 + 1e-12)) / one_hot_Y.shape[1]


def backward_prop(Z1, A1, A2, W1, W2, X, one_hot_Y, m):
    dZ2 = A2 - one_hot_Y
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = W2.T.dot(dZ2) * (Z1 > 0)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2


def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2


def gradient_descent(X, Y, iterations, alpha):
    W1, b1, W2, b2 = init_params(X.shape[0], 5, int(Y.max()) + 1)
    m = X.shape[1]
    target = one_hot(Y, W2.shape[0])
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(X, W1, b1, W2, b2)
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, A2, W1, W2, X, target, m)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
        if i % 50 == 0:
            print(i, cross_entropy(A2, target))
    return W1, b1, W2, b2
