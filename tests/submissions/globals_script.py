"""Student (notebook-turned-script): global weights, functions using globals, training loop at top level."""
import time
import numpy as np
from sklearn_not_installed.model_selection import train_test_split

np.random.seed(42)
input_size = 3
hidden_size = 4
output_size = 2
W1 = np.random.randn(input_size, hidden_size) * 0.5
b1 = np.zeros((1, hidden_size))
W2 = np.random.randn(hidden_size, output_size) * 0.5
b2 = np.zeros((1, output_size)) + 0.1
learning_rate = 0.01


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def forward_pass(X):
    global Z1, A1, Z2
    Z1 = np.dot(X, W1) + b1
    A1 = sigmoid(Z1)
    Z2 = np.dot(A1, W2) + b2
    return Z2


def backward_pass(X, y):
    global W1, b1, W2, b2
    dZ2 = (Z2 - y) / len(y)
    dW2 = np.dot(A1.T, dZ2)
    db2 = np.sum(dZ2, axis=0, keepdims=True)
    dZ1 = np.dot(dZ2, W2.T) * A1 * (1 - A1)
    dW1 = np.dot(X.T, dZ1)
    db1 = np.sum(dZ1, axis=0, keepdims=True)
    W2 = W2 - learning_rate * dW2
    b2 = b2 - learning_rate * db2
    W1 = W1 - learning_rate * dW1
    b1 = b1 - learning_rate * db1


print("TOPLEVEL-RAN")
for iter in range(1000):
    time.sleep(1)
