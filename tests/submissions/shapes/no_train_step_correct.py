import numpy as np


class FullyConnected:
    def __init__(self, n_in, n_out, seed=None):
        r = np.random.RandomState(seed)
        self.weights = r.randn(n_in, n_out) * 0.1
        self.biases = np.zeros(n_out)

    def forward(self, inputs):
        self.inputs = inputs
        return inputs @ self.weights + self.biases

    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues
        self.dbiases = np.sum(dvalues, axis=0)
        return dvalues @ self.weights.T


class Sigmoid:
    def forward(self, inputs):
        self.output = 1 / (1 + np.exp(-inputs))
        return self.output

    def backward(self, dvalues):
        return dvalues * self.output * (1 - self.output)


class MeanSquaredError:
    def forward(self, y_pred, y_true):
        self.y_pred, self.y_true = y_pred, y_true
        return np.mean((y_true - y_pred) ** 2)

    def backward(self):
        samples, outputs = self.y_pred.shape
        return -2 * (self.y_true - self.y_pred) / outputs / samples


class Model:
    def __init__(self):
        self.layers = [FullyConnected(2, 4, 1), Sigmoid(), FullyConnected(4, 1, 2), Sigmoid()]
        self.loss_function = MeanSquaredError()

    def forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self):
        dvalues = self.loss_function.backward()
        for layer in reversed(self.layers):
            dvalues = layer.backward(dvalues)


X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y = np.array([[0], [1], [1], [0]], dtype=float)
model = Model()
for epoch in range(10001):
    out = model.forward(X)
    loss = model.loss_function.forward(out, y)
    model.backward()
    for layer in model.layers:
        if isinstance(layer, FullyConnected):
            layer.weights -= 0.5 * layer.dweights
            layer.biases -= 0.5 * layer.dbiases
