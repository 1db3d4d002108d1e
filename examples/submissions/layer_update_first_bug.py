import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Layer:
    def __init__(self, n_inputs, n_neurons):
        self.weights = np.random.uniform(-1, 1, (n_neurons, n_inputs))
        self.biases = np.zeros((n_neurons, 1))

    def forward(self, inputs):
        self.inputs = inputs
        self.output = sigmoid(self.weights @ inputs + self.biases)
        return self.output

    def backward(self, d_output, learning_rate):
        d_z = d_output * self.output * (1 - self.output)
        d_weights = d_z @ self.inputs.T
        d_biases = d_z
        # gradient step for this layer
        self.weights -= learning_rate * d_weights
        self.biases -= learning_rate * d_biases
        # error for the layer below
        return self.weights.T @ d_z


class Network:
    def __init__(self, sizes):
        self.layers = [Layer(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, y_hat, y, learning_rate=0.1):
        # binary cross-entropy on a sigmoid output, through the sigmoid's derivative
        grad = (y_hat - y) / (y_hat * (1 - y_hat))
        for layer in reversed(self.layers):
            grad = layer.backward(grad, learning_rate)

    def loss(self, y_hat, y):
        return float(-np.sum(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


if __name__ == "__main__":
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    net = Network([2, 4, 1])
    for epoch in range(5000):
        for x, y in zip(X, Y):
            x, y = x.reshape(-1, 1), y.reshape(-1, 1)
            net.backward(net.forward(x), y, 0.5)
    print([net.forward(x.reshape(-1, 1)).item() for x in X])
