"""Correct: layer classes whose biases are kept in float32 (np.zeros(..., dtype=np.float32)) beside float64 weights,
so each stored bias gradient (np.zeros_like(self.b), filled in place) is the float32 rounding of the true value;
ReLU hidden layer, softmax cross-entropy over integer labels, mean over the batch."""
import numpy as np


class Linear:
    def __init__(self, n_in, n_out, scale=0.5):
        self.W = np.random.randn(n_in, n_out) * scale
        self.b = np.zeros((1, n_out), dtype=np.float32)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW[...] = self.x.T @ dout
        self.db[...] = np.sum(dout, axis=0, keepdims=True)
        return dout @ self.W.T


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class SoftmaxCrossEntropy:
    def forward(self, logits, labels):
        shifted = logits - logits.max(axis=1, keepdims=True)
        self.p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        self.labels = labels
        return float(-np.mean(np.log(self.p[np.arange(len(labels)), labels] + 1e-12)))

    def backward(self):
        d = self.p.copy()
        d[np.arange(len(self.labels)), self.labels] -= 1
        return d / len(self.labels)


class MLP:
    def __init__(self, n_in, n_hidden, n_classes):
        self.fc1, self.act, self.fc2 = Linear(n_in, n_hidden), ReLU(), Linear(n_hidden, n_classes)
        self.loss_fn = SoftmaxCrossEntropy()

    def forward(self, x):
        return self.fc2.forward(self.act.forward(self.fc1.forward(x)))

    def backward(self, dout):
        self.fc1.backward(self.act.backward(self.fc2.backward(dout)))

    def step(self, lr):
        for layer in (self.fc1, self.fc2):
            layer.W -= lr * layer.dW
            layer.b -= (lr * layer.db).astype(np.float32)
