"""Correct: 2-4-1 sigmoid MLP, BCE, in-place updates in the "ascent form" (error = y - yhat; W += lr*dW), which is plain descent."""
import numpy as np


class NeuralNetwork:
    def __init__(self, input_size=2, hidden_size=4, output_size=1):
        np.random.seed(42)
        self.W1 = np.random.uniform(-1, 1, (input_size, hidden_size))
        self.b1 = np.zeros((1, hidden_size))
        self.W2 = np.random.uniform(-1, 1, (hidden_size, output_size))
        self.b2 = np.zeros((1, output_size))

    def sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(self, s):
        # s is already sigmoid(x)
        return s * (1 - s)

    def forward(self, X):
        self.hidden = self.sigmoid(np.dot(X, self.W1) + self.b1)
        self.output = self.sigmoid(np.dot(self.hidden, self.W2) + self.b2)
        return self.output

    def backward(self, X, y, learning_rate):
        m = X.shape[0]
        # error points from the prediction towards the target
        error = y - self.output
        # cross entropy + sigmoid -> no sigmoid derivative at the output
        output_delta = error / m
        hidden_error = np.dot(output_delta, self.W2.T)
        hidden_delta = hidden_error * self.sigmoid_derivative(self.hidden)

        # since error = y - output these are the negative gradients, so we ADD them
        self.W2 += learning_rate * np.dot(self.hidden.T, output_delta)
        self.b2 += learning_rate * np.sum(output_delta, axis=0, keepdims=True)
        self.W1 += learning_rate * np.dot(X.T, hidden_delta)
        self.b1 += learning_rate * np.sum(hidden_delta, axis=0, keepdims=True)


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [0], [0], [1]])  # AND gate
    nn = NeuralNetwork()
    for i in range(10000):
        out = nn.forward(X)
        nn.backward(X, y, 0.1)
        if i % 1000 == 0:
            loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
            print("iteration", i, "loss", loss)
    print(nn.forward(X))
