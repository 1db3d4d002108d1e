# Exercise 2: one forward and one backward pass by hand, gradients printed (no training).
import numpy as np

np.random.seed(4)
x = np.array([[0.2, -0.4, 0.9], [1.1, 0.3, -0.7], [-0.5, 0.8, 0.1]])
y = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.7]])

W1 = np.random.randn(3, 4) * 0.7
b1 = np.random.randn(1, 4) * 0.1
W2 = np.random.randn(4, 2) * 0.7
b2 = np.random.randn(1, 2) * 0.1

# forward
s1 = x @ W1 + b1
a1 = 1 / (1 + np.exp(-s1))
y_hat = a1 @ W2 + b2
cost = 0.5 * np.sum((y_hat - y) ** 2)
print("cost", cost)

# backward
delta_out = y_hat - y
grad_W2 = a1.T @ delta_out
grad_b2 = np.sum(delta_out, axis=0, keepdims=True)
delta_hidden = (delta_out @ W2.T) * a1 * (1 - a1)
grad_W1 = x.T @ delta_hidden
grad_b1 = np.sum(delta_out @ W2.T, axis=0, keepdims=True)

for name, g in [("W1", grad_W1), ("b1", grad_b1), ("W2", grad_W2), ("b2", grad_b2)]:
    print("dE/d" + name, g)
