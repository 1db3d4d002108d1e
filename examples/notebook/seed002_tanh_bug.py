# Backprop lab, tanh derivative taken at the activation (bug)
# (a notebook saved as a percent-format script: '# %%' starts a cell)


# %% [markdown]
# # Backpropagation lab: a 1-4-1 classifier
#
# One input, four hidden units, one sigmoid output, binary cross-entropy.
# The training loops are written inline; the hidden activation is sigmoid
# first, then tanh.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split

# %%
# Activations and their derivatives (as functions of the pre-activation z)
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(z)


def tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2

# %%
# Toy data: the label says whether x is positive
np.random.seed(0)
X = np.random.uniform(-2.5, 2.5, size=(400, 1))
y = (X > 0).astype(int)
print(X[:3].ravel(), y[:3].ravel())

# %%
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=1)
print(X_train.shape, X_test.shape)

# %% [markdown]
# ## Baseline: sigmoid in the hidden layer

# %%
input_size, hidden_size, output_size = 1, 4, 1

W1 = np.random.randn(input_size, hidden_size) * 0.5
b1 = np.zeros((1, hidden_size))
W2 = np.random.randn(hidden_size, output_size) * 0.5
b2 = np.zeros((1, output_size))

epochs = 1000
lr = 0.05

# %%
losses = []
for i in range(epochs):
    # forward
    Z1 = X_train @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    y_pred = sigmoid(Z2)
    loss = -np.mean(y_train * np.log(y_pred + 1e-9) + (1 - y_train) * np.log(1 - y_pred + 1e-9))
    losses.append(loss)

    # backward (BCE with a sigmoid output: dL/dZ2 = y_pred - y)
    dZ2 = (y_pred - y_train) / X_train.shape[0]
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * sigmoid_derivative(Z1)
    dW1 = X_train.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)

    # gradient descent
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

    if i % 100 == 0:
        print(f"Iteration {i}, loss {loss:.4f}")

# %%
# Learning curve
plt.figure(figsize=(5, 3))
plt.plot(range(epochs), loss_history)
plt.xlabel("iteration")
plt.ylabel("BCE")
plt.show()

# %% [markdown]
# ## tanh in the hidden layer (sigmoid output kept)

# %%
W1 = np.random.randn(input_size, hidden_size) * 0.5
b1 = np.zeros((1, hidden_size))
W2 = np.random.randn(hidden_size, output_size) * 0.5
b2 = np.zeros((1, output_size))

losses = []
for i in range(epochs):
    Z1 = X_train @ W1 + b1
    A1 = tanh(Z1)                              # tanh hidden layer
    Z2 = A1 @ W2 + b2
    y_pred = sigmoid(Z2)                       # sigmoid output
    y_pred = np.clip(y_pred, 1e-9, 1 - 1e-9)   # keep the logs finite
    loss = -np.mean(y_train * np.log(y_pred) + (1 - y_train) * np.log(1 - y_pred))
    losses.append(loss)

    dZ2 = (y_pred - y_train) / X_train.shape[0]
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * tanh_derivative(A1)
    dW1 = X_train.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

    if i % 100 == 0:
        print(f"[tanh] iteration {i}, loss {loss:.4f}")

# %%
A1_test = tanh(X_test @ W1 + b1)
p_test = sigmoid(A1_test @ W2 + b2)
accuracy = np.mean((p_test >= 0.5).astype(int) == y_test)
print(f"test accuracy: {accuracy:.1%}")

# %%
plt.plot(losses)
plt.title("tanh hidden layer")
plt.show()
