# Spiral classification with hand-written layers: dense -> relu -> dense -> softmax + cross-entropy
import numpy as np


def spiral(points, classes):
    X = np.zeros((points * classes, 2))
    y = np.zeros(points * classes, dtype="uint8")
    for c in range(classes):
        rows = range(points * c, points * (c + 1))
        radius = np.linspace(0.0, 1, points)
        angle = np.linspace(c * 4, (c + 1) * 4, points) + np.random.randn(points) * 0.2
        X[rows] = np.c_[radius * np.sin(angle * 2.5), radius * np.cos(angle * 2.5)]
        y[rows] = c
    return X, y


class Dense:
    def __init__(self, n_in, n_out):
        self.weights = 0.1 * np.random.randn(n_in, n_out)
        self.biases = np.zeros((1, n_out))

    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs @ self.weights + self.biases

    def backward(self, grad):
        self.dweights = self.inputs.T @ grad
        self.dbiases = grad.sum(axis=0, keepdims=True)
        self.dinputs = grad @ self.weights.T


class ReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, grad):
        self.dinputs = grad.copy()
        self.dinputs[self.inputs <= 0] = 0


class CrossEntropy:
    def forward(self, probs, labels):
        n = probs.shape[0]
        if labels.ndim == 1:
            picked = probs[range(n), labels]
            return -np.log(picked)
        # one-hot rows: the log of every entry weighted by its label (averaged by calculate below)
        return -np.log(probs) * labels

    def calculate(self, probs, labels):
        return np.mean(self.forward(probs, labels))


class SoftmaxCrossEntropy:
    def __init__(self):
        self.loss = CrossEntropy()

    def forward(self, inputs, labels):
        e = np.exp(inputs - inputs.max(axis=1, keepdims=True))
        self.output = e / e.sum(axis=1, keepdims=True)
        return self.loss.calculate(self.output, labels)

    def backward(self, probs, labels):
        n = len(probs)
        if labels.ndim == 2:
            labels = np.argmax(labels, axis=1)
        self.dinputs = probs.copy()
        self.dinputs[range(n), labels] -= 1
        self.dinputs = self.dinputs / n


X, y = spiral(100, 3)
layer1 = Dense(2, 16)
act1 = ReLU()
layer2 = Dense(16, 3)
head = SoftmaxCrossEntropy()

for step in range(501):
    layer1.forward(X)
    act1.forward(layer1.output)
    layer2.forward(act1.output)
    loss = head.forward(layer2.output, y)
    head.backward(head.output, y)
    layer2.backward(head.dinputs)
    act1.backward(layer2.dinputs)
    layer1.backward(act1.dinputs)
    for layer in (layer1, layer2):
        layer.weights -= 1.0 * layer.dweights
        layer.biases -= 1.0 * layer.dbiases
    if step % 100 == 0:
        print(step, loss)
