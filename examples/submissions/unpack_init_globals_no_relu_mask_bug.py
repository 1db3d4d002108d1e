import numpy as np

def relu(z):
    return np.maximum(z, 0)

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

def init_weights():
    np.random.seed(1)
    W1 = np.random.randn(6, 8) * 0.1
    b1 = np.zeros((1, 8))
    W2 = np.random.randn(8, 5) * 0.1
    b2 = np.zeros((1, 5))
    W3 = np.random.randn(5, 3) * 0.1
    b3 = np.zeros((1, 3))
    return W1, b1, W2, b2, W3, b3

W1, b1, W2, b2, W3, b3 = init_weights()

def forward_pass(X):
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    Z2 = A1 @ W2 + b2
    A2 = relu(Z2)
    Z3 = A2 @ W3 + b3
    A3 = softmax(Z3)
    return Z1, A1, Z2, A2, Z3, A3

def cross_entropy(A3, Y):
    return -np.mean(np.sum(Y * np.log(A3 + 1e-8), axis=1))

def backward_pass(X, Y, Z1, A1, Z2, A2, Z3, A3):
    m = X.shape[0]
    dZ3 = (A3 - Y) / m
    dW3 = A2.T @ dZ3
    db3 = dZ3.sum(axis=0, keepdims=True)
    dZ2 = dZ3 @ W3.T * (Z2 > 0)
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = dZ2 @ W2.T
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)
    return dW1, db1, dW2, db2, dW3, db3

def update(grads, lr):
    global W1, b1, W2, b2, W3, b3
    dW1, db1, dW2, db2, dW3, db3 = grads
    W1 -= lr * dW1; b1 -= lr * db1
    W2 -= lr * dW2; b2 -= lr * db2
    W3 -= lr * dW3; b3 -= lr * db3

data = np.load("digits.npz")
X_train, Y_train = data["x"], data["y"]
for epoch in range(10):
    cache = forward_pass(X_train)
    update(backward_pass(X_train, Y_train, *cache), 0.1)
