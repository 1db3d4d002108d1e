import numpy as np

def tanh(x, derivative=False):
    if derivative:
        return 1.0 - x ** 2
    return np.tanh(x)

def sigmoid(x, derivative=False):
    if derivative:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))

X = np.random.rand(20, 2)
Y = (X[:, [0]] > X[:, [1]]).astype(float)

w0 = np.random.randn(2, 5)
w1 = np.random.randn(5, 5)
w2 = np.random.randn(5, 1)
lr = 0.1

for epoch in range(20000):
    a1 = tanh(X @ w0)
    a2 = tanh(a1 @ w1)
    out = sigmoid(a2 @ w2)
    err = Y - out
    d_out = err * sigmoid(out, derivative=True)
    d_a2 = d_out @ w2.T * tanh(a2, derivative=True)
    d_a1 = d_a2 @ w1.T * tanh(tanh(a1), derivative=True)
    w2 += lr * a2.T @ d_out
    w1 += lr * a1.T @ d_a2
    w0 += lr * X.T @ d_a1
    if epoch % 1000 == 0:
        print(np.mean(err ** 2))
