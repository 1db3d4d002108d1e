"""Correct: DenseLayer/DenseNetwork(layer_sizes, activations) built only in main(); backward(grad_output, lr)
needs dL/d(output) nobody else gives, train_step(x, labels, lr) forms it from integer labels (softmax + CE)."""
import numpy as np


class DenseLayer:
    def __init__(self, n_in, n_out, activation="relu"):
        self.weights = np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.biases = np.zeros((1, n_out))
        self.activation = activation

    def forward(self, x):
        self.input = x
        self.z = x @ self.weights + self.biases
        if self.activation == "relu":
            self.output = np.maximum(0, self.z)
        else:
            e = np.exp(self.z - self.z.max(axis=1, keepdims=True))
            self.output = e / e.sum(axis=1, keepdims=True)
        return self.output

    def backward(self, grad_output, learning_rate):
        grad_z = grad_output * (self.z > 0) if self.activation == "relu" else grad_output
        n = self.input.shape[0]
        grad_w = self.input.T @ grad_z / n
        grad_b = grad_z.sum(axis=0, keepdims=True) / n
        grad_in = grad_z @ self.weights.T
        self.weights -= learning_rate * grad_w
        self.biases -= learning_rate * grad_b
        return grad_in


class DenseNetwork:
    def __init__(self, layer_sizes, activations):
        self.layers = [DenseLayer(a, b, f) for a, b, f in zip(layer_sizes[:-1], layer_sizes[1:], activations)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_output, learning_rate):
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output, learning_rate)

    def train_step(self, x_batch, y_batch, learning_rate):
        probs = self.forward(x_batch)
        onehot = np.zeros_like(probs)
        onehot[np.arange(len(y_batch)), y_batch] = 1
        loss = -np.sum(onehot * np.log(probs + 1e-8)) / len(y_batch)
        self.backward(probs - onehot, learning_rate)
        return loss, np.mean(probs.argmax(1) == y_batch)


def main():
    data = np.load("digits.npz")
    model = DenseNetwork(layer_sizes=[64, 32, 10], activations=["relu", "softmax"])
    for epoch in range(10):
        for i in range(0, len(data["x"]), 32):
            model.train_step(data["x"][i : i + 32], data["y"][i : i + 32], 0.1)


if __name__ == "__main__":
    main()
