"""Bug: 2-5-5-1 sigmoid net without biases, MSE; the output delta uses the output-form derivative x*(1-x) on the pre-activation z3 instead of on y_hat (expected: derivative_at_preactivation)."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def derivative_sigmoid(x):
    # x is the sigmoid output
    return x * (1 - x)


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size1=5, hidden_size2=5, output_size=1):
        # no biases, just the three weight matrices
        self.W1 = np.random.randn(input_size, hidden_size1)
        self.W2 = np.random.randn(hidden_size1, hidden_size2)
        self.W3 = np.random.randn(hidden_size2, output_size)

    def forward(self, X):
        self.z1 = np.dot(X, self.W1)
        self.a1 = sigmoid(self.z1)
        self.z2 = np.dot(self.a1, self.W2)
        self.a2 = sigmoid(self.z2)
        self.z3 = np.dot(self.a2, self.W3)
        self.y_hat = sigmoid(self.z3)
        return self.y_hat

    def backward(self, X, y, learning_rate):
        n = X.shape[0]
        self.error = self.y_hat - y
        # output layer
        self.delta3 = 2 * self.error / n * derivative_sigmoid(self.z3)
        self.dW3 = np.dot(self.a2.T, self.delta3)
        # second hidden layer
        self.delta2 = np.dot(self.delta3, self.W3.T) * derivative_sigmoid(self.a2)
        self.dW2 = np.dot(self.a1.T, self.delta2)
        # first hidden layer
        self.delta1 = np.dot(self.delta2, self.W2.T) * derivative_sigmoid(self.a1)
        self.dW1 = np.dot(X.T, self.delta1)
        # update weights
        self.W3 -= learning_rate * self.dW3
        self.W2 -= learning_rate * self.dW2
        self.W1 -= learning_rate * self.dW1


# data: is the point inside the unit circle?
np.random.seed(1)
X = np.random.uniform(-1.5, 1.5, size=(100, 2))
y = (np.sum(X ** 2, axis=1, keepdims=True) < 1).astype(float)

model = NeuralNetwork(2, 5, 5, 1)
for epoch in range(10000):
    y_hat = model.forward(X)
    loss = np.mean((y_hat - y) ** 2)
    model.backward(X, y, learning_rate=0.1)
    if epoch % 100 == 0:
        print(f"Epoch {epoch}, Loss: {loss}")

pred = model.forward(X)
for i in range(len(X)):
    print(f"Iter {i} | Ground Truth: {y[i][0]} | Prediction: {pred[i][0]:.8f} |")
print(f"loss= {np.mean((pred - y) ** 2)} accuracy ={np.mean((pred > 0.5) == y) * 100}%")
