"""Bug: tanh derivative evaluated at the activation in the hidden layer (expected: derivative_at_activation)."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def tanh(x):
    return np.tanh(x)


def tanh_derivative(x):
    # derivative of tanh
    return 1 - np.tanh(x) ** 2


class TanhNet:
    """1 input -> 4 tanh hidden units -> 1 sigmoid output, trained with BCE."""

    def __init__(self, input_size=1, hidden_size=4, output_size=1):
        self.W1 = np.random.randn(input_size, hidden_size) * 0.5
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.randn(hidden_size, output_size) * 0.5
        self.b2 = np.zeros((1, output_size))

    def forward(self, X):
        self.Z1 = np.dot(X, self.W1) + self.b1
        self.A1 = tanh(self.Z1)
        self.Z2 = np.dot(self.A1, self.W2) + self.b2
        self.A2 = sigmoid(self.Z2)
        return self.A2

    def backward(self, X, y, learning_rate=0.01):
        m = X.shape[0]
        dZ2 = (self.A2 - y) / m          # BCE + sigmoid
        dW2 = np.dot(self.A1.T, dZ2)
        db2 = np.sum(dZ2, axis=0, keepdims=True)
        dA1 = np.dot(dZ2, self.W2.T)
        dZ1 = dA1 * tanh_derivative(self.A1)   # tanh'
        dW1 = np.dot(X.T, dZ1)
        db1 = np.sum(dZ1, axis=0, keepdims=True)

        self.W1 -= learning_rate * dW1
        self.b1 -= learning_rate * db1
        self.W2 -= learning_rate * dW2
        self.b2 -= learning_rate * db2


np.random.seed(42)
# is x positive? 1000 points in [-2, 2]
X = np.random.uniform(-2, 2, size=(1000, 1))
y = (X > 0).astype(float)
split = int(0.8 * len(X))
X_train, X_test = X[:split], X[split:]
y_train, y_test = y[:split], y[split:]

net = TanhNet(1, 4, 1)
losses = []
for it in range(1000):
    p = net.forward(X_train)
    loss = -np.mean(y_train * np.log(p + 1e-8) + (1 - y_train) * np.log(1 - p + 1e-8))
    losses.append(loss)
    net.backward(X_train, y_train, learning_rate=0.5)
    if it % 100 == 0:
        print(f"Iteration {it}, Loss: {loss:.4f}")

acc = np.mean((net.forward(X_test) > 0.5) == y_test)
print("test accuracy:", acc)
